/* ringvm native engine core. See core.h and isa/ISA.md.
 *
 * Structure (DESIGN.md principles 4-7):
 *  - rv_run() schedules CPUs round-robin in quanta; cpu_run() is the hot loop of one CPU.
 *  - Each step: one compare against next_event (timer / scheduled lines), one test of
 *    `attn` (CPU not running, interrupt check needed, breakpoints armed), then
 *    fetch-decode-execute.
 *  - Memory: an inline hit check on a small direct-mapped translation cache (per CPU,
 *    separate for fetch/load/store, RAM pages only) in front of the architectural TLB;
 *    a miss goes to translate_slow(), the full ISA.md §5 sequence.
 *  - Decode/execute record a trap in a local `struct trap` and `goto trap`: one
 *    trap-entry block (deliver()) does trap entry or VM exit. A faulting instruction
 *    writes nothing back.
 *
 * Spec readings chosen where ISA.md / engine.py leave room (also in the final report):
 *  - `cas` faults are reported as store faults (MISALIGNED_STORE, TLB_*_STORE).
 *  - TLB invalidation clears the whole entry to zeros.
 *  - A TLB miss sets tlbhi in the register copy of the current V (guest copy in a
 *    guest, host copy otherwise) with the context's ASID, and counts tlb_misses, when it
 *    is detected. tlb_hits counts a single match even if the permission check fails.
 *  - host `ipend` writes are ignored (read-only but "rw" in the table, so no trap);
 *    reading host ipend adds the level-triggered CONSOLE line (CPU 0); the guest copy
 *    reads only its own VIRQ bit.
 *  - status.RING of a copy not in use: the host copy reads -1 while a guest runs, the
 *    guest copy reads 0 while the host runs. CpuState.csr/gcsr status include RING;
 *    CpuState.csr[ipend] = CpuState.ipend = the latched lines.
 *  - rfe in ring -1 also sets hstatus.PIE <- 1 (like ring 0 rfe); PV is left as is.
 *  - VM exit information: hinsn = the word of the executing instruction for every exit
 *    caused by one (0 for fetch faults and IRQ); hbadvaddr, hgpa, hqual only where the
 *    exit reason lists them (0 otherwise; so MMIO has hbadvaddr = 0).
 *  - In a guest every bus error (host-physical address outside RAM, bad device access
 *    under DEVPASS, BUS_ERROR completion of an MMIO) is a GPA_FAULT exit; hbase + gpa
 *    must be RAM.
 *  - Timer: after firing with INTERVAL > 0, compare += INTERVAL; if still <= cycle it
 *    becomes cycle + INTERVAL. timer_fires counts latches (pending bit clear -> set).
 *  - schedule_line with at_cycle < cycle latches at once; otherwise at the start of the
 *    step whose cycle counter equals (or passed) at_cycle.
 *  - UART CTRL keeps only RXIE/TXIE; IPI SEND to a missing CPU is ignored, not counted.
 *  - A host trap whose vector is 0 stops with MACHINE_CHECK before changing any state;
 *    a guest trap with the guest's tvec = 0 exits EXCEPTION instead (ISA.md §8).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "api.h"

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NOINLINE __attribute__((noinline))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define NOINLINE
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ringvm native core assumes a little-endian host (guest memory is little-endian)"
#endif

/* ------------------------------------------------------------------ helpers */

#define BANK(n) ((n) - CSR_BANK_FIRST)
#define HYP(n) ((n) - CSR_HYP_FIRST)
#define H(c, name) ((c)->hcsr[BANK(CSR_##name)])
#define G(c, name) ((c)->gcsr[BANK(CSR_##name)])
#define X(c, name) ((c)->xcsr[HYP(CSR_##name)])
/* the banked copy of the current level */
#define CUR(c) ((c)->v ? (c)->gcsr : (c)->hcsr)

#define FIELD(w, fmt, f) (((w) >> FIELD_##fmt##_##f##_SHIFT) & ((1u << FIELD_##fmt##_##f##_WIDTH) - 1))
#define SEXT16(x) ((uint32_t)(int32_t)(int16_t)(uint16_t)(x))

#define STATUS_GET(s, F) (((s) & STATUS_##F##_MASK) >> STATUS_##F##_SHIFT)
#define STATUS_SET(s, F, val) (((s) & ~STATUS_##F##_MASK) | ((((uint32_t)(val)) << STATUS_##F##_SHIFT) & STATUS_##F##_MASK))

#define RV_ATTN_MODE 1u
#define RV_ATTN_IRQ 2u
#define RV_ATTN_BP 4u
#define RV_ATTN_WATCH 8u     /* a watched access retired: stop before the next step */

#define TC_IDX(va) (((va) >> PAGE_BITS) & (RV_TC_SIZE - 1))
/* Translation-cache tags are (va page) | generation, the generation living in bits
 * 2..11, which an access key (va & (~PAGE_MASK | (size - 1))) never has for size <= 4.
 * Generation 0 is never current, so a zeroed tag is empty. Flushing bumps the
 * generation (O(1)); only on wrap-around are the tags cleared. */
#define TC_GEN_STEP 4u

/* trap record */
#define TK_EXC 1
#define TK_INT 2
#define TK_EXIT 3
#define TK_MC 4

struct trap {
    int kind;
    uint32_t cause;     /* exception cause / interrupt line / exit reason */
    uint32_t badv;
    uint32_t hgpa, hinsn, hqual;
};

/* translate_slow results */
#define XL_RAM 0
#define XL_DEV 1
#define XL_TRAP 2

static inline int ring_from_field(uint32_t f) {   /* 3-bit two's complement */
    return (f & 4) ? (int)f - 8 : (int)f;
}

static inline uint32_t ring_to_field(int ring) { return (uint32_t)ring & 7u; }

static void tc_flush(struct rv_cpu *c) {
    c->tgen += TC_GEN_STEP;
    if (c->tgen > PAGE_MASK) {
        for (int s = 0; s < RV_TC_SETS; s++)
            for (int k = 0; k < 3; k++)
                for (int i = 0; i < RV_TC_SIZE; i++)
                    c->tcs[s][k][i].tag = 0;
        c->tgen = TC_GEN_STEP;
    }
}

/* Select the cache set of the current (V, ring class). Translations differ between
 * ring classes only by the kseg rule (ring <= 0) and the U rule (ring 3), and between
 * V = 0 and V = 1 by the context; every other change flushes (tc_flush). */
static inline void tc_select(struct rv_cpu *c) {
    int cls = c->ring <= RING_KERNEL ? 0 : (c->ring == RING_LEAST_PRIVILEGED ? 2 : 1);
    c->tc = c->tcs[(c->v ? 3 : 0) + cls];
}

/* TLB lookup index: each valid entry has its bit in the bucket of its VPN. Every
 * change of an entry goes through tlb_unindex/tlb_index or tlb_reindex_all. */
#define TLB_BUCKET(vpn) ((vpn) & (RV_TLB_BUCKETS - 1))

static inline void tlb_unindex(struct rv_cpu *c, int i) {
    if (c->tlb[i].flags & TLBF_V)
        c->tlbidx_bits[TLB_BUCKET(c->tlb[i].vpn)][i >> 6] &= ~(1ull << (i & 63));
}

static inline void tlb_index(struct rv_cpu *c, int i) {
    if (c->tlb[i].flags & TLBF_V)
        c->tlbidx_bits[TLB_BUCKET(c->tlb[i].vpn)][i >> 6] |= 1ull << (i & 63);
}

static void tlb_reindex_all(struct rv_cpu *c, int ntlb) {
    memset(c->tlbidx_bits, 0, sizeof c->tlbidx_bits);
    for (int i = 0; i < ntlb; i++) tlb_index(c, i);
}

/* The lowest matching entry of (vpn, vmid, asid) in `first`, the next in `second`
 * (-1 if none): ascending index order, like a scan of the whole TLB. */
static void tlb_lookup(struct rv_cpu *c, uint32_t vpn, uint32_t vmid, uint32_t asid,
                       int *first, int *second) {
    const uint64_t *bits = c->tlbidx_bits[TLB_BUCKET(vpn)];
    *first = *second = -1;
    for (int wd = 0; wd < MACHINE_TLB_ENTRIES_MAX / 64; wd++) {
        uint64_t b = bits[wd];
        while (b) {
            int i = wd * 64 + __builtin_ctzll(b);
            b &= b - 1;
            struct rv_tlbe *e = &c->tlb[i];
            if (e->vpn == vpn && e->vmid == vmid && ((e->flags & TLBF_G) || e->asid == asid)) {
                if (*first < 0) *first = i;
                else { *second = i; return; }
            }
        }
    }
}

static void set_attn(struct machine *m, struct rv_cpu *c) {
    uint32_t a = c->attn & RV_ATTN_IRQ;
    if (c->mode != RV_RUNNING) a |= RV_ATTN_MODE;
    if (c->bp_page || c->bp_skip) a |= RV_ATTN_BP;   /* only pages with a breakpoint */
    if (m->whit_pending && m->whit.cpu == c->index) a |= RV_ATTN_WATCH;
    c->attn = a;
}

static inline void irq_dirty(struct rv_cpu *c) { c->attn |= RV_ATTN_IRQ; }

static void recompute_next_event(struct machine *m, struct rv_cpu *c) {
    uint64_t ne = UINT64_MAX;
    if (c->ten) ne = c->tcmp;
    for (int i = 0; i < m->nev; i++)
        if (m->ev[i].cpu == c->index && m->ev[i].at < ne) ne = m->ev[i].at;
    c->next_event = ne;
    c->limit = ne < c->end ? ne : c->end;
}

/* ------------------------------------------------------------------ interrupts */

static inline uint32_t console_level(struct machine *m) {
    int rxready = m->rx_len > 0;
    int eof = m->eof && m->rx_len == 0;
    return ((m->uart_ctrl & UART_CTRL_RXIE) && (rxready || eof)) ||
           (m->uart_ctrl & UART_CTRL_TXIE);   /* TXREADY is always 1 */
}

static inline uint32_t host_pending(struct machine *m, struct rv_cpu *c) {
    uint32_t p = c->ipend;
    if (c->index == 0 && console_level(m)) p |= 1u << IRQ_CONSOLE;
    return p;
}

/* ISA.md §10: the wake condition of a waiting CPU (ignores IE) */
static int wake_cond(struct machine *m, struct rv_cpu *c) {
    uint32_t hp = host_pending(m, c);
    uint32_t virq = G(c, IPEND) & (1u << IRQ_VIRQ);
    if (!c->v) return (hp & H(c, IENABLE)) != 0;
    if (X(c, HCTL) & HCTL_IRQ)
        return ((hp & H(c, IENABLE)) | (virq & G(c, IENABLE))) != 0;
    return ((hp | virq) & G(c, IENABLE)) != 0;
}

static inline int lowest(uint32_t p) { return __builtin_ctz(p); }

/* ISA.md §7: the interrupt deliverable now, if any */
static int irq_deliverable(struct machine *m, struct rv_cpu *c, struct trap *t) {
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

/* ------------------------------------------------------------------ timed events */

static NOINLINE void fire_events(struct machine *m, struct rv_cpu *c) {
    uint64_t now = c->cycle;
    if (c->ten && now >= c->tcmp) {
        if (!(c->ipend & (1u << IRQ_TIMER))) m->timer_fires++;   /* latches, not re-checks */
        c->ipend |= 1u << IRQ_TIMER;
        if (c->tint > 0) {
            c->tcmp += c->tint;
            if (c->tcmp <= now) c->tcmp = now + c->tint;
        }
        irq_dirty(c);
    }
    int j = 0;
    for (int i = 0; i < m->nev; i++) {
        struct rv_event *e = &m->ev[i];
        if (e->cpu == c->index && e->at <= now) {
            if (e->line >= 0 && e->line < 32) c->ipend |= 1u << e->line;
            irq_dirty(c);
        } else {
            m->ev[j++] = *e;
        }
    }
    m->nev = j;
    recompute_next_event(m, c);
}

/* ------------------------------------------------------------------ translation */

static inline uint32_t ctx_vmid(struct rv_cpu *c) { return c->v ? X(c, HVMID) : 0; }
static inline uint32_t ctx_asid(struct rv_cpu *c) { return c->v ? G(c, ASID) : H(c, ASID); }

static const uint32_t cause_misaligned[3] = {CAUSE_MISALIGNED_FETCH, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE};
static const uint32_t cause_miss[3] = {CAUSE_TLB_MISS_FETCH, CAUSE_TLB_MISS_LOAD, CAUSE_TLB_MISS_STORE};
static const uint32_t cause_prot[3] = {CAUSE_TLB_PROT_FETCH, CAUSE_TLB_PROT_LOAD, CAUSE_TLB_PROT_STORE};
static const uint32_t need_flag[3] = {TLBF_X, TLBF_R, TLBF_W};
static const uint32_t hqual_of[3] = {HQUAL_FETCH, HQUAL_LOAD, HQUAL_STORE};

struct xl {
    uint8_t *host;
    uint32_t pa;
};

static inline void exc(struct trap *t, uint32_t cause, uint32_t badv) {
    t->kind = TK_EXC; t->cause = cause; t->badv = badv;
}

static inline void vmexit(struct trap *t, uint32_t reason, uint32_t badv, uint32_t gpa,
                          uint32_t insn, uint32_t qual) {
    t->kind = TK_EXIT; t->cause = reason; t->badv = badv; t->hgpa = gpa; t->hinsn = insn;
    t->hqual = qual;
}

/* a bus error: BUS_ERROR, or in a guest a GPA_FAULT exit */
static void bus_fault(struct rv_cpu *c, struct trap *t, uint32_t va, uint32_t pa, int acc,
                      uint32_t word) {
    if (c->v) vmexit(t, EXIT_GPA_FAULT, va, pa, acc == RV_ACC_FETCH ? 0 : word, hqual_of[acc]);
    else exc(t, CAUSE_BUS_ERROR, va);
}

/* The full ISA.md §5 sequence. `word` is the instruction word (hinsn of MMIO exits, 0
 * for fetches); `cas` adds the R+W permission rule; `probe` = debugger translate: no
 * counters, no cache fill, no machine-check side effects. */
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

static NOINLINE int translate_slow(struct machine *m, struct rv_cpu *c, uint32_t va, int acc,
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
        tlb_lookup(c, vpn, vmid, asid, &first, &second);
        if (first < 0) {
            if (!probe) {
                c->c_tlb_misses++;
                CUR(c)[BANK(CSR_TLBHI)] = (va & ~PAGE_MASK) | asid;
            }
            exc(t, cause_miss[acc], va);
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
        } else if (gpa >= MEM_DEVICE_BASE && gpa - MEM_DEVICE_BASE < DEVICE_WINDOW_SIZE) {
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
        else if (!probe && !cas) {
            struct rv_tc *e = &c->tc[acc][TC_IDX(va)];
            e->tag = (va & ~PAGE_MASK) | c->tgen;
            e->useg = (uint32_t)useg;
            e->off = (uintptr_t)(m->ram + (pa & ~PAGE_MASK)) - (uintptr_t)(va & ~PAGE_MASK);
        }
        return XL_RAM;
    }
    if (pa >= MEM_DEVICE_BASE && pa - MEM_DEVICE_BASE < DEVICE_WINDOW_SIZE &&
        acc != RV_ACC_FETCH && size == 4 && !cas) {
        x->pa = pa;
        x->host = NULL;
        if (unlikely(watched)) watch_check(m, c, va, pa, size, acc, cas);
        return XL_DEV;
    }
    if (probe && pa >= MEM_DEVICE_BASE && pa - MEM_DEVICE_BASE < DEVICE_WINDOW_SIZE) {
        x->pa = pa; x->host = NULL;
        return XL_DEV;
    }
    bus_fault(c, t, va, pa, acc, word);
    return XL_TRAP;
}

/* ------------------------------------------------------------------ devices */

#define DEV_OK 0
#define DEV_BUS 1
#define DEV_MMIO 2
#define DEV_HALT 3

static void tx_put(struct machine *m, uint8_t b) {
    if (m->tx_len == m->tx_cap) {
        size_t cap = m->tx_cap ? m->tx_cap * 2 : 256;
        uint8_t *p = realloc(m->tx, cap);
        if (!p) return;   /* out of host memory: drop the byte */
        m->tx = p; m->tx_cap = cap;
    }
    m->tx[m->tx_len++] = b;
}

static int is_pydev(struct machine *m, uint32_t page) {
    for (int i = 0; i < m->npydev; i++)
        if (m->pydev[i] == page) return 1;
    return 0;
}

static void start_cpu(struct machine *m, struct rv_cpu *t) {
    t->mode = RV_RUNNING;
    t->pc = m->start_pc;
    t->ring = RING_KERNEL;
    t->v = 0;
    H(t, STATUS) &= ~STATUS_IE_MASK;
    tc_select(t);
    irq_dirty(t);
    set_attn(m, t);
}

/* A 32-bit device register access at host-physical pa (word aligned). */
static int dev_access(struct machine *m, struct rv_cpu *c, uint32_t pa, int write, uint32_t *val) {
    uint32_t page = pa & ~PAGE_MASK, off = pa & PAGE_MASK;
    if (is_pydev(m, page)) return DEV_MMIO;
    uint32_t v = write ? *val : 0, r = 0;
    switch (page) {
    case DEV_SYSCTL_BASE:
        switch (off) {
        case DEV_SYSCTL_HALT:
            if (write) { m->halted = 1; m->exit_code = v; m->halt_cpu = c->index; return DEV_HALT; }
            break;
        case DEV_SYSCTL_RAMSIZE: r = m->ram_size; break;
        case DEV_SYSCTL_NCPUS: r = (uint32_t)m->ncpus; break;
        default: return DEV_BUS;
        }
        break;
    case DEV_CONSOLE_BASE:
        switch (off) {
        case DEV_CONSOLE_DATA:
            if (write) { tx_put(m, (uint8_t)v); m->console_tx_bytes++; }
            else if (m->rx_len > 0) {
                r = m->rx[m->rx_head++]; m->rx_len--; m->console_rx_bytes++;
                if (m->rx_len == 0) m->rx_head = 0;
                irq_dirty(&m->cpus[0]);
            } else r = UART_DATA_NONE;
            break;
        case DEV_CONSOLE_STATUS:
            r = UART_STATUS_TXREADY | (m->rx_len > 0 ? UART_STATUS_RXREADY : 0) |
                (m->eof && m->rx_len == 0 ? UART_STATUS_EOF : 0);
            break;
        case DEV_CONSOLE_CTRL:
            if (write) { m->uart_ctrl = v & (UART_CTRL_RXIE | UART_CTRL_TXIE); irq_dirty(&m->cpus[0]); }
            else r = m->uart_ctrl;
            break;
        default: return DEV_BUS;
        }
        break;
    case DEV_TIMER_BASE:
        switch (off) {
        case DEV_TIMER_TIMELO: r = (uint32_t)c->cycle; break;
        case DEV_TIMER_TIMEHI: r = (uint32_t)(c->cycle >> 32); break;
        case DEV_TIMER_CMPLO:
            if (write) { c->tcmp = (c->tcmp & 0xFFFFFFFF00000000ull) | v; recompute_next_event(m, c); }
            else r = (uint32_t)c->tcmp;
            break;
        case DEV_TIMER_CMPHI:
            if (write) { c->tcmp = (c->tcmp & 0xFFFFFFFFull) | ((uint64_t)v << 32); recompute_next_event(m, c); }
            else r = (uint32_t)(c->tcmp >> 32);
            break;
        case DEV_TIMER_INTERVAL:
            if (write) {
                c->tint = v;
                if (v > 0) c->tcmp = c->cycle + v;
                recompute_next_event(m, c);
            } else r = c->tint;
            break;
        case DEV_TIMER_CTRL:
            if (write) { c->ten = (v & TIMER_CTRL_ENABLE) ? 1 : 0; recompute_next_event(m, c); }
            else r = c->ten ? TIMER_CTRL_ENABLE : 0;
            break;
        case DEV_TIMER_ACK:
            if (write) { c->ipend &= ~(1u << IRQ_TIMER); irq_dirty(c); }
            break;
        default: return DEV_BUS;
        }
        break;
    case DEV_IPI_BASE:
        switch (off) {
        case DEV_IPI_SEND:
            if (write && v < (uint32_t)m->ncpus) {
                m->cpus[v].ipend |= 1u << IRQ_IPI;
                irq_dirty(&m->cpus[v]);
                m->ipis_sent++;
            }
            break;
        case DEV_IPI_ACK:
            if (write) { c->ipend &= ~(1u << IRQ_IPI); irq_dirty(c); }
            break;
        case DEV_IPI_START_PC:
            if (write) m->start_pc = v; else r = m->start_pc;
            break;
        case DEV_IPI_START:
            if (write && v < (uint32_t)m->ncpus && m->cpus[v].mode == RV_STOPPED)
                start_cpu(m, &m->cpus[v]);
            break;
        case DEV_IPI_SELF: r = (uint32_t)c->index; break;
        default: return DEV_BUS;
        }
        break;
    default:
        return DEV_BUS;
    }
    if (!write) *val = r;
    return DEV_OK;
}

/* ------------------------------------------------------------------ CSRs */

/* minimum ring of a CSR number, or 99 if there is no such CSR */
#define NO_CSR 99
static int csr_ring(uint32_t n, int *ro, int *banked) {
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

static uint32_t status_read(struct rv_cpu *c, int guest) {
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

static void bank_write(struct rv_cpu *c, uint32_t n, int guest, uint32_t v) {
    uint32_t *b = guest ? c->gcsr : c->hcsr;
    switch (n) {
    case CSR_STATUS:
        b[BANK(n)] = v & (STATUS_IE_MASK | STATUS_PIE_MASK | STATUS_PRING_MASK);
        break;
    case CSR_IPEND:
        if (guest) b[BANK(n)] = v & (1u << IRQ_VIRQ);   /* host copy: read-only, ignored */
        break;
    case CSR_ASID:
        v &= ASID_MASK;
        if (b[BANK(n)] != v) { c->c_asid_switches++; tc_flush(c); }
        b[BANK(n)] = v;
        break;
    case CSR_CPUID:
        if (guest) b[BANK(n)] = v;
        break;
    default:
        b[BANK(n)] = v;
    }
    if (n == CSR_STATUS || n == CSR_IENABLE || n == CSR_IPEND) irq_dirty(c);
}

static uint32_t csr_read(struct machine *m, struct rv_cpu *c, uint32_t n) {
    if (n == CSR_CYCLE) return (uint32_t)c->cycle;
    if (n == CSR_CYCLEH) return (uint32_t)(c->cycle >> 32);
    if (n >= CSR_BANK_FIRST && n < CSR_BANK_FIRST + CSR_BANK_COUNT) return bank_read(m, c, n, c->v);
    if (n >= CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET)
        return bank_read(m, c, n - CSR_GUEST_ALIAS_OFFSET, 1);
    return c->xcsr[HYP(n)];
}

static void csr_write(struct rv_cpu *c, uint32_t n, uint32_t v) {
    if (n >= CSR_BANK_FIRST && n < CSR_BANK_FIRST + CSR_BANK_COUNT) { bank_write(c, n, c->v, v); return; }
    if (n >= CSR_BANK_FIRST + CSR_GUEST_ALIAS_OFFSET) { bank_write(c, n - CSR_GUEST_ALIAS_OFFSET, 1, v); return; }
    switch (n) {
    case CSR_HSTATUS:
        v &= STATUS_IE_MASK | STATUS_PIE_MASK | STATUS_PRING_MASK | STATUS_PV_MASK;
        break;
    case CSR_HVMID:
        v &= VMID_MASK;
        if (v != X(c, HVMID)) tc_flush(c);
        break;
    case CSR_TLBVMID:
        v &= VMID_MASK;
        break;
    case CSR_HBASE: case CSR_HLIMIT:
        v &= ~PAGE_MASK;
        if (v != c->xcsr[HYP(n)]) tc_flush(c);
        break;
    default: break;
    }
    c->xcsr[HYP(n)] = v;
    if (n == CSR_HSTATUS || n == CSR_HCTL) irq_dirty(c);
}

/* ------------------------------------------------------------------ TLB instructions */

static void tlb_inv_where(struct rv_cpu *c, int all, uint32_t vmid, int by_asid, uint32_t asid,
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

static void tlb_write(struct rv_cpu *c, uint32_t idx) {
    uint32_t *b = CUR(c);
    struct rv_tlbe *e = &c->tlb[idx];
    uint32_t hi = b[BANK(CSR_TLBHI)], lo = b[BANK(CSR_TLBLO)];
    tlb_unindex(c, (int)idx);
    e->vpn = hi >> PAGE_BITS;
    e->asid = (uint8_t)(hi & TLBHI_ASID_MASK);
    e->pfn = lo >> PAGE_BITS;
    e->flags = (uint8_t)(lo & TLBF_ALL);
    e->vmid = (uint8_t)(c->v ? X(c, HVMID) : (c->ring == RING_HYPERVISOR ? X(c, TLBVMID) : 0));
    tlb_index(c, (int)idx);
    c->c_tlb_writes++;
    tc_flush(c);
}

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
 * `pc` is the pc to save (faulting or next instruction). Returns 0, or 1 after a
 * machine check (nothing changed). */
static NOINLINE int deliver(struct machine *m, struct rv_cpu *c, struct trap *t) {
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
        } else {
            vmexit(t, EXIT_EXCEPTION, e.badv, 0, e.hinsn, e.cause);
            if (!X(c, HVEC)) goto novec;
            c->c_traps[e.cause & (RV_N_CAUSES - 1)]++;
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
        if (t->cause == EXIT_IRQ) c->c_ints[t->hqual & (RV_N_LINES - 1)]++;
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
            uint32_t *b = CUR(c);
            if (!b[BANK(CSR_TVEC)]) goto novec;
            b[BANK(CSR_EPC)] = pc;
            b[BANK(CSR_CAUSE)] = cause;
            b[BANK(CSR_BADVADDR)] = badv;
            uint32_t s = b[BANK(CSR_STATUS)];
            s = STATUS_SET(s, PIE, STATUS_GET(s, IE));
            s = STATUS_SET(s, IE, 0);
            s = STATUS_SET(s, PRING, ring_to_field(c->ring));
            b[BANK(CSR_STATUS)] = s;
            c->ring = RING_KERNEL;
            c->pc = b[BANK(CSR_TVEC)];
        }
        if (t->kind == TK_INT) {
            c->c_ints[t->cause & (RV_N_LINES - 1)]++;
        } else {
            c->c_traps[t->cause & (RV_N_CAUSES - 1)]++;
        }
    }
    tc_select(c);
    irq_dirty(c);
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

/* rfe in ring -1 (also the second half of vmenter) */
static void hyp_return(struct rv_cpu *c) {
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
}

static void kernel_return(struct rv_cpu *c) {
    uint32_t *b = CUR(c);
    uint32_t s = b[BANK(CSR_STATUS)];
    int pring = ring_from_field(STATUS_GET(s, PRING));
    c->pc = b[BANK(CSR_EPC)];
    c->ring = (pring >= RING_KERNEL && pring <= RING_LEAST_PRIVILEGED) ? pring : RING_KERNEL;
    s = STATUS_SET(s, IE, STATUS_GET(s, PIE));
    s = STATUS_SET(s, PIE, 1);
    b[BANK(CSR_STATUS)] = s;
    tc_select(c);
    irq_dirty(c);
}

/* ------------------------------------------------------------------ privilege rules */

static uint32_t exit_reason_of_ctl(uint32_t ctl) {
    switch (ctl) {
    case HCTL_CSR: return EXIT_CSR;
    case HCTL_TLB: return EXIT_TLB;
    case HCTL_PRIV: return EXIT_PRIV;
    case HCTL_SENS: return EXIT_SENSITIVE;
    case HCTL_WFI: return EXIT_WFI;
    default: return EXIT_PRIV;
    }
}

/* ISA.md §4 and §8 rules 1-4 for a non-CSR instruction. Returns 1 with t set if the
 * instruction must not execute. */
static int priv_check(struct rv_cpu *c, uint32_t word, int min_ring, uint32_t exitctl,
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

/* ------------------------------------------------------------------ the hot loop */

static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

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

static void mmio_stop(struct machine *m, struct rv_cpu *c, uint32_t pa, int write, uint32_t v,
                      int rd, uint32_t va, uint32_t word) {
    m->mmio_word = word;
    m->mmio_pending = 1;
    m->mmio.cpu = c->index;
    m->mmio.paddr = pa;
    m->mmio.is_write = write;
    m->mmio.value = write ? v : 0;
    m->mmio.size = 4;
    m->mmio.rd = rd;
    m->mmio.vaddr = va;
}

#define R_RD(w) FIELD(w, R, RD)
#define R_RS1(w) FIELD(w, R, RS1)
#define R_RS2(w) FIELD(w, R, RS2)

/* Run up to n steps of CPU c. Returns a stop reason (RV_STOP_BUDGET = ran n steps). */
/* Is some breakpoint in [lo, hi]? (m->bps is sorted; lower-bound binary search) */
static int bp_in(const struct machine *m, uint32_t lo, uint32_t hi) {
    int a = 0, b = m->nbps;
    while (a < b) {
        int mid = (a + b) / 2;
        if (m->bps[mid] < lo) a = mid + 1; else b = mid;
    }
    return a < m->nbps && m->bps[a] <= hi;
}

static int cpu_run(struct machine *m, struct rv_cpu *c, uint64_t n, uint64_t *done,
                   struct rv_stop *out) {
    struct trap t;
    struct xl x;
    uint32_t *r = c->r;
    int stop_after = 0;

    uint32_t pc, w = 0;
    uint64_t start = c->cycle;
    /* the current fetch page, kept in locals: translation can only change at trap
     * entry and in CSR and system/TLB instructions, which reset fkey */
    uint64_t fkey = UINT64_MAX;      /* (pc & ~PAGE_MASK) of the page; MAX = none */
    const uint8_t *fhost = NULL;     /* host address of that page */
    uint32_t fuseg = 0;              /* 1: a useg page (fetches count tlb_hits) */
    c->end = start + n;
    c->limit = c->next_event < c->end ? c->next_event : c->end;
    int ri = 0;
    /* Threaded dispatch for the hot handlers: they end with NEXT, which retires the
     * instruction, does the fast half of the next step's start (batch end / timed
     * event / attn checks, fetch from the current fetch page) and jumps straight to
     * the next handler; anything else goes round the loop (`top`). Rarer opcodes
     * dispatch through the switch. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"   /* the range default, then the hot ops */
    static const void *const optab[1u << FIELD_R_OP_WIDTH] = {
        [0 ... (1u << FIELD_R_OP_WIDTH) - 1] = &&L_SWITCH,
        [OP_ADD] = &&L_OP_ADD, [OP_ADDI] = &&L_OP_ADDI, [OP_SLTI] = &&L_OP_SLTI,
        [OP_SLTIU] = &&L_OP_SLTIU, [OP_ANDI] = &&L_OP_ANDI, [OP_ORI] = &&L_OP_ORI,
        [OP_XORI] = &&L_OP_XORI, [OP_LUI] = &&L_OP_LUI, [OP_SLLI] = &&L_OP_SLLI,
        [OP_SRLI] = &&L_OP_SRLI, [OP_SRAI] = &&L_OP_SRAI,
        [OP_LW] = &&L_OP_LW, [OP_LB] = &&L_OP_LB, [OP_LBU] = &&L_OP_LBU, [OP_LH] = &&L_OP_LH,
        [OP_LHU] = &&L_OP_LHU, [OP_SW] = &&L_OP_SW, [OP_SB] = &&L_OP_SB, [OP_SH] = &&L_OP_SH,
        [OP_BEQ] = &&L_OP_BEQ, [OP_BNE] = &&L_OP_BNE, [OP_BLT] = &&L_OP_BLT,
        [OP_BGE] = &&L_OP_BGE, [OP_BLTU] = &&L_OP_BLTU, [OP_BGEU] = &&L_OP_BGEU,
        [OP_J] = &&L_OP_J, [OP_JAL] = &&L_OP_J, [OP_JALR] = &&L_OP_JALR,
    };
#pragma GCC diagnostic pop
#define NEXT do {                                                                     \
        c->c_retired_by_ring[ri]++;                                                   \
        c->cycle++;                                                                   \
        if (unlikely(c->cycle >= c->limit)) goto top;                                 \
        if (unlikely(c->attn) &&   /* only "a breakpoint on this page": search inline */ \
            (c->attn != RV_ATTN_BP || bp_in(m, c->pc, c->pc))) goto top;               \
        pc = c->pc;                                                                   \
        if (unlikely((uint64_t)(pc & (~PAGE_MASK | 3u)) != fkey)) goto top;           \
        c->c_tlb_hits += fuseg;                                                       \
        w = ld32(fhost + (pc & PAGE_MASK));                                           \
        goto *optab[w >> FIELD_R_OP_SHIFT];                                           \
    } while (0)
#else
#define NEXT break   /* no computed goto: every step goes round the loop */
#endif
    int bpskip;   /* this step resumes past a breakpoint stop */
    for (;;) {
    top:
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
                if (irq_deliverable(m, c, &t)) {
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

        /* ---- fetch */
        w = 0;
        pc = c->pc;
        if (likely((uint64_t)(pc & (~PAGE_MASK | 3u)) == fkey)) {
            c->c_tlb_hits += fuseg;
            w = ld32(fhost + (pc & PAGE_MASK));
        } else {
            struct rv_tc *e = &c->tc[RV_ACC_FETCH][TC_IDX(pc)];
            if (likely(e->tag == ((pc & (~PAGE_MASK | 3u)) | c->tgen))) {
                c->c_tlb_hits += e->useg;
                fuseg = e->useg;
                fhost = (const uint8_t *)(e->off + (pc & ~PAGE_MASK));
            } else {
                int k = translate_slow(m, c, pc, RV_ACC_FETCH, 4, 0, 0, 0, &x, &t);
                if (k != XL_RAM) goto trap;   /* XL_DEV cannot happen for a fetch */
                fuseg = pc < MEM_KSEG_BASE;
                fhost = x.host - (pc & PAGE_MASK);
            }
            fkey = pc & ~PAGE_MASK;
            /* A new fetch page: breakpoints cost a check per step only on pages that
             * hold one (RV_ATTN_BP); elsewhere the threaded path runs at full speed. */
            if (unlikely(m->nbps > 0)) {
                int in = bp_in(m, pc & ~PAGE_MASK, pc | PAGE_MASK);
                if (in != c->bp_page) { c->bp_page = in; set_attn(m, c); }
                if (in && !bpskip && bp_in(m, pc, pc)) goto breakpoint;
            }
            w = ld32(fhost + (pc & PAGE_MASK));
        }
        ri = c->ring - RING_MOST_PRIVILEGED;

        /* ---- decode + execute */
    L_SWITCH:
        switch (w >> FIELD_R_OP_SHIFT) {
        case OP_ADD: L_OP_ADD: {   /* the R-format ALU group (add ... remu) shares one opcode */
            uint32_t a = r[R_RS1(w)], b = r[R_RS2(w)], v;
            switch (FIELD(w, R, FUNCT)) {
            case FUNCT_ADD: v = a + b; break;
            case FUNCT_SUB: v = a - b; break;
            case FUNCT_AND: v = a & b; break;
            case FUNCT_OR: v = a | b; break;
            case FUNCT_XOR: v = a ^ b; break;
            case FUNCT_NOR: v = ~(a | b); break;
            case FUNCT_SLL: v = a << (b & 31); break;
            case FUNCT_SRL: v = a >> (b & 31); break;
            case FUNCT_SRA: v = (uint32_t)((int32_t)a >> (b & 31)); break;
            case FUNCT_SLT: v = (int32_t)a < (int32_t)b; break;
            case FUNCT_SLTU: v = a < b; break;
            case FUNCT_MUL: v = a * b; break;
            case FUNCT_MULH: v = (uint32_t)(((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32); break;
            case FUNCT_MULHU: v = (uint32_t)(((uint64_t)a * (uint64_t)b) >> 32); break;
            case FUNCT_DIV:
                if (b == 0) v = 0xFFFFFFFFu;
                else if (a == 0x80000000u && b == 0xFFFFFFFFu) v = a;
                else v = (uint32_t)((int32_t)a / (int32_t)b);
                break;
            case FUNCT_DIVU: v = b ? a / b : 0xFFFFFFFFu; break;
            case FUNCT_REM:
                if (b == 0) v = a;
                else if (a == 0x80000000u && b == 0xFFFFFFFFu) v = 0;
                else v = (uint32_t)((int32_t)a % (int32_t)b);
                break;
            case FUNCT_REMU: v = b ? a % b : a; break;
            default: goto illegal;
            }
            r[R_RD(w)] = v; r[0] = 0;
            c->pc = pc + 4;
            NEXT;
        }
        case OP_ADDI: L_OP_ADDI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] + SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_SLTI: L_OP_SLTI: r[FIELD(w, I, RD)] = (int32_t)r[FIELD(w, I, RS1)] < (int32_t)SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_SLTIU: L_OP_SLTIU: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] < SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_ANDI: L_OP_ANDI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] & FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_ORI: L_OP_ORI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] | FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_XORI: L_OP_XORI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] ^ FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_LUI: L_OP_LUI:
            if ((w & MASK_LUI) != MATCH_LUI) goto illegal;   /* rs1 is a fixed-zero field */
            r[FIELD(w, I, RD)] = FIELD(w, I, IMM) << 16; r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_SLLI: L_OP_SLLI:
            if ((w & MASK_SLLI) != MATCH_SLLI) goto illegal;
            r[FIELD(w, SH, RD)] = r[FIELD(w, SH, RS1)] << FIELD(w, SH, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_SRLI: L_OP_SRLI:
            if ((w & MASK_SRLI) != MATCH_SRLI) goto illegal;
            r[FIELD(w, SH, RD)] = r[FIELD(w, SH, RS1)] >> FIELD(w, SH, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
        case OP_SRAI: L_OP_SRAI:
            if ((w & MASK_SRAI) != MATCH_SRAI) goto illegal;
            r[FIELD(w, SH, RD)] = (uint32_t)((int32_t)r[FIELD(w, SH, RS1)] >> FIELD(w, SH, IMM)); r[0] = 0; c->pc = pc + 4; NEXT;

        /* ---- loads */
#define LOAD_CASE(OPC, SIZE, EXPR)                                                        \
        case OPC: L_##OPC: {                                                              \
            uint32_t va = r[FIELD(w, I, RS1)] + SEXT16(w), v;                             \
            const uint8_t *p;                                                             \
            struct rv_tc *e = &c->tc[RV_ACC_LOAD][TC_IDX(va)];                            \
            if (likely(e->tag == ((va & (~PAGE_MASK | (SIZE - 1))) | c->tgen))) {         \
                c->c_tlb_hits += e->useg;                                                 \
                p = (const uint8_t *)(e->off + va);                                       \
            } else {                                                                      \
                int k = translate_slow(m, c, va, RV_ACC_LOAD, SIZE, 0, 0, w, &x, &t);     \
                if (k == XL_TRAP) goto trap;                                              \
                if (k == XL_DEV) {                                                        \
                    int d = dev_access(m, c, x.pa, 0, &v);                                \
                    if (d == DEV_BUS) { bus_fault(c, &t, va, x.pa, RV_ACC_LOAD, w); goto trap; } \
                    if (d == DEV_MMIO) { mmio_stop(m, c, x.pa, 0, 0, FIELD(w, I, RD), va, w); goto mmio; } \
                    r[FIELD(w, I, RD)] = v; r[0] = 0; c->pc = pc + 4;                     \
                    break;                                                                \
                }                                                                         \
                p = x.host;                                                               \
            }                                                                             \
            v = EXPR;                                                                     \
            r[FIELD(w, I, RD)] = v; r[0] = 0; c->pc = pc + 4;                             \
            NEXT;                                                                         \
        }
        LOAD_CASE(OP_LW, 4, ld32(p))
        LOAD_CASE(OP_LB, 1, (uint32_t)(int32_t)(int8_t)p[0])
        LOAD_CASE(OP_LBU, 1, (uint32_t)p[0])
        LOAD_CASE(OP_LH, 2, (uint32_t)(int32_t)(int16_t)ld16(p))
        LOAD_CASE(OP_LHU, 2, (uint32_t)ld16(p))
#undef LOAD_CASE

        /* ---- stores */
#define STORE_CASE(OPC, SIZE, STMT)                                                       \
        case OPC: L_##OPC: {                                                              \
            uint32_t va = r[FIELD(w, S, RS1)] + SEXT16(w), v = r[FIELD(w, S, RS2)];       \
            uint8_t *p;                                                                   \
            struct rv_tc *e = &c->tc[RV_ACC_STORE][TC_IDX(va)];                           \
            if (likely(e->tag == ((va & (~PAGE_MASK | (SIZE - 1))) | c->tgen))) {         \
                c->c_tlb_hits += e->useg;                                                 \
                p = (uint8_t *)(e->off + va);                                             \
            } else {                                                                      \
                int k = translate_slow(m, c, va, RV_ACC_STORE, SIZE, 0, 0, w, &x, &t);    \
                if (k == XL_TRAP) goto trap;                                              \
                if (k == XL_DEV) {                                                        \
                    int d = dev_access(m, c, x.pa, 1, &v);                                \
                    if (d == DEV_BUS) { bus_fault(c, &t, va, x.pa, RV_ACC_STORE, w); goto trap; } \
                    if (d == DEV_MMIO) { mmio_stop(m, c, x.pa, 1, v, 0, va, w); goto mmio; } \
                    if (d == DEV_HALT) stop_after = RV_STOP_HALT;                         \
                    c->pc = pc + 4;                                                       \
                    break;                                                                \
                }                                                                         \
                p = x.host;                                                               \
            }                                                                             \
            STMT;                                                                         \
            c->pc = pc + 4;                                                               \
            NEXT;                                                                         \
        }
        STORE_CASE(OP_SW, 4, st32(p, v))
        STORE_CASE(OP_SB, 1, p[0] = (uint8_t)v)
        STORE_CASE(OP_SH, 2, st16(p, (uint16_t)v))
#undef STORE_CASE

        case OP_CAS: {
            if ((w & MASK_CAS) != MATCH_CAS) goto illegal;
            uint32_t va = r[R_RS1(w)];
            int k = translate_slow(m, c, va, RV_ACC_STORE, 4, 1, 0, w, &x, &t);
            if (k != XL_RAM) goto trap;   /* devices: BUS_ERROR already */
            uint32_t old = ld32(x.host);
            if (old == r[R_RD(w)]) st32(x.host, r[R_RS2(w)]);
            r[R_RD(w)] = old; r[0] = 0;
            c->pc = pc + 4;
            break;
        }

        /* ---- branches and jumps */
#define BR_CASE(OPC, COND)                                                                \
        case OPC: L_##OPC: {                                                              \
            uint32_t a = r[FIELD(w, B, RS1)], b = r[FIELD(w, B, RS2)];                    \
            c->pc = (COND) ? pc + (SEXT16(w) << 2) : pc + 4;                              \
            NEXT;                                                                         \
        }
        BR_CASE(OP_BEQ, a == b)
        BR_CASE(OP_BNE, a != b)
        BR_CASE(OP_BLT, (int32_t)a < (int32_t)b)
        BR_CASE(OP_BGE, (int32_t)a >= (int32_t)b)
        BR_CASE(OP_BLTU, a < b)
        BR_CASE(OP_BGEU, a >= b)
#undef BR_CASE
        case OP_J: case OP_JAL: L_OP_J: {
            uint32_t off = FIELD(w, J, IMM);
            off = (uint32_t)((int32_t)(off << (32 - IMM_JOFF26_BITS)) >> (32 - IMM_JOFF26_BITS));
            if ((w >> FIELD_J_OP_SHIFT) == OP_JAL) r[REG_LINK] = pc + 4;
            c->pc = pc + (off << 2);
            NEXT;
        }
        case OP_JALR: L_OP_JALR: {
            uint32_t target = r[FIELD(w, I, RS1)] + SEXT16(w);
            r[FIELD(w, I, RD)] = pc + 4; r[0] = 0;
            c->pc = target;
            NEXT;
        }

        /* ---- CSR instructions */
        case OP_CSRRW: case OP_CSRRS: case OP_CSRRC: {
            uint32_t op = w >> FIELD_C_OP_SHIFT;
            fkey = UINT64_MAX;
            uint32_t mk = op == OP_CSRRW ? MASK_CSRRW : (op == OP_CSRRS ? MASK_CSRRS : MASK_CSRRC);
            uint32_t mt = op == OP_CSRRW ? MATCH_CSRRW : (op == OP_CSRRS ? MATCH_CSRRS : MATCH_CSRRC);
            if ((w & mk) != mt) goto illegal;
            uint32_t n = FIELD(w, C, IMM), rs1 = FIELD(w, C, RS1), rd = FIELD(w, C, RD);
            int ro, banked;
            int cr = csr_ring(n, &ro, &banked);
            if (cr == NO_CSR) goto illegal;
            int writes = op == OP_CSRRW || rs1 != 0;
            if (c->v) {
                if (cr == RING_HYPERVISOR) { vmexit(&t, EXIT_CSR, 0, 0, w, n); goto trap; }
                if (cr < c->ring) { exc(&t, CAUSE_PRIVILEGED, w); goto trap; }
                if (banked && c->ring == RING_KERNEL && (X(c, HCTL) & EXITCTL_CSRRW)) {
                    vmexit(&t, EXIT_CSR, 0, 0, w, n); goto trap;
                }
            } else if (c->ring > cr) { exc(&t, CAUSE_PRIVILEGED, w); goto trap; }
            if (ro && writes) goto illegal;
            uint32_t old = csr_read(m, c, n), src = r[rs1];
            if (writes) {
                uint32_t nv = op == OP_CSRRW ? src : (op == OP_CSRRS ? (old | src) : (old & ~src));
                csr_write(c, n, nv);
            }
            r[rd] = old; r[0] = 0;
            c->pc = pc + 4;
            break;
        }

        /* ---- system and TLB instructions (one opcode, told apart by funct) */
        case OP_SYSCALL: {
            fkey = UINT64_MAX;
            switch (FIELD(w, R, FUNCT)) {
            case FUNCT_SYSCALL:
                if ((w & MASK_SYSCALL) != MATCH_SYSCALL) goto illegal;
                exc(&t, CAUSE_SYSCALL, 0); goto trap;
            case FUNCT_HCALL:
                if ((w & MASK_HCALL) != MATCH_HCALL) goto illegal;
                if (c->v) vmexit(&t, EXIT_HYPERCALL, 0, 0, w, 0);
                else exc(&t, CAUSE_HYPERCALL, 0);
                goto trap;
            case FUNCT_BREAK:
                if ((w & MASK_BREAK) != MATCH_BREAK) goto illegal;
                exc(&t, CAUSE_BREAKPOINT, 0); goto trap;
            case FUNCT_RFE:
                if ((w & MASK_RFE) != MATCH_RFE) goto illegal;
                if (priv_check(c, w, RING_RFE, EXITCTL_RFE, &t)) goto trap;
                if (c->ring == RING_HYPERVISOR) hyp_return(c); else kernel_return(c);
                break;
            case FUNCT_WFI:
                if ((w & MASK_WFI) != MATCH_WFI) goto illegal;
                if (priv_check(c, w, RING_WFI, EXITCTL_WFI, &t)) goto trap;
                c->mode = RV_WAITING;
                set_attn(m, c);
                c->pc = pc + 4;
                break;
            case FUNCT_VMENTER:
                if ((w & MASK_VMENTER) != MATCH_VMENTER) goto illegal;
                if (priv_check(c, w, RING_VMENTER, EXITCTL_VMENTER, &t)) goto trap;
                if (X(c, HVMID) == 0) goto illegal;
                X(c, HSTATUS) = STATUS_SET(X(c, HSTATUS), PV, 1);
                hyp_return(c);
                break;
            case FUNCT_GETST: {
                if ((w & MASK_GETST) != MATCH_GETST) goto illegal;
                if (priv_check(c, w, RING_GETST, EXITCTL_GETST, &t)) goto trap;
                r[R_RD(w)] = status_read(c, c->v); r[0] = 0;
                c->pc = pc + 4;
                break;
            }
            case FUNCT_TLBWI: case FUNCT_TLBWR: case FUNCT_TLBR: case FUNCT_TLBP:
            case FUNCT_TLBINV: {
                uint32_t f = FIELD(w, R, FUNCT);
                if (f == FUNCT_TLBWI ? (w & MASK_TLBWI) != MATCH_TLBWI :
                    f == FUNCT_TLBWR ? (w & MASK_TLBWR) != MATCH_TLBWR :
                    f == FUNCT_TLBR ? (w & MASK_TLBR) != MATCH_TLBR :
                    f == FUNCT_TLBP ? (w & MASK_TLBP) != MATCH_TLBP :
                    (w & MASK_TLBINV) != MATCH_TLBINV)
                    goto illegal;
                /* tlbwi..tlbinv share ring and exit control (checked below with tlbwi's) */
                if (priv_check(c, w, RING_TLBWI, EXITCTL_TLBWI, &t)) goto trap;
                uint32_t *b = CUR(c);
                uint32_t nt = (uint32_t)m->ntlb;
                if (f == FUNCT_TLBWI) {
                    tlb_write(c, b[BANK(CSR_TLBIDX)] % nt);
                } else if (f == FUNCT_TLBWR) {
                    uint32_t wired = b[BANK(CSR_WIRED)];
                    if (wired > nt - 1) wired = nt - 1;
                    tlb_write(c, wired + (uint32_t)(c->cycle % (nt - wired)));
                } else if (f == FUNCT_TLBR) {
                    struct rv_tlbe *e = &c->tlb[b[BANK(CSR_TLBIDX)] % nt];
                    if (c->v && e->vmid != X(c, HVMID)) {
                        b[BANK(CSR_TLBHI)] = 0; b[BANK(CSR_TLBLO)] = 0;
                    } else {
                        b[BANK(CSR_TLBHI)] = (e->vpn << PAGE_BITS) | e->asid;
                        b[BANK(CSR_TLBLO)] = (e->pfn << PAGE_BITS) | e->flags;
                        if (c->ring == RING_HYPERVISOR) X(c, TLBVMID) = e->vmid;
                    }
                } else if (f == FUNCT_TLBP) {
                    uint32_t hi = b[BANK(CSR_TLBHI)], vpn = hi >> PAGE_BITS;
                    int first, second;
                    tlb_lookup(c, vpn, ctx_vmid(c), hi & TLBHI_ASID_MASK, &first, &second);
                    b[BANK(CSR_TLBIDX)] = first < 0 ? TLBP_NOT_FOUND : (uint32_t)first;
                } else {   /* tlbinv */
                    tlb_inv_where(c, c->ring == RING_HYPERVISOR, ctx_vmid(c), 0, 0, m->ntlb);
                }
                c->pc = pc + 4;
                break;
            }
            case FUNCT_TLBINVASID:
                if ((w & MASK_TLBINVASID) != MATCH_TLBINVASID) goto illegal;
                if (priv_check(c, w, RING_TLBINVASID, EXITCTL_TLBINVASID, &t)) goto trap;
                tlb_inv_where(c, 0, ctx_vmid(c), 1, r[R_RS1(w)] & ASID_MASK, m->ntlb);
                c->pc = pc + 4;
                break;
            case FUNCT_TLBINVVMID:
                if ((w & MASK_TLBINVVMID) != MATCH_TLBINVVMID) goto illegal;
                if (priv_check(c, w, RING_TLBINVVMID, EXITCTL_TLBINVVMID, &t)) goto trap;
                tlb_inv_where(c, 0, r[R_RS1(w)] & VMID_MASK, 0, 0, m->ntlb);
                c->pc = pc + 4;
                break;
            default:
                goto illegal;
            }
            break;
        }
        default:
        illegal:
            exc(&t, CAUSE_ILLEGAL, w);
            goto trap;
        }
        /* retired */
        c->c_retired_by_ring[ri]++;
        c->cycle++;
        if (unlikely(stop_after)) { *done = c->cycle - start; out->cpu = c->index; return stop_after; }
        continue;

    trap:
        fkey = UINT64_MAX;
        if (t.kind == TK_EXC) t.hinsn = w;   /* for an EXCEPTION exit (0 for fetch faults) */
        if (deliver(m, c, &t)) { *done = c->cycle - start; out->cpu = c->index; return RV_STOP_MACHINE_CHECK; }
        c->cycle++;
        continue;
    mmio:
        *done = c->cycle - start; out->cpu = c->index;
        return RV_STOP_MMIO;
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

/* ------------------------------------------------------------------ API */

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
    uint64_t steps = 0;
    int reason = RV_STOP_BUDGET;
    while (steps < budget) {
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
    for (int i = 0; i < MACHINE_TLB_ENTRIES_MAX; i++) {
        c->tlb[i].vpn &= (1u << TLB_VPN_BITS) - 1;
        c->tlb[i].pfn &= (1u << TLB_VPN_BITS) - 1;
        c->tlb[i].flags &= TLBF_ALL;
        if (i >= m->ntlb) memset(&c->tlb[i], 0, sizeof c->tlb[i]);
    }
    tlb_reindex_all(c, m->ntlb);
    tc_flush(c);
    tc_select(c);
    recompute_next_event(m, c);
    irq_dirty(c);
    set_attn(m, c);
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
    free(m->cpus); free(m->ev); free(m->rx); free(m->tx); free(m->bps); free(m->watches);
    free(m);
}

void rv_set_ram(struct machine *m, uint8_t *ram) {
    m->ram = ram;
    for (int i = 0; i < m->ncpus; i++) tc_flush(&m->cpus[i]);
}

int rv_set_pydev(struct machine *m, const uint32_t *pages, int n) {
    if (n > RV_MAX_PYDEV) return -1;
    for (int i = 0; i < n; i++) m->pydev[i] = pages[i] & ~PAGE_MASK;
    m->npydev = n;
    return 0;
}

void rv_console_input(struct machine *m, const uint8_t *data, size_t n) {
    if (m->rx_head > 0) {
        memmove(m->rx, m->rx + m->rx_head, m->rx_len);
        m->rx_head = 0;
    }
    if (m->rx_len + n > m->rx_cap) {
        size_t cap = m->rx_cap ? m->rx_cap : 256;
        while (cap < m->rx_len + n) cap *= 2;
        uint8_t *p = realloc(m->rx, cap);
        if (!p) return;
        m->rx = p; m->rx_cap = cap;
    }
    memcpy(m->rx + m->rx_len, data, n);
    m->rx_len += n;
    irq_dirty(&m->cpus[0]);
}

void rv_console_eof(struct machine *m) {
    m->eof = 1;
    irq_dirty(&m->cpus[0]);
}

size_t rv_console_take(struct machine *m, uint8_t *buf, size_t cap) {
    size_t n = m->tx_len < cap ? m->tx_len : cap;
    memcpy(buf, m->tx, n);
    memmove(m->tx, m->tx + n, m->tx_len - n);
    m->tx_len -= n;
    return n;
}

void rv_uart_reset(struct machine *m) {
    m->rx_head = m->rx_len = 0;
    m->tx_len = 0;
    m->eof = 0;
    m->uart_ctrl = 0;
    irq_dirty(&m->cpus[0]);
}

void rv_uart_set_tx(struct machine *m, const uint8_t *data, size_t n) {
    m->tx_len = 0;
    for (size_t i = 0; i < n; i++) tx_put(m, data[i]);
}

void rv_raise_line(struct machine *m, int cpu, int line) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    m->cpus[cpu].ipend |= 1u << line;
    irq_dirty(&m->cpus[cpu]);
}

void rv_clear_line(struct machine *m, int cpu, int line) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    m->cpus[cpu].ipend &= ~(1u << line);
    irq_dirty(&m->cpus[cpu]);
}

void rv_add_event(struct machine *m, int cpu, int line, uint64_t at) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    if (m->nev == m->evcap) {
        int cap = m->evcap ? m->evcap * 2 : 16;
        struct rv_event *p = realloc(m->ev, sizeof(struct rv_event) * (size_t)cap);
        if (!p) return;
        m->ev = p; m->evcap = cap;
    }
    m->ev[m->nev].cpu = cpu;
    m->ev[m->nev].line = line;
    m->ev[m->nev].at = at;
    m->nev++;
    recompute_next_event(m, &m->cpus[cpu]);
}

void rv_schedule_line(struct machine *m, int cpu, int line, uint64_t at) {
    if (cpu < 0 || cpu >= m->ncpus) return;
    if (at < m->cpus[cpu].cycle) rv_raise_line(m, cpu, line);
    else rv_add_event(m, cpu, line, at);
}

void rv_clear_events(struct machine *m) {
    m->nev = 0;
    for (int i = 0; i < m->ncpus; i++) recompute_next_event(m, &m->cpus[i]);
}

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
