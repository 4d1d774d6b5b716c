# grep.s — grep PATTERN [FILE...]: print the lines (of each FILE, or the standard input)
# that contain PATTERN as a substring. Exit status 0 if a line matched, 1 if none, 2 on
# an error.

.include "lib/ulib.s"

.equ GLINE, 512

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 2
    bge  s1, t0, 1f
    li   a0, 2
    la   a1, grep_usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  lw   s3, 4(s2)              # pattern
    li   s8, 0                  # an error happened?
    li   t0, 2
    bgt  s1, t0, 2f
    li   a0, 0
    mv   a1, s3
    call grep_fd
    j    grep_done
2:  li   s4, 2
3:  bge  s4, s1, grep_done
    LOADIDX s5, s2, s4
    mv   a0, s5
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 4f
    mv   s7, a0
    mv   a1, s3
    call grep_fd
    mv   a0, s7
    call close
    addi s4, s4, 1
    j    3b
4:  call errstr
    mv   a3, a0
    mv   a2, s5
    la   a1, grep_msg
    li   a0, 2
    call fprintf
    li   s8, 1                  # remember the error
    addi s4, s4, 1
    j    3b
grep_done:
    la   t0, grep_hit
    lw   t0, 0(t0)
    seqz a0, t0                 # 0 if a line matched, else 1
    beqz s8, 5f
    li   a0, 2
5:  FUNC_RETURN

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
grep_line:  .space GLINE
