# fscalls.s — the file-system server's POSIX calls: read, write, close, dup, fstat,
# pipe, open, mkdir, chdir, unlink (included by fsserv.s).
#
# Concept: the monolithic kernel's system calls (guests/monolithic/sysfile.s, file.s)
# become a server's request handlers (seed: kernel structures — a service "just like a
# user process listening on IPCs"): the same checks and the same calls into
# guests/lib/fs, with the caller's fd table and directory found by its thread, its
# bytes in the request's string and the answer's.

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
