# rfs.s — the file system as seen from a CPU that does not own it: the names of
# guests/lib/fs/fs.s (iget, ilock, readi, writei, namei, dirlink, …) with every
# operation that needs the disk sent as a request to the file-system service (CPU 0's
# svc.s + fsserv.s in the multikernel; the storage component in the disaggregated
# kernel) and answered there by the real fs.s.
#
# Concept: a proxy for a partitioned service (Baumann et al., §4: "services … accessed
# by message passing"; the monitors' RPC). The monolithic sources this CPU driver runs
# — open, read, write, exec, mkdir, unlink in sysfile.s, file.s, exec.s — call these
# names and cannot tell. An in-memory inode here is a proxy: inode number, references,
# a sleep lock, and a copy of type, links and size that is fetched at every ilock
# (FS_GETATTR: another CPU may have changed the file since) — valid while it is
# locked, which is when fs.s's callers read it. The first fetch pins the inode at the
# service for this CPU; the last iput unpins it (FS_PUT). Data travel in the request's
# bulk buffer, BULK_SIZE bytes per request.
#
# Provides: fsinit, iget, idup, ilock, iunlock, iput, iunlockput, iupdate, itrunc,
#   ialloc, readi, writei, stati, dirlookup, dirlink, namei, nameiparent, namei_errno,
#   I_INUM, I_TYPE, I_NLINK, I_SIZE, DIRSIZ — and fs_server (the CPU of the service)

PARAM NINODE, 48

.equ I_INUM, 0
.equ I_REF, 4
.equ I_PINNED, 8                        # the service holds it for us (FS_PUT at the end)
.equ I_BUSY, 12                         # 0 free, 1 locked, 2 locked and wanted
.equ I_TYPE, 16
.equ I_NLINK, 18
.equ I_SIZE, 20
.equ INODE_SIZE, 32
.equ DIRSIZ, 14

# fsinit(): nothing to read here: the service mounted the disk.
fsinit:
    ret

# fsreq(a0 = op, a1 = arg1, a2 = arg2, a3 = arg3, a4 = slot) -> a0, a1, a2: the
# answer's A0..A2 (a0 = -EIO if the service did not answer: rfs_timeout ticks).
fsreq:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a4
    li   s5, 0                          # 1: no answer in time
    li   t0, MT_SVC
    sw   t0, M_TYPE(sp)
    sw   a0, M_A0(sp)
    sw   a1, M_A1(sp)
    sw   a2, M_A2(sp)
    sw   a3, M_A3(sp)
    la   t0, fs_server
    lw   a0, 0(t0)
    mv   a1, sp
    mv   a2, s1
    la   t0, rfs_timeout
    lw   a3, 0(t0)
    call rpc_call
    bnez a0, 8f
    mv   a0, s1
    call rpc_slot
    lw   t0, RS_MSG+M_A0(a0)
    lw   a1, RS_MSG+M_A1(a0)
    lw   a2, RS_MSG+M_A2(a0)
    mv   a0, t0
    j    9f
8:  li   s5, 1
    li   a0, -EIO
    li   a1, 0
    li   a2, 0
9:
.ifdef FS_WATCH
    mv   s2, a0                         # the disaggregated kernel: is the service there?
    mv   s3, a1
    mv   s4, a2
    mv   a0, s5
    call fs_watch                       # (a0 = 1: it did not answer)
    mv   a0, s2
    mv   a1, s3
    mv   a2, s4
.endif
    addi sp, sp, URPC_LINE
    EPILOGUE

# fsreq1(a0 = op, a1, a2, a3) -> a0, a1, a2: a request without data (its own slot).
fsreq1:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    call rpc_alloc
    mv   s5, a0
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    mv   a3, s4
    mv   a4, s5
    call fsreq
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   a0, s5
    call rpc_free
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    EPILOGUE

# my_bulk(a0 = slot) -> a0 = its bulk buffer.
my_bulk:
    mv   a1, a0
    la   t0, my_cpu
    lw   a0, 0(t0)
    j    bulk_of

# take_attrs(a0 = proxy, a1 = type | nlink << 16, a2 = size). Leaf.
take_attrs:
    sh   a1, I_TYPE(a0)
    srli a1, a1, 16
    sh   a1, I_NLINK(a0)
    sw   a2, I_SIZE(a0)
    ret

# iget(a0 = inum) -> a0 = its proxy (ref + 1, unlocked). No request.
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
    sw   zero, I_PINNED(t3)
    sw   zero, I_BUSY(t3)
    sw   zero, I_TYPE(t3)
    sw   zero, I_SIZE(t3)
    mv   a0, t3
    ret
9:  la   a0, msg_noinodes
    j    panic

idup:
    lw   t0, I_REF(a0)
    addi t0, t0, 1
    sw   t0, I_REF(a0)
    ret

# ilock(a0 = proxy): the sleep lock, then fresh attributes (and the pin, the first time).
ilock:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, I_BUSY(s1)
    beqz t0, 2f
    li   t0, 2
    sw   t0, I_BUSY(s1)
    mv   a0, s1
    call env_sleep
    j    1b
2:  li   t0, 1
    sw   t0, I_BUSY(s1)
    li   a0, FS_GETATTR
    lw   a1, I_INUM(s1)
    lw   a2, I_PINNED(s1)
    seqz a2, a2
    li   a3, 0
    call fsreq1
    blt  a0, zero, 9f
    li   t0, 1
    sw   t0, I_PINNED(s1)
    mv   a0, s1
    call take_attrs
9:  EPILOGUE

iunlock:
    PROLOGUE
    lw   t0, I_BUSY(a0)
    sw   zero, I_BUSY(a0)
    li   t1, 2
    bne  t0, t1, 1f
    call env_wakeup
1:  EPILOGUE

# iput(a0 = proxy): drop a reference; with the last one the service may let it go.
# The reference goes before the FS_PUT request, which sleeps: a process that igets
# the same inode meanwhile must not take a proxy whose last reference is being given
# back (the proxy would be freed under it, then reused for another inode). It gets a
# fresh proxy and pins the inode again; the service sees the unpin first (one channel,
# in order).
iput:
    PROLOGUE
    mv   s1, a0
    lw   t0, I_REF(s1)
    addi t0, t0, -1
    sw   t0, I_REF(s1)
    bnez t0, 1f
    lw   t1, I_PINNED(s1)
    beqz t1, 1f
    sw   zero, I_PINNED(s1)
    li   a0, FS_PUT
    lw   a1, I_INUM(s1)
    li   a2, 0
    li   a3, 0
    call fsreq1
1:  EPILOGUE

iunlockput:
    PROLOGUE
    mv   s1, a0
    call iunlock
    mv   a0, s1
    call iput
    EPILOGUE

# iupdate(a0 = locked proxy): the link count (the only attribute callers change) to the
# service, which writes the inode.
iupdate:
    PROLOGUE
    mv   s1, a0
    li   a0, FS_SETATTR
    lw   a1, I_INUM(s1)
    lhu  a2, I_NLINK(s1)
    li   a3, 0
    call fsreq1
    blt  a0, zero, 9f
    mv   a0, s1
    call take_attrs
9:  EPILOGUE

itrunc:
    PROLOGUE
    mv   s1, a0
    li   a0, FS_TRUNC
    lw   a1, I_INUM(s1)
    li   a2, 0
    li   a3, 0
    call fsreq1
    blt  a0, zero, 9f
    mv   a0, s1
    call take_attrs
9:  EPILOGUE

# ialloc(a0 = type) -> a0 = a proxy of a new inode (unlocked, ref 1) or 0.
ialloc:
    PROLOGUE
    mv   a1, a0
    li   a0, FS_IALLOC
    li   a2, 0
    li   a3, 0
    call fsreq1
    ble  a0, zero, 9f
    call iget
    EPILOGUE
9:  li   a0, 0
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

# readi(a0 = locked proxy, a1 = user?, a2 = dst, a3 = off, a4 = n) -> bytes / -1
readi:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    li   s6, 0                          # done
    call rpc_alloc
    mv   s7, a0
    call my_bulk
    mv   s8, a0
1:  bgeu s6, s5, 8f
    sub  a3, s5, s6
    li   t0, BULK_SIZE
    bleu a3, t0, 2f
    mv   a3, t0
2:  sw   a3, 0(sp)                      # asked this time
    li   a0, FS_READ
    lw   a1, I_INUM(s1)
    add  a2, s4, s6
    mv   a4, s7
    call fsreq
    blt  a0, zero, 7f
    sw   a0, 4(sp)                      # got
    beqz a0, 8f
    mv   a0, s2
    add  a1, s3, s6
    mv   a2, s8
    lw   a3, 4(sp)
    call env_copyout
    bnez a0, 7f
    lw   t0, 4(sp)
    add  s6, s6, t0
    lw   t1, 0(sp)
    bgeu t0, t1, 1b                     # a short read: the end of the file
8:  mv   a0, s7
    call rpc_free
    mv   a0, s6
    EPILOGUE
7:  mv   a0, s7
    call rpc_free
    li   a0, -1
    EPILOGUE

# writei(a0 = locked proxy, a1 = user?, a2 = src, a3 = off, a4 = n) -> bytes written,
# or -errno if nothing could be
writei:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    li   s6, 0
    call rpc_alloc
    mv   s7, a0
    call my_bulk
    mv   s8, a0
    li   t0, -EFAULT
    sw   t0, 8(sp)                      # the error if nothing is written
1:  bgeu s6, s5, 8f
    sub  t0, s5, s6
    li   t1, BULK_SIZE
    bleu t0, t1, 2f
    mv   t0, t1
2:  sw   t0, 0(sp)
    mv   a0, s2
    mv   a1, s8
    add  a2, s3, s6
    mv   a3, t0
    call env_copyin
    bnez a0, 8f
    li   a0, FS_WRITE
    lw   a1, I_INUM(s1)
    add  a2, s4, s6
    lw   a3, 0(sp)
    mv   a4, s7
    call fsreq
    blt  a0, zero, 6f
    sw   a0, 4(sp)
    mv   a0, s1
    call take_attrs
    lw   t0, 4(sp)
    add  s6, s6, t0
    lw   t1, 0(sp)
    bgeu t0, t1, 1b
    j    8f
6:  sw   a0, 8(sp)
8:  mv   a0, s7
    call rpc_free
    mv   a0, s6
    bnez s6, 9f
    beqz s5, 9f
    lw   a0, 8(sp)
9:  EPILOGUE

# dirlookup(a0 = locked directory proxy, a1 = name, a2 = &off or 0) -> a0 = a proxy of
# the entry's inode (unlocked) or 0
dirlookup:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    call rpc_alloc
    mv   s4, a0
    call my_bulk
    mv   a1, s2
    li   a2, DIRSIZ + 1
    call strlcpy
    li   a0, FS_LOOKUP
    lw   a1, I_INUM(s1)
    li   a2, 0
    li   a3, 0
    mv   a4, s4
    call fsreq
    mv   s5, a0
    beqz s3, 1f
    sw   a1, 0(s3)
1:  mv   a0, s4
    call rpc_free
    li   a0, 0
    ble  s5, zero, 9f
    mv   a0, s5
    call iget
9:  EPILOGUE

# dirlink(a0 = locked directory proxy, a1 = name, a2 = inum) -> 0 / -errno
dirlink:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    call rpc_alloc
    mv   s4, a0
    call my_bulk
    mv   a1, s2
    li   a2, DIRSIZ + 1
    call strlcpy
    li   a0, FS_LINK
    lw   a1, I_INUM(s1)
    mv   a2, s3
    li   a3, 0
    mv   a4, s4
    call fsreq
    mv   s5, a0
    mv   a0, s4
    call rpc_free
    mv   a0, s5
    EPILOGUE

# namei(a0 = path) -> a0 = proxy or 0 (namei_errno); nameiparent(a0 = path, a1 =
# name[16]) -> the parent's proxy or 0. Relative paths start at the caller's directory.
namei:
    li   t2, 0
    j    rnamex
nameiparent:
    li   t2, 1
rnamex:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, t2
    call rpc_alloc
    mv   s4, a0
    call my_bulk
    mv   s5, a0
    mv   a1, s1
    li   a2, MAXPATH
    call strlcpy
    call env_cwd
    li   a1, 1
    beqz a0, 1f
    lw   a1, I_INUM(a0)
1:  li   a0, FS_NAMEI
    beqz s3, 2f
    li   a0, FS_PARENT
2:  li   a2, 0
    li   a3, 0
    mv   a4, s4
    call fsreq
    mv   s6, a0
    ble  s6, zero, 3f
    beqz s3, 3f
    mv   a0, s2                         # the last element's name
    li   t0, BULK_NAME
    add  a1, s5, t0
    li   a2, DIRSIZ + 2
    call memmove
3:  mv   a0, s4
    call rpc_free
    bgt  s6, zero, 4f
    neg  t0, s6
    la   t1, namei_errno
    sw   t0, 0(t1)
    li   a0, 0
    EPILOGUE
4:  mv   a0, s6
    call iget
    EPILOGUE


# on_svc(a0 = MT_SVC message): this CPU has no services (the file system is elsewhere): -EIO at once.
on_svc:
    li   a1, -EIO
    li   a2, 0
    li   a3, 0
    j    reply

.rodata
msg_noinodes: .asciz "iget: no free in-memory inodes"
.data
    .balign 4
namei_errno: .word 0
fs_server:   .word 0                    # the CPU of the file-system service
rfs_timeout: .word 0                    # ticks to wait for an answer (0: forever)
.bss
    .balign 16
itable: .space NINODE * INODE_SIZE
.text
