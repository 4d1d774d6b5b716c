# diskdrv.s — the disk driver as a user-level server: the shared DMA block driver
# (guests/lib/dev/disk.s) in ring 3, restartable.
#
# Concept (seed: kernels lecture — "page faults and interrupts are forwarded by the
# kernel to the user process responsible for them (i.e. pagers and device drivers)";
# "user level services can be restarted if they fail"). The device page is mapped at
# DEV_VA by root; the DMA buffer is a page root maps at DMA_VA and whose physical
# address root tells the driver (the component's env_v2p contract: a user-level driver
# cannot compute physical addresses itself). A request (D_READ / D_WRITE, up to 8
# sectors) is carried out by disk_rw, whose env_sleep waits for the DISK interrupt as a
# message from the line's pseudo-thread (a closed receive: further requests wait in
# the send queue) and acknowledges it. Written data arrive as a string straight into
# the DMA page; read data leave from it.
#
# Fault injection (a0 at start, root's crash option): crash with an illegal
# instruction on the n-th request. root restarts the driver; the file system sees its
# request fail and sends it again to the new driver (mk README: restartability).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "mk.inc"

.equ DISK_REGS, DEV_VA                  # disk.s's registers: the mapped device page

.text
.global _start
_start:
    la   sp, stack_top
    la   t0, crash_after
    sw   a0, 0(t0)
    la   a0, bss_start
    la   a1, stack_top
    call touch_pages
    li   a0, R_INFO                     # is there a disk at all?
    li   t0, TID_ROOT
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    mv   s2, a1
    li   a0, R_DMA                      # the DMA page, and its physical address
    li   t0, TID_ROOT
    li   t3, 0
    li   t6, 0
    li   t2, DMA_VA | FP_PAGE
    KSYS K_CALL
    bnez t1, 8f
    bnez a0, 8f
    la   t0, dma_pa
    sw   a1, 0(t0)
    li   a0, 0
    beqz s2, 1f
    li   a0, IRQ_DISK
    KSYS K_IRQ_ATTACH
    bnez a0, 9f
    li   a0, 1
1:  call disk_init
    li   s1, 0
    j    loop
8:  la   a0, msg_nodma
    call die
9:  la   a0, msg_noirq
    call die

loop:
    mv   t0, s1
    li   a6, DMA_VA                     # written data land in the DMA page
    li   t6, 4096
    li   t2, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0
    li   t1, D_READ
    beq  a0, t1, d_read
    li   t1, D_WRITE
    beq  a0, t1, d_write
    li   a0, -1
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

# d_read(a1 = sector, a2 = count)
d_read:
    call count_request
    addi t0, a2, -1
    sltiu t0, t0, 8
    beqz t0, 9f
    mv   s2, a2
    mv   a0, a1
    li   a1, DMA_VA
    mv   a2, s2
    li   a3, 0
    call disk_rw
    bnez a0, 8f
    li   t3, MT_STRING
    li   t4, DMA_VA
    slli t5, s2, 9
    j    loop
9:  li   a0, -1
8:  li   t3, 0
    j    loop

# d_write(a1 = sector, a2 = count; the data are in the DMA page)
d_write:
    call count_request
    addi t0, a2, -1
    sltiu t0, t0, 8
    beqz t0, 9f
    mv   a0, a1
    li   a1, DMA_VA
    li   a3, 1
    call disk_rw
    li   t3, 0
    j    loop
9:  li   a0, -1
    li   t3, 0
    j    loop

# count_request(): the fault injection (keeps a0-a2)
count_request:
    la   t0, crash_after
    lw   t1, 0(t0)
    beqz t1, 1f
    addi t1, t1, -1
    sw   t1, 0(t0)
    bnez t1, 1f
    .word 0xFFFFFFFF                    # an illegal instruction: the driver crashes
1:  ret

# ---------------------------------------------------------------- the environment of
# disk.s, for a user-level driver

# env_sleep(a0 = chan): wait for DISK interrupts (and only them), handle each with
# disk_intr and acknowledge it, until one wakes chan.
env_sleep:
    PROLOGUE
    mv   s1, a0
1:  li   t0, IRQ_TID_BASE + IRQ_DISK
    li   t1, TIMEOUT_INF
    li   t2, 0
    li   t6, 0
    KSYS K_RECV
    bnez t1, 1b
    li   t0, L_IRQ
    bne  a0, t0, 1b
    la   t0, woken
    sw   zero, 0(t0)
    call disk_intr
    li   t0, IRQ_TID_BASE + IRQ_DISK    # acknowledge: the kernel unmasks the line
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    la   t0, woken
    lw   t0, 0(t0)
    bne  t0, s1, 1b
    EPILOGUE
# env_wakeup(a0 = chan). Leaf.
env_wakeup:
    la   t0, woken
    sw   a0, 0(t0)
    ret
# env_v2p(a0 = address in the DMA page) -> its physical address (root told us). Leaf.
env_v2p:
    li   t0, DMA_VA
    sub  a0, a0, t0
    la   t0, dma_pa
    lw   t0, 0(t0)
    add  a0, a0, t0
    ret

.bss
    .balign 4096
bss_start:                              # every page from here to stack_top is touched
.text
.include "dev/disk.s"
.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:   .asciz "disk"
msg_nodma:  .asciz "no DMA page"
msg_noirq:  .asciz "cannot attach the disk interrupt"
.data
    .balign 4
crash_after: .word 0
dma_pa:      .word 0
woken:       .word 0
.bss
stack:       .space 4096
stack_top:
