/* ringvm native engine: control and status registers, and the interrupt conditions.
 *
 * Contract: csr_ring() says which ring may access a CSR number (from the generated
 * RV_CSR_LIST) and whether it is read-only or banked; csr_read()/csr_write() give the
 * architectural value and write side effects (ISA.md §4, §6): the banked host/guest
 * copies of the current V, the g<name> aliases of ring -1, the ring -1 registers.
 * What a write keeps is table-driven (the generated writable masks); the side effects
 * are code: writes that change translation flush the translation cache, an ASID
 * change is counted, writes that may unmask an interrupt mark it for a check before
 * the next step. The CSR instructions' ring and VM-exit rules are applied by the
 * caller (interp.c) before these run.
 *
 * The interrupt conditions are functions of that state: irq_deliverable() (ISA.md §7:
 * the interrupt, or VM exit IRQ, to take before the next step, filled into a trap
 * for deliver()) and wake_cond() (§10: what wakes a waiting CPU).
 */
#include "internal.h"

/* ISA.md §10: the wake condition of a waiting CPU (ignores IE) */
int wake_cond(struct machine *m, struct rv_cpu *c) {
    uint32_t hp = host_pending(m, c);
    uint32_t virq = G(c, IPEND) & (1u << IRQ_VIRQ);
    if (!c->v) return (hp & H(c, IENABLE)) != 0;
    if (X(c, HCTL) & HCTL_IRQ)
        return ((hp & H(c, IENABLE)) | (virq & G(c, IENABLE))) != 0;
    return ((hp | virq) & G(c, IENABLE)) != 0;
}

static inline int lowest(uint32_t p) { return __builtin_ctz(p); }

/* ISA.md §7: the interrupt deliverable now, if any */
int irq_deliverable(struct machine *m, struct rv_cpu *c, struct trap *t) {
    uint32_t hp = host_pending(m, c);
    uint32_t p;
    if (!c->v) {
        uint32_t ie = c->ring == RING_HYPERVISOR ? (X(c, HSTATUS) & STATUS_IE_MASK)
                                                 : (H(c, STATUS) & STATUS_IE_MASK);
        if (!ie) return 0;
        p = hp & H(c, IENABLE);
        if (!p) return 0;
        t->kind = TK_INT; t->cause = (uint32_t)lowest(p);
        return 1;
    }
    uint32_t virq = G(c, IPEND) & (1u << IRQ_VIRQ);
    if (X(c, HCTL) & HCTL_IRQ) {
        p = hp & H(c, IENABLE);
        if (p) {
            t->kind = TK_EXIT; t->cause = EXIT_IRQ;
            t->badv = t->hgpa = t->hinsn = 0; t->hqual = (uint32_t)lowest(p);
            return 1;
        }
        if ((G(c, STATUS) & STATUS_IE_MASK) && (virq & G(c, IENABLE))) {
            t->kind = TK_INT; t->cause = IRQ_VIRQ;
            return 1;
        }
        return 0;
    }
    if (!(G(c, STATUS) & STATUS_IE_MASK)) return 0;
    p = (hp | virq) & G(c, IENABLE);
    if (!p) return 0;
    t->kind = TK_INT; t->cause = (uint32_t)lowest(p);
    return 1;
}

/* ------------------------------------------------------------------ CSRs */

/* minimum ring of a CSR number, or NO_CSR if there is no such CSR */
int csr_ring(uint32_t n, int *ro, int *banked) {
    *ro = 0; *banked = 0;
    switch (n) {
#define CSR_CASE(NAME, num, ring, r_o, bk) case num: *ro = r_o; *banked = bk; return ring;
    RV_CSR_LIST(CSR_CASE)
#undef CSR_CASE
    default: break;
    }
    if (n >= CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET &&
        n < CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET + CSR_BANK_COUNT)
        return CSR_GSTATUS_RING;   /* g<name> aliases are all ring -1, writable */
    return NO_CSR;
}

uint32_t status_read(struct rv_cpu *c, int guest) {
    uint32_t s = guest ? G(c, STATUS) : H(c, STATUS);
    int ring;
    if (guest) ring = c->v ? c->ring : 0;
    else ring = c->v ? RING_HYPERVISOR : c->ring;
    return STATUS_SET(s, RING, ring_to_field(ring));
}

static uint32_t bank_read(struct machine *m, struct rv_cpu *c, uint32_t n, int guest) {
    switch (n) {
    case CSR_STATUS: return status_read(c, guest);
    case CSR_IPEND: return guest ? (G(c, IPEND) & (1u << IRQ_VIRQ)) : host_pending(m, c);
    default: return guest ? c->gcsr[BANK(n)] : c->hcsr[BANK(n)];
    }
}

/* Writable masks from the TOML (csr `writable`, `writable_host`): a write stores
 * v & mask; a copy whose mask is 0 ignores writes (host ipend reads the pending lines,
 * host cpuid is the CPU number). Only the side effects below are code. */
static const uint32_t bank_wmask[2][CSR_BANK_COUNT] = {
    CSR_BANK_WMASK_HOST_INIT, CSR_BANK_WMASK_GUEST_INIT,
};
static const uint32_t hyp_wmask[CSR_HYP_COUNT] = CSR_HYP_WMASK_INIT;

/* the host copies' masks, then the ring -1 registers' (block.c writes plain ones) */
void csr_copy_wmasks(uint32_t out[DC_CSR_COPIES]) {
    memcpy(out, bank_wmask[0], sizeof bank_wmask[0]);
    memcpy(out + CSR_BANK_COUNT, hyp_wmask, sizeof hyp_wmask);
}

static void bank_write(struct rv_cpu *c, uint32_t n, int guest, uint32_t v) {
    uint32_t *b = guest ? c->gcsr : c->hcsr;
    uint32_t mask = bank_wmask[guest ? 1 : 0][BANK(n)];
    if (mask) {
        v &= mask;
        if (n == CSR_ASID && b[BANK(n)] != v) { c->c_asid_switches++; tc_flush(c); }
        b[BANK(n)] = v;
        if (n == CSR_ASID) tl_ctx(c, c->cycle + 1);
    }
    if (n == CSR_STATUS || n == CSR_IENABLE || n == CSR_IPEND) irq_dirty(c);
}

uint32_t csr_read(struct machine *m, struct rv_cpu *c, uint32_t n) {
    if (n == CSR_CYCLE) return (uint32_t)c->cycle;
    if (n == CSR_CYCLEH) return (uint32_t)(c->cycle >> 32);
    if (n >= CSR_BANK_FIRST && n < CSR_BANK_FIRST + CSR_BANK_COUNT) return bank_read(m, c, n, c->v);
    if (n >= CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET)
        return bank_read(m, c, n - CSR_GUEST_ALIAS_OFFSET, 1);
    /* hstatus.RING is not stored: only ring -1 reads hstatus, so it reads -1 (ISA.md §4) */
    if (n == CSR_HSTATUS) return STATUS_SET(c->xcsr[HYP(n)], RING, ring_to_field(RING_HYPERVISOR));
    return c->xcsr[HYP(n)];
}

void csr_write(struct rv_cpu *c, uint32_t n, uint32_t v) {
    if (n >= CSR_BANK_FIRST && n < CSR_BANK_FIRST + CSR_BANK_COUNT) { bank_write(c, n, c->v, v); return; }
    if (n >= CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET) { bank_write(c, n - CSR_GUEST_ALIAS_OFFSET, 1, v); return; }
    v &= hyp_wmask[HYP(n)];
    /* the second stage and the context's VMID: cached translations change */
    if ((n == CSR_HVMID || n == CSR_HBASE || n == CSR_HLIMIT) && v != c->xcsr[HYP(n)])
        tc_flush(c);
    c->xcsr[HYP(n)] = v;
    if (n == CSR_HSTATUS || n == CSR_HCTL) irq_dirty(c);
}
