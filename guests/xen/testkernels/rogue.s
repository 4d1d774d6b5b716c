# rogue.s — a DomU that breaks the rules of the paravirtual interface, one after the
# other, and reports what the hypervisor and Dom0's backend did about it (for the tests
# and the grading suite; `xl create rogue -c`).
#
# Concept: isolation in a paravirtualized system (Barham et al. 2003, §2.1: "the
# hypervisor must ensure that each guest OS can only access the memory it owns"; Xen's
# grant tables): a guest kernel is ported, not trusted. It builds its own block ring
# (as lib/pv/blkfront.s does, by hand) and then:
#   1. asks for a block read into a page it never granted     -> refused (the grant map)
#   2. asks for a block read into a page granted read-only    -> refused (the device
#                                                                would write into it)
#   3. asks for a block write from that read-only page        -> done (reading is allowed)
#   4. asks for a sector past the end of its partition         -> refused (the backend)
#   5. installs a TLB entry for a frame outside its memory     -> refused (mmu_update)
#   6. maps a page of Dom0 that Dom0 never granted             -> refused (gnttab_map)
#   7. writes a key of Dom0's store                             -> refused (EPERM)
#   8. revokes the grant of its ring while Dom0 has it mapped  -> EBUSY
# then waits for a command: `crash` makes it store past the end of its memory (the
# hypervisor stops it: GPA_FAULT), the end of input shuts it down.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "hypercall.inc"
.include "ring/ring.inc"

.text
.global _start
_start:
    la   sp, rg_stack_top
    la   t0, rg_trap
    csrw tvec, t0
    call gnttab_init
    call evtchn_init
    call console_init
    la   a0, s_hello
    call kputs
    la   a0, rg_page                    # its own block ring, granted, published
    call ring_shared_init
    la   a0, rg_ring
    la   a1, rg_page
    li   a2, BLKIF_RING_SLOTS
    li   a3, BLKIF_REQUEST_SIZE
    call ring_front_attach
    li   a0, 0
    la   a1, rg_page
    call frame_of
    li   a2, 0
    call gnttab_grant
    la   t0, rg_ringgref
    sw   a0, 0(t0)
    mv   s1, a0
    li   a0, 0
    call HYPERVISOR_evtchn_alloc_unbound
    mv   s2, a0
    la   t0, rg_port
    sw   s2, 0(t0)
    mv   a0, s2
    la   a1, rg_intr
    call evtchn_bind
    li   a0, DOMID_SELF
    li   a1, XS_BLK_RING
    mv   a2, s1
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_BLK_PORT
    mv   a2, s2
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_BLK_FE
    li   a2, XBS_INITIALISED
    call HYPERVISOR_store_write
1:  li   a0, DOMID_SELF                 # wait for the backend
    li   a1, XS_BLK_BE
    call HYPERVISOR_store_read
    li   t0, XBS_CONNECTED
    beq  a0, t0, 2f
    call env_sleep
    j    1b
2:  la   a0, s_t1                       # 1. a page never granted
    call kputs
    li   a0, BLKIF_OP_READ
    li   a1, 0
    li   a2, 40                         # (no such grant)
    call rg_request
    call rg_verdict
    la   t0, rg_data                    # a mark, to find on the disk after step 3
    li   t1, 0x55474f52                 # "ROGU"
    sw   t1, 0(t0)
    li   a0, 0                          # the data page, granted read-only
    la   a1, rg_data
    call frame_of
    li   a2, 1
    call gnttab_grant
    mv   s3, a0
    la   a0, s_t2                       # 2. read into a read-only grant
    call kputs
    li   a0, BLKIF_OP_READ
    li   a1, 0
    mv   a2, s3
    call rg_request
    call rg_verdict
    la   a0, s_t3                       # 3. write from it
    call kputs
    li   a0, BLKIF_OP_WRITE
    li   a1, 0
    mv   a2, s3
    call rg_request
    call rg_verdict
    la   a0, s_t4                       # 4. past the end of its sectors
    call kputs
    li   a0, DOMID_SELF
    li   a1, XS_BLK_SECTORS
    call HYPERVISOR_store_read
    mv   a1, a0
    li   a0, BLKIF_OP_WRITE
    mv   a2, s3
    call rg_request
    call rg_verdict
    la   a0, s_t5                       # 5. a TLB entry for a frame not its own
    call kputs
    li   t0, KSEG + XSI_ADDR
    lw   t1, XSI_NR_PAGES(t0)
    addi t1, t1, 16
    slli t1, t1, PAGE_SHIFT
    ori  t1, t1, TLB_V | TLB_R | TLB_W
    la   a0, rg_batch
    li   t0, 0x00400000
    sw   t0, XMU_HI(a0)
    sw   t1, XMU_LO(a0)
    li   a1, 1
    call HYPERVISOR_mmu_update
    call rg_result
    la   a0, s_t6                       # 6. a page of Dom0's, never granted
    call kputs
    li   a0, 0
    li   a1, 1
    li   a2, 0
    call HYPERVISOR_gnttab_map
    call rg_result
    la   a0, s_t7                       # 7. Dom0's store
    call kputs
    li   a0, 0
    li   a1, XS_BLK_FE
    li   a2, XBS_CLOSED
    call HYPERVISOR_store_write
    call rg_result
    la   a0, s_t8                       # 8. take back the ring Dom0 has mapped
    call kputs
    la   t0, rg_ringgref
    lw   a0, 0(t0)
    call gnttab_end
    call rg_result
    la   a0, s_done
    call kputs
3:  la   a0, s_prompt
    call kputs
    la   a0, rg_line
    li   a1, 31
    li   a2, 0
    call console_read
    bge  zero, a0, 9f
    la   t0, rg_line
    add  t0, t0, a0
    sb   zero, -1(t0)
    la   a0, rg_line
    la   a1, s_crash
    call strcmp
    bnez a0, 3b
    la   a0, s_wild
    call kputs
    call console_flush
    li   t0, KSEG + XSI_ADDR            # a store just past the end of its memory
    lw   t1, XSI_NR_PAGES(t0)
    slli t1, t1, PAGE_SHIFT
    add  t0, t0, t1
    sw   zero, 0(t0)
    la   a0, s_alive                    # (never: the hypervisor stopped it)
    call kputs
9:  li   a0, 0
    call khalt

# frame_of(a0 = domid, a1 = kseg address) -> a0 = domid, a1 = its guest frame. Leaf.
frame_of:
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    ret

# rg_request(a0 = op, a1 = sector, a2 = gref) -> a0 = the response's status.
rg_request:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   a0, rg_ring
    call ring_front_slot
    la   t0, rg_seq
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    sw   t1, XBR_ID(a0)
    sw   s1, XBR_OP(a0)
    sw   s2, XBR_SECTOR(a0)
    li   t1, 1
    sw   t1, XBR_COUNT(a0)
    sw   s3, XBR_GREF(a0)
    sw   zero, XBR_OFFSET(a0)
    la   a0, rg_ring
    call ring_front_push
    la   t0, rg_port
    lw   a0, 0(t0)
    call HYPERVISOR_evtchn_send
1:  la   a0, rg_ring                    # its response
    call ring_front_response
    bnez a0, 2f
    la   a0, rg_ring                    # none: ask to be notified, look once more
    call ring_front_final
    bnez a0, 1b
    call env_sleep
    j    1b
2:  lw   s4, XBP_STATUS(a0)
    la   a0, rg_ring
    call ring_front_consume
    mv   a0, s4
    EPILOGUE

# rg_verdict(a0 = block status): "refused" or "done".
rg_verdict:
    PROLOGUE
    la   t0, s_refused
    bnez a0, 1f
    la   t0, s_doneok
1:  mv   a0, t0
    call kputs
    EPILOGUE

# rg_result(a0 = a hypercall's result): "refused (-N)" or "allowed (N)".
rg_result:
    PROLOGUE
    mv   s1, a0
    bge  s1, zero, 1f
    la   a0, s_refused2
    call kputs
    neg  a0, s1
    call kputdec
    la   a0, s_rparen
    call kputs
    EPILOGUE
1:  la   a0, s_allowed
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, s_rparen
    call kputs
    EPILOGUE

# rg_intr(a0 = port) -> 0: the responses are read by rg_request.
rg_intr:
    li   a0, 0
    ret

rg_trap:
    la   sp, rg_stack_top
    la   a0, s_trap
    call kputs
    li   a0, 99
    call khalt

# the environment (as the unikernel's: one thread, one address space)
env_sleep:
    PROLOGUE
    call HYPERVISOR_sched_block
    call evtchn_upcall
    EPILOGUE
env_wakeup:
    ret
env_killed:
    li   a0, 0
    ret
env_copyin:
env_copyout:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

.include "pv/hcall.s"
.include "pv/evtchn.s"
.include "pv/gnttab.s"
.include "pv/consfront.s"
.include "ring/ring.s"
.include "base/string.s"

.rodata
s_hello:    .asciz "rogue: a DomU that breaks the rules of the PV interface\n"
s_t1:       .asciz "rogue: 1. block read into a page I never granted: "
s_t2:       .asciz "rogue: 2. block read into a page granted read-only: "
s_t3:       .asciz "rogue: 3. block write from that read-only page: "
s_t4:       .asciz "rogue: 4. block write past the end of my sectors: "
s_t5:       .asciz "rogue: 5. mmu_update of a frame outside my memory: "
s_t6:       .asciz "rogue: 6. gnttab_map of a page dom0 never granted: "
s_t7:       .asciz "rogue: 7. store_write to dom0's store: "
s_t8:       .asciz "rogue: 8. revoking my ring's grant while dom0 maps it: "
s_refused:  .asciz "refused\n"
s_doneok:   .asciz "done\n"
s_refused2: .asciz "refused (-"
s_allowed:  .asciz "ALLOWED ("
s_rparen:   .asciz ")\n"
s_done:     .asciz "rogue: done (type crash for a wild store)\n"
s_prompt:   .asciz "rogue> "
s_crash:    .asciz "crash"
s_wild:     .asciz "rogue: storing past the end of my memory\n"
s_alive:    .asciz "rogue: the wild store went through!\n"
s_trap:     .asciz "rogue: unexpected trap\n"
.data
    .balign 4
rg_port:     .word -1
rg_ringgref: .word 0
rg_seq:      .word 0
.bss
    .balign 4096
rg_page:  .space 4096
rg_data:  .space 4096
rg_ring:  .space RING_DESC_SIZE
    .balign 8
rg_batch: .space 2 * MMU_UPDATE_SIZE
rg_line:  .space 32
    .balign 16
rg_stack: .space 4096
rg_stack_top:
