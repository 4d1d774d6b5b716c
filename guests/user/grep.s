# grep.s — grep PATTERN [FILE...]: print the lines (of each FILE, or the standard input)
# that contain PATTERN as a substring. Exit status 0 if a line matched, 1 if none, 2 on
# an error.

.include "lib/ulib.s"

.equ GLINE, 512

.text
.global main
main:
    FUNC_ENTER
    li   t0, 2
    bge  a0, t0, 1f
    li   a0, 2
    la   a1, grep_usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  lw   t0, 4(a1)              # the pattern; the files follow it
    la   t1, grep_pattern
    sw   t0, 0(t1)
    addi a0, a0, -1
    addi a1, a1, 4
    la   a2, grep_arg
    li   a3, 0                  # no FILE: the standard input
    call for_each_arg
    mv   s8, a0                 # an error happened?
    la   t0, grep_hit
    lw   t0, 0(t0)
    seqz a0, t0                 # 0 if a line matched, else 1
    beqz s8, 5f
    li   a0, 2
5:  FUNC_RETURN

# grep_arg(path, or 0 for the standard input) -> 0, or 1 after printing an error
grep_arg:
    FUNC_ENTER
    mv   s5, a0
    la   t0, grep_pattern
    lw   s3, 0(t0)
    bnez s5, 1f
    mv   a1, s3                 # fd 0
    call grep_fd
    li   a0, 0
    FUNC_RETURN
1:  li   a1, O_RDONLY
    call open
    blt  a0, zero, 4f
    mv   s7, a0
    mv   a1, s3
    call grep_fd
    mv   a0, s7
    call close
    li   a0, 0
    FUNC_RETURN
4:  call errstr
    mv   a3, a0
    mv   a2, s5
    la   a1, grep_msg
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

# grep_fd(fd, pattern): print the matching lines; sets grep_hit when one matches
grep_fd:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    mv   a0, s2
    call strlen
    mv   s3, a0                 # pattern length
1:  mv   a0, s1
    la   a1, grep_line
    li   a2, GLINE
    call readline
    ble  a0, zero, 9f
    mv   s4, a0                 # line length
    la   s5, grep_line          # try each start
    add  s7, s5, s4
    sub  s7, s7, s3             # last start
2:  bgt  s5, s7, 1b
    mv   a0, s5
    mv   a1, s2
    mv   a2, s3
    call memcmp
    beqz a0, 3f
    addi s5, s5, 1
    j    2b
3:  li   a0, 1
    la   a1, grep_line
    mv   a2, s4
    call write
    la   t0, grep_hit
    li   t1, 1
    sw   t1, 0(t0)
    j    1b
9:  FUNC_RETURN

.rodata
grep_usage: .asciz "usage: grep PATTERN [FILE...]\n"
grep_msg:   .asciz "grep: %s: %s\n"
.bss
.align 4
grep_hit:   .space 4
grep_pattern: .space 4
grep_line:  .space GLINE
