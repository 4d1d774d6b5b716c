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

# ---------------------------------------------------------------- the POSIX calls

# read(a0 = fd, a1 = bytes)
s_read:
    PROLOGUE
    mv   s2, a1
    call fd2file
    beqz a0, 8f
    mv   s1, a0
    blt  s2, zero, 7f
    lw   t0, F_READABLE(s1)
    beqz t0, 8f
    li   t0, MAXSTR
    bleu s2, t0, 1f
    mv   s2, t0
1:  lw   t0, F_TYPE(s1)
    li   t1, FD_CONSOLE
    bne  t0, t1, 2f
    li   a0, FS_REDIRECT
    li   a1, TID_CONS
    EPILOGUE
2:  li   t1, FD_PIPE
    bne  t0, t1, 3f
    lw   a0, F_PIPE(s1)
    mv   a1, s2
    call piperead
    EPILOGUE
3:  lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    li   a1, 1
    la   a2, rep_buf
    lw   a3, F_OFF(s1)
    mv   a4, s2
    call readi
    mv   s3, a0
    blt  a0, zero, 4f
    lw   t0, F_OFF(s1)
    add  t0, t0, a0
    sw   t0, F_OFF(s1)
    call reply_string
4:  lw   a0, F_IP(s1)
    call iunlock
    mv   a0, s3
    li   a1, 1                          # a file: the stub may ask for more
    EPILOGUE
7:  li   a0, -EINVAL
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

# write(a0 = fd): the bytes are the request's string
s_write:
    PROLOGUE
    call fd2file
    beqz a0, 8f
    mv   s1, a0
    lw   t0, F_WRITABLE(s1)
    beqz t0, 8f
    la   t0, req
    lw   s2, 24(t0)                     # bytes
    lw   t0, F_TYPE(s1)
    li   t1, FD_CONSOLE
    bne  t0, t1, 2f
    li   a0, FS_REDIRECT
    li   a1, TID_CONS
    EPILOGUE
2:  li   t1, FD_PIPE
    bne  t0, t1, 3f
    lw   a0, F_PIPE(s1)
    la   a1, req_buf
    mv   a2, s2
    call pipewrite
    EPILOGUE
3:  lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    li   a1, 1
    la   a2, req_buf
    lw   a3, F_OFF(s1)
    mv   a4, s2
    call writei
    mv   s3, a0
    blt  a0, zero, 4f
    lw   t0, F_OFF(s1)
    add  t0, t0, a0
    sw   t0, F_OFF(s1)
4:  lw   a0, F_IP(s1)
    call iunlock
    mv   a0, s3
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

s_close:
    PROLOGUE
    mv   s1, a0
    call fd2file
    beqz a0, 8f
    mv   s2, a0
    mv   a0, s1
    call fdclear
    mv   a0, s2
    call fileclose
    li   a0, 0
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

s_dup:
    PROLOGUE
    call fd2file
    beqz a0, 8f
    mv   s1, a0
    call fdalloc
    blt  a0, zero, 9f
    mv   s2, a0
    mv   a0, s1
    call filedup
    mv   a0, s2
9:  EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

# fstat(a0 = fd) -> the struct stat as the reply's string
s_fstat:
    PROLOGUE
    call fd2file
    beqz a0, 8f
    mv   s1, a0
    la   s2, rep_buf
    sw   zero, 0(s2)
    sw   zero, 4(s2)
    sw   zero, 8(s2)
    sw   zero, 12(s2)
    li   t0, T_DEV                      # console and pipes
    sh   t0, 0(s2)
    li   t0, 1
    sh   t0, 2(s2)
    lw   t0, F_TYPE(s1)
    li   t1, FD_INODE
    bne  t0, t1, 1f
    lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    mv   a1, s2
    call stati
    lw   a0, F_IP(s1)
    call iunlock
1:  li   a0, STAT_SIZE
    call reply_string
    li   a0, 0
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

# pipe() -> the two fds as the reply's string (8 bytes)
s_pipe:
    PROLOGUE
    call pipealloc
    beqz a0, 8f
    mv   s2, a0
    mv   s3, a1
    call fdalloc
    blt  a0, zero, 6f
    mv   s4, a0
    mv   a0, s3
    call fdalloc
    blt  a0, zero, 5f
    la   t0, rep_buf
    sw   s4, 0(t0)
    sw   a0, 4(t0)
    li   a0, 8
    call reply_string
    li   a0, 0
    EPILOGUE
5:  mv   a0, s4
    call fdclear
6:  mv   a0, s2
    call fileclose
    mv   a0, s3
    call fileclose
    li   a0, -EMFILE
    EPILOGUE
8:  li   a0, -ENFILE
    EPILOGUE

# create(a0 = path, a1 = type) -> a0 = locked inode, or -errno (as the monolithic
# kernel's: an existing regular file is returned for T_FILE, open O_CREATE)
create:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   a0, s1
    addi a1, sp, 0                      # name[16] at 0(sp)
    call nameiparent
    beqz a0, 80f
    mv   s3, a0                         # dp
    call ilock
    lbu  t0, 0(sp)
    beqz t0, 85f                        # "/" has no last element
    mv   a0, s3
    mv   a1, sp
    li   a2, 0
    call dirlookup
    beqz a0, 2f
    mv   s4, a0                         # it exists
    mv   a0, s3
    call iunlockput
    mv   a0, s4
    call ilock
    li   t0, T_FILE
    bne  s2, t0, 1f
    lhu  t1, I_TYPE(s4)
    bne  t1, t0, 1f
    mv   a0, s4
    EPILOGUE
1:  lhu  s5, I_TYPE(s4)                 # EEXIST, or EISDIR for open(dir, O_CREATE)
    mv   a0, s4
    call iunlockput
    li   a0, -EEXIST
    li   t0, T_FILE
    bne  s2, t0, 11f
    li   t0, T_DIR
    bne  s5, t0, 11f
    li   a0, -EISDIR
11: EPILOGUE
2:  mv   a0, s2
    call ialloc
    beqz a0, 84f
    mv   s4, a0
    call ilock
    li   t0, 1
    sh   t0, I_NLINK(s4)
    mv   a0, s4
    call iupdate
    li   t0, T_DIR
    bne  s2, t0, 3f
    lhu  t0, I_NLINK(s3)                # ".." in the new directory
    addi t0, t0, 1
    sh   t0, I_NLINK(s3)
    mv   a0, s3
    call iupdate
    mv   a0, s4
    la   a1, str_dot
    lw   a2, I_INUM(s4)
    call dirlink
    bnez a0, 83f
    mv   a0, s4
    la   a1, str_dotdot
    lw   a2, I_INUM(s3)
    call dirlink
    bnez a0, 83f
3:  mv   a0, s3
    mv   a1, sp
    lw   a2, I_INUM(s4)
    call dirlink
    bnez a0, 83f
    mv   a0, s3
    call iunlockput
    mv   a0, s4
    EPILOGUE
83: sh   zero, I_NLINK(s4)              # undo: the new inode is freed by iput
    mv   a0, s4
    call iupdate
    mv   a0, s4
    call iunlockput
    mv   a0, s3
    call iunlockput
    li   a0, -ENOSPC
    EPILOGUE
84: mv   a0, s3
    call iunlockput
    li   a0, -ENOSPC
    EPILOGUE
85: mv   a0, s3
    call iunlockput
    li   a0, -EEXIST
    EPILOGUE
80: call namei_err
    EPILOGUE

# open(a0 = flags): the path is the request's string
s_open:
    PROLOGUE
    mv   s2, a0
    call pathcheck
    bnez a0, 90f
    andi t0, s2, O_CREATE
    beqz t0, 1f
    la   a0, req_buf
    li   a1, T_FILE
    call create
    li   t0, -4096                      # an -errno, not an inode address
    bgeu a0, t0, 90f
    mv   s3, a0
    j    2f
1:  la   a0, req_buf
    call namei
    beqz a0, 91f
    mv   s3, a0
    call ilock
    lhu  t0, I_TYPE(s3)
    li   t1, T_DIR
    bne  t0, t1, 2f
    andi t0, s2, 3
    bnez t0, 92f
2:  call filealloc
    beqz a0, 93f
    mv   s4, a0
    call fdalloc
    blt  a0, zero, 94f
    mv   s5, a0
    andi t0, s2, O_WRONLY
    seqz t0, t0
    sw   t0, F_READABLE(s4)
    andi t0, s2, 3
    snez t0, t0
    sw   t0, F_WRITABLE(s4)
    lhu  t0, I_TYPE(s3)
    li   t1, T_DEV
    bne  t0, t1, 3f
    li   t0, FD_CONSOLE
    sw   t0, F_TYPE(s4)
    mv   a0, s3
    call iunlockput
    j    5f
3:  li   t0, FD_INODE
    sw   t0, F_TYPE(s4)
    sw   s3, F_IP(s4)
    sw   zero, F_OFF(s4)
    andi t0, s2, O_TRUNC
    beqz t0, 4f
    lhu  t0, I_TYPE(s3)
    li   t1, T_FILE
    bne  t0, t1, 4f
    mv   a0, s3
    call itrunc
4:  mv   a0, s3
    call iunlock
5:  mv   a0, s5
    EPILOGUE
94: sw   zero, F_REF(s4)
    mv   a0, s3
    call iunlockput
    li   a0, -EMFILE
    EPILOGUE
93: mv   a0, s3
    call iunlockput
    li   a0, -ENFILE
    EPILOGUE
92: mv   a0, s3
    call iunlockput
    li   a0, -EISDIR
    EPILOGUE
91: call namei_err
90: EPILOGUE

s_mkdir:
    PROLOGUE
    call pathcheck
    bnez a0, 9f
    la   a0, req_buf
    li   a1, T_DIR
    call create
    li   t0, -4096
    bgeu a0, t0, 9f
    call iunlockput
    li   a0, 0
9:  EPILOGUE

s_chdir:
    PROLOGUE
    call pathcheck
    bnez a0, 90f
    la   a0, req_buf
    call namei
    beqz a0, 91f
    mv   s1, a0
    call ilock
    lhu  t0, I_TYPE(s1)
    li   t1, T_DIR
    beq  t0, t1, 1f
    mv   a0, s1
    call iunlockput
    li   a0, -ENOTDIR
    EPILOGUE
1:  mv   a0, s1
    call iunlock
    la   t0, cur_client
    lw   s2, 0(t0)
    lw   a0, CL_CWD(s2)
    sw   s1, CL_CWD(s2)
    call iput
    li   a0, 0
    EPILOGUE
91: call namei_err
90: EPILOGUE

# isdirempty(a0 = locked dir) -> 1 if only . and .. remain
isdirempty:
    PROLOGUE
    mv   s1, a0
    li   s2, 32
1:  lw   t0, I_SIZE(s1)
    bgeu s2, t0, 8f
    mv   a0, s1
    li   a1, 0
    mv   a2, sp
    mv   a3, s2
    li   a4, 16
    call readi
    lhu  t0, 0(sp)
    bnez t0, 9f
    addi s2, s2, 16
    j    1b
8:  li   a0, 1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

s_unlink:
    PROLOGUE
    call pathcheck
    bnez a0, 90f
    la   a0, req_buf
    la   a1, uname
    call nameiparent
    beqz a0, 91f
    mv   s1, a0                         # dp
    call ilock
    la   a0, uname
    la   a1, str_dot
    li   a2, DIRSIZ
    call strncmp
    beqz a0, 92f
    la   a0, uname
    la   a1, str_dotdot
    li   a2, DIRSIZ
    call strncmp
    beqz a0, 92f
    la   t0, uname
    lbu  t0, 0(t0)
    beqz t0, 92f
    mv   a0, s1
    la   a1, uname
    la   a2, uoff
    call dirlookup
    beqz a0, 93f
    mv   s2, a0                         # ip
    call ilock
    lhu  t0, I_TYPE(s2)
    li   t1, T_DIR
    bne  t0, t1, 1f
    mv   a0, s2
    call isdirempty
    beqz a0, 94f
1:  mv   a0, s1                         # clear the entry
    li   a1, 0
    la   a2, zero16
    la   t0, uoff
    lw   a3, 0(t0)
    li   a4, 16
    call writei
    lhu  t0, I_TYPE(s2)
    li   t1, T_DIR
    bne  t0, t1, 2f
    lhu  t0, I_NLINK(s1)
    addi t0, t0, -1
    sh   t0, I_NLINK(s1)
    mv   a0, s1
    call iupdate
2:  mv   a0, s1
    call iunlockput
    lhu  t0, I_NLINK(s2)
    addi t0, t0, -1
    sh   t0, I_NLINK(s2)
    mv   a0, s2
    call iupdate
    mv   a0, s2
    call iunlockput
    li   a0, 0
    EPILOGUE
94: mv   a0, s2
    call iunlockput
    mv   a0, s1
    call iunlockput
    li   a0, -ENOTEMPTY
    EPILOGUE
93: mv   a0, s1
    call iunlockput
    li   a0, -ENOENT
    EPILOGUE
92: mv   a0, s1
    call iunlockput
    li   a0, -EINVAL
    EPILOGUE
91: call namei_err
90: EPILOGUE

# ---------------------------------------------------------------- pipes

# pipealloc() -> a0 = read file, a1 = write file; a0 = 0 on failure
pipealloc:
    PROLOGUE
    la   s1, pipes
    li   t0, NPIPE
1:  lw   t1, PP_USED(s1)
    beqz t1, 2f
    addi s1, s1, 1 << PIPE_SHIFT
    addi t0, t0, -1
    bnez t0, 1b
    j    9f
2:  call filealloc
    beqz a0, 9f
    mv   s2, a0
    call filealloc
    beqz a0, 8f
    mv   s3, a0
    li   t0, 1
    sw   t0, PP_USED(s1)
    sw   t0, PP_ROPEN(s1)
    sw   t0, PP_WOPEN(s1)
    sw   zero, PP_NREAD(s1)
    sw   zero, PP_NWRITE(s1)
    sw   zero, PP_NR(s1)
    sw   zero, PP_NW(s1)
    li   t0, FD_PIPE
    li   t1, 1
    sw   t0, F_TYPE(s2)
    sw   t1, F_READABLE(s2)
    sw   s1, F_PIPE(s2)
    sw   t0, F_TYPE(s3)
    sw   t1, F_WRITABLE(s3)
    sw   s1, F_PIPE(s3)
    mv   a0, s2
    mv   a1, s3
    EPILOGUE
8:  sw   zero, F_REF(s2)
9:  li   a0, 0
    EPILOGUE

# pipeclose(a0 = pipe, a1 = the writing end?)
pipeclose:
    PROLOGUE
    mv   s1, a0
    beqz a1, 1f
    sw   zero, PP_WOPEN(s1)             # readers waiting now get the rest, then 0
    mv   a0, s1
    call pipe_answer_readers
    j    2f
1:  sw   zero, PP_ROPEN(s1)             # writers waiting now get EPIPE
    mv   a0, s1
    call pipe_retry_writers
2:  lw   t0, PP_ROPEN(s1)
    lw   t1, PP_WOPEN(s1)
    or   t0, t0, t1
    bnez t0, 3f
    sw   zero, PP_USED(s1)
3:  EPILOGUE

# piperead(a0 = pipe, a1 = bytes) -> bytes in rep_buf, 0 at end of file, or deferred
piperead:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    bne  t0, t1, 2f
    lw   t0, PP_WOPEN(s1)
    beqz t0, 2f
    lw   t0, PP_NR(s1)                  # empty: wait (answered by a write or close)
    li   t1, PP_MAXWAIT
    bgeu t0, t1, 2f
    slli t1, t0, 3
    add  t1, t1, s1
    la   t2, cur_sender
    lw   t2, 0(t2)
    sw   t2, PP_RD(t1)
    sw   s2, PP_RD+4(t1)
    addi t0, t0, 1
    sw   t0, PP_NR(s1)
    call defer
    EPILOGUE
2:  mv   a0, s1
    la   a1, rep_buf
    mv   a2, s2
    call pipe_take
    mv   s3, a0
    call reply_string
    mv   a0, s1
    call pipe_retry_writers
    mv   a0, s3
    li   a1, 0
    EPILOGUE

# pipe_take(a0 = pipe, a1 = destination, a2 = at most) -> a0 = bytes taken
pipe_take:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  bge  s4, s3, 8f
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    beq  t0, t1, 8f
    andi t2, t0, PIPESIZE - 1
    add  t2, t2, s1
    lbu  t3, 0(t2)
    add  t2, s2, s4
    sb   t3, 0(t2)
    addi t0, t0, 1
    sw   t0, PP_NREAD(s1)
    addi s4, s4, 1
    j    1b
8:  mv   a0, s4
    EPILOGUE

# pipewrite(a0 = pipe, a1 = bytes, a2 = count) -> bytes written (maybe fewer: the
# stub sends the rest), -EPIPE, or deferred while the pipe is full
pipewrite:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, PP_ROPEN(s1)
    beqz t0, 7f
    lw   t0, PP_NWRITE(s1)
    lw   t1, PP_NREAD(s1)
    sub  t0, t0, t1
    li   t1, PIPESIZE
    bltu t0, t1, 2f
    beqz s3, 2f
    lw   t0, PP_NW(s1)                  # full: wait (the stub sends the bytes again)
    li   t1, PP_MAXWAIT
    bgeu t0, t1, 7f
    slli t1, t0, 2
    add  t1, t1, s1
    la   t2, cur_sender
    lw   t2, 0(t2)
    sw   t2, PP_WR(t1)
    addi t0, t0, 1
    sw   t0, PP_NW(s1)
    call defer
    EPILOGUE
2:  li   s4, 0
3:  bge  s4, s3, 5f
    lw   t0, PP_NWRITE(s1)
    lw   t1, PP_NREAD(s1)
    sub  t2, t0, t1
    li   t3, PIPESIZE
    bgeu t2, t3, 5f
    andi t2, t0, PIPESIZE - 1
    add  t2, t2, s1
    add  t3, s2, s4
    lbu  t3, 0(t3)
    sb   t3, 0(t2)
    addi t0, t0, 1
    sw   t0, PP_NWRITE(s1)
    addi s4, s4, 1
    j    3b
5:  mv   a0, s1
    call pipe_answer_readers
    mv   a0, s4
    EPILOGUE
7:  li   a0, -EPIPE
    EPILOGUE

# pipe_answer_readers(a0 = pipe): answer waiting readers while there are bytes (or
# with 0 once no writer is left)
pipe_answer_readers:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, PP_NR(s1)
    beqz t0, 9f
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    bne  t0, t1, 2f
    lw   t0, PP_WOPEN(s1)
    bnez t0, 9f                         # nothing to give yet
2:  lw   s2, PP_RD(s1)                  # the first reader: tid, bytes
    lw   a2, PP_RD+4(s1)
    mv   a0, s1
    la   a1, aux_buf
    call pipe_take
    mv   s3, a0
    mv   a0, s1                         # out of the queue
    addi a1, s1, PP_RD
    addi a2, s1, PP_NR
    li   a3, 8
    call wait_pop
    mv   a0, s3                         # the deferred reply
    li   a1, 0
    mv   t0, s2
    li   t1, TIMEOUT_NEVER
    li   t3, MT_STRING
    la   t4, aux_buf
    mv   t5, s3
    KSYS K_SEND
    mv   a0, s1
    call pipe_retry_writers
    j    1b
9:  EPILOGUE

# pipe_retry_writers(a0 = pipe): every writer waiting for room sends again
pipe_retry_writers:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, PP_NW(s1)
    beqz t0, 9f
    lw   s2, PP_WR(s1)
    mv   a0, s1
    addi a1, s1, PP_WR
    addi a2, s1, PP_NW
    li   a3, 4
    call wait_pop
    li   a0, FS_RETRY
    mv   t0, s2
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    j    1b
9:  EPILOGUE

# wait_pop(a0 = pipe, a1 = array, a2 = &count, a3 = entry size): drop the first
# entry of a wait queue. Leaf.
wait_pop:
    lw   t0, 0(a2)
    addi t0, t0, -1
    sw   t0, 0(a2)
    mul  t1, t0, a3                     # bytes to move
    add  t2, a1, a3
1:  beqz t1, 9f
    lbu  t3, 0(t2)
    sb   t3, 0(a1)
    addi a1, a1, 1
    addi t2, t2, 1
    addi t1, t1, -1
    j    1b
9:  ret

# pipes_forget(a0 = tid): a process is gone: take it off every pipe's wait queues
pipes_forget:
    PROLOGUE
    mv   s1, a0
    la   s2, pipes
    li   s3, NPIPE
1:  lw   t0, PP_USED(s2)
    beqz t0, 5f
    li   s4, 0                          # readers
2:  lw   t0, PP_NR(s2)
    bgeu s4, t0, 3f
    slli t1, s4, 3
    add  t1, t1, s2
    lw   t2, PP_RD(t1)
    bne  t2, s1, 21f
    mv   a0, s2
    addi a1, t1, PP_RD
    sub  t0, t0, s4                     # pop from this position on
    sw   t0, 0(sp)
    addi a2, sp, 0
    li   a3, 8
    call wait_pop
    lw   t0, PP_NR(s2)
    addi t0, t0, -1
    sw   t0, PP_NR(s2)
    j    2b
21: addi s4, s4, 1
    j    2b
3:  li   s4, 0                          # writers
4:  lw   t0, PP_NW(s2)
    bgeu s4, t0, 5f
    slli t1, s4, 2
    add  t1, t1, s2
    lw   t2, PP_WR(t1)
    bne  t2, s1, 41f
    mv   a0, s2
    addi a1, t1, PP_WR
    sub  t0, t0, s4
    sw   t0, 0(sp)
    addi a2, sp, 0
    li   a3, 4
    call wait_pop
    lw   t0, PP_NW(s2)
    addi t0, t0, -1
    sw   t0, PP_NW(s2)
    j    4b
41: addi s4, s4, 1
    j    4b
5:  addi s2, s2, 1 << PIPE_SHIFT
    addi s3, s3, -1
    bnez s3, 1b
    EPILOGUE

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
