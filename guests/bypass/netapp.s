# netapp.s — a network application with its own library OS, on the exokernel with a
# NIC (guests/bypass): the same echo requests sent the kernel's way and the bypass way.
#
# Concept: kernel bypass (seed: kernel structures, "5. Kernel Bypassing"; Arrakis). The
# kernel path: every request is two system calls (EXO_NIC NIC_SEND, NIC_RECV) in which
# the kernel copies the data between the application's page and its own buffers and
# drives queue 0. The bypass path: the library OS owns queue NIC_BIND gave it — its
# descriptor rings and buffers are in its own pages, the NIC's doorbells are mapped
# into its address space — so a request is a descriptor written to memory, a store to
# TX_TAIL, a poll of the RX descriptor and a store to RX_TAIL: no system call, no copy
# by the kernel. Prints
#   phase kernel-path ops=N cycles=C
#   phase bypass ops=N cycles=C
# then shows that the kernel still protects: the doorbell of a queue not ours and the
# NIC's control registers are bus errors, a descriptor pointing outside our IOMMU window
# is refused by the NIC (status 2) — then powers off.

.include "ringvm.inc"
.include "abi.inc"
.include "exo.inc"

.equ N, 100                         # requests per path
.equ LEN, 64                        # bytes per request
.equ NICVA, 0x00700000              # where we map the NIC's register page
.equ WINDOW, 4                      # pages of our queue's window
# our window: TX ring at 0, RX ring at 16 * NIC_RING, TX buffers in page 1, RX buffers
# in page 2 (128 bytes each)
.equ TXBUF, 4096
.equ RXBUF, 8192

.text
.global _start
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    la   t0, envid
    sw   a2, 0(t0)
    la   a0, upcall
    li   a1, 0
    li   a7, EXO_SETUP
    syscall
    li   a0, DEV_CONSOLE                # we end the run
    li   a7, EXO_DEV_BIND
    syscall
    li   a0, NIC_BIND                   # control path: a queue of our own
    li   a1, WINDOW
    li   a7, EXO_NIC
    syscall
    blt  a0, zero, 90f
    la   t0, queue
    sw   a0, 0(t0)
    mv   a1, a0
    li   a0, NIC_REGION
    li   a7, EXO_NIC
    syscall
    slli a0, a0, 12
    la   t0, win_pa
    sw   a0, 0(t0)
    li   t1, PHYSMAP                    # ... reached through our PHYSMAP window
    add  a0, a0, t1
    la   t0, win
    sw   a0, 0(t0)
    li   a0, NICVA                      # the NIC's page: we hold a queue, so we may
    li   a1, NIC_BASE | TLB_V | TLB_R | TLB_W | TLB_U
    li   a7, EXO_TLB_INSTALL
    syscall
    bnez a0, 91f
    la   t0, queue                      # our doorbells
    lw   t0, 0(t0)
    slli t0, t0, 4
    li   t1, NICVA + NIC_OFF_TX_TAIL
    add  t0, t0, t1
    la   t1, doorbell
    sw   t0, 0(t1)
    call post_rx
    la   a0, s_hello
    call lb_str
    la   t0, queue
    lw   a0, 0(t0)
    call lb_dec
    la   a0, s_hello2
    call lb_str
    call lb_end
    call kernel_path
    call bypass
    call protection
    li   a0, 0
    li   a7, EXO_HALT
    syscall
90: la   a0, s_nobind
    j    99f
91: la   a0, s_nomap
99: call lb_str
    call lb_end
    li   a0, 1
    li   a7, EXO_HALT
    syscall

# post_rx(): every RX descriptor gets its buffer; RX_TAIL = NIC_RING
post_rx:
    la   t0, win
    lw   t0, 0(t0)
    addi t0, t0, 16 * NIC_RING          # RX ring
    la   t1, win_pa
    lw   t1, 0(t1)
    li   t2, RXBUF
    add  t1, t1, t2
    li   t2, 0
1:  sw   t1, 0(t0)
    li   t3, NIC_BUF
    sw   t3, 4(t0)
    sw   zero, 8(t0)
    addi t0, t0, 16
    addi t1, t1, NIC_BUF
    addi t2, t2, 1
    li   t3, NIC_RING
    blt  t2, t3, 1b
    la   t0, doorbell
    lw   t0, 0(t0)
    li   t1, NIC_RING
    sw   t1, 4(t0)                      # RX_TAIL
    ret

# report(a0 = name, a1 = cycles): "phase NAME ops=N cycles=C"
report:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a0, 8(sp)
    sw   a1, 4(sp)
    la   a0, s_phase
    call lb_str
    lw   a0, 8(sp)
    call lb_str
    la   a0, s_ops
    call lb_str
    li   a0, N
    call lb_dec
    la   a0, s_cycles
    call lb_str
    lw   a0, 4(sp)
    call lb_dec
    call lb_end
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# ---- the kernel path: two system calls per request, the kernel copies both ways
kernel_path:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    sw   s3, 0(sp)
    la   t0, win_pa                     # our buffers: a TX and an RX buffer of our window
    lw   s2, 0(t0)
    csrr s3, cycle
    li   s1, 0
kpath_start:
1:  la   t0, win                        # the request: its number in the first word
    lw   t0, 0(t0)
    li   t1, TXBUF
    add  t0, t0, t1
    sw   s1, 0(t0)
    li   a0, NIC_SEND
    li   t0, TXBUF
    add  a1, s2, t0
    li   a2, LEN
    li   a7, EXO_NIC
    syscall
2:  li   a0, NIC_RECV
    li   t0, RXBUF + 4096
    add  a1, s2, t0
    li   a7, EXO_NIC
    syscall
    li   t0, -EAGAIN
    beq  a0, t0, 2b
    li   t0, LEN
    bne  a0, t0, 8f
    la   t0, win                        # the echo is ours
    lw   t0, 0(t0)
    li   t1, RXBUF + 4096
    add  t0, t0, t1
    lw   t0, 0(t0)
    bne  t0, s1, 8f
    addi s1, s1, 1
    li   t0, N
    blt  s1, t0, 1b
kpath_end:
    csrr a1, cycle
    sub  a1, a1, s3
    la   a0, n_kernel
    call report
    j    9f
8:  la   a0, s_bad
    call lb_str
    call lb_end
9:  lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    lw   s3, 0(sp)
    addi sp, sp, 16
    ret

# ---- the bypass path: descriptors in our memory, doorbells by store, no system call
bypass:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    sw   s3, 0(sp)
    la   t0, win
    lw   s2, 0(t0)                      # the window (PHYSMAP)
    la   t0, win_pa
    lw   a3, 0(t0)                      # ... physical
    la   t0, doorbell
    lw   a4, 0(t0)
    la   t0, rx_next
    lw   a5, 0(t0)                      # RX index
    la   t0, tx_next
    lw   a6, 0(t0)                      # TX index
    csrr s3, cycle
    li   s1, 0
bypass_start:
1:  andi t0, a6, NIC_RING - 1           # TX slot
    slli t1, t0, 7                      # its buffer: page 1 + 128 slot
    li   t2, TXBUF
    add  t1, t1, t2
    add  t2, s2, t1
    sw   s1, 0(t2)                      # the request's number
    slli t0, t0, 4                      # its descriptor
    add  t0, t0, s2
    add  t1, t1, a3
    sw   t1, 0(t0)
    li   t1, LEN
    sw   t1, 4(t0)
    sw   zero, 8(t0)
    addi a6, a6, 1
    sw   a6, 0(a4)                      # TX_TAIL: the doorbell
    andi t0, a5, NIC_RING - 1           # wait for the echo in our RX ring
    slli t0, t0, 4
    add  t0, t0, s2
    addi t0, t0, 16 * NIC_RING
2:  lw   t1, 8(t0)
    beqz t1, 2b
    lw   t1, 4(t0)
    li   t2, LEN
    bne  t1, t2, 8f
    lw   t1, 0(t0)                      # the buffer it filled (physical)
    sub  t1, t1, a3
    add  t1, t1, s2
    lw   t1, 0(t1)
    bne  t1, s1, 8f
    li   t1, NIC_BUF                    # give the buffer back
    sw   t1, 4(t0)
    sw   zero, 8(t0)
    addi a5, a5, 1
    addi t1, a5, NIC_RING
    sw   t1, 4(a4)                      # RX_TAIL
    addi s1, s1, 1
    li   t0, N
    blt  s1, t0, 1b
bypass_end:
    csrr a1, cycle
    sub  a1, a1, s3
    la   t0, rx_next
    sw   a5, 0(t0)
    la   t0, tx_next
    sw   a6, 0(t0)
    la   a0, n_bypass
    call report
    j    9f
8:  la   a0, s_bad
    call lb_str
    call lb_end
9:  lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    lw   s3, 0(sp)
    addi sp, sp, 16
    ret

# ---- the kernel still protects
protection:
    addi sp, sp, -16
    sw   ra, 12(sp)
    la   a0, s_prot1                    # queue 0's doorbell (the kernel's queue)
    call lb_str
    li   t0, NICVA + NIC_OFF_TX_TAIL
    call probe_store
    call lb_result
    la   a0, s_prot2                    # the control registers
    call lb_str
    li   t0, NICVA + NIC_OFF_Q_OWNER
    call probe_store
    call lb_result
    la   a0, s_prot3                    # a descriptor pointing at our image: outside
    call lb_str                         # our window
    la   t0, win
    lw   t0, 0(t0)
    la   t1, tx_next
    lw   a6, 0(t1)
    andi t1, a6, NIC_RING - 1
    slli t1, t1, 4
    add  t0, t0, t1
    la   t1, img_off                    # the physical address of our own code
    lw   t1, 0(t1)
    la   t2, _start
    add  t1, t1, t2
    sw   t1, 0(t0)
    li   t1, LEN
    sw   t1, 4(t0)
    sw   zero, 8(t0)
    addi a6, a6, 1
    la   t1, tx_next
    sw   a6, 0(t1)
    la   t1, doorbell
    lw   t1, 0(t1)
    sw   a6, 0(t1)
    lw   t1, 8(t0)                      # status 2: refused by the IOMMU window
    li   t2, 2
    la   a0, s_iommu
    beq  t1, t2, 1f
    la   a0, s_allowed
1:  call lb_str
    call lb_end
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# probe_store(t0 = address) -> a0 = -1 if the store was a bus error (the upcall handler
# skips it), 0 if it went through
probe_store:
    la   t1, probe_fault
    sw   zero, 0(t1)
    sw   zero, 0(t0)
probe_after:
    la   t1, probe_fault
    lw   a0, 0(t1)
    neg  a0, a0
    ret

lb_result:
    la   t0, s_buserr
    blt  a0, zero, 1f
    la   t0, s_allowed
1:  mv   a0, t0
    j    lb_str

# upcall(a0 = kind, a1 = detail, a2 = pc): a TLB miss on the NIC's page (evicted):
# install it again; a bus error in probe_store: note it and skip the store.
upcall:
    addi t0, a0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, 5f
    li   t0, NICVA
    srli t1, a1, 12
    srli t2, t0, 12
    bne  t1, t2, 9f
    mv   a0, t0
    li   a1, NIC_BASE | TLB_V | TLB_R | TLB_W | TLB_U
    li   a7, EXO_TLB_RESUME
    syscall
    j    9f
5:  li   t0, CAUSE_BUS_ERROR
    bne  a0, t0, 9f
    la   t0, probe_fault
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, UAREA
    la   t1, probe_after
    sw   t1, U_EPC(t0)
    li   a7, EXO_RESUME
    syscall
9:  la   a0, s_bug                      # anything else: a bug
    call lb_str
    call lb_end
    li   a0, 2
    li   a7, EXO_HALT
    syscall

.include "tests/minilib.s"

.rodata
s_hello:   .asciz "netapp: queue "
s_hello2:  .asciz " of the NIC is ours: its rings in our pages, its doorbells mapped at 0x00700000"
s_phase:   .asciz "phase "
s_ops:     .asciz " ops="
s_cycles:  .asciz " cycles="
n_kernel:  .asciz "kernel-path"
n_bypass:  .asciz "bypass"
s_prot1:   .asciz "netapp: queue 0's doorbell"
s_prot2:   .asciz "; the NIC's control registers"
s_prot3:   .asciz "; a descriptor outside our window"
s_buserr:  .asciz ": bus error"
s_iommu:   .asciz ": refused by the IOMMU window (status 2)"
s_allowed: .asciz ": ALLOWED"
s_bad:     .asciz "netapp: FAILED: a wrong echo"
s_nobind:  .asciz "netapp: no NIC queue (is the NIC attached? --nic loopback)"
s_nomap:   .asciz "netapp: cannot map the NIC's page"
s_bug:     .asciz "netapp: unexpected exception"
.data
    .balign 4
img_off:     .word 0
envid:       .word 0
queue:       .word 0
win:         .word 0
win_pa:      .word 0
doorbell:    .word 0
rx_next:     .word 0
tx_next:     .word 0
probe_fault: .word 0
.text
