# workload.s — workload [quick]: the portable workload every kernel structure runs, so
# `ringvm compare` and the benchmarks can put one design's costs next to another's.
#
# It prints `workload: start`, then, as each phase does one kind of work N times, one
# machine-readable line
#   phase NAME ops=N cycles=C
# with C the cycles (steps of this CPU: instructions, traps and idle cycles; ISA.md
# §10) read from the cycle CSR around the phase. The phases:
#   null     N getpid() calls: the cost of entering and leaving the kernel
#   file     create a file, write N blocks of 512 bytes, read them back, unlink it
#   pipe     N one-byte round trips between two processes over two pipes
#   spawn    N fork + exec + wait of a program that exits at once
#   compute  N rounds of integer arithmetic in user space: no system call at all
# then `workload: done` (or `workload: FAILED <phase>` and exit status 1). `quick`
# divides every N by ten (for the Python engine). It uses only the system calls of
# guests/abi.toml, through whatever stub library the structure provides.

.include "lib/ulib.s"

.equ BLOCK, 512

.text
.global main
main:
    FUNC_ENTER
    li   s11, 1                 # scale divisor
    li   t0, 2
    blt  a0, t0, 1f
    lw   s1, 4(a1)
    mv   a0, s1
    la   a1, w_child            # exec'd by the spawn phase: exit at once
    call strcmp
    bnez a0, 2f
    li   a0, 0
    FUNC_RETURN
2:  mv   a0, s1
    la   a1, w_quick
    call strcmp
    bnez a0, 1f
    li   s11, 10
1:  la   a0, w_start             # marks where the phases begin (compare reads the
    call printf                 # machine's counters at this line and each phase line)
    li   a0, 1000
    call scaled
    call phase_null
    li   a0, 64
    call scaled
    call phase_file
    bnez a0, fail
    li   a0, 200
    call scaled
    call phase_pipe
    bnez a0, fail
    li   a0, 20
    call scaled
    call phase_spawn
    bnez a0, fail
    li   a0, 100000
    call scaled
    call phase_compute
    la   a0, w_done
    call printf
    li   a0, 0
    FUNC_RETURN
fail:
    la   a0, w_failed
    la   t0, w_phase
    lw   a1, 0(t0)
    call printf
    li   a0, 1
    FUNC_RETURN

# scaled(a0 = n) -> n / the scale divisor (s11 of main), at least 1. Leaf.
scaled:
    divu a0, a0, s11
    bnez a0, 1f
    li   a0, 1
1:  ret

# phase_start(a0 = name): remember the phase and its starting cycle. Leaf.
phase_start:
    la   t0, w_phase
    sw   a0, 0(t0)
    csrr t1, cycle
    sw   t1, 4(t0)
    ret

# phase_end(a0 = ops): print the phase line.
phase_end:
    FUNC_ENTER
    csrr a3, cycle
    la   t0, w_phase
    lw   t1, 4(t0)
    sub  a3, a3, t1
    mv   a2, a0
    lw   a1, 0(t0)
    la   a0, w_line
    call printf
    FUNC_RETURN

# ---------------------------------------------------------------- null
phase_null:
    FUNC_ENTER
    mv   s1, a0
    la   a0, n_null
    call phase_start
    mv   s2, s1
1:  call getpid
    addi s2, s2, -1
    bnez s2, 1b
    mv   a0, s1
    call phase_end
    FUNC_RETURN

# ---------------------------------------------------------------- file
# phase_file(a0 = blocks) -> 0 / 1
phase_file:
    FUNC_ENTER
    mv   s1, a0
    la   a0, n_file
    call phase_start
    la   a0, w_path
    li   a1, O_CREATE | O_RDWR | O_TRUNC
    call open
    blt  a0, zero, 9f
    mv   s2, a0
    mv   s3, s1
1:  la   t0, w_buf              # block i holds i in its first word
    sw   s3, 0(t0)
    mv   a0, s2
    la   a1, w_buf
    li   a2, BLOCK
    call write
    li   t0, BLOCK
    bne  a0, t0, 8f
    addi s3, s3, -1
    bnez s3, 1b
    mv   a0, s2
    call close
    la   a0, w_path
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 9f
    mv   s2, a0
    mv   s3, s1
2:  mv   a0, s2
    la   a1, w_buf
    li   a2, BLOCK
    call read
    li   t0, BLOCK
    bne  a0, t0, 8f
    la   t0, w_buf              # the data came back
    lw   t0, 0(t0)
    bne  t0, s3, 8f
    addi s3, s3, -1
    bnez s3, 2b
    mv   a0, s2
    call close
    la   a0, w_path
    call unlink
    bnez a0, 9f
    mv   a0, s1
    call phase_end
    li   a0, 0
    FUNC_RETURN
8:  mv   a0, s2
    call close
9:  li   a0, 1
    FUNC_RETURN

# ---------------------------------------------------------------- pipe
# phase_pipe(a0 = round trips) -> 0 / 1
phase_pipe:
    FUNC_ENTER
    mv   s1, a0
    la   a0, n_pipe
    call phase_start
    la   a0, w_p1
    call pipe
    bnez a0, 9f
    la   a0, w_p2
    call pipe
    bnez a0, 9f
    call fork
    blt  a0, zero, 9f
    bnez a0, 2f
    la   t0, w_p1               # child: echo every byte back until end of file
    lw   a0, 4(t0)
    call close
    la   t0, w_p2
    lw   a0, 0(t0)
    call close
1:  la   t0, w_p1
    lw   a0, 0(t0)
    la   a1, w_byte
    li   a2, 1
    call read
    ble  a0, zero, 11f
    la   t0, w_p2
    lw   a0, 4(t0)
    la   a1, w_byte
    li   a2, 1
    call write
    j    1b
11: li   a0, 0
    call exit
2:  la   t0, w_p1               # parent
    lw   a0, 0(t0)
    call close
    la   t0, w_p2
    lw   a0, 4(t0)
    call close
    mv   s2, s1
3:  la   t0, w_p1
    lw   a0, 4(t0)
    la   a1, w_byte
    li   a2, 1
    call write
    la   t0, w_p2
    lw   a0, 0(t0)
    la   a1, w_byte
    li   a2, 1
    call read
    li   t0, 1
    bne  a0, t0, 9f
    addi s2, s2, -1
    bnez s2, 3b
    la   t0, w_p1               # end of file for the child, then reap it
    lw   a0, 4(t0)
    call close
    la   t0, w_p2
    lw   a0, 0(t0)
    call close
    li   a0, 0
    call wait
    mv   a0, s1
    call phase_end
    li   a0, 0
    FUNC_RETURN
9:  li   a0, 1
    FUNC_RETURN

# ---------------------------------------------------------------- spawn
# phase_spawn(a0 = n) -> 0 / 1: fork, exec "/workload child", wait for its exit 0
phase_spawn:
    FUNC_ENTER
    mv   s1, a0
    la   a0, n_spawn
    call phase_start
    mv   s2, s1
1:  call fork
    blt  a0, zero, 9f
    bnez a0, 2f
    la   a0, w_self
    la   a1, w_argv
    call exec
    li   a0, 127                # exec failed
    call exit
2:  la   a0, w_status
    call wait
    blt  a0, zero, 9f
    la   t0, w_status
    lw   t0, 0(t0)
    bnez t0, 9f
    addi s2, s2, -1
    bnez s2, 1b
    mv   a0, s1
    call phase_end
    li   a0, 0
    FUNC_RETURN
9:  li   a0, 1
    FUNC_RETURN

# ---------------------------------------------------------------- compute
# phase_compute(a0 = rounds): an xorshift generator folded into a sum, printed so the
# work cannot be skipped.
phase_compute:
    FUNC_ENTER
    mv   s1, a0
    la   a0, n_compute
    call phase_start
    li   s2, 0x2545F491         # state
    li   s3, 0                  # sum
    mv   s4, s1
1:  slli t0, s2, 13
    xor  s2, s2, t0
    srli t0, s2, 17
    xor  s2, s2, t0
    slli t0, s2, 5
    xor  s2, s2, t0
    add  s3, s3, s2
    addi s4, s4, -1
    bnez s4, 1b
    mv   a0, s1
    call phase_end
    la   a0, w_sum
    mv   a1, s3
    call printf
    FUNC_RETURN

.rodata
w_quick:   .asciz "quick"
w_child:   .asciz "child"
w_self:    .asciz "/workload"
w_path:    .asciz "workload.tmp"
w_line:    .asciz "phase %s ops=%d cycles=%u\n"
w_sum:     .asciz "compute checksum %x\n"
w_start:   .asciz "workload: start\n"
w_done:    .asciz "workload: done\n"
w_failed:  .asciz "workload: FAILED %s\n"
n_null:    .asciz "null"
n_file:    .asciz "file"
n_pipe:    .asciz "pipe"
n_spawn:   .asciz "spawn"
n_compute: .asciz "compute"
.data
.align 4
w_argv:    .word w_self, w_child, 0
.bss
.align 4
w_phase:   .space 8
w_status:  .space 4
w_p1:      .space 8
w_p2:      .space 8
w_byte:    .space 4
w_buf:     .space BLOCK
