# cp.s — cp SRC DST: copy the file SRC to DST (created or truncated).

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 3
    beq  s1, t0, 1f
    li   a0, 2
    la   a1, cp_usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  lw   s3, 4(s2)              # src
    lw   s4, 8(s2)              # dst
    mv   a0, s3
    li   a1, O_RDONLY
    call open
    mv   s7, s3
    blt  a0, zero, cp_err
    mv   s5, a0
    mv   a0, s4
    li   a1, O_WRONLY | O_CREATE | O_TRUNC
    call open
    mv   s7, s4
    blt  a0, zero, cp_err
    mv   s6, a0
2:  mv   a0, s5
    la   a1, cp_buf
    li   a2, 512
    call read
    mv   s7, s3
    blt  a0, zero, cp_err
    beqz a0, 3f
    mv   a2, a0
    mv   s8, a0
    mv   a0, s6
    la   a1, cp_buf
    call write
    mv   s7, s4
    blt  a0, zero, cp_err
    bne  a0, s8, cp_short
    j    2b
3:  mv   a0, s5
    call close
    mv   a0, s6
    call close
    li   a0, 0
    FUNC_RETURN
cp_short:
    li   a0, -ENOSPC
cp_err:                         # a0 = -errno, s7 = the file concerned
    call errstr
    mv   a3, a0
    mv   a2, s7
    la   a1, cp_msg
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

.rodata
cp_usage: .asciz "usage: cp SRC DST\n"
cp_msg:   .asciz "cp: %s: %s\n"
.bss
cp_buf:   .space 512
