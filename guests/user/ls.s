# ls.s — ls [PATH...]: list each directory (default ".") one entry per line as
# "name type inode size", or describe each file named. Exit status 1 on an error.

.include "lib/ulib.s"

.text
.global main
main:
    la   a2, ls_path
    la   a3, ls_dot             # no PATH: the current directory
    j    for_each_arg

# ls_path(path) -> 0, or 1 after printing an error
ls_path:
    FUNC_ENTER
    mv   s1, a0
    li   a1, O_RDONLY
    call open
    blt  a0, zero, ls_err
    mv   s2, a0                 # fd
    la   a1, ls_st
    call fstat
    blt  a0, zero, ls_err_close
    la   t0, ls_st
    lhu  t1, ST_TYPE(t0)
    li   t2, T_DIR
    beq  t1, t2, ls_dir
    mv   a0, s1                 # a file: one line about it
    la   a1, ls_st
    call ls_line
    j    ls_ok
ls_dir:
    mv   a0, s1                 # prefix = path + "/"
    call strlen
    addi t0, a0, DIRSIZ + 2
    li   t1, 128
    bgeu t0, t1, ls_toolong
    mv   s3, a0
    la   a0, ls_pathbuf
    mv   a1, s1
    call strcpy
    la   t0, ls_pathbuf
    add  s3, t0, s3             # s3 = where names go
    li   t1, '/'
    sb   t1, 0(s3)
    addi s3, s3, 1
ls_dirloop:
    mv   a0, s2
    la   a1, ls_de
    li   a2, DIRENT_SIZE
    call read
    li   t0, DIRENT_SIZE
    bne  a0, t0, ls_dirend
    la   t0, ls_de
    lhu  t1, 0(t0)
    beqz t1, ls_dirloop         # a free slot
    mv   a0, s3                 # copy the name (not always NUL-terminated)
    addi a1, t0, 2
    li   a2, DIRSIZ
    call memmove
    sb   zero, DIRSIZ(s3)
    la   a0, ls_pathbuf
    li   a1, O_RDONLY
    call open
    blt  a0, zero, ls_noent
    mv   s4, a0
    la   a1, ls_st
    call fstat
    mv   s5, a0
    mv   a0, s4
    call close
    blt  s5, zero, ls_noent
    mv   a0, s3
    la   a1, ls_st
    call ls_line
    j    ls_dirloop
ls_noent:
    la   a0, ls_cannot
    la   a1, ls_pathbuf
    call printf
    j    ls_dirloop
ls_dirend:
ls_ok:
    mv   a0, s2
    call close
    li   a0, 0
    FUNC_RETURN
ls_toolong:
    li   a0, -ENAMETOOLONG
ls_err_close:
    mv   s3, a0
    mv   a0, s2
    call close
    mv   a0, s3
ls_err:
    call errstr
    mv   a3, a0
    mv   a2, s1
    la   a1, ls_msg
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

# ls_line(name, struct stat *)
ls_line:
    FUNC_ENTER
    mv   s1, a0
    lhu  t1, ST_TYPE(a1)
    la   a2, ls_tfile
    li   t2, T_DIR
    bne  t1, t2, 1f
    la   a2, ls_tdir
1:  li   t2, T_DEV
    bne  t1, t2, 2f
    la   a2, ls_tdev
2:  lw   a3, ST_INO(a1)
    lw   a4, ST_SIZE(a1)
    mv   a1, s1
    la   a0, ls_fmt
    call printf
    FUNC_RETURN

.rodata
ls_dot:    .asciz "."
ls_fmt:    .asciz "%-14s %-4s %3d %6d\n"
ls_tfile:  .asciz "file"
ls_tdir:   .asciz "dir"
ls_tdev:   .asciz "dev"
ls_msg:    .asciz "ls: %s: %s\n"
ls_cannot: .asciz "ls: cannot stat %s\n"
.bss
.align 4
ls_st:      .space STAT_SIZE
ls_de:      .space DIRENT_SIZE
ls_pathbuf: .space 128
