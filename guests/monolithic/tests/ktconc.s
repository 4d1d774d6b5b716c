# ktconc.s — /init: 4 children write and read back their own 24 KiB files at the same
# time (concurrent disk requests, buffer sleep locks, preemption), then the parent
# checks every exit status and that the bytes survived. Prints "kc: ok N" and halts 0.
.include "usys.inc"
.equ NKIDS, 4
.text
_start:
    li   s1, 0
1:  li   t0, NKIDS
    bge  s1, t0, 5f
    SYS  FORK
    beqz a0, child
    addi s1, s1, 1
    j    1b
5:  li   s2, 0                          # sum of statuses
    li   s1, 0
6:  li   t0, NKIDS
    bge  s1, t0, 7f
    la   a0, status
    SYS  WAIT
    la   t0, status
    lw   t0, 0(t0)
    add  s2, s2, t0
    addi s1, s1, 1
    j    6b
7:  PUTS m_ok
    mv   a0, s2
    call uputdec
    PUTS nl
    li   a0, 0
    SYS  HALT
8:  j 8b

# child s1: file "/fN", 24 KiB of byte N+'a', written 1 KiB at a time, read back.
child:
    la   t0, path
    addi t1, s1, '0'
    sb   t1, 2(t0)
    la   a0, buf                        # fill the buffer
    addi a1, s1, 'a'
    li   a2, 1024
9:  sb   a1, 0(a0)
    addi a0, a0, 1
    addi a2, a2, -1
    bnez a2, 9b
    la   a0, path
    li   a1, O_CREATE | O_RDWR
    SYS  OPEN
    mv   s2, a0
    li   s3, 24
10: mv   a0, s2
    la   a1, buf
    li   a2, 1024
    SYS  WRITE
    li   t0, 1024
    bne  a0, t0, 20f
    addi s3, s3, -1
    bnez s3, 10b
    mv   a0, s2
    SYS  CLOSE
    la   a0, path
    li   a1, 0
    SYS  OPEN
    mv   s2, a0
    li   s4, 0                          # bytes checked
11: mv   a0, s2
    la   a1, rbuf
    li   a2, 700
    SYS  READ
    beqz a0, 13f
    blt  a0, zero, 20f
    la   t0, rbuf
    add  t1, t0, a0
    add  s4, s4, a0
    addi t2, s1, 'a'
12: lbu  t3, 0(t0)
    bne  t3, t2, 20f
    addi t0, t0, 1
    bne  t0, t1, 12b
    j    11b
13: li   t0, 24576
    bne  s4, t0, 20f
    li   a0, 1
    SYS  EXIT
20: li   a0, 100
    SYS  EXIT
.include "ulib.s"
.rodata
m_ok: .asciz "kc: ok "
nl:   .asciz "\n"
.data
path: .asciz "/fX"
    .balign 4
status: .word 0
.bss
buf:  .space 1024
rbuf: .space 1024
