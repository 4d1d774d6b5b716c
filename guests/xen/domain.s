# domain.s — domains: building one from a boot module, finding one, checking the
# addresses it passes, stopping and destroying it.
#
# Concept: the domain is Xen's unit of isolation (Barham et al. 2003, §2.1 "The virtual
# machine interface", §3.3.1 "Memory management"; seed: Xen lecture — "multiplexes
# resources at the granularity of an entire OS"; "each OS can only map to memory it
# owns"). A domain's memory is a run of whole chunks of the pool; its second stage
# (hbase = the run's machine address, hlimit = its size) confines every access of the
# guest to it — except Dom0's, whose window spans the whole pool so that it can map
# the pages other domains grant it (grant.s): Dom0 is trusted, as in Xen (with DEVPASS
# and no IOMMU it could DMA anywhere anyway). Building a domain copies its boot
# module's physical image into fresh memory (the module itself stays pristine, so the
# same image can run again), writes the start-info page at guest-physical 0 — where
# bare metal has its boot-info page — and sets up a vCPU at the module's entry.
# Destroying one unmaps what its grants gave, closes its ports and scrubs its memory
# before the chunks are free again.

# dom_build(a0 = boot-info module entry, a1 = KiB, a2 = start_info flags, a3 = command
# line (hypervisor kseg)) -> a0 = the domain, or 0 and a1 = -XEN_ENOSPC (no slot) or
# -XEN_ENOMEM. (A domain's address is a kseg address: "negative".)
dom_build:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    la   s5, dom_table                  # a free slot
    li   s6, 0
1:  lw   t0, D_STATE(s5)
    beqz t0, 2f
    addi s5, s5, DOM_BYTES
    addi s6, s6, 1
    li   t0, MAX_DOMS
    blt  s6, t0, 1b
    li   a0, 0
    li   a1, -XEN_ENOSPC
    EPILOGUE
2:  bnez s2, 3f                         # chunks: ceil(KiB / 1024), enough for the image
    li   s2, DEFAULT_KIB
3:  li   t0, (CHUNK >> 10) - 1
    add  t1, s2, t0
    srli s7, t1, CHUNK_SHIFT - 10       # chunks
    lw   t0, BI_MOD_END(s1)
    lw   t1, BI_MOD_START(s1)
    sub  t0, t0, t1
    slli t1, s7, CHUNK_SHIFT
    bgtu t0, t1, 8f
    mv   a0, s7
    call chunks_alloc
    blt  a0, zero, 8f
    mv   s8, a0                         # first chunk
    mv   a0, s5                         # a clean slot
    li   a1, 0
    li   a2, DOM_BYTES
    call memset
    sw   s8, D_CHUNK0(s5)
    sw   s7, D_NCHUNKS(s5)
    slli t0, s8, CHUNK_SHIFT
    la   t1, pool_start
    lw   t1, 0(t1)
    add  t0, t0, t1
    sw   t0, D_MBASE(s5)
    slli t0, s7, CHUNK_SHIFT - PAGE_SHIFT
    sw   t0, D_PAGES(s5)
    sw   s3, D_FLAGS(s5)
    la   t0, next_domid
    lw   t1, 0(t0)
    sw   t1, D_DOMID(s5)
    addi t1, t1, 1
    sw   t1, 0(t0)
    addi a0, s5, D_NAME
    addi a1, s1, BI_MOD_NAME
    li   a2, 16
    call strlcpy
    addi a0, s5, D_CMDLINE
    mv   a1, s4
    li   a2, 64
    call strlcpy
    lw   a0, D_MBASE(s5)                # the module's physical image -> its memory
    li   t0, KSEG
    add  a0, a0, t0
    lw   a1, BI_MOD_START(s1)
    lw   a2, BI_MOD_END(s1)
    sub  a2, a2, a1
    add  a1, a1, t0
    call memmove
    call si_write_s5                    # the start-info page (s5 = the domain)
    lw   a3, D_PAGES(s5)                # its second stage: Dom0's window is the pool
    slli a3, a3, PAGE_SHIFT
    li   a5, PV_HCTL
    andi t0, s3, SIF_INITDOMAIN
    beqz t0, 4f
    la   t0, pool_chunks
    lw   a3, 0(t0)
    slli a3, a3, CHUNK_SHIFT
    li   a5, DOM0_HCTL
4:  mv   a0, s5
    lw   a1, BI_MOD_ENTRY(s1)
    lw   a2, D_MBASE(s5)
    addi a4, s6, 1                      # VMID = slot + 1
    lw   a6, D_DOMID(s5)
    call vcpu_init
    li   t0, DOMS_RUNNABLE
    sw   t0, D_STATE(s5)
    mv   a0, s5
    EPILOGUE
8:  li   a0, 0
    li   a1, -XEN_ENOMEM
    EPILOGUE

# si_write_s5(): the start-info page of the domain in s5 (called from dom_build only:
# it reads the caller's s5, s4). Leaf except for strlcpy.
si_write_s5:
    addi sp, sp, -16
    sw   ra, 12(sp)
    lw   t6, D_MBASE(s5)
    li   t0, KSEG
    add  t6, t6, t0                     # kseg address of its guest-physical 0
    li   t0, XSI_MAGIC_VALUE
    sw   t0, XSI_MAGIC(t6)
    li   t0, XEN_VERSION_NUMBER
    sw   t0, XSI_VERSION(t6)
    lw   t0, D_DOMID(s5)
    sw   t0, XSI_DOMID(t6)
    lw   t0, D_PAGES(s5)
    sw   t0, XSI_NR_PAGES(t6)
    lw   t1, D_FLAGS(s5)
    sw   t1, XSI_FLAGS(t6)
    andi t1, t1, SIF_INITDOMAIN
    beqz t1, 1f
    la   t0, pool_chunks
    lw   t0, 0(t0)
    slli t0, t0, CHUNK_SHIFT - PAGE_SHIFT
1:  sw   t0, XSI_WINDOW_PAGES(t6)
    li   t0, XSH_ADDR
    sw   t0, XSI_SHARED_INFO(t6)
    li   t0, 0                          # Dom0: which disks the machine has
    lw   t1, D_FLAGS(s5)
    andi t1, t1, SIF_INITDOMAIN
    beqz t1, 2f
    li   t1, BOOTINFO
    lw   t1, BI_NDISKS(t1)
    li   t0, 1
    sll  t0, t0, t1
    addi t0, t0, -1
2:  sw   t0, XSI_DISKS(t6)
    lw   t0, D_MBASE(s5)
    sw   t0, XSI_MACHINE_BASE(t6)
    sw   zero, XSH_ADDR + XSH_PENDING(t6)
    sw   zero, XSH_ADDR + XSH_MASK(t6)
    addi a0, t6, XSI_NAME
    addi a1, s5, D_NAME
    li   a2, 16
    sw   t6, 0(sp)
    call strlcpy
    lw   t6, 0(sp)
    addi a0, t6, XSI_CMDLINE
    addi a1, s5, D_CMDLINE
    li   a2, 64
    call strlcpy
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# chunks_alloc(a0 = n) -> a0 = the first of n free consecutive chunks (now used), or -1.
# Leaf.
chunks_alloc:
    la   t0, pool_chunks
    lw   t1, 0(t0)
    la   t0, pool_used
    lw   t2, 0(t0)
    li   t3, 0                          # candidate start
1:  add  t4, t3, a0
    bgtu t4, t1, 8f
    li   t4, 0                          # are chunks t3 .. t3 + n - 1 free?
2:  bgeu t4, a0, 5f
    add  t5, t3, t4
    srl  t6, t2, t5
    andi t6, t6, 1
    bnez t6, 3f
    addi t4, t4, 1
    j    2b
3:  addi t3, t5, 1                      # used: try after it
    j    1b
5:  li   t4, 0                          # take them
6:  bgeu t4, a0, 7f
    add  t5, t3, t4
    li   t6, 1
    sll  t6, t6, t5
    or   t2, t2, t6
    addi t4, t4, 1
    j    6b
7:  sw   t2, 0(t0)
    mv   a0, t3
    ret
8:  li   a0, -1
    ret

# chunks_free(a0 = first, a1 = n). Leaf.
chunks_free:
    la   t0, pool_used
    lw   t2, 0(t0)
    li   t4, 0
1:  bgeu t4, a1, 2f
    add  t5, a0, t4
    li   t6, 1
    sll  t6, t6, t5
    not  t6, t6
    and  t2, t2, t6
    addi t4, t4, 1
    j    1b
2:  sw   t2, 0(t0)
    ret

# dom_by_id(a0 = domid) -> a0 = the live domain with that id, or 0. Leaf.
dom_by_id:
    la   t0, dom_table
    li   t1, MAX_DOMS
1:  lw   t2, D_STATE(t0)
    beqz t2, 2f
    lw   t2, D_DOMID(t0)
    beq  t2, a0, 9f
2:  addi t0, t0, DOM_BYTES
    addi t1, t1, -1
    bnez t1, 1b
    li   t0, 0
9:  mv   a0, t0
    ret

# dom0() -> a0 = Dom0 (slot 0). Leaf.
dom0:
    la   a0, dom_table
    ret

# guest_range(a0 = domain, a1 = kseg address in the guest, a2 = bytes) -> a0 = the same
# bytes' address in the hypervisor's kseg, or 0 if they are not all in the domain's
# own RAM (never its window beyond it: Dom0 passes its own buffers). Leaf.
guest_range:
    li   t0, KSEG
    bltu a1, t0, 8f
    sub  t1, a1, t0                     # guest-physical start
    lw   t2, D_PAGES(a0)
    slli t2, t2, PAGE_SHIFT
    bgtu a2, t2, 8f
    sub  t2, t2, a2
    bgtu t1, t2, 8f                     # start + bytes > RAM
    lw   t2, D_MBASE(a0)
    add  a0, t1, t2
    add  a0, a0, t0
    ret
8:  li   a0, 0
    ret

# dom_kseg(a0 = domain) -> a0 = kseg address of its guest-physical 0. Leaf.
dom_kseg:
    lw   a0, D_MBASE(a0)
    li   t0, KSEG
    add  a0, a0, t0
    ret

# dom_shutdown(a0 = domain, a1 = code): the domain stops (sched_shutdown, or crashed):
# its state SHUTDOWN until Dom0 destroys it, its TLB entries gone, Dom0 told
# (VIRQ_DOM_EXC). Dom0 shutting down powers the machine off. Returns.
dom_shutdown:
    PROLOGUE
    mv   s1, a0
    sw   a1, D_CODE(s1)
    li   t0, DOMS_SHUTDOWN
    sw   t0, D_STATE(s1)
    sw   zero, D_TIMER_LO(s1)
    sw   zero, D_TIMER_HI(s1)
    lw   t0, VC_VMID(s1)
    tlbinvvmid t0
    lw   t0, D_FLAGS(s1)
    andi t0, t0, SIF_INITDOMAIN
    bnez t0, hv_power_off
    call dom0
    li   a1, VIRQ_DOM_EXC
    call send_virq
    EPILOGUE

# hv_power_off(): Dom0 has stopped: one summary line per domain, then the machine halts
# with Dom0's exit code.
hv_power_off:
    la   sp, hv_stack_top
    la   s1, dom_table
    li   s2, 0
1:  lw   t0, D_STATE(s1)
    beqz t0, 2f
    mv   a0, s1
    call dom_summary
2:  addi s1, s1, DOM_BYTES
    addi s2, s2, 1
    li   t0, MAX_DOMS
    blt  s2, t0, 1b
    la   a0, s_poweroff
    call xputs
    call dom0
    lw   s1, D_CODE(a0)
    mv   a0, s1
    call xputdec
    li   a0, '\n'
    call xputc
    mv   a0, s1
    j    hv_halt_machine

# dom_summary(a0 = domain): "(XEN) dom1 (mono): 812 VM exits (HYPERCALL 600, IRQ 150,
# WFI 62), 600 hypercalls, 0 refused"
dom_summary:
    PROLOGUE
    mv   s1, a0
    call dom_prefix
    la   a0, s_colon
    call xputs
    lw   a0, VC_EXITS(s1)
    call xputdec
    la   a0, s_exits
    call xputs
    li   s2, 1
    li   s3, 0
1:  li   t0, NEXIT_REASONS
    bge  s2, t0, 3f
    slli t0, s2, 2
    add  t0, t0, s1
    lw   s4, VC_EXITS(t0)
    beqz s4, 2f
    beqz s3, 11f
    la   a0, s_comma
    call xputs
11: li   s3, 1
    slli t0, s2, 2
    la   t1, exit_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call xputs
    li   a0, ' '
    call xputc
    mv   a0, s4
    call xputdec
2:  addi s2, s2, 1
    j    1b
3:  la   a0, s_exits2
    call xputs
    lw   a0, D_HCALLS(s1)
    call xputdec
    la   a0, s_hcalls
    call xputs
    lw   a0, D_REF_GRANT(s1)
    lw   t0, D_REF_MMU(s1)
    add  a0, a0, t0
    call xputdec
    la   a0, s_refused
    call xputs
    EPILOGUE

# dom_prefix(a0 = domain): "(XEN) dom1 (mono)"
dom_prefix:
    PROLOGUE
    mv   s1, a0
    la   a0, s_xendom
    call xputs
    lw   a0, D_DOMID(s1)
    call xputdec
    la   a0, s_lparen
    call xputs
    addi a0, s1, D_NAME
    call xputs
    li   a0, ')'
    call xputc
    EPILOGUE

# dom_destroy(a0 = domain): everything the domain holds is given back: the mappings of
# its grants (forced: event REVOKE) and those it made, its ports (a connected remote
# end becomes unbound), its virtual timer, its TLB entries, its memory — scrubbed, then
# free. Dom0 is told (VIRQ_DOM_EXC). The domain must not be the one loaded in the CPU.
dom_destroy:
    PROLOGUE
    mv   s1, a0
    lw   s2, D_DOMID(s1)
    la   s3, maptrack                   # the mappings it is part of
    li   s4, 0
1:  lw   t0, MT_FLAGS(s3)
    beqz t0, 3f
    lw   t0, MT_GRANTER(s3)
    beq  t0, s2, 2f
    lw   t0, MT_MAPPER(s3)
    bne  t0, s2, 3f
2:  lw   t0, MT_GRANTER(s3)             # REVOKE(granter << 16 | gref, mapper)
    slli t0, t0, 16
    lw   t1, MT_GREF(s3)
    or   t0, t0, t1
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    lw   t0, MT_MAPPER(s3)
    li   t1, EVENTS_ARG1
    sw   t0, 0(t1)
    li   t1, EVENTS_EMIT
    li   t0, EV_REVOKE
    sw   t0, 0(t1)
    sw   zero, MT_FLAGS(s3)
3:  addi s3, s3, MT_BYTES
    addi s4, s4, 1
    li   t0, MAPTRACK_MAX
    blt  s4, t0, 1b
    li   s4, 0                          # its ports
4:  mv   a0, s1
    mv   a1, s4
    call evtchn_free
    addi s4, s4, 1
    li   t0, NR_EVTCHN
    blt  s4, t0, 4b
    lw   t0, VC_VMID(s1)
    tlbinvvmid t0
    lw   a0, D_MBASE(s1)                # scrub its memory
    li   t0, KSEG
    add  a0, a0, t0
    lw   a1, D_NCHUNKS(s1)
    slli a1, a1, CHUNK_SHIFT
    call scrub
    lw   a0, D_CHUNK0(s1)
    lw   a1, D_NCHUNKS(s1)
    call chunks_free
    sw   zero, D_STATE(s1)
    call dom0
    li   a1, VIRQ_DOM_EXC
    call send_virq
    EPILOGUE

# scrub(a0 = kseg address, a1 = bytes, a multiple of 32): zero them. Leaf.
scrub:
    add  a1, a1, a0
1:  bgeu a0, a1, 2f
    sw   zero, 0(a0)
    sw   zero, 4(a0)
    sw   zero, 8(a0)
    sw   zero, 12(a0)
    sw   zero, 16(a0)
    sw   zero, 20(a0)
    sw   zero, 24(a0)
    sw   zero, 28(a0)
    addi a0, a0, 32
    j    1b
2:  ret

# dom_crash(a0 = domain, a1 = what, a2 = guest-virtual address, a3 = guest-physical
# address): "(XEN) dom1 (mono) crashed: GPA_FAULT: <what>; gva 0x.. gpa 0x..; pc 0x..
# in ring 0", then the domain is shut down with XEN_CRASH_CODE. Does not return.
dom_crash:
    mv   s0, a0
    mv   s1, a1
    mv   s2, a2
    mv   s3, a3
    call dom_prefix
    la   a0, s_crashed
    call xputs
    csrr t0, hcause
    sltiu t1, t0, NEXIT_REASONS
    bnez t1, 1f
    li   t0, 0
1:  slli t0, t0, 2
    la   t1, exit_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call xputs
    la   a0, s_colon
    call xputs
    mv   a0, s1
    call xputs
    la   a0, s_gva
    call xputs
    mv   a0, s2
    call xputhex
    la   a0, s_gpa
    call xputs
    mv   a0, s3
    call xputhex
    la   a0, s_pc
    call xputs
    lw   a0, VC_PC(s0)
    call xputhex
    la   a0, s_ring
    call xputs
    mv   a0, s0
    call vcpu_ring
    call xputdec
    li   a0, '\n'
    call xputc
    mv   a0, s0
    li   a1, XEN_CRASH_CODE
    call dom_shutdown
    j    hv_schedule

.rodata
s_xendom:   .asciz "(XEN) dom"
s_lparen:   .asciz " ("
s_colon:    .asciz ": "
s_comma:    .asciz ", "
s_exits:    .asciz " VM exits ("
s_exits2:   .asciz "), "
s_hcalls:   .asciz " hypercalls, "
s_refused:  .asciz " refused\n"
s_poweroff: .asciz "(XEN) dom0 has shut down: powering off with code "
s_crashed:  .asciz " crashed: "
s_gva:      .asciz "; gva "
s_gpa:      .asciz " gpa "
s_pc:       .asciz "; pc "
s_ring:     .asciz " in ring "
n_unknown:  .asciz "?"
n_hcall:    .asciz "HYPERCALL"
n_priv:     .asciz "PRIV"
n_csr:      .asciz "CSR"
n_tlb:      .asciz "TLB"
n_sens:     .asciz "SENSITIVE"
n_gpa:      .asciz "GPA_FAULT"
n_mmio:     .asciz "MMIO"
n_irq:      .asciz "IRQ"
n_exc:      .asciz "EXCEPTION"
n_wfi:      .asciz "WFI"
n_mcheck:   .asciz "MACHINE_CHECK"
    .balign 4
exit_names:
    .word n_unknown, n_hcall, n_priv, n_csr, n_tlb, n_sens, n_gpa, n_mmio, n_irq, n_exc
    .word n_wfi, n_mcheck
.text
