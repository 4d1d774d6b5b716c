# cat.s — cat [FILE...]: copy each FILE (or the standard input) to the standard output.
# Exit status 1 if a file could not be read.

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s6, 0                  # exit status
    li   t0, 1
    bgt  s1, t0, 1f
    li   a0, 0
    call cat_fd
    blt  a0, zero, cat_rerr_stdin
    j    cat_done
1:  li   s3, 1
cat_loop:
    bge  s3, s1, cat_done
    LOADIDX s4, s2, s3
    mv   a0, s4
    li   a1, O_RDONLY
    call open
    blt  a0, zero, cat_err
    mv   s5, a0
    la   a1, cat_st             # a directory is not printed
    call fstat
    la   t0, cat_st
    lhu  t0, ST_TYPE(t0)
    li   t1, T_DIR
    bne  t0, t1, 1f
    mv   a0, s5
    call close
    li   a0, -EISDIR
    j    cat_err
1:  mv   a0, s5
    call cat_fd
    mv   s7, a0
    mv   a0, s5
    call close
    mv   a0, s7
    blt  a0, zero, cat_err
cat_next:
    addi s3, s3, 1
    j    cat_loop
cat_err:
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, cat_msg
    li   a0, 2
    call fprintf
    li   s6, 1
    j    cat_next
cat_rerr_stdin:
    la   s4, cat_stdin
    j    cat_err
cat_done:
    mv   a0, s6
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
