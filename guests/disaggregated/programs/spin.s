# spin.s — spin N: compute for N rounds of 10000 steps, then print a checksum; it
# touches no file (the program that runs on while the storage component is down).

.include "ulib.s"

.text
.global main
main:
    FUNC_ENTER
    li   s1, 1
    li   t0, 2
    blt  a0, t0, 1f
    lw   a0, 4(a1)
    call atoi
    mv   s1, a0
1:  li   s2, 0                          # checksum
    mv   s3, s1
2:  ble  s3, zero, 4f
    li   s4, 10000
3:  slli t0, s2, 5
    add  s2, s2, t0
    addi s2, s2, 7
    addi s4, s4, -1
    bnez s4, 3b
    addi s3, s3, -1
    j    2b
4:  mv   a2, s2
    mv   a1, s1
    la   a0, done
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
done: .asciz "spin: %d rounds, checksum %x\n"
