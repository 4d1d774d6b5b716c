# fxserver.s — fxserver THREADS REQUESTS: a syscall-intensive, multi-threaded,
# server-like program. THREADS user threads (lib/uthread.s) each serve REQUESTS
# "requests"; a request is four system calls: getpid (the null call), fstat of the
# console, and a one-byte write to a pipe and a one-byte read from it. Prints
#
#     fxserver threads=T requests=R calls=C cycles=Y
#
# Y is the cycle CSR from the first thread's start to the last one's end. The program
# is written once: built with the trapping stubs every call traps; built with the
# FlexSC stubs (guests/flexsc/stubs) every call is posted on the syscall page and the
# thread switches to another — THREADS is then the batch size (outstanding requests).

.include "../../user/lib/ulib.s"
.include "../lib/uthread.s"

.equ CALLS_PER_REQ, 4

main:
    FUNC_ENTER
    li   t0, 3
    beq  a0, t0, 1f
    li   a0, 2
    la   a1, usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  mv   s5, a1
    lw   a0, 4(s5)
    call atoi
    mv   s1, a0                 # threads
    lw   a0, 8(s5)
    call atoi
    la   t0, nreq
    sw   a0, 0(t0)
    la   a0, pfd
    call pipe
    bnez a0, 9f
    csrr s3, cycle
    li   s2, 0
2:  bge  s2, s1, 3f
    la   a0, worker
    mv   a1, s2
    call uthread_create
    blt  a0, zero, 9f
    addi s2, s2, 1
    j    2b
3:  call uthread_join
    csrr s4, cycle
    sub  s4, s4, s3
    la   t0, nreq               # calls = threads * requests * CALLS_PER_REQ
    lw   t0, 0(t0)
    mul  s6, s1, t0
    slli s7, s6, 2
    la   a0, fmt
    mv   a1, s1
    mv   a2, s6
    mv   a3, s7
    mv   a4, s4
    call printf
    li   a0, 0
    FUNC_RETURN
9:  la   a0, failmsg
    call printf
    li   a0, 1
    FUNC_RETURN

# worker(a0 = index): serve the requests
worker:
    FUNC_ENTER
    addi sp, sp, -64
    la   t0, nreq
    lw   s1, 0(t0)
1:  beqz s1, 9f
    call getpid
    li   a0, 1
    mv   a1, sp
    call fstat
    la   t0, pfd                # a byte through the pipe and back
    lw   a0, 4(t0)
    la   a1, byte
    li   a2, 1
    call write
    la   t0, pfd
    lw   a0, 0(t0)
    mv   a1, sp
    li   a2, 1
    call read
    addi s1, s1, -1
    j    1b
9:  addi sp, sp, 64
    FUNC_RETURN

.rodata
usage:   .asciz "usage: fxserver THREADS REQUESTS\n"
fmt:     .asciz "fxserver threads=%d requests=%d calls=%d cycles=%d\n"
failmsg: .asciz "fxserver: failed\n"
byte:    .asciz "x"
.data
    .balign 4
nreq:    .word 0
pfd:     .word 0, 0
.text
