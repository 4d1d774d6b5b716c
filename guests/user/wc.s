# wc.s — wc [FILE...]: count lines, words and bytes of each FILE (or the standard
# input) and print "lines words bytes [name]".

.include "lib/ulib.s"

.text
.global main
main:
    la   a2, wc_arg
    li   a3, 0                  # no FILE: the standard input
    j    for_each_arg

# wc_arg(path, or 0 for the standard input) -> 0, or 1 after printing an error
wc_arg:
    FUNC_ENTER
    mv   s4, a0
    bnez s4, 1f
    la   a1, wc_empty           # fd 0, no name
    call wc_fd
    li   a0, 0
    FUNC_RETURN
1:  li   a1, O_RDONLY
    call open
    blt  a0, zero, wc_err
    mv   s5, a0
    mv   a1, s4
    call wc_fd
    mv   s7, a0
    mv   a0, s5
    call close
    mv   a0, s7
    blt  a0, zero, wc_err
    li   a0, 0
    FUNC_RETURN
wc_err:
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, wc_msg
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

# wc_fd(fd, name) -> 0 or -errno; prints the counts
wc_fd:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s3, 0                  # lines
    li   s4, 0                  # words
    li   s5, 0                  # bytes
    li   s6, 0                  # inside a word?
1:  mv   a0, s1
    la   a1, wc_buf
    li   a2, 512
    call read
    blt  a0, zero, 9f
    beqz a0, 5f
    add  s5, s5, a0
    la   t0, wc_buf
    add  t1, t0, a0
2:  bgeu t0, t1, 1b
    lbu  t2, 0(t0)
    addi t0, t0, 1
    li   t3, '\n'
    bne  t2, t3, 3f
    addi s3, s3, 1
3:  li   t3, ' '                # space, \t \n \v \f \r separate words
    beq  t2, t3, 4f
    addi t3, t2, -9
    sltiu t3, t3, 5
    bnez t3, 4f
    bnez s6, 2b
    li   s6, 1
    addi s4, s4, 1
    j    2b
4:  li   s6, 0
    j    2b
5:  la   a0, wc_fmt
    lbu  t0, 0(s2)
    bnez t0, 6f
    la   a0, wc_fmt_stdin       # no name: no trailing space
6:  mv   a1, s3
    mv   a2, s4
    mv   a3, s5
    mv   a4, s2
    call printf
    li   a0, 0
9:  FUNC_RETURN

.rodata
wc_fmt:   .asciz "%d %d %d %s\n"
wc_fmt_stdin: .asciz "%d %d %d\n"
wc_msg:   .asciz "wc: %s: %s\n"
wc_empty: .asciz ""
.bss
wc_buf:   .space 512
