/* ringvm native engine: the MMU slow path, the TLB and its index.
 *
 * Contract: translate_slow() is the full ISA.md §5 sequence (alignment, kseg, TLB
 * lookup with duplicate detection, permissions, the second stage in a guest, then RAM,
 * a device register or a bus error). It is the named slow half of the translation
 * cache: loads, stores and fetches first try the inline tc_entry()/tc_match() of
 * internal.h and call it only on a miss; it refills the cache with RAM pages. It
 * never changes architectural state except the TLB-miss side effects ISA.md names
 * (tlbhi, counters), and never when `probe` is set (debugger translation).
 *
 * The TLB: every change of an entry goes through this file (tlb_write, tlb_inv_where,
 * tlb_reindex_all), which keeps the VPN-bucketed lookup index and the translation cache
 * consistent with it: a write drops the cached translations of the overwritten and
 * the new entry's page (tc_drop_vpn), the invalidations flush.
 */
#include "internal.h"

/* ------------------------------------------------------------------ translation cache */

/* Empty the cache: every set that may hold entries (tcused); then only the current
 * set is in use. */
void tc_flush(struct rv_cpu *c) {
    for (int s = 0; s < RV_TC_SETS; s++) {
        if (!(c->tcused & (1u << s))) continue;
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < RV_TC_SIZE; i++)
                c->tcs[s][k][i].tag = TC_EMPTY;
    }
    c->tcused = c->tc ? 1u << (int)((c->tc - &c->tcs[0][0]) / 3) : 0;
}

/* ------------------------------------------------------------------ TLB lookup index */

/* TLB lookup index (TLB_BUCKET, internal.h): each valid entry has its bit in the bucket
 * of its VPN. Every change of an entry goes through tlb_unindex/tlb_index or
 * tlb_reindex_all. */

static inline void tlb_unindex(struct rv_cpu *c, int i) {
    if (c->tlb[i].flags & TLBF_V)
        c->tlbidx_bits[TLB_BUCKET(c->tlb[i].vpn)][i >> 6] &= ~(1ull << (i & 63));
}

static inline void tlb_index(struct rv_cpu *c, int i) {
    if (c->tlb[i].flags & TLBF_V)
        c->tlbidx_bits[TLB_BUCKET(c->tlb[i].vpn)][i >> 6] |= 1ull << (i & 63);
}

void tlb_reindex_all(struct rv_cpu *c, int ntlb) {
    memset(c->tlbidx_bits, 0, sizeof c->tlbidx_bits);
    c->tlbwords = (ntlb + 63) / 64;
    for (int i = 0; i < ntlb; i++) tlb_index(c, i);
}

/* The lowest matching entry of (vpn, vmid, asid) in `first`, the next in `second`
 * (-1 if none): ascending index order, like a scan of the whole TLB. Inline: it is
 * on every TLB refill's path, twice (the miss, then the retried access). */
static inline __attribute__((always_inline)) void tlb_find(struct rv_cpu *c, uint32_t vpn,
                                                          uint32_t vmid, uint32_t asid,
                                                          int *first, int *second) {
    const uint64_t *bits = c->tlbidx_bits[TLB_BUCKET(vpn)];
    int f = -1;
    *second = -1;
    for (int wd = 0; wd < c->tlbwords; wd++) {   /* bits past the TLB's entries are 0 */
        uint64_t b = bits[wd];
        while (b) {
            int i = wd * 64 + __builtin_ctzll(b);
            b &= b - 1;
            const struct rv_tlbe *e = &c->tlb[i];
            if (e->vpn == vpn && e->vmid == vmid && ((e->flags & TLBF_G) || e->asid == asid)) {
                if (f < 0) f = i;
                else { *second = i; *first = f; return; }
            }
        }
    }
    *first = f;
}

void tlb_lookup(struct rv_cpu *c, uint32_t vpn, uint32_t vmid, uint32_t asid,
                int *first, int *second) {
    tlb_find(c, vpn, vmid, asid, first, second);
}

/* ------------------------------------------------------------------ translation */

static const uint32_t cause_misaligned[3] = {CAUSE_MISALIGNED_FETCH, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE};
static const uint32_t cause_miss[3] = {CAUSE_TLB_MISS_FETCH, CAUSE_TLB_MISS_LOAD, CAUSE_TLB_MISS_STORE};
static const uint32_t cause_prot[3] = {CAUSE_TLB_PROT_FETCH, CAUSE_TLB_PROT_LOAD, CAUSE_TLB_PROT_STORE};
static const uint32_t need_flag[3] = {TLBF_X, TLBF_R, TLBF_W};
static const uint32_t hqual_of[3] = {HQUAL_FETCH, HQUAL_LOAD, HQUAL_STORE};

/* a bus error: BUS_ERROR, or in a guest a GPA_FAULT exit */
void bus_fault(struct rv_cpu *c, struct trap *t, uint32_t va, uint32_t pa, int acc,
               uint32_t word) {
    if (c->v) vmexit(t, EXIT_GPA_FAULT, va, pa, acc == RV_ACC_FETCH ? 0 : word, hqual_of[acc]);
    else exc(t, CAUSE_BUS_ERROR, va);
}

/* Record the first armed watchpoint this load/store/cas touches; the run stops with
 * RV_STOP_WATCHPOINT once the instruction retires (a trap cancels it, in deliver).
 * cas is a read and a write: reported as a write if the watchpoint watches writes. */
static NOINLINE void watch_check(struct machine *m, struct rv_cpu *c, uint32_t va, uint32_t pa,
                                 uint32_t size, int acc, int cas) {
    for (int i = 0; i < m->nwatch; i++) {
        const struct rv_watch *wp = &m->watches[i];
        if (cas ? !(wp->on_read || wp->on_write)
                : (acc == RV_ACC_LOAD ? !wp->on_read : !wp->on_write))
            continue;
        uint64_t a = wp->physical ? pa : va;
        if (a < wp->hi && a + size > wp->lo) {
            m->whit_pending = 1;
            m->whit.index = i; m->whit.cpu = c->index;
            m->whit.vaddr = va; m->whit.paddr = pa; m->whit.size = size;
            m->whit.is_write = cas ? wp->on_write : acc == RV_ACC_STORE;
            c->attn |= RV_ATTN_WATCH;
            return;
        }
    }
}

/* The full ISA.md §5 sequence. `word` is the instruction word (hinsn of MMIO exits, 0
 * for fetches); `cas` adds the R+W permission rule; `probe` = debugger translate: no
 * counters, no cache fill, no machine-check side effects. */
NOINLINE int translate_slow(struct machine *m, struct rv_cpu *c, uint32_t va, int acc,
                            uint32_t size, int cas, int probe, uint32_t word,
                            struct xl *x, struct trap *t) {
    uint32_t gpa;
    int useg = 0;
    /* 1. alignment */
    if (va & (size - 1)) { exc(t, cause_misaligned[acc], va); return XL_TRAP; }
    if (va >= MEM_KSEG_BASE) {
        /* 2. kseg */
        if (c->ring > RING_KERNEL) { exc(t, cause_prot[acc], va); return XL_TRAP; }
        gpa = va - MEM_KSEG_BASE;
    } else {
        /* 3. useg: TLB lookup */
        uint32_t vpn = va >> PAGE_BITS, vmid = ctx_vmid(c), asid = ctx_asid(c);
        int first, second;
        tlb_find(c, vpn, vmid, asid, &first, &second);
        if (first < 0) {
            if (!probe) tlb_miss(c, va, acc, t);   /* internal.h */
            else exc(t, cause_miss[acc], va);
            return XL_TRAP;
        }
        if (second >= 0) {
            if (c->v) {
                vmexit(t, EXIT_MACHINE_CHECK, va, 0, word, 0);
            } else {
                t->kind = TK_MC; t->badv = va; t->hgpa = (uint32_t)first;
                t->hqual = (uint32_t)second;
            }
            return XL_TRAP;
        }
        /* 4. permission */
        struct rv_tlbe *e = &c->tlb[first];
        if (!probe) c->c_tlb_hits++;
        uint32_t need = cas ? (TLBF_R | TLBF_W) : need_flag[acc];
        if ((e->flags & need) != need || (c->ring == RING_LEAST_PRIVILEGED && !(e->flags & TLBF_U))) {
            exc(t, cause_prot[acc], va); return XL_TRAP;
        }
        useg = 1;
        gpa = (e->pfn << PAGE_BITS) | (va & PAGE_MASK);
    }
    uint32_t pa = gpa;
    if (c->v) {
        /* 5. second stage */
        if (gpa < X(c, HLIMIT)) {
            uint64_t hpa = (uint64_t)X(c, HBASE) + gpa;
            if (hpa + size > m->ram_size) {
                vmexit(t, EXIT_GPA_FAULT, va, gpa, word, hqual_of[acc]);
                return XL_TRAP;
            }
            pa = (uint32_t)hpa;
        } else if (gpa >= MEM_DEVICE_BASE && gpa - MEM_DEVICE_BASE < MEM_DEVICE_WINDOW) {
            if (!(X(c, HCTL) & HCTL_DEVPASS)) {
                vmexit(t, EXIT_MMIO, 0, gpa, word, hqual_of[acc]);
                return XL_TRAP;
            }
            pa = gpa;  /* pass-through: the real device at the same address */
        } else {
            vmexit(t, EXIT_GPA_FAULT, va, gpa, word, hqual_of[acc]);
            return XL_TRAP;
        }
    }
    /* 6. physical */
    int watched = m->nwatch > 0 && acc != RV_ACC_FETCH && !probe;
    if ((uint64_t)pa + size <= m->ram_size) {
        x->pa = pa;
        x->host = m->ram + pa;
        if (unlikely(watched)) watch_check(m, c, va, pa, size, acc, cas);
        /* a store mapping of a code page is never cached: stores to it must reach
         * dc_write (dcache.c) */
        else if (!probe && !cas && !(acc == RV_ACC_STORE && dc_is_code(m, pa))) {
            struct rv_tc *e = tc_entry(c, acc, va);
            e->tag = va & ~PAGE_MASK;
            e->useg = (uint32_t)useg;
            e->off = (uintptr_t)(m->ram + (pa & ~PAGE_MASK)) - (uintptr_t)(va & ~PAGE_MASK);
        }
        return XL_RAM;
    }
    if (pa >= MEM_DEVICE_BASE && pa - MEM_DEVICE_BASE < MEM_DEVICE_WINDOW &&
        acc != RV_ACC_FETCH && size == 4 && !cas) {
        x->pa = pa;
        x->host = NULL;
        if (unlikely(watched)) watch_check(m, c, va, pa, size, acc, cas);
        return XL_DEV;
    }
    if (probe && pa >= MEM_DEVICE_BASE && pa - MEM_DEVICE_BASE < MEM_DEVICE_WINDOW) {
        x->pa = pa; x->host = NULL;
        return XL_DEV;
    }
    bus_fault(c, t, va, pa, acc, word);
    return XL_TRAP;
}

/* ------------------------------------------------------------------ TLB instructions */

void tlb_inv_where(struct rv_cpu *c, int all, uint32_t vmid, int by_asid, uint32_t asid,
                   int ntlb) {
    for (int i = 0; i < ntlb; i++) {
        struct rv_tlbe *e = &c->tlb[i];
        if (!all && e->vmid != vmid) continue;
        if (by_asid && ((e->flags & TLBF_G) || e->asid != asid)) continue;
        if (e->flags & TLBF_V) { tlb_unindex(c, i); memset(e, 0, sizeof *e); }
    }
    c->c_tlb_flushes++;
    tc_flush(c);
}

/* Drop the cached translations of virtual page vpn, in every set and kind: the only
 * ones a change of a TLB entry for vpn can alter (its result, or a duplicate match). */
static inline __attribute__((always_inline)) void tc_drop_vpn(struct rv_cpu *c, uint32_t vpn) {
    uint32_t page = vpn << PAGE_BITS, used = c->tcused;
    struct rv_tc *t = &c->tcs[0][0][TC_IDX(page)];   /* its entry in set 0, kind 0 */
#pragma GCC unroll 8
    for (int s = 0; s < RV_TC_SETS; s++, t += 3 * RV_TC_SIZE) {
        if (!(used & (1u << s))) continue;
        if (t[RV_ACC_FETCH * RV_TC_SIZE].tag == page) t[RV_ACC_FETCH * RV_TC_SIZE].tag = TC_EMPTY;
        if (t[RV_ACC_LOAD * RV_TC_SIZE].tag == page) t[RV_ACC_LOAD * RV_TC_SIZE].tag = TC_EMPTY;
        if (t[RV_ACC_STORE * RV_TC_SIZE].tag == page) t[RV_ACC_STORE * RV_TC_SIZE].tag = TC_EMPTY;
    }
}

/* tlbwi/tlbwr: only the translations of the old and the new entry's page change.
 * Invariant: the cache holds a translation of a useg page only while a valid TLB entry
 * holds its VPN (every write drops the old entry's page, every invalidation flushes).
 * So the new entry's page has cached translations only if another valid entry holds
 * the same VPN (the new one may now be a duplicate match): the usual refill of a page
 * that missed has none, and skips the drop. `vmid` is the writer's VMID (ISA.md §6).
 * Returns 1 when the new entry is valid and the only valid entry holding its VPN
 * (tlb_write_prefill's first condition), else 0. */
static inline __attribute__((always_inline)) int tlb_write_vmid(struct rv_cpu *c, uint32_t idx,
                                                               uint32_t vmid) {
    uint32_t *b = CUR(c);
    struct rv_tlbe *e = &c->tlb[idx];
    uint32_t hi = b[BANK(CSR_TLBHI)], lo = b[BANK(CSR_TLBLO)];
    struct rv_tlbe ne = {.vpn = hi >> TLB_VPN_SHIFT, .pfn = lo >> TLB_PFN_SHIFT,
                         .asid = (uint8_t)(hi & TLBHI_ASID_MASK), .vmid = (uint8_t)vmid,
                         .flags = (uint8_t)(lo & TLBF_ALL)};
    if (e->flags & TLBF_V) {
        tc_drop_vpn(c, e->vpn);
        tlb_unindex(c, (int)idx);
    }
    *e = ne;
    c->c_tlb_writes++;
    TL_EVENT(c, RV_TL_TLBW, ne.vpn, (uint32_t)ne.asid | ((uint32_t)ne.vmid << 8) | (idx << 16));
    if (!(ne.flags & TLBF_V)) return 0;
    int dup = !tlb_vpn_free(c, ne.vpn);   /* another entry holds it: idx is not indexed yet */
    c->tlbidx_bits[TLB_BUCKET(ne.vpn)][idx >> 6] |= 1ull << (idx & 63);   /* tlb_index */
    if (dup) { tc_drop_vpn(c, ne.vpn); return 0; }
    return 1;
}

void tlb_write(struct rv_cpu *c, uint32_t idx) {
    tlb_write_vmid(c, idx, c->v ? X(c, HVMID) : (c->ring == RING_HYPERVISOR ? X(c, TLBVMID) : 0));
}

/* tlbwi/tlbwr in ring 0 with V = 0 (the writer's VMID is 0), from a refill handler in
 * block mode (block.c): tlb_write, then, when it returned 1, put the new entry's
 * translations in the cache set of the ring the handler returns to (status.PRING, as
 * rfe reads it), for each access kind the entry allows there, so that the retried
 * access hits the cache instead of translating again. Each one is exactly what
 * translate_slow would cache on that access now:
 *  - the entry is the only valid one holding its VPN (no duplicate match), it is a useg
 *    page, its VMID is the host's, and it matches the host ASID (or is global): the TLB
 *    lookup of that access finds it, once;
 *  - the permission rules of §5 step 4: X / R / W for fetch / load / store, U in ring 3;
 *  - the whole page is RAM (V = 0: no second stage);
 *  - what translate_slow never caches is not put either: loads and stores while a
 *    watchpoint is armed, a store mapping of a decoded code page (dc_is_code).
 * Nothing else changes: the cache stays a cache of the TLB (the invariant above: the
 * entry holds the VPN; the next write of it, or an invalidation, drops them). */
void tlb_write_prefill(struct machine *m, struct rv_cpu *c, uint32_t idx) {
    if (!tlb_write_vmid(c, idx, 0)) return;
    const struct rv_tlbe *e = &c->tlb[idx];
    uint32_t va = e->vpn << PAGE_BITS, pa = e->pfn << PAGE_BITS, f = e->flags;
    if (va >= MEM_KSEG_BASE) return;
    if (!(f & TLBF_G) && e->asid != H(c, ASID)) return;
    if ((uint64_t)pa + PAGE_SIZE > m->ram_size) return;
    int pring = ring_from_field(STATUS_GET(H(c, STATUS), PRING));
    int set;   /* tc_select's set of that ring with V = 0 */
    if (pring == RING_LEAST_PRIVILEGED) {
        if (!(f & TLBF_U)) return;
        set = 2;
    } else {
        set = pring > RING_KERNEL && pring < RING_LEAST_PRIVILEGED;   /* others: ring 0 */
    }
    struct rv_tc (*s)[RV_TC_SIZE] = c->tcs[set];
    uint32_t i = TC_IDX(va);
    uintptr_t off = (uintptr_t)(m->ram + pa) - (uintptr_t)va;
    if (f & TLBF_X) { s[RV_ACC_FETCH][i].tag = va; s[RV_ACC_FETCH][i].useg = 1; s[RV_ACC_FETCH][i].off = off; }
    if (likely(m->nwatch == 0)) {
        if (f & TLBF_R) { s[RV_ACC_LOAD][i].tag = va; s[RV_ACC_LOAD][i].useg = 1; s[RV_ACC_LOAD][i].off = off; }
        if ((f & TLBF_W) && !dc_is_code(m, pa)) {
            s[RV_ACC_STORE][i].tag = va; s[RV_ACC_STORE][i].useg = 1; s[RV_ACC_STORE][i].off = off;
        }
    }
    c->tcused |= 1u << set;
}

/* ------------------------------------------------------------------ API */

/* Debugger translation (engine.py translate): no counters, no cache fill, no side
 * effects; loads and stores are checked for one byte, so without alignment. */
int rv_translate(struct machine *m, int cpu, uint32_t va, int acc, uint32_t *pa, uint32_t *code) {
    if (cpu < 0 || cpu >= m->ncpus || acc < 0 || acc > 2) return -1;
    struct rv_cpu *c = &m->cpus[cpu];
    struct xl x; struct trap t;
    uint32_t size = acc == RV_ACC_FETCH ? 4 : 1;   /* loads/stores: no alignment check */
    int k = translate_slow(m, c, va, acc, size, 0, 1, 0, &x, &t);
    *pa = 0; *code = 0;
    if (k != XL_TRAP) { *pa = x.pa; return RV_XL_OK; }
    *code = t.cause;
    if (t.kind == TK_EXC) return RV_XL_EXC;
    if (t.kind == TK_EXIT) return RV_XL_EXIT;
    return RV_XL_MC;
}
