/* ringvm native engine: trap entry, returns and the privilege rules.
 *
 * Contract (DESIGN.md principle 5): a trap is a value. Decode/execute (interp.c), the
 * MMU (mmu.c), interrupt delivery (csr.c) and MMIO completion (run.c) only fill a
 * `struct trap`; deliver() is the one place that acts on it: exception or interrupt
 * entry to ring 0 or ring -1, a VM exit to the hypervisor, or a machine check when
 * the vector is 0 (which stops rv_run and changes nothing else). A faulting
 * instruction has written nothing back when deliver() runs.
 *
 * Also here: the two returns (rfe in ring -1, which is also the second half of
 * vmenter, and rfe in ring 0) and priv_check(), ISA.md §4 and §8 rules 1-4 for the
 * privileged instructions that are not CSR accesses (those are in csr.c).
 */
#include <stdio.h>
#include "internal.h"

/* ------------------------------------------------------------------ trap entry */

#define NAME_CASE(NAME, val) case val: return #NAME;
static const char *cause_name(uint32_t v) { switch (v) { RV_CAUSE_LIST(NAME_CASE) default: return "?"; } }
static const char *irq_name(uint32_t v) { switch (v) { RV_IRQ_LIST(NAME_CASE) default: return "?"; } }
static const char *exit_name(uint32_t v) { switch (v) { RV_EXIT_LIST(NAME_CASE) default: return "?"; } }
#undef NAME_CASE

static void mc_stop(struct machine *m, struct rv_cpu *c, const char *detail) {
    m->mc = 1;
    m->mc_cpu = c->index;
    snprintf(m->mc_detail, sizeof m->mc_detail, "%s", detail);
}

/* The one trap-entry block: exception / interrupt trap entry or VM exit.
 * c->pc is the pc to save (faulting or next instruction). Returns 0, or 1 after a
 * machine check (nothing changed). */
NOINLINE int deliver(struct machine *m, struct rv_cpu *c, struct trap *t) {
    char buf[RV_DETAIL];
    uint32_t pc = c->pc;
    m->whit_pending = 0;   /* the watched access belonged to an instruction that trapped */
    if (t->kind == TK_MC) {
        snprintf(buf, sizeof buf, "cpu %d: duplicate TLB match for 0x%08x (entries %u and %u)",
                 c->index, t->badv, t->hgpa, t->hqual);
        mc_stop(m, c, buf);
        return 1;
    }
    /* a guest exception under hctl.EXC, or a guest trap while the guest has no vector,
     * becomes exit EXCEPTION: a guest can never stop the host (ISA.md §8) */
    if (c->v && ((t->kind == TK_EXC && ((X(c, HCTL) & HCTL_EXC) || !G(c, TVEC))) ||
                 (t->kind == TK_INT && !G(c, TVEC)))) {
        struct trap e = *t;
        if (e.kind == TK_INT) {
            vmexit(t, EXIT_EXCEPTION, 0, 0, 0, CAUSE_INTERRUPT | e.cause);
            if (!X(c, HVEC)) goto novec;
            c->c_ints[e.cause & (RV_N_LINES - 1)]++;
            TL_EVENT(c, RV_TL_IRQ, e.cause & (RV_N_LINES - 1), pc);
        } else {
            vmexit(t, EXIT_EXCEPTION, e.badv, 0, e.hinsn, e.cause);
            if (!X(c, HVEC)) goto novec;
            c->c_traps[e.cause & (RV_N_CAUSES - 1)]++;
            TL_EVENT(c, RV_TL_TRAP, (e.cause & (RV_N_CAUSES - 1)) | (c->r[RV_TL_TRAP_REG] << 8), pc);
        }
    }
    if (t->kind == TK_EXIT) {
        if (!X(c, HVEC)) goto novec;
        X(c, HEPC) = pc;
        X(c, HCAUSE) = t->cause;
        X(c, HBADVADDR) = t->badv;
        X(c, HGPA) = t->hgpa;
        X(c, HINSN) = t->hinsn;
        X(c, HQUAL) = t->hqual;
        uint32_t hs = X(c, HSTATUS);
        hs = STATUS_SET(hs, PIE, STATUS_GET(hs, IE));
        hs = STATUS_SET(hs, IE, 0);
        hs = STATUS_SET(hs, PRING, ring_to_field(c->ring));
        hs = STATUS_SET(hs, PV, 1);
        X(c, HSTATUS) = hs;
        c->v = 0;
        c->ring = RING_HYPERVISOR;
        c->pc = X(c, HVEC);
        c->c_exits[t->cause & (RV_N_EXITS - 1)]++;
        TL_EVENT(c, RV_TL_EXIT, t->cause & (RV_N_EXITS - 1), pc);
        if (t->cause == EXIT_IRQ) {
            c->c_ints[t->hqual & (RV_N_LINES - 1)]++;
            TL_EVENT(c, RV_TL_IRQ, t->hqual & (RV_N_LINES - 1), pc);
        }
    } else {
        uint32_t cause = t->kind == TK_INT ? (CAUSE_INTERRUPT | t->cause) : t->cause;
        uint32_t badv = t->kind == TK_INT ? 0 : t->badv;
        if (!c->v && c->ring == RING_HYPERVISOR) {
            if (!X(c, HVEC)) goto novec;
            X(c, HEPC) = pc;
            X(c, HCAUSE) = cause;
            X(c, HBADVADDR) = badv;
            uint32_t hs = X(c, HSTATUS);
            hs = STATUS_SET(hs, PIE, STATUS_GET(hs, IE));
            hs = STATUS_SET(hs, IE, 0);
            hs = STATUS_SET(hs, PRING, ring_to_field(RING_HYPERVISOR));
            hs = STATUS_SET(hs, PV, 0);
            X(c, HSTATUS) = hs;
            c->pc = X(c, HVEC);
        } else {
            if (!CUR(c)[BANK(CSR_TVEC)]) goto novec;
            kernel_entry(c, cause, badv);   /* internal.h; tc_select included */
        }
        if (t->kind == TK_INT) {
            c->c_ints[t->cause & (RV_N_LINES - 1)]++;
            TL_EVENT(c, RV_TL_IRQ, t->cause & (RV_N_LINES - 1), pc);
        } else {
            c->c_traps[t->cause & (RV_N_CAUSES - 1)]++;
            TL_EVENT(c, RV_TL_TRAP, (t->cause & (RV_N_CAUSES - 1)) | (c->r[RV_TL_TRAP_REG] << 8), pc);
        }
    }
    tc_select(c);
    irq_dirty(c);
    tl_ctx(c, c->cycle + 1);   /* the trap takes this step; the handler runs from the next */
    return 0;
novec:
    if (t->kind == TK_EXIT)
        snprintf(buf, sizeof buf, "cpu %d: VM exit %s at 0x%08x with no trap vector (hvec = 0)",
                 c->index, exit_name(t->cause), pc);
    else
        snprintf(buf, sizeof buf, "cpu %d: trap %s%s at 0x%08x with no trap vector (%s = 0)",
                 c->index, t->kind == TK_INT ? "INT_" : "",
                 t->kind == TK_INT ? irq_name(t->cause) : cause_name(t->cause), pc,
                 (!c->v && c->ring == RING_HYPERVISOR) ? "hvec" : (c->v ? "guest tvec" : "tvec"));
    mc_stop(m, c, buf);
    return 1;
}

/* rfe in ring -1 (also the second half of vmenter); rfe in ring 0 is kernel_return
 * (internal.h, inline: it is on every system call's path) */
void hyp_return(struct rv_cpu *c) {
    uint32_t hs = X(c, HSTATUS);
    int pring = ring_from_field(STATUS_GET(hs, PRING));
    c->pc = X(c, HEPC);
    hs = STATUS_SET(hs, IE, STATUS_GET(hs, PIE));
    hs = STATUS_SET(hs, PIE, 1);
    X(c, HSTATUS) = hs;
    if (STATUS_GET(hs, PV)) {
        c->v = 1;
        c->ring = (pring >= RING_KERNEL && pring <= RING_LEAST_PRIVILEGED) ? pring : RING_KERNEL;
    } else {
        c->ring = (pring >= RING_MOST_PRIVILEGED && pring <= RING_LEAST_PRIVILEGED) ? pring : RING_KERNEL;
    }
    tc_select(c);
    irq_dirty(c);
    tl_ctx(c, c->cycle + 1);
}


/* ------------------------------------------------------------------ privilege rules */

/* the exit reason of the VM exit an exit control causes (exit_control `reason`) */
static uint32_t exit_reason_of_ctl(uint32_t ctl) {
    switch (ctl) {
#define CTL_CASE(NAME, bit, REASON) case HCTL_##NAME: return EXIT_##REASON;
    RV_EXIT_CONTROL_LIST(CTL_CASE)
#undef CTL_CASE
    default: return EXIT_PRIV;
    }
}

/* ISA.md §4 and §8 rules 1-4 for a non-CSR instruction. Returns 1 with t set if the
 * instruction must not execute. */
int priv_check(struct rv_cpu *c, uint32_t word, int min_ring, uint32_t exitctl,
               struct trap *t) {
    if (!c->v) {
        if (c->ring > min_ring) { exc(t, CAUSE_PRIVILEGED, word); return 1; }
        return 0;
    }
    if (min_ring == RING_HYPERVISOR) { vmexit(t, EXIT_PRIV, 0, 0, word, 0); return 1; }
    if (min_ring < c->ring) { exc(t, CAUSE_PRIVILEGED, word); return 1; }
    if (exitctl && (X(c, HCTL) & exitctl) && (c->ring == RING_KERNEL || exitctl == HCTL_SENS)) {
        vmexit(t, exit_reason_of_ctl(exitctl), 0, 0, word, 0);
        return 1;
    }
    return 0;
}
