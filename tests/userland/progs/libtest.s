# libtest.s — exercises guests/user/lib without the kernel's fork: printf conversions,
# string routines, atoi, malloc/free, readline. Run by tests/userland/test_ulib.py on
# the fake kernel (tests/userland/fakekernel.py); its output is compared there.

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    la   a0, f1
    li   a1, 42
    li   a2, -42
    li   a3, -1
    li   a4, 0xBEEF
    li   a5, 'Z'
    la   a6, s_hello
    li   a7, 0
    call printf
    la   a0, f2
    li   a1, 7
    li   a2, -7
    li   a3, 255
    li   a4, 0xBEEF
    la   a5, s_hello
    la   a6, s_hello
    li   a7, 0x80000000
    call printf
    li   a0, 2
    la   a1, f3
    li   a2, 1234567890
    li   a3, 0x1000
    call fprintf
    la   a0, s_hello            # strings
    call strlen
    mv   s1, a0
    la   a0, s_hello
    la   a1, s_help
    call strcmp
    slt  s2, zero, a0           # "hello" > "help"? no: 'l' < 'p' -> negative
    la   a0, s_hello
    la   a1, s_help
    li   a2, 3
    call strncmp
    mv   s3, a0
    la   a0, s_num
    call atoi
    mv   s4, a0
    la   a0, s_neg
    call atoi
    mv   s5, a0
    la   a0, buf                # strcpy + strcat + strchr
    la   a1, s_hello
    call strcpy
    la   a0, buf
    la   a1, s_help
    call strcat
    la   a0, buf
    li   a1, 'p'
    call strchr
    la   t0, buf
    sub  s6, a0, t0
    la   a0, f4
    mv   a1, s1
    mv   a2, s2
    mv   a3, s3
    mv   a4, s4
    mv   a5, s5
    mv   a6, s6
    la   a7, buf
    call printf
    la   a0, buf + 1            # memmove overlapping, both directions
    la   a1, buf
    li   a2, 5
    call memmove
    la   a0, buf + 20
    la   a1, buf + 2
    li   a2, 3
    call memmove
    la   a0, buf + 23
    li   a1, 0
    li   a2, 1
    call memset
    la   a0, f5
    la   a1, buf
    la   a2, buf + 20
    call printf
    li   s1, 0                  # malloc: 50 blocks, each filled with its index
1:  li   t0, 50
    bge  s1, t0, 2f
    li   t0, 37
    mul  a0, s1, t0
    addi a0, a0, 1
    call malloc
    beqz a0, 9f
    la   t0, ptrs
    slli t1, s1, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    li   t0, 37
    mul  a2, s1, t0
    addi a2, a2, 1
    mv   a1, s1
    call memset
    addi s1, s1, 2              # every other index; the rest come later
    j    1b
2:  li   s1, 1
3:  li   t0, 50
    bge  s1, t0, 4f
    li   a0, 100
    call malloc
    beqz a0, 9f
    la   t0, ptrs
    slli t1, s1, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    li   a2, 100
    mv   a1, s1
    call memset
    addi s1, s1, 2
    j    3b
4:  li   s1, 0                  # check and free all
    li   s2, 0                  # bad bytes
5:  li   t0, 50
    bge  s1, t0, 7f
    la   t0, ptrs
    LOADIDX s3, t0, s1
    andi t0, s1, 1
    li   t1, 100
    bnez t0, 51f
    li   t0, 37
    mul  t1, s1, t0
    addi t1, t1, 1
51: li   t2, 0
6:  bge  t2, t1, 61f
    add  t3, s3, t2
    lbu  t3, 0(t3)
    beq  t3, s1, 62f
    addi s2, s2, 1
62: addi t2, t2, 1
    j    6b
61: mv   a0, s3
    call free
    addi s1, s1, 1
    j    5b
7:  li   a0, 60000              # after freeing everything a big block fits
    call malloc
    snez s3, a0
    call free
    la   a0, f6
    mv   a1, s2
    mv   a2, s3
    call printf
8:  la   a0, buf                # echo input lines until EOF
    li   a1, 64
    call gets
    ble  a0, zero, 81f
    mv   a2, a0
    la   a0, f7
    la   a1, buf
    call printf
    j    8b
81: li   a0, 0
    FUNC_RETURN
9:  li   a0, 3
    FUNC_RETURN

.rodata
f1: .asciz "d=%d neg=%d u=%u x=%x c=%c s=%s null=%s %%\n"
f2: .asciz "[%5d] [%-5d] [%05d] [%08x] [%-8s] [%8s] [%d]\n"
f3: .asciz "to stderr %d %p\n"
f4: .asciz "len=%d gt=%d ncmp=%d atoi=%d %d chr=%d cat=%s\n"
f5: .asciz "moved=%s tail=%s\n"
f6: .asciz "malloc bad=%d big=%d\n"
f7: .asciz "line[%s] %d\n"
s_hello: .asciz "hello"
s_help:  .asciz "help"
s_num:   .asciz "12345xyz"
s_neg:   .asciz "-678"
.bss
.align 4
ptrs: .space 256
buf:  .space 128
