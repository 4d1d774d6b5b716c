# nic.s — the network interface (kernel built with NIC = 1): the kernel on the control
# path only, a queue's data path handed to a library OS (kernel bypass); and a kernel
# data path on queue 0 to compare with.
#
# Concept: kernel bypass (seed: kernel structures, "5. Kernel Bypassing": "a
# direct-access library ... granted direct access to a modern device"; Arrakis). The
# NIC has queue pairs (ISA.md §9). NIC_BIND gives an environment a queue: the kernel
# allocates its descriptor rings and buffers in contiguous pages of the caller's
# domain, sets the queue's IOMMU window to exactly those pages and its owner to the
# caller's ASID, and lets the domain map the NIC's register page; from then on the
# library OS writes descriptors into its own memory and rings its doorbell with a
# store — no system call. The kernel still protects: the NIC refuses a doorbell from
# any other ASID (bus error) and any DMA outside the window (descriptor status 2), and
# only the kernel (ring 0) reaches the control registers. For comparison, NIC_SEND and
# NIC_RECV are a classic kernel path on queue 0, whose buffers are the kernel's: two
# system calls and two copies per request.

# nic_init(): find the NIC in the boot-info device table; set up queue 0 (the kernel's).
nic_init:
    PROLOGUE
    li   s0, BOOTINFO
    lw   s1, BI_DEVICES(s0)
    add  s1, s1, s0
    lw   s2, BI_NDEVICES(s0)
1:  beqz s2, 9f
    lw   t0, BI_DEV_BASE(s1)
    li   t1, NIC_BASE
    beq  t0, t1, 2f
    addi s1, s1, BI_DEV_SIZE
    addi s2, s2, -1
    j    1b
2:  la   t0, nic_present
    li   t1, 1
    sw   t1, 0(t0)
    li   a0, 2                          # queue 0: rings in page 0, buffers in page 1
    li   a1, OWN_KERNEL
    call contig_alloc
    beqz a0, 9f
    mv   s3, a0                         # pfn
    slli s4, s3, 12                     # physical
    la   t0, nic_kq
    sw   s4, 0(t0)
    li   a0, 0
    mv   a1, s4
    li   a2, 8192
    li   a3, 0
    call nic_program
    li   t0, KSEG                       # post the kernel's RX buffers
    or   t0, s4, t0
    addi t0, t0, 16 * NIC_RING          # the RX ring
    li   t1, 0
3:  slli t2, t1, 7                      # buffer i at page 1 + 2048 + 128 i
    add  t2, t2, s4
    li   t3, 4096 + 2048
    add  t2, t2, t3
    sw   t2, 0(t0)
    li   t3, NIC_BUF
    sw   t3, 4(t0)
    sw   zero, 8(t0)
    addi t0, t0, 16
    addi t1, t1, 1
    li   t3, NIC_RING
    blt  t1, t3, 3b
    li   t0, NIC_RX_TAIL
    li   t1, NIC_RING
    sw   t1, 0(t0)
9:  EPILOGUE

# nic_program(a0 = queue, a1 = physical window of a1.. a2 bytes, a3 = owner ASID):
# rings at the start of the window, enabled, indexes 0 (leaf)
nic_program:
    li   t0, NIC_QSEL
    sw   a0, 0(t0)
    li   t0, NIC_Q_RING
    sw   a1, 0(t0)
    li   t0, NIC_Q_SIZE
    li   t1, NIC_RING
    sw   t1, 0(t0)
    li   t0, NIC_Q_DMA_BASE
    sw   a1, 0(t0)
    li   t0, NIC_Q_DMA_SIZE
    sw   a2, 0(t0)
    li   t0, NIC_Q_OWNER
    sw   a3, 0(t0)
    li   t0, NIC_Q_CTRL
    li   t1, 1
    sw   t1, 0(t0)
    ret

# contig_alloc(a0 = pages, a1 = owner byte) -> a0 = first pfn of a run of free pages
# now the owner's (zeroed), or 0
contig_alloc:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   t0, ram_pages
    lw   s3, 0(t0)                      # candidate end, from the top of RAM down
1:  addi t0, s1, 1
    bltu s3, t0, 8f
    li   s4, 0
2:  sub  a0, s3, s4
    addi a0, a0, -1
    call owner_byte
    beqz a0, 3f
    sub  s3, s3, s4
    addi s3, s3, -1
    j    1b
3:  addi s4, s4, 1
    blt  s4, s1, 2b
    sub  s5, s3, s1                     # [s5, s3) is free
    li   s4, 0
4:  add  a0, s5, s4
    mv   a1, s2
    call set_owner
    add  a0, s5, s4
    call zero_page
    addi s4, s4, 1
    blt  s4, s1, 4b
    mv   a0, s5
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# nic_intr(): acknowledge (no queue the kernel sets up asks for RX interrupts)
nic_intr:
    li   t0, NIC_IRQ_STATUS
    lw   t1, 0(t0)
    li   t0, NIC_IRQ_ACK
    sw   t1, 0(t0)
    ret

# EXO_NIC(op, a1, a2)
sys_nic:
    PROLOGUE
    mv   s1, a1
    mv   s2, a2
    la   t0, nic_present
    lw   t0, 0(t0)
    beqz t0, 8f
    li   t0, NIC_BIND
    beq  a0, t0, nic_bind
    li   t0, NIC_REGION
    beq  a0, t0, nic_region
    li   t0, NIC_SEND
    beq  a0, t0, nic_send
    li   t0, NIC_RECV
    beq  a0, t0, nic_recv
8:  li   a0, -EINVAL
    EPILOGUE

# NIC_BIND(pages) -> queue
nic_bind:
    addi t0, s1, -1
    sltiu t0, t0, 16
    beqz t0, 8b
    li   s3, 1                          # a free queue (1..3)
1:  li   t0, 4
    bge  s3, t0, 7f
    slli t0, s3, 2
    la   t1, nic_q_dom
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 2f
    addi s3, s3, 1
    j    1b
2:  call cur_dom
    mv   s4, a0
    mv   a0, s1
    mv   a1, s4
    call contig_alloc
    beqz a0, 6f
    mv   s5, a0
    slli t0, s3, 2
    la   t1, nic_q_dom
    add  t1, t0, t1
    sw   s4, 0(t1)
    la   t1, nic_q_pfn
    add  t1, t0, t1
    sw   s5, 0(t1)
    la   t0, nic_owner_any              # the domain may map the NIC's page
    lw   t1, 0(t0)
    li   t2, 1
    sll  t2, t2, s4
    or   t1, t1, t2
    sw   t1, 0(t0)
    mv   a0, s3
    slli a1, s5, 12
    slli a2, s1, 12
    la   t0, curenv
    lw   t0, 0(t0)
    lw   a3, E_ID(t0)
    call nic_program
    mv   a0, s3
    EPILOGUE
6:  li   a0, -ENOMEM
    EPILOGUE
7:  li   a0, -EAGAIN
    EPILOGUE

# NIC_REGION(queue) -> pfn
nic_region:
    sltiu t0, s1, 4
    beqz t0, 9f
    beqz s1, 9f
    slli s3, s1, 2
    la   t0, nic_q_dom
    add  t0, t0, s3
    lw   s4, 0(t0)
    call cur_dom
    bne  a0, s4, 9f
    la   t0, nic_q_pfn
    add  t0, t0, s3
    lw   a0, 0(t0)
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# NIC_SEND(pa, n): the kernel path — check the caller's page, copy into the kernel's
# TX buffer, write the descriptor, ring queue 0's doorbell
nic_send:
    li   t0, NIC_BUF
    bgtu s2, t0, 8b
    srli a0, s1, 12
    call page_mine
    beqz a0, 9b
    add  a0, s1, s2
    addi a0, a0, -1
    srli a0, a0, 12
    call page_mine
    beqz a0, 9b
    la   t0, nic_ktx
    lw   s3, 0(t0)                      # TX index
    andi s4, s3, NIC_RING - 1
    la   t0, nic_kq
    lw   s5, 0(t0)
    slli t0, s4, 7                      # buffer: page 1 + 128 i
    add  a0, s5, t0
    li   t0, 4096
    add  a0, a0, t0
    mv   s6, a0                         # its physical address
    li   t0, KSEG
    or   a0, a0, t0
    or   a1, s1, t0
    mv   a2, s2
    call memmove
    li   t0, KSEG                       # the descriptor
    or   t0, s5, t0
    slli t1, s4, 4
    add  t0, t0, t1
    sw   s6, 0(t0)
    sw   s2, 4(t0)
    sw   zero, 8(t0)
    addi s3, s3, 1
    la   t0, nic_ktx
    sw   s3, 0(t0)
    li   t0, NIC_TX_TAIL
    sw   s3, 0(t0)
    li   a0, 0
    EPILOGUE

# NIC_RECV(pa) -> n / -EAGAIN: the next packet of queue 0 into the caller's page
nic_recv:
    srli a0, s1, 12
    call page_mine
    beqz a0, 9b
    addi a0, s1, NIC_BUF - 1
    srli a0, a0, 12
    call page_mine
    beqz a0, 9b
    la   t0, nic_krx
    lw   s3, 0(t0)
    andi s4, s3, NIC_RING - 1
    la   t0, nic_kq
    lw   s5, 0(t0)
    li   t0, KSEG
    or   t0, s5, t0
    addi t0, t0, 16 * NIC_RING
    slli t1, s4, 4
    add  s6, t0, t1                     # the RX descriptor (kseg)
    lw   t0, 8(s6)
    li   t1, 1
    beq  t0, t1, 1f
    li   a0, -EAGAIN
    EPILOGUE
1:  lw   s2, 4(s6)                      # its length
    li   t0, NIC_BUF
    bleu s2, t0, 2f
    mv   s2, t0
2:  li   t0, KSEG
    or   a0, s1, t0
    lw   a1, 0(s6)
    or   a1, a1, t0
    mv   a2, s2
    call memmove
    li   t0, NIC_BUF                    # give the buffer back to the NIC
    sw   t0, 4(s6)
    sw   zero, 8(s6)
    addi s3, s3, 1
    la   t0, nic_krx
    sw   s3, 0(t0)
    addi t1, s3, NIC_RING
    li   t0, NIC_RX_TAIL
    sw   t1, 0(t0)
    mv   a0, s2
    EPILOGUE

.data
    .balign 4
.global nic_present, nic_kq, nic_q_dom, nic_q_pfn     # for `info nic`
nic_present:   .word 0
nic_kq:        .word 0                  # physical address of queue 0's window
nic_ktx:       .word 0                  # the kernel path's TX and RX indexes
nic_krx:       .word 0
nic_owner_any: .word 0                  # bit d: domain d holds a queue
nic_q_dom:     .space 16                # per queue: the domain that holds it
nic_q_pfn:     .space 16                # per queue: the first page of its window
.text
