/* ringvm native engine: the run loop over CPUs and the machine API.
 *
 * Contract: rv_run(m, budget, &stop) runs the machine for at most `budget` steps and
 * returns why it stopped (DESIGN.md principle 6): BUDGET, HALT, BREAKPOINT, MMIO to a
 * Python device, MACHINE_CHECK, IDLE or WATCHPOINT. CPUs take turns in quanta of
 * m->quantum steps (round robin; m->cur and m->left carry the turn across calls), each
 * turn a call of cpu_run (interp.c). A halt, machine check or pending MMIO found at
 * entry is reported again without running.
 *
 * Also the rest of the public API that is about the machine as a whole (api.h):
 * creating and freeing it, attaching RAM and Python device pages, completing an MMIO
 * stop, breakpoints and watchpoints, and rv_cpu_changed/rv_all_changed, which Python
 * must call after writing CPU state so the engine's derived state (TLB index,
 * translation cache, next event, attention flags) is rebuilt. Device and event
 * functions are in devices.c, rv_translate in mmu.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include "internal.h"

int rv_run(struct machine *m, uint64_t budget, struct rv_stop *out) {
    memset(out, 0, sizeof *out);
    if (m->halted) {
        out->reason = RV_STOP_HALT; out->exit_code = m->exit_code; out->cpu = m->halt_cpu;
        return out->reason;
    }
    if (m->mc) {
        out->reason = RV_STOP_MACHINE_CHECK; out->cpu = m->mc_cpu;
        snprintf(out->detail, sizeof out->detail, "%s", m->mc_detail);
        return out->reason;
    }
    if (m->mmio_pending) {
        out->reason = RV_STOP_MMIO; out->cpu = m->mmio.cpu;
        return out->reason;
    }
    m->dc->epoch++;   /* Python may have written RAM since the last run (dcache.c) */
    uint64_t steps = 0;
    int reason = RV_STOP_BUDGET;
    if (m->ncpus == 1 && budget > 0) {
        /* One CPU: its turn never passes to another, so run the whole budget in one
         * call and account the quanta it spans afterwards (left in 1..quantum). */
        reason = cpu_run(m, &m->cpus[0], budget, &steps, out);
        m->left = m->quantum - (m->quantum - m->left + steps) % m->quantum;
    }
    while (steps < budget && m->ncpus > 1) {
        struct rv_cpu *c = &m->cpus[m->cur];
        uint64_t n = budget - steps, done = 0;
        if (n > m->left) n = m->left;
        reason = cpu_run(m, c, n, &done, out);
        steps += done;
        m->left -= done;
        if (m->left == 0) {
            m->cur = (m->cur + 1) % m->ncpus;
            m->left = m->quantum;
        }
        if (reason != RV_STOP_BUDGET) break;
    }
    out->reason = reason;
    out->steps = steps;
    if (reason == RV_STOP_BUDGET) out->cpu = m->cur;
    if (reason == RV_STOP_HALT) out->exit_code = m->exit_code;
    if (reason == RV_STOP_MACHINE_CHECK) snprintf(out->detail, sizeof out->detail, "%s", m->mc_detail);
    return reason;
}

static void sched_step_done(struct machine *m) {
    if (m->left > 0) m->left--;
    if (m->left == 0) {
        m->cur = (m->cur + 1) % m->ncpus;
        m->left = m->quantum;
    }
}

int rv_complete_mmio(struct machine *m, uint32_t value, int bus_error) {
    if (!m->mmio_pending) return -1;
    struct rv_cpu *c = &m->cpus[m->mmio.cpu];
    m->mmio_pending = 0;
    if (bus_error) {
        struct trap t;
        bus_fault(c, &t, m->mmio.vaddr, m->mmio.paddr,
                  m->mmio.is_write ? RV_ACC_STORE : RV_ACC_LOAD, m->mmio_word);
        if (t.kind == TK_EXC) t.hinsn = m->mmio_word;
        if (deliver(m, c, &t)) return 1;
    } else {
        if (!m->mmio.is_write && m->mmio.rd > 0 && m->mmio.rd < REG_COUNT) c->r[m->mmio.rd] = value;
        c->c_retired_by_ring[c->ring - RING_MOST_PRIVILEGED]++;
        c->pc += 4;
    }
    c->cycle++;
    if (c->bp_skip) { c->bp_skip = 0; set_attn(m, c); }
    sched_step_done(m);
    return 0;
}

/* Recompute the vaddr of a pending MMIO from its instruction (restore of a snapshot
 * that does not carry it): the instruction has not retired, so its registers hold. */
uint32_t rv_mmio_vaddr(struct machine *m) {
    struct rv_cpu *c = &m->cpus[m->mmio.cpu];
    struct xl x; struct trap t;
    if (translate_slow(m, c, c->pc, RV_ACC_FETCH, 4, 0, 1, 0, &x, &t) != XL_RAM) return 0;
    uint32_t w = ld32(x.host);
    uint32_t op = w >> FIELD_I_OP_SHIFT;
    m->mmio_word = w;
    if (op == OP_SW) m->mmio.vaddr = c->r[FIELD(w, S, RS1)] + SEXT16(w);
    else m->mmio.vaddr = c->r[FIELD(w, I, RS1)] + SEXT16(w);
    return m->mmio.vaddr;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int rv_set_breakpoints(struct machine *m, const uint32_t *addrs, int n) {
    free(m->bps);
    m->bps = NULL;
    m->nbps = 0;
    if (n > 0) {
        m->bps = malloc(sizeof(uint32_t) * (size_t)n);
        if (!m->bps) return -1;
        memcpy(m->bps, addrs, sizeof(uint32_t) * (size_t)n);
        qsort(m->bps, (size_t)n, sizeof(uint32_t), cmp_u32);
        m->nbps = n;
    }
    /* bp_page is recomputed at the next fetch-page change (every rv_run starts one) */
    for (int i = 0; i < m->ncpus; i++) { m->cpus[i].bp_page = 0; set_attn(m, &m->cpus[i]); }
    return 0;
}

int rv_set_watchpoints(struct machine *m, const struct rv_watch *w, int n) {
    free(m->watches);
    m->watches = NULL;
    m->nwatch = 0;
    m->whit_pending = 0;
    if (n > 0) {
        m->watches = malloc(sizeof *w * (size_t)n);
        if (!m->watches) return -1;
        memcpy(m->watches, w, sizeof *w * (size_t)n);
        m->nwatch = n;
    }
    /* cached load/store translations would skip the check: drop them */
    for (int i = 0; i < m->ncpus; i++) { tc_flush(&m->cpus[i]); set_attn(m, &m->cpus[i]); }
    return 0;
}

void rv_cpu_changed(struct machine *m, int cpu) {
    if (cpu < 0 || cpu >= m->ncpus) return;
    struct rv_cpu *c = &m->cpus[cpu];
    c->index = cpu;
    c->v = c->v ? 1 : 0;
    /* a ring outside -1..3 would index counters out of bounds: take it as 0 */
    if (c->ring < RING_MOST_PRIVILEGED || c->ring > RING_LEAST_PRIVILEGED) c->ring = RING_KERNEL;
    if (c->mode < RV_RUNNING || c->mode > RV_STOPPED) c->mode = RV_RUNNING;
    c->ten = c->ten ? 1 : 0;
    c->r[0] = 0;   /* register 0 reads 0: block.c never writes it, so keep it that way */
    for (int i = 0; i < MACHINE_TLB_ENTRIES_MAX; i++) {
        c->tlb[i].vpn &= (1u << TLB_VPN_BITS) - 1;
        c->tlb[i].pfn &= (1u << TLB_PFN_BITS) - 1;
        c->tlb[i].flags &= TLBF_ALL;
        if (i >= m->ntlb) memset(&c->tlb[i], 0, sizeof c->tlb[i]);
    }
    tlb_reindex_all(c, m->ntlb);
    c->tcused = (1u << RV_TC_SETS) - 1;   /* every set, whatever it holds (or a new CPU's zeros) */
    tc_flush(c);
    tc_select(c);
    recompute_next_event(m, c);
    irq_dirty(c);
    set_attn(m, c);
}

void rv_tlog_enable(struct machine *m, struct rv_tlrec *rec, int32_t cap) {
    m->tlog.rec = cap > 0 ? rec : NULL;
    m->tlog.cap = rec ? cap : 0;
    m->tlog.n = 0;
    m->tlog.dropped = 0;
    for (int i = 0; i < m->ncpus; i++) {
        struct rv_cpu *c = &m->cpus[i];
        c->tl = m->tlog.rec ? &m->tlog : NULL;
        c->tl_key = tl_key(c);
    }
}

void rv_all_changed(struct machine *m) {
    for (int i = 0; i < m->ncpus; i++) rv_cpu_changed(m, i);
    if (m->cur < 0 || m->cur >= m->ncpus) m->cur = 0;
    if (m->left == 0 || m->left > m->quantum) m->left = m->quantum;
}

struct machine *rv_new(uint32_t ram_size, int ncpus, int ntlb, uint64_t quantum) {
    if (ncpus < 1) ncpus = 1;
    if (ntlb < MACHINE_TLB_ENTRIES_MIN) ntlb = MACHINE_TLB_ENTRIES_MIN;
    if (ntlb > MACHINE_TLB_ENTRIES_MAX) ntlb = MACHINE_TLB_ENTRIES_MAX;
    if (quantum < 1) quantum = 1;
    struct machine *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cpus = calloc((size_t)ncpus, sizeof(struct rv_cpu));
    if (!m->cpus) { free(m); return NULL; }
    m->ncpus = ncpus;
    m->ntlb = ntlb;
    m->quantum = quantum;
    m->ram_size = ram_size;
    m->left = quantum;
    if (dc_init(m)) { free(m->cpus); free(m); return NULL; }
    for (int i = 0; i < ncpus; i++) {
        struct rv_cpu *c = &m->cpus[i];
        c->mode = i == 0 ? RV_RUNNING : RV_STOPPED;
        c->ring = RING_KERNEL;
        H(c, CPUID) = (uint32_t)i;
        rv_cpu_changed(m, i);
    }
    return m;
}

void rv_free(struct machine *m) {
    if (!m) return;
    dc_free(m);
    free(m->cpus); free(m->ev); free(m->rx); free(m->tx); free(m->bps); free(m->watches);
    free(m);
}

void rv_set_ram(struct machine *m, uint8_t *ram) {
    m->ram = ram;
    for (int i = 0; i < m->ncpus; i++) tc_flush(&m->cpus[i]);
    dc_flush(m);
}

int rv_set_pydev(struct machine *m, const uint32_t *pages, int n) {
    if (n > RV_MAX_PYDEV) return -1;
    for (int i = 0; i < n; i++) m->pydev[i] = pages[i] & ~PAGE_MASK;
    m->npydev = n;
    return 0;
}
