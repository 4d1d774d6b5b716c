# vfs.s — the kernel's VFS layer of the hybrid kernel: the API of the file-system
# component (guests/lib/fs/fs.s: iget, ilock, readi, writei, namei, dirlink, …) with
# every operation forwarded to the user-level server.
#
# Concept: the semi-microkernel's split (seed: kernel structures, "3. Semi-
# Microkernel"; OS-structure slides, "hybrid kernel"). The monolithic kernel's own
# system calls (sysfile.s, file.s, exec.s, proc.s — unchanged sources) call the same
# names as before; here an in-memory inode is only a proxy — inode number, reference
# count, sleep lock and a copy of type, links and size — and each operation that needs
# the disk becomes a request on the channel (fuse.s) to fsd.s, which runs the real
# fs.s on the real buffer cache in user space. Like FUSE's lowlevel API the requests
# name inodes by number; the server keeps an inode "pinned" while the kernel holds a
# proxy for it (FOP_PUT releases it), so an unlinked file stays readable until its
# last close, as in the monolithic kernel.
#
# Provides the names of fs.s: fsinit, iget, idup, ilock, iunlock, iput, iunlockput,
# iupdate, itrunc, ialloc, readi, writei, stati, dirlookup, dirlink, namei,
# nameiparent, namei_errno, I_INUM, I_TYPE, I_NLINK, I_SIZE, DIRSIZ.

PARAM NINODE, 48

.equ I_INUM, 0
.equ I_REF, 4
.equ I_VALID, 8                         # the attributes below are the server's
.equ I_BUSY, 12                         # 0 free, 1 locked, 2 locked and wanted
.equ I_TYPE, 16
.equ I_NLINK, 18
.equ I_SIZE, 20
.equ I_REMOTE, 24                       # the server has heard of it (send FOP_PUT)
.equ INODE_SIZE, 32
.equ DIRSIZ, 14

# fsinit(): start the file-system server
fsinit:
    j    fuse_start

# iget(a0 = inum) -> a0 = its proxy (ref + 1, unlocked). No request: nothing is
# asked of the server until the inode is used.
iget:
    la   t0, itable
    li   t1, NINODE
    li   t3, 0                          # first empty slot
1:  lw   t2, I_REF(t0)
    beqz t2, 2f
    lw   t2, I_INUM(t0)
    bne  t2, a0, 3f
    lw   t2, I_REF(t0)
    addi t2, t2, 1
    sw   t2, I_REF(t0)
    mv   a0, t0
    ret
2:  bnez t3, 3f
    mv   t3, t0
3:  addi t0, t0, INODE_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    beqz t3, 9f
    sw   a0, I_INUM(t3)
    li   t2, 1
    sw   t2, I_REF(t3)
    sw   zero, I_VALID(t3)
    sw   zero, I_BUSY(t3)
    sw   zero, I_REMOTE(t3)
    mv   a0, t3
    ret
9:  la   a0, msg_noinodes
    j    panic

idup:
    lw   t0, I_REF(a0)
    addi t0, t0, 1
    sw   t0, I_REF(a0)
    ret

# fop(a0 = op, a1 = inode proxy or 0, a2 = arg1, a3 = arg2) -> a0 = a request with
# that header, for the caller to add data to, send (fuse_call) and free
fop:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    li   a1, 0
    beqz s2, 1f
    lw   a1, I_INUM(s2)
    li   t0, 1
    sw   t0, I_REMOTE(s2)
1:  mv   a0, s1
    call freq_alloc
    sw   s3, FR_MSG+FM_ARG1(a0)
    sw   s4, FR_MSG+FM_ARG2(a0)
    EPILOGUE

# attrs(a0 = request, a1 = proxy): take the inode's attributes from the answer. Leaf.
attrs:
    lw   t0, FR_MSG+FM_RES(a0)
    blt  t0, zero, 1f
    lw   t0, FR_MSG+FM_TYPE(a0)
    sh   t0, I_TYPE(a1)
    lw   t0, FR_MSG+FM_NLINK(a0)
    sh   t0, I_NLINK(a1)
    lw   t0, FR_MSG+FM_ISIZE(a0)
    sw   t0, I_SIZE(a1)
1:  ret

# ilock(a0 = proxy): the sleep lock; the first time, the attributes (FOP_GETATTR)
ilock:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, I_BUSY(s1)
    beqz t0, 2f
    li   t0, 2
    sw   t0, I_BUSY(s1)
    mv   a0, s1
    call sleep
    j    1b
2:  li   t0, 1
    sw   t0, I_BUSY(s1)
    lw   t0, I_VALID(s1)
    bnez t0, 9f
    li   a0, FOP_GETATTR
    mv   a1, s1
    call fop
    mv   s2, a0
    call fuse_call
    sh   zero, I_TYPE(s1)               # (no server: no such inode)
    sh   zero, I_NLINK(s1)
    sw   zero, I_SIZE(s1)
    blt  a0, zero, 3f
    li   t0, 1
    sw   t0, I_VALID(s1)
    mv   a0, s2
    mv   a1, s1
    call attrs
3:  mv   a0, s2
    call freq_free
9:  EPILOGUE

iunlock:
    PROLOGUE
    lw   t0, I_BUSY(a0)
    sw   zero, I_BUSY(a0)
    li   t1, 2
    bne  t0, t1, 1f
    call wakeup
1:  EPILOGUE

# iput(a0 = proxy): drop a reference; with the last one the server may let the inode
# go (and free it if it has no links left)
iput:
    PROLOGUE
    mv   s1, a0
    lw   t0, I_REF(s1)
    li   t1, 1
    bne  t0, t1, 1f
    lw   t0, I_REMOTE(s1)
    beqz t0, 1f
    li   a0, FOP_PUT
    mv   a1, s1
    call fop
    mv   s2, a0
    call fuse_call
    mv   a0, s2
    call freq_free
    sw   zero, I_REMOTE(s1)
    sw   zero, I_VALID(s1)
1:  lw   t0, I_REF(s1)
    addi t0, t0, -1
    sw   t0, I_REF(s1)
    EPILOGUE

iunlockput:
    PROLOGUE
    mv   s1, a0
    call iunlock
    mv   a0, s1
    call iput
    EPILOGUE

# iupdate(a0 = locked proxy): the kernel changed its link count: tell the server
iupdate:
    PROLOGUE
    mv   s1, a0
    li   a0, FOP_SETATTR
    mv   a1, s1
    lhu  a2, I_NLINK(s1)
    call fop
    mv   s2, a0
    call fuse_call
    mv   a0, s2
    mv   a1, s1
    call attrs
    mv   a0, s2
    call freq_free
    EPILOGUE

# itrunc(a0 = locked proxy)
itrunc:
    PROLOGUE
    mv   s1, a0
    li   a0, FOP_ITRUNC
    mv   a1, s1
    call fop
    mv   s2, a0
    call fuse_call
    mv   a0, s2
    mv   a1, s1
    call attrs
    mv   a0, s2
    call freq_free
    EPILOGUE

# ialloc(a0 = type) -> a0 = a proxy for a new inode (unlocked, ref 1), or 0
ialloc:
    PROLOGUE
    mv   a2, a0
    li   a0, FOP_IALLOC
    li   a1, 0
    call fop
    mv   s2, a0
    call fuse_call
    mv   s1, a0
    mv   a0, s2
    call freq_free
    ble  s1, zero, 8f
    mv   a0, s1
    call iget
    li   t0, 1                          # the server keeps it for us
    sw   t0, I_REMOTE(a0)
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# stati(a0 = locked proxy, a1 = struct stat *, kernel). Leaf.
stati:
    lhu  t0, I_TYPE(a0)
    sh   t0, 0(a1)
    lhu  t0, I_NLINK(a0)
    sh   t0, 2(a1)
    lw   t0, I_INUM(a0)
    sw   t0, 4(a1)
    lw   t0, I_SIZE(a0)
    sw   t0, 8(a1)
    sw   zero, 12(a1)
    ret

# readi(a0 = locked proxy, a1 = user?, a2 = dst, a3 = off, a4 = n) -> bytes / -1:
# FM_CHUNK bytes per request, each copied to dst as it comes
readi:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    li   s6, 0                          # total
1:  bgeu s6, s5, 7f
    sub  s7, s5, s6                     # this chunk
    li   t0, FM_CHUNK
    bleu s7, t0, 2f
    mv   s7, t0
2:  li   a0, FOP_READ
    mv   a1, s1
    mv   a2, s4
    mv   a3, s7
    call fop
    mv   s8, a0
    call fuse_call
    blt  a0, zero, 8f
    sw   a0, 0(sp)                      # bytes
    mv   a0, s2
    mv   a1, s3
    addi a2, s8, FR_MSG+FM_DATA
    lw   a3, 0(sp)
    call env_copyout
    bnez a0, 8f
    mv   a0, s8
    call freq_free
    lw   t0, 0(sp)
    add  s6, s6, t0
    add  s4, s4, t0
    add  s3, s3, t0
    beq  t0, s7, 1b                     # a short read: the end of the file
7:  mv   a0, s6
    EPILOGUE
8:  mv   a0, s8
    call freq_free
    mv   a0, s6
    bnez a0, 9f
    li   a0, -1
9:  EPILOGUE

# writei(a0 = locked proxy, a1 = user?, a2 = src, a3 = off, a4 = n) -> bytes written,
# or -errno when nothing was
writei:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    li   s6, 0
1:  sub  s7, s5, s6
    li   t0, FM_CHUNK
    bleu s7, t0, 2f
    mv   s7, t0
2:  li   a0, FOP_WRITE
    mv   a1, s1
    mv   a2, s4
    li   a3, 0
    call fop
    mv   s8, a0
    sw   s7, FR_MSG+FM_LEN(s8)
    mv   a0, s2                         # the bytes, from wherever they are
    addi a1, s8, FR_MSG+FM_DATA
    mv   a2, s3
    mv   a3, s7
    call env_copyin
    beqz a0, 3f
    li   s7, -EFAULT
    j    8f
3:  mv   a0, s8
    call fuse_call
    mv   s7, a0
    mv   a0, s8
    mv   a1, s1
    call attrs
    blt  s7, zero, 8f
    mv   a0, s8
    call freq_free
    add  s6, s6, s7
    add  s4, s4, s7
    add  s3, s3, s7
    beqz s7, 7f
    bltu s6, s5, 1b
7:  mv   a0, s6
    EPILOGUE
8:  mv   a0, s8
    call freq_free
    mv   a0, s6
    bnez a0, 9f
    mv   a0, s7
9:  EPILOGUE

# dirlookup(a0 = locked directory, a1 = name, a2 = &off or 0) -> a0 = proxy or 0
dirlookup:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   a0, FOP_DIRLOOKUP
    mv   a1, s1
    call fop
    mv   s4, a0
    addi a0, s4, FR_MSG+FM_DATA
    mv   a1, s2
    li   a2, DIRSIZ
    call memmove
    li   t0, DIRSIZ
    sw   t0, FR_MSG+FM_LEN(s4)
    mv   a0, s4
    call fuse_call
    mv   s5, a0
    lw   s6, FR_MSG+FM_R1(s4)
    mv   a0, s4
    call freq_free
    ble  s5, zero, 8f
    beqz s3, 1f
    sw   s6, 0(s3)
1:  mv   a0, s5
    call iget
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# dirlink(a0 = locked directory, a1 = name, a2 = inum) -> 0 / -EEXIST / -ENOSPC
dirlink:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   a2, a2
    sw   a2, 0(sp)
    li   a0, FOP_DIRLINK
    mv   a1, s1
    lw   a2, 0(sp)
    call fop
    mv   s4, a0
    addi a0, s4, FR_MSG+FM_DATA
    mv   a1, s2
    li   a2, DIRSIZ
    call memmove
    li   t0, DIRSIZ
    sw   t0, FR_MSG+FM_LEN(s4)
    mv   a0, s4
    call fuse_call
    mv   s5, a0
    mv   a0, s4
    mv   a1, s1
    call attrs
    mv   a0, s4
    call freq_free
    mv   a0, s5
    EPILOGUE

# namex(a0 = op, a1 = path, a2 = name[16] or 0) -> a0 = proxy or 0 (namei_errno set)
namex:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    call env_cwd                        # relative paths start at the caller's cwd
    li   s4, 1
    beqz a0, 1f
    lw   s4, I_INUM(a0)
1:  mv   a0, s1
    li   a1, 0
    call fop
    mv   s5, a0
    sw   s4, FR_MSG+FM_INUM(s5)
    mv   a0, s2
    call strlen
    addi a2, a0, 1
    li   t0, MAXPATH
    bleu a2, t0, 2f
    mv   a2, t0
2:  sw   a2, FR_MSG+FM_LEN(s5)
    addi a0, s5, FR_MSG+FM_DATA
    mv   a1, s2
    call memmove
    mv   a0, s5
    call fuse_call
    mv   s6, a0
    blt  a0, zero, 8f
    beqz s3, 3f
    mv   a0, s3                         # the last element of the path
    addi a1, s5, FR_MSG+FM_DATA
    li   a2, 16
    call memmove
3:  mv   a0, s5
    call freq_free
    mv   a0, s6
    call iget
    EPILOGUE
8:  neg  t0, s6
    la   t1, namei_errno
    sw   t0, 0(t1)
    mv   a0, s5
    call freq_free
    li   a0, 0
    EPILOGUE

namei:
    mv   a1, a0
    li   a0, FOP_NAMEI
    li   a2, 0
    j    namex

# nameiparent(a0 = path, a1 = name[16]) -> parent proxy or 0
nameiparent:
    mv   a2, a1
    mv   a1, a0
    li   a0, FOP_NAMEIPARENT
    j    namex

.rodata
msg_noinodes: .asciz "iget: no free in-memory inodes"
.data
    .balign 4
namei_errno: .word 0
.bss
    .balign 16
itable: .space NINODE * INODE_SIZE
.text
