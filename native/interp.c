/* ringvm native engine: the interpreter loop of one CPU and its exact path.
 *
 * Contract: cpu_run(m, c, n, ...) runs up to n steps of CPU c and returns a stop reason
 * (RV_STOP_BUDGET = ran n steps; *done = steps taken; DESIGN.md principle 6). A step
 * is one cycle: a retired instruction, a trap entry (deliver(), from the one trap
 * block take_trap: a faulting instruction writes nothing back, principle 5), or a cycle
 * waiting (skipped in bulk up to the next event).
 *
 * The interpreter has two halves. block_run (block.c) runs pre-decoded blocks of plain
 * instructions with one check and one count per block, and does what it cannot do in
 * a block through exec_one (exec.c); it returns here when a step needs the checks of a
 * step's start or cannot run there. This loop is the exact path: at the start of every
 * step it does one compare (`cycle >= limit`, limit = min(batch end, next timed
 * event)) and one test of `attn` (set_attn: CPU waiting or stopped, interrupt check
 * needed, a breakpoint on this page, a watchpoint hit); then it hands the step to
 * block_run, or, when block_run stopped before it, fetches the word itself (through
 * the current fetch page kept in locals, or the translation cache, or translate_slow)
 * and executes it with exec_one. Both halves give the same steps, counters and stops:
 * block_run is an optimisation of this path, never a change of it.
 */
#include <stdio.h>
#include "internal.h"

/* Recompute c->attn from the CPU's mode, breakpoint page and watchpoint hit; the
 * interrupt-check bit (irq_dirty) is kept until the loop has looked. */
void set_attn(struct machine *m, struct rv_cpu *c) {
    uint32_t a = c->attn & RV_ATTN_IRQ;
    if (c->mode != RV_RUNNING) a |= RV_ATTN_MODE;
    if (c->bp_page || c->bp_skip) a |= RV_ATTN_BP;   /* only pages with a breakpoint */
    if (m->whit_pending && m->whit.cpu == c->index) a |= RV_ATTN_WATCH;
    c->attn = a;
}

static int machine_idle(struct machine *m) {
    if (m->nev > 0) return 0;
    for (int i = 0; i < m->ncpus; i++) {
        struct rv_cpu *o = &m->cpus[i];
        if (o->ten) return 0;
        if (o->mode == RV_RUNNING) return 0;
        if (o->mode == RV_WAITING && wake_cond(m, o)) return 0;
    }
    return 1;
}

/* take_trap, the one trap block, is in internal.h (inline: both halves call it). */

/* Run up to n steps of CPU c. Returns a stop reason (RV_STOP_BUDGET = ran n steps). */
int cpu_run(struct machine *m, struct rv_cpu *c, uint64_t n, uint64_t *done,
            struct rv_stop *out) {
    struct trap t;
    struct xl x;

    uint32_t pc, w;
    uint64_t start = c->cycle;
    /* the current fetch page, kept in locals: translation can only change at trap
     * entry and in CSR and system/TLB instructions, which reset fkey */
    uint64_t fkey = UINT64_MAX;      /* (pc & ~PAGE_MASK) of the page; MAX = none */
    const uint8_t *fhost = NULL;     /* host address of that page */
    uint32_t fuseg = 0;              /* 1: a useg page (fetches count tlb_hits) */
    c->end = start + n;
    c->limit = c->next_event < c->end ? c->next_event : c->end;
    /* An exact step ends with NEXT: retire and go round the loop, where block_run
     * takes over again at the next instruction. */
#define NEXT break
    int bpskip;      /* this step resumes past a breakpoint stop */
    int exact = 0;   /* this step runs here: block_run stopped before it */
    for (;;) {
        bpskip = 0;
        if (unlikely(c->attn & RV_ATTN_WATCH)) {
            c->attn &= ~RV_ATTN_WATCH;
            if (m->whit_pending) {
                m->whit_pending = 0;
                *done = c->cycle - start; out->cpu = c->index;
                return RV_STOP_WATCHPOINT;
            }
        }
        if (unlikely(c->cycle >= c->limit)) {
            if (c->cycle >= c->end) break;
            fire_events(m, c);
        }
        if (unlikely(c->attn)) {
            if (c->mode != RV_RUNNING) {
                if (c->mode == RV_WAITING && wake_cond(m, c)) {
                    c->mode = RV_RUNNING;
                    irq_dirty(c);
                    set_attn(m, c);
                    tl_ctx(c, c->cycle);
                } else {
                    if (machine_idle(m)) { *done = c->cycle - start; out->cpu = c->index; return RV_STOP_IDLE; }
                    /* nothing but this CPU's own timed events can change anything during
                     * its quantum: skip to the next one (or the batch end) at once */
                    uint64_t k = c->limit > c->cycle ? c->limit - c->cycle : 1;
                    c->cycle += k; c->c_idle += k;
                    if (c->bp_skip) { c->bp_skip = 0; set_attn(m, c); }
                    continue;
                }
            }
            if (c->attn & RV_ATTN_IRQ) {
                if (irq_check(m, c, &t)) {
                    w = 0;
                    if (c->bp_skip) { c->bp_skip = 0; set_attn(m, c); }
                    goto trap;
                }
                c->attn &= ~RV_ATTN_IRQ;
            }
            if (c->attn & RV_ATTN_BP) {   /* set in a fetch page with a breakpoint */
                if (c->bp_skip) {
                    c->bp_skip = 0;
                    set_attn(m, c);
                    bpskip = 1;
                } else if (m->nbps > 0 && bp_in(m, c->pc, c->pc)) {
                    goto breakpoint;
                }
            }
        }

        /* ---- the fast path: whole blocks of plain instructions (block.c), until a
         * step needs the checks above or an instruction needs this exact path. It
         * looks for breakpoints itself, block by block; a step resuming past one
         * (bpskip) is done here. */
        if (likely(!exact) && likely(!(c->attn & ~RV_ATTN_BP)) && !bpskip) {
            fkey = UINT64_MAX;   /* its exact steps may have changed translation */
            switch (block_run(m, c, &t)) {
            case EX_RETIRED: continue;
            case EX_EXACT: exact = 1; continue;   /* look at the batch end first */
            case EX_TRAP: goto trap;
            case EX_MMIO: goto mmio;
            case EX_MCHECK: goto mcheck;
            default: goto halt;
            }
        }
        exact = 0;

        /* ---- fetch */
        w = 0;
        pc = c->pc;
        if (likely((uint64_t)(pc & (~PAGE_MASK | 3u)) == fkey)) {
            c->c_tlb_hits += fuseg;
            w = ld32(fhost + (pc & PAGE_MASK));
        } else {
            /* A new fetch page: breakpoints cost a check per step only on pages that
             * hold one (RV_ATTN_BP). Looked at before the fetch, which a breakpoint
             * stop must not do (no tlb_hits, no fetch fault): engine.py's order. */
            if (unlikely(m->nbps > 0)) {
                int in = bp_in(m, pc & ~PAGE_MASK, pc | PAGE_MASK);
                if (in != c->bp_page) { c->bp_page = in; set_attn(m, c); }
                if (in && !bpskip && bp_in(m, pc, pc)) goto breakpoint;
            }
            struct rv_tc *e = tc_entry(c, RV_ACC_FETCH, pc);
            if (likely(tc_match(e, pc, 4))) {
                c->c_tlb_hits += e->useg;
                fuseg = e->useg;
                fhost = (const uint8_t *)(e->off + (pc & ~PAGE_MASK));
            } else {
                int k = translate_slow(m, c, pc, RV_ACC_FETCH, 4, 0, 0, 0, &x, &t);
                if (k != XL_RAM) { t.hinsn = 0; goto trap; }   /* never XL_DEV for a fetch */
                fuseg = pc < MEM_KSEG_BASE;
                fhost = x.host - (pc & PAGE_MASK);
            }
            fkey = pc & ~PAGE_MASK;
            w = ld32(fhost + (pc & PAGE_MASK));
        }

        /* ---- decode + execute (exec.c) */
        switch (exec_one(m, c, w, &t)) {
        case EX_RETIRED: break;
        case EX_TRAP: goto trap;
        case EX_MMIO: goto mmio;
        default: goto halt;
        }
        /* CSR and system instructions may change translation: fetch afresh */
        uint32_t op = w >> FIELD_R_OP_SHIFT;
        if (op == OP_SYSCALL || op == OP_CSRRW || op == OP_CSRRS || op == OP_CSRRC)
            fkey = UINT64_MAX;
        continue;

    trap:   /* t.hinsn is the instruction word, 0 for fetch faults */
        fkey = UINT64_MAX;
        if (take_trap(m, c, &t)) goto mcheck;
        continue;
    mcheck:
        *done = c->cycle - start; out->cpu = c->index;
        return RV_STOP_MACHINE_CHECK;
    mmio:
        *done = c->cycle - start; out->cpu = c->index;
        return RV_STOP_MMIO;
    halt:   /* the halting store retired */
        *done = c->cycle - start; out->cpu = c->index;
        return RV_STOP_HALT;
    breakpoint:   /* before the step: nothing of it has happened */
        c->bp_skip = 1;
        set_attn(m, c);
        *done = c->cycle - start; out->cpu = c->index;
        snprintf(out->detail, sizeof out->detail, "0x%08x", c->pc);
        return RV_STOP_BREAKPOINT;
    }
    *done = c->cycle - start;
    return RV_STOP_BUDGET;
}
