# fsserv.s — the file-system server: open files, pipes and the on-disk file system
# (guests/lib/fs: bio.s and fs.s, the monolithic kernel's own components) as a
# user-level task that serves the POSIX file calls as IPC.
#
# Concept (seed: kernel structures — "instead of making a syscall down to the kernel
# … it makes an IPC through the kernel into the service"; OSKit lecture — the same
# components, other glue). The components reach their environment only through env_*
# (guests/lib/README.md); here they are implemented over IPC: the block device is the
# disk driver (disk_rw is a call to it, retried with the restarted driver if the
# driver dies), "user memory" is the request and reply buffers the kernel copies
# strings into and out of, the current directory is the calling process's. The server
# is single-threaded and every request runs to completion, so a buffer or inode is
# never busy when another request needs it: env_sleep cannot happen.
#
# It keeps per process (by thread slot) the current directory and the fd table, the
# open-file table and the pipes. Reads and writes of the console answer FS_REDIRECT
# (the stub asks the console driver); a read of an empty pipe or a write to a full one
# waits without blocking the server: the reply is sent later (a deferred reply).
# The process server tells it about fork, exit and the first process (F_*), and reads
# executables through it (F_OPENX/F_PREAD).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "mk.inc"

PARAM NOFILE, 16                        # open files per process
PARAM NFILE, 64                         # open files in the system
PARAM NPIPE, 16
.equ NSLOT, 64                          # client table: one entry per thread slot
.equ CL_TID, 0
.equ CL_CWD, 4
.equ CL_OFILE, 8                        # NOFILE file pointers
.equ CL_SHIFT, 7
# struct file (32 bytes)
.equ F_TYPE, 0                          # 0 none, 1 pipe, 2 inode, 3 console
.equ F_REF, 4
.equ F_READABLE, 8
.equ F_WRITABLE, 12
.equ F_PIPE, 16
.equ F_IP, 20
.equ F_OFF, 24
.equ FD_PIPE, 1
.equ FD_INODE, 2
.equ FD_CONSOLE, 3
# struct pipe (1024 bytes)
.equ PIPESIZE, 512
.equ PP_NREAD, 512
.equ PP_NWRITE, 516
.equ PP_ROPEN, 520
.equ PP_WOPEN, 524
.equ PP_NR, 528                         # readers waiting (deferred replies)
.equ PP_RD, 532                         # 8 x (tid, bytes)
.equ PP_NW, 596                         # writers waiting
.equ PP_WR, 600                         # 8 tids
.equ PP_USED, 632
.equ PP_MAXWAIT, 8
.equ PIPE_SHIFT, 10

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, bss_start
    la   a1, bss_end
    call touch_pages
    li   t0, TID_DISK0
    la   t1, disk_tid
    sw   t0, 0(t1)
    call binit
    call fsinit
    li   s1, 0
    j    loop

# The server loop: reply to s1 (if any) with a0-a5/t3-t5, then the next request.
loop:
    mv   t0, s1
    la   a6, req_buf                    # strings (paths, written data) land here
    li   t6, MAXSTR
    li   t2, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0                         # the sender
    la   t0, cur_sender
    sw   s1, 0(t0)
    la   t0, req
    sw   a1, 4(t0)
    sw   a2, 8(t0)
    sw   a3, 12(t0)
    sw   t5, 24(t0)                     # bytes of the string received
    la   t0, rep_len
    li   t1, -1
    sw   t1, 0(t0)                      # no string in the reply (yet)
    la   t0, no_reply
    sw   zero, 0(t0)
    mv   s2, a0
    li   t0, F_FORK                     # the process server's calls
    blt  s2, t0, 2f
    li   t0, F_CLOSEX
    bgt  s2, t0, 7f
    li   t0, TID_PROC
    bne  s1, t0, 7f
    addi t0, s2, -F_FORK
    slli t0, t0, 2
    la   t1, ftab
    j    3f
2:  addi t0, s2, -1                     # a POSIX call of a known process
    sltiu t0, t0, NSYSCALL
    beqz t0, 7f
    mv   a0, s1
    call client_of
    beqz a0, 6f
    la   t0, cur_client
    sw   a0, 0(t0)
    slli t0, s2, 2
    la   t1, stab
3:  add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 7f
    la   t1, req
    lw   a0, 4(t1)
    lw   a1, 8(t1)
    lw   a2, 12(t1)
    jalr ra, t0, 0                      # -> a0 result, a1 extra
    la   t0, no_reply
    lw   t0, 0(t0)
    bnez t0, loop_err                   # answered later
    li   t3, 0
    la   t0, rep_len
    lw   t5, 0(t0)
    blt  t5, zero, loop
    li   t3, MT_STRING
    la   t4, rep_buf
    j    loop
6:  li   a0, -EPERM                     # not a process we know
    li   t3, 0
    j    loop
7:  li   a0, -EINVAL
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

# client_of(a0 = tid) -> a0 = its client entry, or 0. Leaf.
client_of:
    andi t0, a0, 0xFF
    li   t1, NSLOT
    bgeu t0, t1, 9f
    slli t0, t0, CL_SHIFT
    la   t1, clients
    add  t0, t0, t1
    lw   t1, CL_TID(t0)
    bne  t1, a0, 9f
    mv   a0, t0
    ret
9:  li   a0, 0
    ret

# reply_string(a0 = bytes in rep_buf): the reply carries them. Leaf.
reply_string:
    la   t0, rep_len
    sw   a0, 0(t0)
    ret

# defer(): no reply now (the request waits in a pipe's queue). Leaf.
defer:
    la   t0, no_reply
    li   t1, 1
    sw   t1, 0(t0)
    ret

# ---------------------------------------------------------------- fds and files

# fd2file(a0 = fd) -> a0 = the current client's file, or 0. Leaf.
fd2file:
    sltiu t0, a0, NOFILE
    beqz t0, 9f
    la   t0, cur_client
    lw   t0, 0(t0)
    slli a0, a0, 2
    add  t0, t0, a0
    lw   a0, CL_OFILE(t0)
    ret
9:  li   a0, 0
    ret

# fdalloc(a0 = file) -> fd or -EMFILE. Leaf.
fdalloc:
    la   t0, cur_client
    lw   t0, 0(t0)
    li   t1, 0
1:  slli t2, t1, 2
    add  t2, t2, t0
    lw   t3, CL_OFILE(t2)
    bnez t3, 2f
    sw   a0, CL_OFILE(t2)
    mv   a0, t1
    ret
2:  addi t1, t1, 1
    li   t2, NOFILE
    blt  t1, t2, 1b
    li   a0, -EMFILE
    ret

# fdclear(a0 = fd). Leaf.
fdclear:
    la   t0, cur_client
    lw   t0, 0(t0)
    slli a0, a0, 2
    add  t0, t0, a0
    sw   zero, CL_OFILE(t0)
    ret

# filealloc() -> a0 = file (ref 1) or 0. Leaf.
filealloc:
    la   t0, ftable
    li   t1, NFILE
1:  lw   t2, F_REF(t0)
    bnez t2, 2f
    sw   zero, F_TYPE(t0)
    li   t2, 1
    sw   t2, F_REF(t0)
    sw   zero, F_READABLE(t0)
    sw   zero, F_WRITABLE(t0)
    sw   zero, F_PIPE(t0)
    sw   zero, F_IP(t0)
    sw   zero, F_OFF(t0)
    mv   a0, t0
    ret
2:  addi t0, t0, 32
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

filedup:
    lw   t0, F_REF(a0)
    addi t0, t0, 1
    sw   t0, F_REF(a0)
    ret

fileclose:
    PROLOGUE
    lw   t0, F_REF(a0)
    addi t0, t0, -1
    sw   t0, F_REF(a0)
    bnez t0, 9f
    lw   s1, F_TYPE(a0)
    lw   s2, F_PIPE(a0)
    lw   s3, F_IP(a0)
    lw   s4, F_WRITABLE(a0)
    sw   zero, F_TYPE(a0)
    li   t0, FD_PIPE
    bne  s1, t0, 1f
    mv   a0, s2
    mv   a1, s4
    call pipeclose
    j    9f
1:  li   t0, FD_INODE
    bne  s1, t0, 9f
    mv   a0, s3
    call iput
9:  EPILOGUE

# pathcheck() -> a0 = 0 if req_buf holds a NUL-terminated path, else -ENAMETOOLONG
pathcheck:
    la   t0, req
    lw   t1, 24(t0)
    la   t2, req_buf
1:  beqz t1, 8f
    lbu  t3, 0(t2)
    beqz t3, 9f
    addi t2, t2, 1
    addi t1, t1, -1
    j    1b
8:  li   a0, -ENAMETOOLONG
    ret
9:  li   a0, 0
    ret

# namei_err() -> a0 = -namei_errno (after a failed namei or nameiparent). Leaf.
namei_err:
    la   t0, namei_errno
    lw   a0, 0(t0)
    neg  a0, a0
    ret

# ---------------------------------------------------------------- the process server

# F_FORK(a0 = parent tid, a1 = child tid): the child shares the parent's open files
# and current directory
f_fork:
    PROLOGUE
    mv   s2, a1
    call client_of
    beqz a0, 8f
    mv   s1, a0
    andi t0, s2, 0xFF
    slli t0, t0, CL_SHIFT
    la   t1, clients
    add  s3, t0, t1
    sw   s2, CL_TID(s3)
    lw   a0, CL_CWD(s1)
    sw   a0, CL_CWD(s3)
    beqz a0, 1f
    call idup
1:  li   s4, 0
2:  slli t0, s4, 2
    add  t1, t0, s1
    lw   a0, CL_OFILE(t1)
    add  t1, t0, s3
    sw   a0, CL_OFILE(t1)
    beqz a0, 3f
    call filedup
3:  addi s4, s4, 1
    li   t0, NOFILE
    blt  s4, t0, 2b
    li   a0, 0
    EPILOGUE
8:  li   a0, -ESRCH
    EPILOGUE

# F_EXIT(a0 = tid): close its files, forget its directory and its waits
f_exit:
    PROLOGUE
    mv   s4, a0
    call client_of
    beqz a0, 8f
    mv   s1, a0
    li   s2, 0
1:  slli t0, s2, 2
    add  t0, t0, s1
    lw   a0, CL_OFILE(t0)
    beqz a0, 2f
    sw   zero, CL_OFILE(t0)
    call fileclose
2:  addi s2, s2, 1
    li   t0, NOFILE
    blt  s2, t0, 1b
    lw   a0, CL_CWD(s1)
    sw   zero, CL_CWD(s1)
    beqz a0, 3f
    call iput
3:  sw   zero, CL_TID(s1)
    mv   a0, s4
    call pipes_forget
    li   a0, 0
    EPILOGUE
8:  li   a0, -ESRCH
    EPILOGUE

# F_INIT(a0 = tid): the first process: the console on fds 0, 1, 2; cwd /
f_init:
    PROLOGUE
    andi t0, a0, 0xFF
    slli t0, t0, CL_SHIFT
    la   t1, clients
    add  s1, t0, t1
    sw   a0, CL_TID(s1)
    li   a0, 1
    call iget
    sw   a0, CL_CWD(s1)
    call filealloc
    beqz a0, 8f
    li   t0, FD_CONSOLE
    sw   t0, F_TYPE(a0)
    li   t0, 1
    sw   t0, F_READABLE(a0)
    sw   t0, F_WRITABLE(a0)
    li   t0, 3
    sw   t0, F_REF(a0)
    sw   a0, CL_OFILE+0(s1)
    sw   a0, CL_OFILE+4(s1)
    sw   a0, CL_OFILE+8(s1)
    li   a0, 0
    EPILOGUE
8:  li   a0, -ENFILE
    EPILOGUE

# F_OPENX(a0 = tid; the path is the string): an executable for exec, relative to that
# process's directory -> a0 = handle (the inode) / -errno, a1 = size
f_openx:
    PROLOGUE
    call client_of
    beqz a0, 8f
    la   t0, cur_client
    sw   a0, 0(t0)
    call pathcheck
    bnez a0, 9f
    la   a0, req_buf
    call namei
    beqz a0, 7f
    mv   s1, a0
    call ilock
    lhu  s3, I_TYPE(s1)
    lw   s2, I_SIZE(s1)
    mv   a0, s1
    call iunlock
    li   t1, T_FILE
    bne  s3, t1, 6f
    mv   a0, s1
    mv   a1, s2
    EPILOGUE
6:  mv   a0, s1
    call iput
    li   a0, -ENOEXEC
    EPILOGUE
7:  call namei_err
    EPILOGUE
8:  li   a0, -ESRCH
9:  EPILOGUE

# F_PREAD(a0 = handle, a1 = offset, a2 = bytes) -> a0 = bytes (the string)
f_pread:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   t0, MAXSTR
    bleu s3, t0, 1f
    mv   s3, t0
1:  mv   a0, s1
    call ilock
    mv   a0, s1
    li   a1, 0
    la   a2, rep_buf
    mv   a3, s2
    mv   a4, s3
    call readi
    mv   s4, a0
    mv   a0, s1
    call iunlock
    mv   a0, s4
    blt  a0, zero, 2f
    call reply_string
    mv   a0, s4
2:  EPILOGUE

# F_CLOSEX(a0 = handle)
f_closex:
    PROLOGUE
    call iput
    li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- the block device

# disk_rw(a0 = sector, a1 = buffer, a2 = sectors, a3 = 1 write / 0 read) -> 0 / -1:
# a call to the disk driver. If the driver is gone (it crashed), wait until root has
# started a new one and send the request again: the caller sees a delay, not an error.
disk_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
1:  mv   a1, s1
    mv   a2, s3
    li   t2, 0
    la   t0, disk_tid
    lw   t0, 0(t0)
    beqz s4, 2f
    li   a0, D_WRITE                    # the data go along as a string
    li   t3, MT_STRING
    mv   t4, s2
    slli t5, s3, 9
    li   t6, 0
    j    3f
2:  li   a0, D_READ                     # the data come back into the buffer
    li   t3, 0
    mv   a6, s2
    slli t6, s3, 9
3:  KSYS K_CALL
    bnez t1, 5f
    EPILOGUE
5:  la   a0, msg_nodisk                 # the driver died: wait for its successor
    call lsay
6:  li   t0, TID_NIL                    # a tick
    li   t1, 1
    li   t6, 0
    KSYS K_RECV
    li   a0, R_LOOKUP
    li   a1, NAME_DISK
    li   t0, TID_ROOT
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    bnez t1, 6b
    beqz a1, 6b
    la   t0, disk_tid
    lw   t1, 0(t0)
    beq  a1, t1, 6b
    sw   a1, 0(t0)
    la   a0, msg_newdisk
    call lputs
    mv   a0, a1
    call lputhex
    li   a0, '\n'
    call lputc
    call lflush
    j    1b

# ---------------------------------------------------------------- the environment of
# bio.s and fs.s, for a user-level server

env_sleep:                              # never: every request runs to completion
    la   a0, msg_sleep
    call die
env_wakeup:
    ret
env_panic:
    call die
env_killed:
    li   a0, 0
    ret
# env_copyin / env_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0: "user" data
# are in the request and reply buffers; the kernel copies them from and to the client
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
# env_cwd() -> the calling process's current directory. Leaf.
env_cwd:
    la   t0, cur_client
    lw   t0, 0(t0)
    lw   a0, CL_CWD(t0)
    ret

.bss
    .balign 4096
bss_start:                              # every page from here to bss_end is touched
.text
.include "fscalls.s"
.include "fspipe.s"
.include "fs/bio.s"
.include "fs/fs.s"
.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:    .asciz "fs"
msg_sleep:   .asciz "env_sleep: a busy buffer or inode between requests"
msg_nodisk:  .asciz "fs: the disk driver is gone; waiting for its restart\n"
msg_newdisk: .asciz "fs: the disk driver is back as thread "
str_dot:     .asciz "."
str_dotdot:  .asciz ".."
    .balign 4
zero16:      .word 0, 0, 0, 0
# POSIX calls by SYS_* number (0: not a file-system call)
stab:
    .word 0, 0, 0, 0, s_pipe, s_read, 0, 0, s_fstat, s_chdir, s_dup, 0, 0, 0, 0
    .word s_open, s_write, s_unlink, s_mkdir, s_close, 0, 0, 0
ftab:
    .word f_fork, f_exit, f_init, f_openx, f_pread, f_closex
.data
    .balign 4
disk_tid:   .word 0
cur_client: .word 0
cur_sender: .word 0
rep_len:    .word 0
no_reply:   .word 0
req:        .space 28                   # MR0-MR5, string length
uoff:       .word 0
uname:      .space 16
.bss
clients:    .space NSLOT << CL_SHIFT
ftable:     .space NFILE * 32
pipes:      .space NPIPE << PIPE_SHIFT
req_buf:    .space MAXSTR
rep_buf:    .space MAXSTR
aux_buf:    .space MAXSTR
stack:      .space 8192
stack_top:
bss_end:
