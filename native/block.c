/* ringvm native engine: the block executor, the fast half of the interpreter.
 *
 * Contract: block_run(m, c) runs CPU c from c->pc over decoded pages (dcache.c; the
 * entry layout and the block rules are in internal.h, "decoded pages") for as long as
 * every step is a plain one, then returns with c->pc at the first instruction it did not
 * execute and c->cycle, the retired and tlb_hits counters written back. The caller
 * (cpu_run, interp.c) executes that instruction on its exact path, one step, and calls
 * block_run again. block_run never traps, never touches a device and never changes
 * anything but registers, RAM through cached store translations, pc and the counters:
 * the steps it runs are exactly the exact path's, faster. It leaves:
 *  - before a block that would reach c->limit (the batch end or the CPU's next timed
 *    event): checks are per block, `cycle + n <= limit`, then n steps run unchecked;
 *  - before a SLOW entry (CSR, system, TLB, cas, illegal words...);
 *  - before a load or store that misses the translation cache (the exact path does the
 *    translation: TLB misses, devices, watchpoints, stores to code pages), taking back
 *    the steps of the block it counted but did not run;
 *  - when the next page cannot be entered here: the fetch misses the translation cache,
 *    the pc is misaligned, the page holds a breakpoint, the host is out of memory.
 * The caller enters it only while c->attn is clear (no interrupt check pending, CPU
 * running, no breakpoint or watchpoint business); nothing block_run does can set attn
 * or move limit, so neither is looked at again until it returns.
 *
 * Speed: each handler is a few host instructions and ends by jumping straight to the
 * next entry's handler (`goto *ip->h`); a block end jumps to its target's handler after
 * the one block check (direct chaining within a page: a local branch is ip + woff; far
 * targets and page ends go through the fetch translation cache to the next page). The
 * hot state (ip, the page, the cycle, limit, counters) lives in locals.
 */
#include "internal.h"

#define REG(off) (*(uint32_t *)(regs + (off)))
#define PC_OF(p) (fva + ((uint32_t)((p) - ents) << 2))

int block_run(struct machine *m, struct rv_cpu *c, struct trap *t) {
#define H_LABEL(name, kind, fw, prod) [H_##name] = &&L_##name,
    static const void *const labels[H_COUNT] = { RV_HANDLER_LIST(H_LABEL) };
#undef H_LABEL
    if (!m) { dc_labels = labels; return EX_RETIRED; }   /* dc_init: the decoder's labels */

    uint8_t *const regs = (uint8_t *)c;
    uint64_t cyc, cyc0, hits;    /* cycle now / at the last write-back; tlb_hits to add */
    uint64_t climit;             /* c->limit: a block must end by it */
    uint64_t lim;                /* what ENTER compares with: climit, or 0 on a page with
                                  * a breakpoint, which sends every block start to
                                  * leave_at_block, where its range is searched */
    int ring, cring;   /* the ring; the ring for plain CSR accesses (V = 1: none) */
    struct rv_tc (*tcset)[RV_TC_SIZE];   /* the translation-cache set of (V, ring) */
    struct dpage *page = NULL;
    struct dent *ents = NULL, *ip;
    uint32_t fva = 0, umask = 0, pc;
    const struct rv_tc *fent = NULL;   /* the fetch translation of the page, as entered */
    uintptr_t foff = 0;
    int k;
    struct xl x;         /* translate_slow's result, for a load or store that missed */
    uint32_t mva = 0;    /* and its virtual address */
    uint32_t acc = 0;    /* the value the last producer wrote (forwarding, internal.h) */
    uint32_t widx;       /* the TLB entry a tlbwi/tlbwr writes */
    int macc = 0;        /* the access kind of a load or store that missed the TLB */
    /* Where a trap entry or rfe done here goes is usually where the last one of the other
     * kind came from: a trap entry leaves the page it trapped on for the vector's, and
     * rfe goes back. Each keeps the page it leaves (MEMO_SAVE) and enters the other's
     * (MEMO_ENTER) without a page lookup when it still holds the target: same virtual
     * page, same cache set, the fetch translation as it was (tag and host address); a
     * page lookup that decodes or compares a page (dc_page_slow, which may empty the
     * decoded-page cache) forgets both. */
    struct memo {
        struct dpage *page;                       /* NULL: nothing kept */
        const struct rv_tc *fent;
        uintptr_t foff;
        struct rv_tc (*tcset)[RV_TC_SIZE];
        uint32_t fva;
        int bp;                                   /* lim was 0: a breakpoint on the page */
    } memos[2] = {{0}}, *mm = memos;   /* [0]: the vector's page, kept by rfe; [1]: the
                                       * trapped page, kept by trap entries */
    __asm__("" : "+r"(mm));   /* the memos stay in memory, never scalars competing with the
                               * handlers' hot values for registers */
#define vm (mm[0])
#define rm (mm[1])

    /* Start the block at ip: the one check, then count all of it. */
#define ENTER do {                                                                       \
        uint32_t n_ = ip->n;                                                             \
        if (unlikely(cyc + n_ > lim)) goto leave_at_block;                               \
        cyc += n_;                                                                       \
        hits += n_ & umask;                                                              \
        goto *ip->h;                                                                     \
    } while (0)
    /* Next entry of the same block: no check, already counted; its handler may take
     * an operand from acc (internal.h, forwarding). */
#define NEXT do { ip++; goto *ip->hf; } while (0)
    /* After a trap entry or return done here (the retired steps of the ring that ran
     * written, the ring changed, c->cycle = cyc): go on in block mode at the new pc, ring
     * and cache set. tlb_hits stay in `hits` (they do not depend on the ring). */
#define CTX_SWITCHED_TO(M) goto switched_to_##M
#define MEMO_SAVE(M) do {                                                                \
        (M).page = page; (M).fent = fent; (M).foff = foff; (M).tcset = tcset;           \
        (M).fva = fva; (M).bp = lim == 0;                                                \
    } while (0)
#define MEMO_ENTER(M) do {                                                               \
        if (likely((M).page != NULL) && (pc & (~PAGE_MASK | 3u)) == (M).fva &&           \
            tcset == (M).tcset && (M).fent->tag == (M).fva && (M).fent->off == (M).foff) { \
            page = (M).page; ents = page->e; fent = (M).fent; foff = (M).foff;          \
            fva = (M).fva; umask = fent->useg ? 0xFFFFu : 0; lim = (M).bp ? 0 : climit; \
            ip = ents + ((pc & PAGE_MASK) >> 2);                                         \
            ENTER;                                                                       \
        }                                                                                \
    } while (0)
    /* Write the counters and pc back to the CPU. */
#define WRITE_BACK do {                                                                  \
        c->cycle = cyc;                                                                  \
        c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED] += cyc - cyc0;                 \
        c->c_tlb_hits += hits;                                                           \
        c->pc = pc;                                                                      \
    } while (0)

    if (0) {
switched_to_vm:   /* CTX_SWITCHED_TO: after a trap entry, to the vector's page */
        cyc0 = cyc;
        ring = cring = c->ring;
        tcset = c->tc;
        pc = c->pc;
        MEMO_ENTER(vm);
        goto lookup;
switched_to_rm:   /* after rfe, back to the page the trap left */
        cyc0 = cyc;
        ring = cring = c->ring;
        tcset = c->tc;
        pc = c->pc;
        MEMO_ENTER(rm);
        goto lookup;
    }
reload:   /* (re)read the CPU state the blocks depend on */
    cyc = cyc0 = c->cycle;
    climit = c->limit;
    hits = 0;
    ring = c->ring;
    cring = c->v ? RING_COUNT : ring;
    tcset = c->tc;
    pc = c->pc;
lookup:   /* enter the page of pc (a new page, or the same one after a far jump) */
    {
        if (unlikely(pc & 3)) goto leave;
        struct rv_tc *e = &tcset[RV_ACC_FETCH][TC_IDX(pc)];
        if (unlikely(e->tag != (pc & ~PAGE_MASK))) goto leave;
        uintptr_t host = e->off + (pc & ~PAGE_MASK);
        uint32_t ppn = (uint32_t)((host - (uintptr_t)m->ram) >> PAGE_BITS);
        struct dcache *d = m->dc;
        unsigned s = d->map[ppn];   /* dc_page, with the memos forgotten on its slow path */
        page = s ? d->slot[s - 1] : NULL;
        if (unlikely(!page || page->epoch != d->epoch)) {
            vm.page = rm.page = NULL;
            page = dc_page_slow(m, ppn);
            if (unlikely(!page)) goto leave;
        }
        lim = unlikely(m->nbps > 0) && bp_in(m, pc & ~PAGE_MASK, pc | PAGE_MASK) ? 0 : climit;
        ents = page->e;
        fva = pc & ~PAGE_MASK;
        umask = e->useg ? 0xFFFFu : 0;   /* fetches from a useg page count tlb_hits */
        fent = e;
        foff = e->off;
        ip = ents + ((pc & PAGE_MASK) >> 2);
    }
    ENTER;

    /* ---- block boundaries */
L_DECODE:   /* first time here: decode to the end of the block, then start it */
    dc_decode_run(page, (uint32_t)(ip - ents), m->ram + ((size_t)page->ppn << PAGE_BITS));
    ENTER;
L_END:      /* ran off the end of the page */
    pc = fva + PAGE_SIZE;
    goto lookup;
    /* SLOW entries (n = 0: nothing of them was counted) are steps of their own */
#define STEP_START do {                                                                  \
        if (unlikely(cyc >= climit) ||                                                   \
            (unlikely(lim == 0) && bp_in(m, PC_OF(ip), PC_OF(ip))))                      \
            goto leave_here;                                                             \
        pc = PC_OF(ip);                                                                  \
        hits += umask & 1;   /* its fetch */                                             \
        WRITE_BACK;                                                                      \
    } while (0)
L_SLOW:
    STEP_START;
    goto exact;
    /* A system call from ring 0..3 and rfe in ring 0 with V = 0 (no breakpoint on the
     * page, before the limit): the ring changes and block mode goes on at the new pc,
     * the step counted in the locals. Only the translation-cache set and the ring
     * change (kernel_entry/kernel_return), not the limit; the CPU's counters are
     * written for the ring that ran. */
#define CTX_FAST (likely(cyc < climit) && likely(lim != 0) && likely(cring == ring))
L_SYSCALL:  /* always traps, in any ring (exec_one's rule) */
    if (CTX_FAST && likely(ring >= RING_KERNEL) && likely(H(c, TVEC) != 0)) {
        /* take_trap's inline case (internal.h): the trap entry is the step */
        hits += umask & 1;   /* its fetch */
        c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED] += cyc - cyc0;
        c->cycle = cyc;
        c->pc = pc = PC_OF(ip);
        m->whit_pending = 0;
        kernel_entry_v(c, 0, CAUSE_SYSCALL, 0);   /* V = 0: cring == ring */
        kernel_trap_counted(c, CAUSE_SYSCALL, pc);
        c->cycle = ++cyc;
        MEMO_SAVE(rm);
        CTX_SWITCHED_TO(vm);
    }
    STEP_START;
    exc(t, CAUSE_SYSCALL, 0);
    t->hinsn = page->raw[ip - ents];
    goto trapped;
L_RFE:      /* the returns, where the ring allows them without a VM exit (V = 0) */
    if (CTX_FAST && ring == RING_KERNEL && likely(c->attn == 0)) {
        hits += umask & 1;   /* its fetch */
        c->cycle = cyc;
        kernel_return_v(c, 0);   /* marks the interrupt check: done here, as `stepped` */
        c->cycle = ++cyc;        /* it retires in ring 0 */
        c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED] += cyc - cyc0;
        /* irq_check; with V = 0 in ring 0..3 no interrupt is deliverable while IE = 0
         * (csr.c irq_deliverable) */
        if ((c->hcsr[BANK(CSR_STATUS)] & STATUS_IE_MASK) && unlikely(irq_check(m, c, t))) {
            c->c_tlb_hits += hits;
            return EX_RETIRED;   /* cpu_run delivers it */
        }
        c->attn = 0;
        MEMO_SAVE(vm);
        CTX_SWITCHED_TO(rm);
    }
    STEP_START;
    if (unlikely(cring > RING_RFE)) goto exact;   /* exec_one traps or exits */
    if (ring == RING_HYPERVISOR) hyp_return(c); else kernel_return(c);
    c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED]++;
    c->cycle++;
    goto stepped;
#undef CTX_FAST
    /* tlbwi/tlbwr in ring 0 with V = 0 (a refill handler's; no breakpoint on the page,
     * before the limit): the step is counted in the locals and the block goes on after
     * it; the new entry's translations go to the cache of the ring the handler returns
     * to (tlb_write_prefill, mmu.c), so the retried access hits the cache. */
#define TLBW_FAST (likely(cyc < climit) && likely(lim != 0) && likely(cring == RING_KERNEL))
L_TLBWI:    /* tlbwi/tlbwr where the ring allows them without a VM exit (V = 0): exec_one's */
    if (TLBW_FAST) {
        widx = c->hcsr[BANK(CSR_TLBIDX)] % (uint32_t)m->ntlb;
        goto tlbw_fast;
    }
    STEP_START;
    if (unlikely(cring > RING_TLBWI)) goto exact;
    tlb_write(c, c->hcsr[BANK(CSR_TLBIDX)] % (uint32_t)m->ntlb);
    goto retired;
L_TLBWR: {
        uint32_t nt = (uint32_t)m->ntlb, wired = c->hcsr[BANK(CSR_WIRED)];
        if (wired > nt - 1) wired = nt - 1;
        if (TLBW_FAST) {
            widx = wired + (uint32_t)(cyc % (nt - wired));   /* cyc: the step's start */
            goto tlbw_fast;
        }
        STEP_START;
        if (unlikely(cring > RING_TLBWR)) goto exact;
        tlb_write(c, wired + (uint32_t)(c->cycle % (nt - wired)));
        goto retired;
    }
#undef TLBW_FAST
tlbw_fast:
    hits += umask & 1;   /* its fetch */
    c->cycle = cyc;      /* the step's start (tlb_write's timeline record) */
    tlb_write_prefill(m, c, widx);
    cyc++;
    if (likely(fent->tag == fva && fent->off == foff)) {   /* the code page's translation
                                                             * is as it was */
        ip++;
        ENTER;
    }
    pc = PC_OF(ip) + 4;
    goto lookup;
retired:    /* a SLOW entry done here retires, the pc moves on */
    c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED]++;
    c->cycle++;
    c->pc = pc + 4;
    goto stepped;
exact_step: /* run ip's instruction with exec_one (exec.c), nothing of it counted */
    pc = PC_OF(ip);
    hits += umask & 1;   /* its fetch */
    WRITE_BACK;
exact:
    k = exec_one(m, c, page->raw[ip - ents], t);
exec_done:
    if (k == EX_TRAP) goto trapped;
    if (k != EX_RETIRED) return k;
    goto stepped;
trapped:    /* the step recorded a trap: it is the trap entry (interp.c, the one trap block) */
    if (take_trap(m, c, t)) return EX_MCHECK;
stepped:
    /* a step of the exact path may change anything: the checks of a step's start
     * (cpu_run) when something is due, else go on; the interrupt check is done here */
    if (unlikely(c->cycle >= c->limit)) return EX_RETIRED;
    if (unlikely(c->attn)) {
        if (c->attn != RV_ATTN_IRQ || irq_check(m, c, t)) return EX_RETIRED;
        c->attn = 0;
    }
    if (likely(c->pc == pc + 4 && c->tc == tcset && c->ring == ring &&
               fent->tag == fva && fent->off == foff)) {
        cyc = cyc0 = c->cycle;   /* same page, same translation: the next entry */
        climit = c->limit;
        lim = lim ? climit : 0;
        hits = 0;
        ip++;
        ENTER;
    }
    goto reload;
#undef STEP_START

    /* ---- ALU: each producer leaves its result in acc too; the _F variants take
     * operand A (rs1) and/or B (rs2) from there */
#define RR_DO(EXPR, A, B) {                                                              \
        uint32_t a = (A), b = (B);                                                       \
        acc = (EXPR);                                                                    \
        REG(ip->rd) = acc;                                                               \
        NEXT;                                                                            \
    }
#define RR(NAME, EXPR)                                                                   \
    L_##NAME: RR_DO(EXPR, REG(ip->rs1), REG(ip->u.b.rs2))                                \
    L_##NAME##_F1: RR_DO(EXPR, acc, REG(ip->u.b.rs2))                                    \
    L_##NAME##_F2: RR_DO(EXPR, REG(ip->rs1), acc)                                        \
    L_##NAME##_F12: RR_DO(EXPR, acc, acc)
    RR(ADD, a + b)
    RR(SUB, a - b)
    RR(AND, a & b)
    RR(OR, a | b)
    RR(XOR, a ^ b)
    RR(NOR, ~(a | b))
    RR(SLL, a << (b & 31))
    RR(SRL, a >> (b & 31))
    RR(SRA, (uint32_t)((int32_t)a >> (b & 31)))
    RR(SLT, (uint32_t)((int32_t)a < (int32_t)b))
    RR(SLTU, (uint32_t)(a < b))
    RR(MUL, a * b)
    RR(MULH, (uint32_t)(((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32))
    RR(MULHU, (uint32_t)(((uint64_t)a * (uint64_t)b) >> 32))
    RR(DIV, b == 0 ? 0xFFFFFFFFu : (a == 0x80000000u && b == 0xFFFFFFFFu) ? a
                                 : (uint32_t)((int32_t)a / (int32_t)b))
    RR(DIVU, b ? a / b : 0xFFFFFFFFu)
    RR(REM, b == 0 ? a : (a == 0x80000000u && b == 0xFFFFFFFFu) ? 0
                       : (uint32_t)((int32_t)a % (int32_t)b))
    RR(REMU, b ? a % b : a)
#undef RR
#undef RR_DO
#define RI_DO(EXPR, A) {                                                                 \
        uint32_t a = (A), i = ip->u.imm;                                                 \
        acc = (EXPR);                                                                    \
        REG(ip->rd) = acc;                                                               \
        NEXT;                                                                            \
    }
#define RI(NAME, EXPR)                                                                   \
    L_##NAME: RI_DO(EXPR, REG(ip->rs1))                                                  \
    L_##NAME##_F1: RI_DO(EXPR, acc)
    RI(ADDI, a + i)
    RI(SLTI, (uint32_t)((int32_t)a < (int32_t)i))
    RI(SLTIU, (uint32_t)(a < i))
    RI(ANDI, a & i)
    RI(ORI, a | i)
    RI(XORI, a ^ i)
    RI(SLLI, a << i)
    RI(SRLI, a >> i)
    RI(SRAI, (uint32_t)((int32_t)a >> i))
#undef RI
#undef RI_DO

    /* ---- loads and stores: the translation-cache hit inline (internal.h tc_match); a
     * miss translates here (translate_slow fills the cache) and goes on with the block
     * if it found RAM; a trap or a device register ends it (mem_other). While a
     * watchpoint is armed exec_one does every access that misses (it must stop after). */
#define MEM_MISS(ACC, SIZE) do {                                                         \
        if (unlikely(m->nwatch > 0)) goto miss;                                          \
        mva = va;                                                                        \
        __asm__("" : "+r"(mva));   /* so the hit path does not keep va >> PAGE_BITS */   \
        if (!(mva & (SIZE - 1)) && mva < MEM_KSEG_BASE && tlb_vpn_free(c, mva >> PAGE_BITS)) { \
            macc = ACC;                                                                  \
            goto tlb_missed;   /* a TLB miss for sure: translate_slow's result */        \
        }                                                                                \
        k = translate_slow(m, c, va, ACC, SIZE, 0, 0, page->raw[ip - ents], &x, t);      \
        if (unlikely(k != XL_RAM)) goto mem_other;                                       \
    } while (0)
#define LOAD_DO(SIZE, EXPR, A) {                                                         \
        uint32_t va = (A) + ip->u.imm;                                                   \
        const struct rv_tc *e = &tcset[RV_ACC_LOAD][TC_IDX(va)];                                  \
        const uint8_t *p;                                                                \
        if (likely(e->tag == (va & (~PAGE_MASK | (SIZE - 1))))) {                        \
            hits += e->useg;                                                             \
            p = (const uint8_t *)(e->off + va);                                          \
        } else {                                                                         \
            MEM_MISS(RV_ACC_LOAD, SIZE);                                                 \
            p = x.host;                                                                  \
        }                                                                                \
        acc = (EXPR);                                                                    \
        REG(ip->rd) = acc;                                                               \
        NEXT;                                                                            \
    }
#define LOAD(NAME, SIZE, EXPR)                                                           \
    L_##NAME: LOAD_DO(SIZE, EXPR, REG(ip->rs1))                                          \
    L_##NAME##_F1: LOAD_DO(SIZE, EXPR, acc)
    LOAD(LW, 4, ld32(p))
    LOAD(LB, 1, (uint32_t)(int32_t)(int8_t)p[0])
    LOAD(LBU, 1, (uint32_t)p[0])
    LOAD(LH, 2, (uint32_t)(int32_t)(int16_t)ld16(p))
    LOAD(LHU, 2, (uint32_t)ld16(p))
#undef LOAD
#undef LOAD_DO
    /* a code page never has a cached store translation (dcache.c): a store to one is
     * a miss, done here, then dc_write, and the block ends (its code may have changed).
     * A store produces nothing: acc keeps its value, and no successor forwards from it. */
#define STORE_DO(SIZE, STMT, A, B) {                                                     \
        uint32_t va = (A) + ip->u.imm, v = (B);                                          \
        const struct rv_tc *e = &tcset[RV_ACC_STORE][TC_IDX(va)];                                  \
        uint8_t *p;                                                                      \
        if (likely(e->tag == (va & (~PAGE_MASK | (SIZE - 1))))) {                        \
            hits += e->useg;                                                             \
            p = (uint8_t *)(e->off + va);                                                \
            STMT;                                                                        \
            NEXT;                                                                        \
        }                                                                                \
        MEM_MISS(RV_ACC_STORE, SIZE);                                                    \
        p = x.host;                                                                      \
        STMT;                                                                            \
        if (unlikely(dc_is_code(m, x.pa))) goto code_stored;                             \
        NEXT;                                                                            \
    }
#define STORE(NAME, SIZE, STMT)                                                          \
    L_##NAME: STORE_DO(SIZE, STMT, REG(ip->rs1), REG(ip->rd))                            \
    L_##NAME##_F1: STORE_DO(SIZE, STMT, acc, REG(ip->rd))                                \
    L_##NAME##_F2: STORE_DO(SIZE, STMT, REG(ip->rs1), acc)                               \
    L_##NAME##_F12: STORE_DO(SIZE, STMT, acc, acc)
    STORE(SW, 4, st32(p, v))
    STORE(SB, 1, p[0] = (uint8_t)v)
    STORE(SH, 2, st16(p, (uint16_t)v))
#undef STORE
#undef STORE_DO
#undef MEM_MISS
code_stored: {   /* ip stored to a code page: it retired; take back the rest */
        uint32_t rest = ip->n - 1u;   /* before dc_write changes the block */
        dc_write(m, x.pa);
        cyc -= rest;
        hits -= rest & umask;
        pc = PC_OF(ip);
        WRITE_BACK;
        c->pc = pc + 4;
        goto stepped;
    }
tlb_missed:   /* ip's access (kind macc, at mva) missed the TLB: the trap entry is the
               * step, before the limit (its block was) */
    cyc -= ip->n;
    hits -= ip->n & umask;
    pc = PC_OF(ip);
    hits += umask & 1;   /* its fetch */
    if (likely(cring == ring) && likely(ring >= RING_KERNEL) && likely(H(c, TVEC) != 0)) {
        /* take_trap's inline case (internal.h), V = 0 */
        c->c_retired_by_ring[ring - RING_MOST_PRIVILEGED] += cyc - cyc0;
        c->cycle = cyc;
        c->pc = pc;
        tlb_miss_effects(c, 0, mva);
        m->whit_pending = 0;
        kernel_entry_v(c, 0, CAUSE_MISS_OF(macc), mva);
        kernel_trap_counted(c, CAUSE_MISS_OF(macc), pc);
        c->cycle = ++cyc;
        MEMO_SAVE(rm);
        CTX_SWITCHED_TO(vm);
    }
    WRITE_BACK;
    tlb_miss(c, mva, macc, t);
    t->hinsn = page->raw[ip - ents];   /* as exec_one's */
    goto trapped;
mem_other:   /* ip's access trapped or is a device's: it is a step of its own */
    cyc -= ip->n;
    hits -= ip->n & umask;
    pc = PC_OF(ip);
    hits += umask & 1;   /* its fetch */
    WRITE_BACK;
    if (k == XL_TRAP) {
        if (t->kind == TK_EXC) t->hinsn = page->raw[ip - ents];   /* as exec_one's */
        if (likely(t->kind == TK_EXC) && likely(cring == ring) && likely(ring >= RING_KERNEL) &&
            likely(H(c, TVEC) != 0)) {
            /* take_trap's inline case: the trap entry is the step, before the limit (its
             * block was) */
            hits = 0;   /* written */
            m->whit_pending = 0;
            kernel_entry_v(c, 0, t->cause, t->badv);
            kernel_trap_counted(c, t->cause, pc);
            c->cycle = ++cyc;
            MEMO_SAVE(rm);
            CTX_SWITCHED_TO(vm);
        }
        goto trapped;
    }
    k = exec_dev(m, c, page->raw[ip - ents], mva, x.pa, t);
    goto exec_done;

    /* ---- plain CSRs (dcache.c decode_csr), while V = 0 and the ring allows them; else
     * the exact path (which traps or exits). Read before write, rs1 before rd. */
#define CSR_OP(NAME, NEW) L_##NAME: {                                                    \
        if (unlikely(cring > ip->u.csr.ring)) goto miss;                                 \
        uint32_t *p = (uint32_t *)(regs + ip->u.csr.off), old = *p, src = REG(ip->rs1);  \
        (void)src;                                                                       \
        NEW;                                                                             \
        acc = old;                                                                       \
        REG(ip->rd) = old;                                                               \
        NEXT;                                                                            \
    }
    CSR_OP(CSRR, (void)0)
    CSR_OP(CSRW, *p = src & dc_csr_wmask[ip->u.csr.widx])
    CSR_OP(CSRS, *p = (old | src) & dc_csr_wmask[ip->u.csr.widx])
    CSR_OP(CSRC, *p = (old & ~src) & dc_csr_wmask[ip->u.csr.widx])
#undef CSR_OP

    /* ---- branches and jumps: the block ends; chain to the target's block */
#define ENTRY_AT(p, boff) ((struct dent *)((char *)(p) + (boff)))
#define BR_DO_L(COND, A, B) {                                                            \
        uint32_t a = (A), b = (B);                                                       \
        ip = (COND) ? ENTRY_AT(ip, ip->u.b.off) : ip + 1;                                \
        ENTER;                                                                           \
    }
#define BR_DO_F(COND, A, B) {                                                            \
        uint32_t a = (A), b = (B);                                                       \
        if (COND) { pc = PC_OF(ip) + ((uint32_t)(int32_t)ip->u.b.off << 2); goto lookup; } \
        ip++;                                                                            \
        ENTER;                                                                           \
    }
#define BRANCH(NAME, COND)                                                               \
    L_##NAME##_L: BR_DO_L(COND, REG(ip->rs1), REG(ip->u.b.rs2))                          \
    L_##NAME##_L_F1: BR_DO_L(COND, acc, REG(ip->u.b.rs2))                                \
    L_##NAME##_L_F2: BR_DO_L(COND, REG(ip->rs1), acc)                                    \
    L_##NAME##_L_F12: BR_DO_L(COND, acc, acc)                                            \
    L_##NAME##_F: BR_DO_F(COND, REG(ip->rs1), REG(ip->u.b.rs2))                          \
    L_##NAME##_F_F1: BR_DO_F(COND, acc, REG(ip->u.b.rs2))                                \
    L_##NAME##_F_F2: BR_DO_F(COND, REG(ip->rs1), acc)                                    \
    L_##NAME##_F_F12: BR_DO_F(COND, acc, acc)
    BRANCH(BEQ, a == b)
    BRANCH(BNE, a != b)
    BRANCH(BLT, (int32_t)a < (int32_t)b)
    BRANCH(BGE, (int32_t)a >= (int32_t)b)
    BRANCH(BLTU, a < b)
    BRANCH(BGEU, a >= b)
#undef BRANCH
#undef BR_DO_L
#undef BR_DO_F
L_J_L:
    ip = ENTRY_AT(ip, ip->u.j.off);
    ENTER;
L_J_F:
    pc = PC_OF(ip) + ip->u.imm;
    goto lookup;
L_JAL_L:
    REG(REG_OFF(REG_LINK)) = fva + ip->u.j.link;
    ip = ENTRY_AT(ip, ip->u.j.off);
    ENTER;
L_JAL_F:
    REG(REG_OFF(REG_LINK)) = PC_OF(ip) + 4;
    pc = PC_OF(ip) + ip->u.imm;
    goto lookup;
#define JALR_DO(A) {                                                                     \
        uint32_t target = (A) + ip->u.imm;                                               \
        REG(ip->rd) = PC_OF(ip) + 4;                                                     \
        if (likely((target & ~PAGE_MASK) == fva && !(target & 3))) {                     \
            ip = ents + ((target & PAGE_MASK) >> 2);                                     \
            ENTER;                                                                       \
        }                                                                                \
        pc = target;                                                                     \
        goto lookup;                                                                     \
    }
L_JALR: JALR_DO(REG(ip->rs1))
L_JALR_F1: JALR_DO(acc)
#undef JALR_DO
#undef ENTRY_AT

miss:   /* ip's instruction goes to exec_one (watchpoints armed; a CSR the ring forbids) */
    cyc -= ip->n;   /* take back ip and the rest of its block */
    hits -= ip->n & umask;
    goto exact_step;

leave_at_block:   /* before ip, nothing of its block counted */
    if (lim == 0 && climit > 0) {   /* a page with a breakpoint: is one in the block? */
        uint32_t n_ = ip->n, lo = PC_OF(ip);
        if (cyc + n_ <= climit && !bp_in(m, lo, lo + 4 * (n_ ? n_ - 1 : 0))) {
            cyc += n_;
            hits += n_ & umask;
            goto *ip->h;
        }
    }
leave_here:
    pc = PC_OF(ip);
leave:            /* before pc: the exact path runs it */
    WRITE_BACK;
    return EX_EXACT;
#undef ENTER
#undef NEXT
#undef WRITE_BACK
#undef CTX_SWITCHED_TO
#undef vm
#undef rm
#undef MEMO_SAVE
#undef MEMO_ENTER
}
