# ulib.s — tiny helpers for the kernel's test programs (not the real user library).
# uputs(a0 = string): write it to fd 1.
uputs:
    mv   t0, a0
1:  lbu  t1, 0(t0)
    beqz t1, 2f
    addi t0, t0, 1
    j    1b
2:  sub  a2, t0, a0
    mv   a1, a0
    li   a0, 1
    li   a7, SYS_WRITE
    syscall
    ret
# uputdec(a0 = signed value)
uputdec:
    addi sp, sp, -32
    mv   t0, a0
    addi t1, sp, 31
    sb   zero, 0(t1)
    bge  t0, zero, 1f
    neg  t0, t0
1:  li   t2, 10
2:  addi t1, t1, -1
    remu t3, t0, t2
    addi t3, t3, '0'
    sb   t3, 0(t1)
    divu t0, t0, t2
    bnez t0, 2b
    bge  a0, zero, 3f
    addi t1, t1, -1
    li   t3, '-'
    sb   t3, 0(t1)
3:  addi a2, sp, 31
    sub  a2, a2, t1
    mv   a1, t1
    li   a0, 1
    li   a7, SYS_WRITE
    syscall
    addi sp, sp, 32
    ret
