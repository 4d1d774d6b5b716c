/* ringvm native engine: the private declarations shared by the units of the core.
 *
 * Contract: included by the engine's .c files and by nothing else (Python sees only
 * api.h, which this includes). It holds what more than one unit needs: the CSR, field
 * and status accessors, the trap record, the hot fast paths as `static inline`
 * functions, and the prototypes of the named functions each unit exports to the
 * others. Those are declared with hidden visibility, so units call one another
 * directly, never through the PLT; the build links with -flto (build_core.py says
 * why), so a unit boundary costs the hot loop nothing measurable. The named slow paths
 * (translate_slow, deliver, fire_events) are NOINLINE on purpose: they stay out of
 * the loop's code.
 *
 * The units (DESIGN.md principles 3-7), each with its contract at the top:
 *   run.c      rv_run(): the round-robin scheduler over CPUs; the machine's lifecycle,
 *              state, MMIO-completion and debugger API
 *   interp.c   cpu_run(): the fetch-decode-execute hot loop of one CPU (threaded
 *              dispatch); each step does one compare against `limit` and one test of
 *              `attn`; decode/execute record a trap in a local `struct trap` and
 *              `goto trap`, the one block that calls deliver(): a faulting instruction
 *              writes nothing back
 *   mmu.c      translate_slow(), the full ISA.md §5 sequence behind the inline
 *              translation-cache check below; the TLB, its lookup index and the
 *              TLB-management operations; rv_translate
 *   trap.c     deliver(): trap entry, VM exit, machine check; rfe/vmenter returns;
 *              the privilege rules of non-CSR instructions
 *   csr.c      CSR access rules and values (banked host/guest copies, ring -1
 *              registers) and the interrupt conditions they encode
 *   devices.c  the devices in C (sysctl, UART, timer, IPI), timed events, and their API
 *
 * Fast and slow paths are split like TinyEMU's inline TARGET_READ_WRITE and
 * target_read_slow: tc_entry()/tc_match() below are the whole hit path of a load,
 * store or fetch (a compare and an add); a miss calls translate_slow() in mmu.c.
 *
 * Spec readings chosen where ISA.md / engine.py leave room:
 *  - `cas` faults are reported as store faults (MISALIGNED_STORE, TLB_*_STORE).
 *  - TLB invalidation clears the whole entry to zeros.
 *  - A TLB miss sets tlbhi in the register copy of the current V (guest copy in a
 *    guest, host copy otherwise) with the context's ASID, and counts tlb_misses, when it
 *    is detected. tlb_hits counts a single match even if the permission check fails.
 *  - host `ipend` writes are ignored (its writable_host mask is empty; "rw", so no trap);
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
#ifndef RINGVM_INTERNAL_H
#define RINGVM_INTERNAL_H

#include <stdint.h>
#include <string.h>
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

/* ------------------------------------------------------------------ accessors */

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

/* struct rv_tlbe (api.h) stores ASID, VMID and flags in bytes: the TOML's widths fit */
_Static_assert(ASID_MASK <= 0xFFu && VMID_MASK <= 0xFFu && TLBF_ALL <= 0xFFu,
               "isa/ringvm.toml: ASID, VMID or TLB flags too wide for struct rv_tlbe");

static inline int ring_from_field(uint32_t f) {   /* 3-bit two's complement */
    return (f & 4) ? (int)f - 8 : (int)f;
}

static inline uint32_t ring_to_field(int ring) { return (uint32_t)ring & 7u; }

static inline uint32_t ctx_vmid(struct rv_cpu *c) { return c->v ? X(c, HVMID) : 0; }
static inline uint32_t ctx_asid(struct rv_cpu *c) { return c->v ? G(c, ASID) : H(c, ASID); }

/* ------------------------------------------------------------------ timeline log */

/* The packed context of RV_TL_CTX (api.h). */
static inline uint32_t tl_key(struct rv_cpu *c) {
    return (uint32_t)(c->ring + 1) | ((uint32_t)c->v << 3) | ((uint32_t)c->mode << 4) |
           ((ctx_asid(c) & ASID_MASK) << 8) | ((ctx_vmid(c) & VMID_MASK) << 16);
}

static inline void tl_put(struct rv_cpu *c, int kind, uint64_t cycle, uint32_t a, uint32_t b) {
    struct rv_tlog *l = c->tl;
    if (l->n >= l->cap) { l->dropped++; return; }
    struct rv_tlrec *r = &l->rec[l->n++];
    r->cycle = cycle; r->a = a; r->b = b; r->cpu = c->index; r->kind = kind;
}

/* Called wherever the context may have changed; `first` = its first cycle. */
static inline void tl_ctx(struct rv_cpu *c, uint64_t first) {
    if (unlikely(c->tl != NULL)) {
        uint32_t k = tl_key(c);
        if (k != c->tl_key) { c->tl_key = k; tl_put(c, RV_TL_CTX, first, k, 0); }
    }
}

#define TL_EVENT(c, kind, a, b) \
    do { if (unlikely((c)->tl != NULL)) tl_put((c), (kind), (c)->cycle, (a), (b)); } while (0)

/* guest memory is little-endian, like the host; any alignment */
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* ------------------------------------------------------------------ attention */

/* rv_cpu.attn: why the next step must take the slow start (see interp.c) */
#define RV_ATTN_MODE 1u
#define RV_ATTN_IRQ 2u
#define RV_ATTN_BP 4u
#define RV_ATTN_WATCH 8u     /* a watched access retired: stop before the next step */

/* something changed that may make an interrupt deliverable: look before the next step */
static inline void irq_dirty(struct rv_cpu *c) { c->attn |= RV_ATTN_IRQ; }

/* ------------------------------------------------------------------ the trap record */

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

static inline void exc(struct trap *t, uint32_t cause, uint32_t badv) {
    t->kind = TK_EXC; t->cause = cause; t->badv = badv;
}

static inline void vmexit(struct trap *t, uint32_t reason, uint32_t badv, uint32_t gpa,
                          uint32_t insn, uint32_t qual) {
    t->kind = TK_EXIT; t->cause = reason; t->badv = badv; t->hgpa = gpa; t->hinsn = insn;
    t->hqual = qual;
}

/* ------------------------------------------------------------------ translation */

#define TC_IDX(va) (((va) >> PAGE_BITS) & (RV_TC_SIZE - 1))
/* Translation-cache tags are (va page) | generation, the generation living in bits
 * 2..11, which an access key (va & (~PAGE_MASK | (size - 1))) never has for size <= 4.
 * Generation 0 is never current, so a zeroed tag is empty. Flushing bumps the
 * generation (O(1)); only on wrap-around are the tags cleared. */
#define TC_GEN_STEP 4u

/* The fast path. The cache entry an access of kind acc at va would use ... */
static inline struct rv_tc *tc_entry(struct rv_cpu *c, int acc, uint32_t va) {
    return &c->tc[acc][TC_IDX(va)];
}

/* ... and whether it translates `size` bytes at va: same page, current generation,
 * aligned (an unaligned key has bits the tag never has). On a hit the host address is
 * e->off + va and tlb_hits grows by e->useg; on a miss call translate_slow(). */
static inline int tc_match(const struct rv_cpu *c, const struct rv_tc *e, uint32_t va,
                           uint32_t size) {
    return e->tag == ((va & (~PAGE_MASK | (size - 1))) | c->tgen);
}

/* Select the cache set of the current (V, ring class). Translations differ between
 * ring classes only by the kseg rule (ring <= 0) and the U rule (ring 3), and between
 * V = 0 and V = 1 by the context; every other change flushes (tc_flush). */
static inline void tc_select(struct rv_cpu *c) {
    int cls = c->ring <= RING_KERNEL ? 0 : (c->ring == RING_LEAST_PRIVILEGED ? 2 : 1);
    c->tc = c->tcs[(c->v ? 3 : 0) + cls];
}

/* translate_slow results */
#define XL_RAM 0
#define XL_DEV 1
#define XL_TRAP 2

struct xl {
    uint8_t *host;
    uint32_t pa;
};

/* dev_access results */
#define DEV_OK 0
#define DEV_BUS 1
#define DEV_MMIO 2
#define DEV_HALT 3

/* csr_ring: no such CSR */
#define NO_CSR 99

/* ------------------------------------------------------------------ the units' exports */

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* interp.c */
int cpu_run(struct machine *m, struct rv_cpu *c, uint64_t n, uint64_t *done,
            struct rv_stop *out);
void set_attn(struct machine *m, struct rv_cpu *c);

/* mmu.c */
int translate_slow(struct machine *m, struct rv_cpu *c, uint32_t va, int acc, uint32_t size,
                   int cas, int probe, uint32_t word, struct xl *x, struct trap *t);
void bus_fault(struct rv_cpu *c, struct trap *t, uint32_t va, uint32_t pa, int acc,
               uint32_t word);
void tc_flush(struct rv_cpu *c);
void tlb_reindex_all(struct rv_cpu *c, int ntlb);
void tlb_lookup(struct rv_cpu *c, uint32_t vpn, uint32_t vmid, uint32_t asid,
                int *first, int *second);
void tlb_write(struct rv_cpu *c, uint32_t idx);
void tlb_inv_where(struct rv_cpu *c, int all, uint32_t vmid, int by_asid, uint32_t asid,
                   int ntlb);

/* trap.c */
int deliver(struct machine *m, struct rv_cpu *c, struct trap *t);
void hyp_return(struct rv_cpu *c);
void kernel_return(struct rv_cpu *c);
int priv_check(struct rv_cpu *c, uint32_t word, int min_ring, uint32_t exitctl,
               struct trap *t);

/* csr.c */
int csr_ring(uint32_t n, int *ro, int *banked);
uint32_t csr_read(struct machine *m, struct rv_cpu *c, uint32_t n);
void csr_write(struct rv_cpu *c, uint32_t n, uint32_t v);
uint32_t status_read(struct rv_cpu *c, int guest);
int wake_cond(struct machine *m, struct rv_cpu *c);
int irq_deliverable(struct machine *m, struct rv_cpu *c, struct trap *t);

/* devices.c */
int dev_access(struct machine *m, struct rv_cpu *c, uint32_t pa, int write, uint32_t *val);
void fire_events(struct machine *m, struct rv_cpu *c);
void recompute_next_event(struct machine *m, struct rv_cpu *c);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
