# sysfile.s — file-system system calls: read, write, close, dup, fstat, pipe, open,
# mkdir, unlink, chdir.
#
# Concept: system calls as the kernel's only interface (seed: monolithic kernel): each
# validates its arguments (fd range, user pointers through copyin/copyinstr) and
# returns -errno instead of trusting the caller.

# fd2file(a0 = fd) -> a0 = file or 0
fd2file:
    sltiu t0, a0, NOFILE
    beqz t0, 9f
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    slli a0, a0, 2
    add  t0, t0, a0
    lw   a0, P_OFILE(t0)
    ret
9:  li   a0, 0
    ret

# fdalloc(a0 = file) -> fd or -EMFILE
fdalloc:
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    li   t1, 0
1:  slli t2, t1, 2
    add  t2, t2, t0
    lw   t3, P_OFILE(t2)
    bnez t3, 2f
    sw   a0, P_OFILE(t2)
    mv   a0, t1
    ret
2:  addi t1, t1, 1
    li   t2, NOFILE
    blt  t1, t2, 1b
    li   a0, -EMFILE
    ret

# namei_err() -> a0 = -namei_errno (after a failed namei/nameiparent)
namei_err:
    la   t0, namei_errno
    lw   a0, 0(t0)
    neg  a0, a0
    ret

# fetchpath(a0 = user path, a1 = kernel buffer[MAXPATH]) -> 0 / -EFAULT / -ENAMETOOLONG
fetchpath:
    PROLOGUE
    mv   a2, a0
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    li   a3, MAXPATH
    call copyinstr
    li   t0, -1
    beq  a0, t0, 1f
    li   t0, -2
    beq  a0, t0, 2f
    li   a0, 0
    EPILOGUE
1:  li   a0, -EFAULT
    EPILOGUE
2:  li   a0, -ENAMETOOLONG
    EPILOGUE

sys_read:
    PROLOGUE
    mv   s2, a1
    mv   s3, a2
    call fd2file
    beqz a0, 8f
    blt  s3, zero, 7f
    mv   a1, s2
    mv   a2, s3
    call fileread
    EPILOGUE
7:  li   a0, -EINVAL
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

sys_write:
    PROLOGUE
    mv   s2, a1
    mv   s3, a2
    call fd2file
    beqz a0, 8f
    blt  s3, zero, 7f
    mv   a1, s2
    mv   a2, s3
    call filewrite
    EPILOGUE
7:  li   a0, -EINVAL
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

sys_close:
    PROLOGUE
    mv   s1, a0
    call fd2file
    beqz a0, 8f
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    slli t1, s1, 2
    add  t0, t0, t1
    sw   zero, P_OFILE(t0)
    call fileclose
    li   a0, 0
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

sys_dup:
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

sys_fstat:
    PROLOGUE
    mv   s2, a1
    call fd2file
    beqz a0, 8f
    mv   a1, s2
    call filestat
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

# pipe(int fds[2])
sys_pipe:
    PROLOGUE
    mv   s1, a0
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
    mv   s5, a0
    sw   s4, 0(sp)
    sw   s5, 4(sp)
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    mv   a1, s1
    mv   a2, sp
    li   a3, 8
    call copyout
    beqz a0, 9f
    mv   a0, s5                         # bad fds pointer: undo
    call fdclear
    li   s6, -EFAULT
    j    4f
5:  li   s6, -EMFILE
4:  mv   a0, s4
    call fdclear
    j    7f
6:  li   s6, -EMFILE
7:  mv   a0, s2
    call fileclose
    mv   a0, s3
    call fileclose
    mv   a0, s6
    EPILOGUE
8:  li   a0, -ENFILE
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# fdclear(a0 = fd): forget an fd slot (no close)
fdclear:
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    slli a0, a0, 2
    add  t0, t0, a0
    sw   zero, P_OFILE(t0)
    ret

# create(a0 = kernel path, a1 = type) -> a0 = locked inode, or -errno (negative)
# An existing regular file is returned for type T_FILE (open O_CREATE).
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
    la   t0, namei_errno                # ENFILE after a miss: no inode to look with
    sw   zero, 0(t0)
    mv   a0, s3
    mv   a1, sp
    li   a2, 0
    call dirlookup
    beqz a0, 21f
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
21: la   t0, namei_errno                # not there: create it (unless ENFILE or EIO:
    lw   s6, 0(t0)                      # the lookup could not tell)
    li   t0, ENFILE
    beq  s6, t0, 84f
    li   t0, EIO
    beq  s6, t0, 84f
    la   t0, namei_errno
    sw   zero, 0(t0)
    mv   a0, s2
    call ialloc
    beqz a0, 86f
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
83: neg  s6, a0                         # undo every step: the new inode is freed by
    sh   zero, I_NLINK(s4)              # iput, the parent loses the ".." link
    mv   a0, s4
    call iupdate
    mv   a0, s4
    call iunlockput
    li   t0, T_DIR
    bne  s2, t0, 84f
    lhu  t0, I_NLINK(s3)
    addi t0, t0, -1
    sh   t0, I_NLINK(s3)
    mv   a0, s3
    call iupdate
    j    84f
86: li   s6, ENOSPC                     # ialloc: no inode on the disk, or ENFILE
    la   t0, namei_errno
    lw   t0, 0(t0)
    li   t1, ENFILE
    bne  t0, t1, 84f
    mv   s6, t1
84: mv   a0, s3                         # s6 = errno
    call iunlockput
    neg  a0, s6
    EPILOGUE
85: mv   a0, s3
    call iunlockput
    li   a0, -EEXIST
    EPILOGUE
80: call namei_err
    EPILOGUE

# open(path, flags) -> fd. The file and the fd are reserved before the path is looked up
# or created, so a full table fails with nothing created; unknown flag bits are EINVAL.
.equ O_KNOWN, O_WRONLY | O_RDWR | O_CREATE | O_TRUNC
sys_open:                              # one transaction of the log (FS_LOG)
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    BEGIN_OP
    mv   a0, s1
    mv   a1, s2
    call sys_open_op
    mv   s1, a0
    END_OP
    mv   a0, s1
    EPILOGUE

sys_open_op:
    PROLOGUE
    addi sp, sp, -128                   # path buffer at 0(sp)
    mv   s2, a1
    mv   a1, sp
    call fetchpath
    bnez a0, 90f
    li   t0, ~O_KNOWN
    and  t0, t0, s2
    bnez t0, 95f
    call filealloc
    beqz a0, 93f
    mv   s4, a0
    call fdalloc
    blt  a0, zero, 94f
    mv   s5, a0
    andi t0, s2, O_CREATE
    beqz t0, 1f
    mv   a0, sp
    li   a1, T_FILE
    call create
    li   t0, -4096                      # an -errno, not an inode address
    bgeu a0, t0, 96f
    mv   s3, a0
    j    2f
1:  mv   a0, sp
    call namei
    beqz a0, 91f
    mv   s3, a0
    call ilock
    lhu  t0, I_TYPE(s3)
    li   t1, T_DIR
    bne  t0, t1, 2f
    andi t0, s2, 3
    bnez t0, 92f
2:  andi t0, s2, O_WRONLY
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
    j    90f
91: call namei_err                      # undo the fd and the file: a0 = -errno
    j    96f
92: mv   a0, s3
    call iunlockput
    li   a0, -EISDIR
96: mv   s3, a0
    mv   a0, s5
    call fdclear
    sw   zero, F_REF(s4)
    mv   a0, s3
    j    90f
94: sw   zero, F_REF(s4)
    li   a0, -EMFILE
    j    90f
93: li   a0, -ENFILE
    j    90f
95: li   a0, -EINVAL
90: addi sp, sp, 128
    EPILOGUE

sys_mkdir:                              # one transaction of the log (FS_LOG)
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    BEGIN_OP
    mv   a0, s1
    mv   a1, s2
    call sys_mkdir_op
    mv   s1, a0
    END_OP
    mv   a0, s1
    EPILOGUE

sys_mkdir_op:
    PROLOGUE
    addi sp, sp, -128
    mv   a1, sp
    call fetchpath
    bnez a0, 90f
    mv   a0, sp
    li   a1, T_DIR
    call create
    li   t0, -4096                      # an -errno, not an inode address
    bgeu a0, t0, 90f
    call iunlockput
    li   a0, 0
90: addi sp, sp, 128
    EPILOGUE

sys_chdir:                              # one transaction of the log (FS_LOG)
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    BEGIN_OP
    mv   a0, s1
    mv   a1, s2
    call sys_chdir_op
    mv   s1, a0
    END_OP
    mv   a0, s1
    EPILOGUE

sys_chdir_op:
    PROLOGUE
    addi sp, sp, -128
    mv   a1, sp
    call fetchpath
    bnez a0, 90f
    mv   a0, sp
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
    j    90f
1:  mv   a0, s1
    call iunlock
    CURPROC_PTR t0                         # this CPU's curproc (param.inc)
    lw   s2, 0(t0)
    lw   a0, P_CWD(s2)
    sw   s1, P_CWD(s2)
    call iput
    li   a0, 0
    j    90f
91: call namei_err
90: addi sp, sp, 128
    EPILOGUE

# isdirempty(a0 = locked dir) -> 1 if only . and .. remain (0 if it cannot be read)
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
    li   t0, 16
    bne  a0, t0, 9f
    lhu  t0, 0(sp)
    bnez t0, 9f
    addi s2, s2, 16
    j    1b
8:  li   a0, 1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

sys_unlink:                              # one transaction of the log (FS_LOG)
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    BEGIN_OP
    mv   a0, s1
    mv   a1, s2
    call sys_unlink_op
    mv   s1, a0
    END_OP
    mv   a0, s1
    EPILOGUE

sys_unlink_op:
    PROLOGUE
    addi sp, sp, -160                   # path 0..127, name 128..143, off 144
    mv   a1, sp
    call fetchpath
    bnez a0, 90f
    mv   a0, sp
    addi a1, sp, 128
    call nameiparent
    beqz a0, 91f
    mv   s1, a0                         # dp
    call ilock
    addi a0, sp, 128
    la   a1, str_dot
    li   a2, DIRSIZ
    call strncmp
    beqz a0, 92f
    addi a0, sp, 128
    la   a1, str_dotdot
    li   a2, DIRSIZ
    call strncmp
    beqz a0, 92f
    lbu  t0, 128(sp)
    beqz t0, 92f
    la   t0, namei_errno
    sw   zero, 0(t0)
    mv   a0, s1
    addi a1, sp, 128
    addi a2, sp, 144
    call dirlookup
    beqz a0, 93f
    mv   s2, a0                         # ip
    call ilock
    lhu  t0, I_TYPE(s2)
    li   t1, T_DIR
    bne  t0, t1, 1f
    lw   t0, I_REF(s2)                  # a directory in use (some process's working
    li   t1, 1                          # directory, or open) is not removed: a file
    bne  t0, t1, 95f                    # created in it later would be unreachable
    mv   a0, s2
    call isdirempty
    beqz a0, 94f
1:  mv   a0, s1                         # clear the entry
    li   a1, 0
    la   a2, zero16
    lw   a3, 144(sp)
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
    j    90f
95: li   s3, -EBUSY
    j    96f
94: li   s3, -ENOTEMPTY
96: mv   a0, s2
    call iunlockput
    mv   a0, s1
    call iunlockput
    mv   a0, s3
    j    90f
93: li   s3, -ENOENT                    # or ENFILE / EIO: the lookup could not tell
    la   t0, namei_errno
    lw   t0, 0(t0)
    li   t1, ENFILE
    beq  t0, t1, 98f
    li   t1, EIO
    bne  t0, t1, 97f
98: neg  s3, t0
97: mv   a0, s1
    call iunlockput
    mv   a0, s3
    j    90f
92: mv   a0, s1
    call iunlockput
    li   a0, -EINVAL
    j    90f
91: call namei_err
90: addi sp, sp, 160
    EPILOGUE

.rodata
str_dot:    .asciz "."
str_dotdot: .asciz ".."
    .balign 4
zero16:     .word 0, 0, 0, 0
.text
