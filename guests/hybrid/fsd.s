# fsd.s — the hybrid kernel's file-system server: the shared file-system component
# (guests/lib/fs: bio.s, fs.s — the monolithic kernel's own) in a ring-3 process.
#
# Concept: a FUSE daemon (seed: kernel structures, "3. Semi-Microkernel" — "a custom
# scalable file system … running as a process"). It loops on SYS_FUSE_WAIT: answer
# the previous request, take the next, do it with fs.s, answer. The component's
# environment is user space's: its disk_rw is the kernel's disk driver through
# SYS_BLKIO (one sector at a time, a bounce buffer in the kernel), "user" and kernel
# buffers are both this process's own (the request and answer), env_cwd is the
# directory the kernel named in the request, and there is nothing to sleep for: one
# request at a time, each to completion. Inodes the kernel holds a proxy for stay
# pinned here (an iget reference) until the kernel's FOP_PUT.
#
# a0 at start: n > 0 makes it crash (an illegal instruction) on its n-th path lookup
# (FOP_NAMEI) — the fault injection of the guest's `fscrash` option: that request fails
# with EIO, and the kernel starts a new server.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "fuse.inc"

PARAM FSD_NINODE, 64                    # in-memory inodes: more than the kernel's proxies
PARAM NINODE, FSD_NINODE                # (fs.s)
.equ NPIN, 64
.equ PIN_INUM, 0
.equ PIN_IP, 4

.macro SYS num
    li   a7, \num
    syscall
.endm

.text
.global _start
_start:
    la   sp, stack_top
    la   t0, crash_after
    sw   a0, 0(t0)
    call binit
    call fsinit
    li   s1, 0                          # no answer yet
loop:
    mv   a0, s1
    la   a1, req
    SYS  SYS_FUSE_WAIT
    blt  a0, zero, gone
    la   t0, req                        # the fault injection: on a path lookup
    lw   t0, FM_OP(t0)
    li   t1, FOP_NAMEI
    bne  t0, t1, 1f
    la   t0, crash_after
    lw   t1, 0(t0)
    beqz t1, 1f
    addi t1, t1, -1
    sw   t1, 0(t0)
    bnez t1, 1f
    .word 0xFFFFFFFF                    # an illegal instruction: the server crashes
1:  la   s1, ans                        # a fresh answer
    sw   zero, FM_RES(s1)
    sw   zero, FM_R1(s1)
    sw   zero, FM_TYPE(s1)
    sw   zero, FM_NLINK(s1)
    sw   zero, FM_ISIZE(s1)
    sw   zero, FM_LEN(s1)
    la   t0, req
    lw   t1, FM_OP(t0)
    addi t2, t1, -1
    sltiu t2, t2, NFOP
    beqz t2, 8f
    slli t1, t1, 2
    la   t2, optab
    add  t1, t1, t2
    lw   t1, 0(t1)
    lw   a0, FM_INUM(t0)
    lw   a1, FM_ARG1(t0)
    lw   a2, FM_ARG2(t0)
    jalr ra, t1, 0
    j    loop
8:  li   t0, -EINVAL
    sw   t0, FM_RES(s1)
    j    loop
gone:
    li   a0, 0
    SYS  SYS_EXIT

# ---------------------------------------------------------------- pinned inodes

# pin(a0 = inum) -> a0 = the in-memory inode (kept until unpin), or 0 if inum is 0
# (no inode: a bogus request) or no pin slot or in-memory inode is free (ENFILE). A
# failed iget pins nothing: callers answer an error and never use inode 0.
pin:
    PROLOGUE
    beqz a0, 8f
    mv   s1, a0
    la   s2, pins
    li   s3, NPIN
    li   s4, 0                          # a free slot
1:  lw   t0, PIN_INUM(s2)
    bne  t0, s1, 2f
    lw   a0, PIN_IP(s2)
    EPILOGUE
2:  bnez t0, 3f
    bnez s4, 3f
    mv   s4, s2
3:  addi s2, s2, 8
    addi s3, s3, -1
    bnez s3, 1b
    beqz s4, 8f
    mv   a0, s1
    call iget
    beqz a0, 8f                         # every in-memory inode in use
    sw   s1, PIN_INUM(s4)
    sw   a0, PIN_IP(s4)
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# pin_new(a0 = inode): pin an inode fs.s gave us (its reference becomes the pin). Leaf.
pin_new:
    la   t0, pins
    li   t1, NPIN
1:  lw   t2, PIN_INUM(t0)
    beqz t2, 2f
    addi t0, t0, 8
    addi t1, t1, -1
    bnez t1, 1b
    ret
2:  lw   t2, I_INUM(a0)
    sw   t2, PIN_INUM(t0)
    sw   a0, PIN_IP(t0)
    ret

# lockedpin(a0 = inum) -> a0 = the pinned inode, locked
lockedpin:
    PROLOGUE
    call pin
    beqz a0, 9f
    mv   s1, a0
    call ilock
    mv   a0, s1
9:  EPILOGUE

# answer_attrs(a0 = locked inode): its attributes in the answer. Leaf.
answer_attrs:
    la   t0, ans
    lhu  t1, I_TYPE(a0)
    sw   t1, FM_TYPE(t0)
    lhu  t1, I_NLINK(a0)
    sw   t1, FM_NLINK(t0)
    lw   t1, I_SIZE(a0)
    sw   t1, FM_ISIZE(t0)
    ret

# answer(a0 = result). Leaf.
answer:
    la   t0, ans
    sw   a0, FM_RES(t0)
    ret

# ---------------------------------------------------------------- the operations
# each: a0 = inum, a1 = arg1, a2 = arg2 (from the request)

op_getattr:
    PROLOGUE
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    call answer_attrs
    mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -ENOMEM
    call answer
    EPILOGUE

op_put:
    PROLOGUE
    la   t0, pins
    li   t1, NPIN
1:  lw   t2, PIN_INUM(t0)
    beq  t2, a0, 2f
    addi t0, t0, 8
    addi t1, t1, -1
    bnez t1, 1b
    EPILOGUE                            # not pinned (a server before us had it)
2:  sw   zero, PIN_INUM(t0)
    lw   a0, PIN_IP(t0)
    call iput                           # the last reference of an unlinked inode
    EPILOGUE                            # frees it

op_setattr:
    PROLOGUE
    mv   s2, a1
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    sh   s2, I_NLINK(s1)
    call iupdate
    mv   a0, s1
    call answer_attrs
    mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -ENOMEM
    call answer
    EPILOGUE

op_itrunc:
    PROLOGUE
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    call itrunc
    mv   a0, s1
    call answer_attrs
    mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -ENOMEM
    call answer
    EPILOGUE

op_ialloc:
    PROLOGUE
    mv   a0, a1
    call ialloc
    beqz a0, 8f
    mv   s1, a0
    call pin_new
    lw   a0, I_INUM(s1)
    call answer
8:  EPILOGUE

op_read:
    PROLOGUE
    mv   s2, a1
    mv   s3, a2
    li   t0, FM_CHUNK
    bleu s3, t0, 1f
    mv   s3, t0
1:  call lockedpin
    beqz a0, 8f
    mv   s1, a0
    li   a1, 0
    la   a2, ans + FM_DATA
    mv   a3, s2
    mv   a4, s3
    call readi
    mv   s4, a0
    call answer
    la   t0, ans
    blt  s4, zero, 2f
    sw   s4, FM_LEN(t0)
2:  mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -1
    call answer
    EPILOGUE

op_write:
    PROLOGUE
    mv   s2, a1
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    li   a1, 0
    la   a2, req + FM_DATA
    mv   a3, s2
    la   t0, req
    lw   a4, FM_LEN(t0)
    call writei
    call answer
    mv   a0, s1
    call answer_attrs
    mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -ENOSPC
    call answer
    EPILOGUE

op_dirlookup:
    PROLOGUE
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    call dirname
    la   a2, dl_off
    mv   a1, a0
    mv   a0, s1
    call dirlookup
    mv   s2, a0
    mv   a0, s1
    call iunlock
    beqz s2, 8f
    lw   a0, I_INUM(s2)
    call answer
    la   t0, dl_off
    lw   t1, 0(t0)
    la   t0, ans
    sw   t1, FM_R1(t0)
    mv   a0, s2                         # the kernel igets it itself: no pin yet
    call iput
8:  EPILOGUE

op_dirlink:
    PROLOGUE
    mv   s2, a1
    call lockedpin
    beqz a0, 8f
    mv   s1, a0
    call dirname
    mv   a1, a0
    mv   a0, s1
    mv   a2, s2
    call dirlink
    call answer
    mv   a0, s1
    call answer_attrs
    mv   a0, s1
    call iunlock
    EPILOGUE
8:  li   a0, -ENOSPC
    call answer
    EPILOGUE

# dirname() -> a0 = the request's name, NUL-terminated (DIRSIZ bytes at most)
dirname:
    la   t0, req + FM_DATA
    sb   zero, DIRSIZ(t0)
    mv   a0, t0
    ret

# op_namei / op_nameiparent(a0 = the cwd's inum; the path is the data)
op_namei:
    li   a1, 0
    j    namex_op
op_nameiparent:
    la   a1, ans + FM_DATA
namex_op:
    PROLOGUE
    mv   s2, a1
    call pin                            # the directory relative paths start at
    beqz a0, 9f                         # none free: fail, never walk from inode 0
    la   t0, cur_cwd
    sw   a0, 0(t0)
    la   t0, req + FM_DATA              # the path, NUL-terminated
    lw   t1, FM_LEN - FM_DATA(t0)
    li   t2, MAXPATH - 1
    bleu t1, t2, 1f
    mv   t1, t2
1:  add  t1, t1, t0
    sb   zero, 0(t1)
    la   a0, req + FM_DATA
    beqz s2, 2f
    mv   a1, s2
    call nameiparent
    j    3f
2:  call namei
3:  beqz a0, 8f
    mv   s1, a0
    lw   a0, I_INUM(s1)
    call answer
    beqz s2, 4f
    la   t0, ans
    li   t1, 16
    sw   t1, FM_LEN(t0)
4:  mv   a0, s1
    call iput
    EPILOGUE
8:  la   t0, namei_errno
    lw   a0, 0(t0)
    neg  a0, a0
    call answer
    EPILOGUE
9:  li   a0, -ENFILE
    call answer
    EPILOGUE

# ---------------------------------------------------------------- the environment of
# bio.s and fs.s, in a user process

# disk_rw(a0 = sector, a1 = buffer, a2 = sectors, a3 = 1 write / 0 read) -> 0 / -1
disk_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
1:  beqz s3, 8f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s4
    SYS  SYS_BLKIO
    bnez a0, 9f
    addi s1, s1, 1
    addi s2, s2, 512
    addi s3, s3, -1
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

env_sleep:                              # one request at a time: never
    la   a0, msg_sleep
env_panic:
    mv   s1, a0
    li   a0, 2
    la   a1, msg_panic
    li   a2, 12
    SYS  SYS_WRITE
    mv   a0, s1
    call strlen
    mv   a2, a0
    li   a0, 2
    mv   a1, s1
    SYS  SYS_WRITE
    li   a0, 2
    la   a1, msg_nl
    li   a2, 1
    SYS  SYS_WRITE
    li   a0, 1
    SYS  SYS_EXIT
env_wakeup:
    ret
env_killed:
    li   a0, 0
    ret
# env_copyin / env_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0: every
# buffer is this process's own
env_copyin:
env_copyout:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    lw   ra, 12(sp)
    addi sp, sp, 16
    li   a0, 0
    ret
# env_cwd() -> the directory the request named. Leaf.
env_cwd:
    la   t0, cur_cwd
    lw   a0, 0(t0)
    ret

.include "fs/bio.s"
.include "fs/fs.s"
.include "base/string.s"

.rodata
msg_panic: .asciz "fsd: panic: "
msg_sleep: .asciz "env_sleep: a busy buffer or inode between requests"
msg_nl:    .asciz "\n"
    .balign 4
optab:
    .word 0, op_getattr, op_put, op_setattr, op_itrunc, op_ialloc, op_read, op_write
    .word op_dirlookup, op_dirlink, op_namei, op_nameiparent
.data
    .balign 4
crash_after: .word 0
cur_cwd:     .word 0
dl_off:      .word 0
.bss
    .balign 16
pins:  .space NPIN * 8
req:   .space FM_SIZE
ans:   .space FM_SIZE
stack: .space 8192
stack_top:
