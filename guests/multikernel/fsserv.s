# fsserv.s — the file system as a service: one request (an operation of fs.s naming
# inodes by number, its data in the request's bulk buffer) run on the real file system
# component, guests/lib/fs (fs.s, bio.s, the disk driver) of the CPU that owns the disk.
#
# Concept: a partitioned service instead of shared state (Baumann et al., §3.3, §4: a
# service lives on one core and clients on the others reach it by messages; seed: the
# OS-structure slides, "use message abstraction between CPU and devices"). The other
# CPU drivers' proxies (rfs.s) turn each fs.s call into a request; this file answers it
# with the same fs.s call. An inode a proxy holds stays *pinned* here (a reference kept
# in `pins` on behalf of that CPU) until it says FS_PUT, so a file unlinked while open
# elsewhere stays readable until its last close there — as on one kernel. Used by the
# multikernel's CPU 0 (svc.s) and the disaggregated kernel's storage component, each of
# which provides fss_enter_cwd / fss_leave_cwd (the requester's directory, for relative
# paths: fs.s asks env_cwd).

.equ NPIN, 96
.equ PIN_CPU, 0
.equ PIN_INUM, 4
.equ PIN_IP, 8
.equ PIN_SIZE, 12

# fss_handle(a0 = request, a1 = its bulk buffer) -> a0 = result, a1 = type | nlink << 16
# (or a second result), a2 = size: the answer's A0, A1, A2.
fss_handle:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, M_A0(s1)
    addi t0, t0, -1
    sltiu t1, t0, FS_PARENT
    beqz t1, 9f
    slli t0, t0, 2
    la   t1, fss_ops
    add  t0, t0, t1
    lw   t3, 0(t0)
    mv   a0, s1
    mv   a1, s2
    jalr ra, t3, 0
    EPILOGUE
9:  li   a0, -EINVAL
    li   a1, 0
    li   a2, 0
    EPILOGUE

# fss_attrs(a0 = locked inode) -> a0 = 0, a1 = type | nlink << 16, a2 = size. Leaf.
fss_attrs:
    lhu  a1, I_TYPE(a0)
    lhu  t0, I_NLINK(a0)
    slli t0, t0, 16
    or   a1, a1, t0
    lw   a2, I_SIZE(a0)
    li   a0, 0
    ret

# fss_locked(a0 = request) -> a0 = iget + ilock of the inode in A1 (s-registers of the
# caller untouched).
fss_locked:
    PROLOGUE
    lw   a0, M_A1(a0)
    call iget
    mv   s1, a0
    call ilock
    mv   a0, s1
    EPILOGUE

fss_getattr:
    PROLOGUE
    mv   s1, a0
    call fss_locked
    mv   s2, a0
    call fss_attrs
    mv   s3, a1
    mv   s4, a2
    mv   a0, s2
    call iunlock
    lw   t0, M_A2(s1)                   # pin it for the asking CPU?
    beqz t0, 1f
    mv   a0, s1
    mv   a1, s2
    call pin_add
    bnez a0, 2f
1:  mv   a0, s2
    call iput
2:  li   a0, 0
    mv   a1, s3
    mv   a2, s4
    EPILOGUE

fss_put:
    PROLOGUE
    call pin_remove
    beqz a0, 1f
    call iput
1:  li   a0, 0
    li   a1, 0
    li   a2, 0
    EPILOGUE

fss_setattr:
    PROLOGUE
    mv   s1, a0
    call fss_locked
    mv   s2, a0
    lw   t0, M_A2(s1)
    sh   t0, I_NLINK(s2)
    call iupdate
    j    fss_attrs_put

fss_trunc:
    PROLOGUE
    call fss_locked
    mv   s2, a0
    call itrunc
fss_attrs_put:                          # (shared tail: s2 = locked inode)
    mv   a0, s2
    call fss_attrs
    mv   s3, a0
    mv   s4, a1
    mv   s5, a2
    mv   a0, s2
    call iunlockput
    mv   a0, s3
    mv   a1, s4
    mv   a2, s5
    EPILOGUE

fss_ialloc:
    PROLOGUE
    lw   a0, M_A1(a0)
    call ialloc
    beqz a0, 1f
    lw   s1, I_INUM(a0)
    call iput                           # not read yet (not valid): not freed by this
    mv   a0, s1
1:  li   a1, 0
    li   a2, 0
    EPILOGUE

fss_read:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call fss_locked
    mv   s3, a0
    li   a1, 0
    mv   a2, s2
    lw   a3, M_A2(s1)
    lw   a4, M_A3(s1)
    li   t0, BULK_SIZE
    bleu a4, t0, 1f
    mv   a4, t0
1:  call readi
    mv   s4, a0
    mv   a0, s3
    call iunlockput
    mv   a0, s4
    li   a1, 0
    li   a2, 0
    EPILOGUE

fss_write:
    PROLOGUE
    mv   s1, a0
    mv   s3, a1
    call fss_locked
    mv   s2, a0
    li   a1, 0
    mv   a2, s3
    lw   a3, M_A2(s1)
    lw   a4, M_A3(s1)
    li   t0, BULK_SIZE
    bleu a4, t0, 1f
    mv   a4, t0
1:  call writei
    mv   s6, a0
    mv   a0, s2
    call fss_attrs
    mv   s4, a1
    mv   s5, a2
    mv   a0, s2
    call iunlockput
    mv   a0, s6
    mv   a1, s4
    mv   a2, s5
    EPILOGUE

fss_lookup:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call fss_locked
    mv   s3, a0
    mv   a1, s2
    mv   a2, sp                         # the entry's offset at 0(sp)
    sw   zero, 0(sp)
    call dirlookup
    li   s4, 0
    beqz a0, 1f
    lw   s4, I_INUM(a0)
    call iput
1:  mv   a0, s3
    call iunlockput
    mv   a0, s4
    lw   a1, 0(sp)
    li   a2, 0
    EPILOGUE

fss_link:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call fss_locked
    mv   s3, a0
    mv   a1, s2
    lw   a2, M_A2(s1)
    call dirlink
    mv   s4, a0
    mv   a0, s3
    call iunlockput
    mv   a0, s4
    li   a1, 0
    li   a2, 0
    EPILOGUE

fss_namei:
    li   t2, 0
    j    fss_namex
fss_parent:
    li   t2, 1
fss_namex:                              # t2 = parent wanted
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, t2
    lw   a0, M_A1(s1)
    call fss_enter_cwd
    mv   a0, s2
    beqz s3, 1f
    li   t0, BULK_NAME
    add  a1, s2, t0
    call nameiparent
    j    2f
1:  call namei
2:  mv   s4, a0
    la   t0, namei_errno
    lw   s5, 0(t0)
    beqz s4, 3f
    lw   s5, I_INUM(s4)
    mv   a0, s4
    call iput
    j    4f
3:  neg  s5, s5
4:  call fss_leave_cwd
    mv   a0, s5
    li   a1, 0
    li   a2, 0
    EPILOGUE

# pin_add(a0 = request, a1 = inode) -> 1 if the reference is now kept for the asking
# CPU, 0 if it already holds one (or the table is full: the caller drops it).
pin_add:
    PROLOGUE
    mv   s1, a1
    call msg_src
    mv   s2, a0
    lw   s3, I_INUM(s1)
    la   t0, pins
    li   t1, NPIN
    li   t3, 0                          # a free entry
1:  lw   t2, PIN_IP(t0)
    bnez t2, 2f
    bnez t3, 3f
    mv   t3, t0
    j    3f
2:  lw   t2, PIN_CPU(t0)
    bne  t2, s2, 3f
    lw   t2, PIN_INUM(t0)
    beq  t2, s3, 8f                     # already pinned for that CPU
3:  addi t0, t0, PIN_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    beqz t3, 8f
    sw   s2, PIN_CPU(t3)
    sw   s3, PIN_INUM(t3)
    sw   s1, PIN_IP(t3)
    li   a0, 1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# pin_remove(a0 = FS_PUT request) -> a0 = the inode pinned for the asking CPU (its
# reference, for the caller to drop), or 0.
pin_remove:
    PROLOGUE
    mv   s1, a0
    call msg_src
    mv   s2, a0
    lw   s3, M_A1(s1)
    la   t0, pins
    li   t1, NPIN
1:  lw   t2, PIN_IP(t0)
    beqz t2, 2f
    lw   t2, PIN_CPU(t0)
    bne  t2, s2, 2f
    lw   t2, PIN_INUM(t0)
    bne  t2, s3, 2f
    lw   a0, PIN_IP(t0)
    sw   zero, PIN_IP(t0)
    EPILOGUE
2:  addi t0, t0, PIN_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    EPILOGUE

.rodata
    .balign 4
fss_ops:                                # FS_GETATTR .. FS_PARENT
    .word fss_getattr, fss_put, fss_setattr, fss_trunc, fss_ialloc, fss_read
    .word fss_write, fss_lookup, fss_link, fss_namei, fss_parent
.bss
    .balign 4
pins: .space NPIN * PIN_SIZE            # inodes held for other CPUs' proxies
.text
