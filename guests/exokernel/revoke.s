# revoke.s — visible revocation and the abort protocol.
#
# Concept: Engler et al.; seed: "Visible Resource Revocation", "The Abort Protocol". When the kernel needs memory back it does not take
# it silently (as a Unix kernel pages out behind the process's back): it *asks* the
# library OS that holds the most pages, with an upcall (UP_REVOKE) naming one of its
# pages, and the library OS chooses which page to give back — any page freed with
# EXO_PAGE_FREE counts (visible revocation: the library OS knows what it lost and
# cleans up its own mappings first). A library OS that does not comply by the
# deadline (REVOKE_TICKS timer ticks) loses the named page by force: the kernel breaks
# every binding to it (TLB entries; the PHYSMAP window follows the owner table),
# takes it, and records it in the domain's repossession vector, a page the library OS
# registered (EXO_SETUP) and can read to learn what it lost (the abort protocol).
# Pinned pages (images, upcall pages, the vector) are never named.
#
# The trigger is memory pressure: EXO_PAGE_ALLOC with no free page (or more than
# POOL_PAGES owned in all) starts a revocation and returns -EAGAIN to the caller,
# which retries. Each revocation is reported as EV_REVOKE(page, domain) when it ends —
# given back or repossessed.

# revoke_start(a0 = requesting domain) -> a0 = 1 if a revocation is under way (the
# requester should retry), 0 if no other domain has a page to give.
revoke_start:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # the victim: most pages, not the requester
    li   s3, 0                          # its page count
    li   s4, 1
1:  li   t0, MAXDOM
    bgt  s4, t0, 3f
    beq  s4, s1, 2f
    mv   a0, s4
    call dom_addr
    lw   t0, D_USED(a0)
    beqz t0, 2f
    lw   t0, D_NPAGES(a0)
    bleu t0, s3, 2f
    mv   s2, s4
    mv   s3, t0
2:  addi s4, s4, 1
    j    1b
3:  beqz s2, 8f
    mv   a0, s2
    call dom_addr
    mv   s4, a0
    lw   t0, D_REVPFN(s4)
    bnez t0, 7f                         # already asked: wait for it
    mv   a0, s2
    call victim_page
    beqz a0, 8f
    mv   s5, a0
    sw   s5, D_REVPFN(s4)
    la   t0, ticks
    lw   t0, 0(t0)
    addi t0, t0, REVOKE_TICKS
    sw   t0, D_REVDEAD(s4)
    lw   t0, D_NPAGES(s4)
    sw   t0, D_REVHAVE(s4)
    mv   a0, s2                         # tell one of its environments
    call dom_first_env
    beqz a0, 7f                         # nobody to tell: the deadline will pass
    li   a1, UP_REVOKE
    mv   a2, s5
    call post_upcall
7:  li   a0, 1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# victim_page(a0 = domain) -> a0 = an unpinned page it owns, or 0 (round robin). Leaf.
victim_page:
    la   t0, ram_pages
    lw   t1, 0(t0)
    la   t0, revoke_cursor
    lw   t3, 0(t0)
    mv   t2, t1
    la   t4, owner_table
    lw   t4, 0(t4)
1:  beqz t2, 8f
    addi t3, t3, 1
    bltu t3, t1, 2f
    li   t3, 1
2:  add  t5, t4, t3
    lbu  t5, 0(t5)
    addi t2, t2, -1
    bne  t5, a0, 1b                     # exactly the domain: not pinned
    sw   t3, 0(t0)
    mv   a0, t3
    ret
8:  li   a0, 0
    ret

# dom_first_env(a0 = domain) -> a0 = its first live environment with an upcall page,
# or 0. Leaf.
dom_first_env:
    la   t0, env_table
    li   t1, NENV
1:  lw   t2, E_STATE(t0)
    beqz t2, 2f
    li   t3, ENV_DYING
    beq  t2, t3, 2f
    lw   t2, E_DOM(t0)
    bne  t2, a0, 2f
    lw   t2, E_UK(t0)
    beqz t2, 2f
    mv   a0, t0
    ret
2:  addi t0, t0, ENV_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

# revoke_comply(a0 = domain, a1 = page it just freed): a pending revocation is
# satisfied once the domain owns fewer pages than when it was asked.
revoke_comply:
    PROLOGUE
    mv   s2, a1
    mv   s3, a0
    call dom_addr
    mv   s1, a0
    lw   t0, D_REVPFN(s1)
    beqz t0, 9f
    lw   t0, D_NPAGES(s1)
    lw   t1, D_REVHAVE(s1)
    bgeu t0, t1, 9f
    sw   zero, D_REVPFN(s1)
    lw   t0, D_NREVOKED(s1)
    addi t0, t0, 1
    sw   t0, D_NREVOKED(s1)
    mv   a0, s2
    mv   a1, s3
    call emit_revoke
9:  EPILOGUE

# revoke_tick(): at each timer tick, abort the revocations whose deadline passed.
revoke_tick:
    PROLOGUE
    li   s1, 1
1:  li   t0, MAXDOM
    bgt  s1, t0, 9f
    mv   a0, s1
    call dom_addr
    lw   t0, D_REVPFN(a0)
    beqz t0, 2f
    lw   t0, D_REVDEAD(a0)
    la   t1, ticks
    lw   t1, 0(t1)
    bltu t1, t0, 2f
    mv   a0, s1
    call abort_protocol
2:  addi s1, s1, 1
    j    1b
9:  EPILOGUE

# abort_protocol(a0 = domain): take the named page by force (or another unpinned page
# of the domain if it freed that one but still owns too many), break its bindings,
# record it in the repossession vector, say so on the console.
abort_protocol:
    PROLOGUE
    mv   s1, a0
    call dom_addr
    mv   s2, a0
    lw   s3, D_REVPFN(s2)
    sw   zero, D_REVPFN(s2)
    mv   a0, s3
    call owner_byte
    beq  a0, s1, 1f
    mv   a0, s1
    call victim_page
    beqz a0, 9f
    mv   s3, a0
1:  mv   a0, s3
    call tlb_shootdown
    mv   a0, s3
    li   a1, OWN_FREE
    call set_owner
    lw   t0, D_NABORTED(s2)
    addi t0, t0, 1
    sw   t0, D_NABORTED(s2)
    lw   t0, D_REPO(s2)                 # the repossession vector
    beqz t0, 2f
    lw   t1, RV_COUNT(t0)
    li   t2, 1023
    bgeu t1, t2, 2f
    slli t2, t1, 2
    add  t2, t2, t0
    sw   s3, RV_PAGES(t2)
    addi t1, t1, 1
    sw   t1, RV_COUNT(t0)
2:  mv   a0, s3
    mv   a1, s1
    call emit_revoke
    la   a0, msg_abort1
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, msg_lparen2
    call kputs
    addi a0, s2, D_NAME
    call kputs
    la   a0, msg_abort2
    call kputs
    mv   a0, s3
    call kputhex
    la   a0, msg_abort3
    call kputs
9:  EPILOGUE

# emit_revoke(a0 = page, a1 = domain): EV_REVOKE (leaf)
emit_revoke:
    li   t0, EVENTS_ARG0
    sw   a0, 0(t0)
    sw   a1, 4(t0)
    li   t1, EV_REVOKE
    sw   t1, -4(t0)
    ret

.rodata
msg_abort1:  .asciz "exokernel: abort protocol: domain "
msg_lparen2: .asciz " ("
msg_abort2:  .asciz ") ignored a revocation: page "
msg_abort3:  .asciz " repossessed\n"
.text
