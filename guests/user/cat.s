# cat.s — cat [FILE...]: copy each FILE (or the standard input) to the standard output.
# Exit status 1 if a file could not be read.

.include "lib/ulib.s"

.text
.global main
main:
    la   a2, cat_arg
    li   a3, 0                  # no FILE: the standard input
    j    for_each_arg           # the exit status: 1 if a file could not be read

# cat_arg(path, or 0 for the standard input) -> 0, or 1 after printing an error
cat_arg:
    FUNC_ENTER
    mv   s4, a0
    bnez s4, 1f
    call cat_fd                 # a0 = 0: fd 0
    bge  a0, zero, 9f
    la   s4, cat_stdin
    j    cat_err
1:  li   a1, O_RDONLY
    call open
    blt  a0, zero, cat_err
    mv   s5, a0
    la   a1, cat_st             # a directory is not printed
    call fstat
    la   t0, cat_st
    lhu  t0, ST_TYPE(t0)
    li   t1, T_DIR
    bne  t0, t1, 2f
    mv   a0, s5
    call close
    li   a0, -EISDIR
    j    cat_err
2:  mv   a0, s5
    call cat_fd
    mv   s7, a0
    mv   a0, s5
    call close
    mv   a0, s7
    blt  a0, zero, cat_err
9:  li   a0, 0
    FUNC_RETURN
cat_err:
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, cat_msg
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

# cat_fd(fd) -> 0, or -errno
cat_fd:
    FUNC_ENTER
    mv   s1, a0
1:  mv   a0, s1
    la   a1, cat_buf
    li   a2, 512
    call read
    ble  a0, zero, 2f
    mv   a2, a0
    la   a1, cat_buf
    li   a0, 1
    call write
    bge  a0, zero, 1b
2:  FUNC_RETURN

.rodata
cat_msg:   .asciz "cat: %s: %s\n"
cat_stdin: .asciz "(stdin)"
.bss
.align 4
cat_st:    .space STAT_SIZE
cat_buf:   .space 512
