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
 *   interp.c   cpu_run(): the loop of one CPU and its exact path; each step starts
 *              with one compare against `limit` and one test of `attn`
 *   block.c    block_run(): pre-decoded blocks, one check and one count per block
 *   dcache.c   the decoded-page cache and the decoder of block_run's entries
 *   exec.c     exec_one(): one instruction decoded and executed from its word;
 *              decode/execute record a trap in a `struct trap`, and take_trap (below)
 *              is the one trap block: a faulting instruction writes nothing back
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

/* the console's level-triggered line (CPU 0), and the host lines pending on c */
static inline uint32_t console_level(const struct machine *m) {
    int rxready = m->rx_len > 0;
    int eof = m->eof && m->rx_len == 0;
    return ((m->uart_ctrl & DEV_CONSOLE_CTRL_RXIE) && (rxready || eof)) ||
           (m->uart_ctrl & DEV_CONSOLE_CTRL_TXIE);   /* TXREADY is always 1 */
}

static inline __attribute__((always_inline)) uint32_t host_pending(const struct machine *m, const struct rv_cpu *c) {
    uint32_t p = c->ipend;
    if (c->index == 0 && console_level(m)) p |= 1u << IRQ_CONSOLE;
    return p;
}

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
/* Translation-cache tags are the va page. An access key (va & (~PAGE_MASK | (size - 1)))
 * never has bits 2..11 set for size <= 4, so an empty entry holds TC_EMPTY, which no
 * key equals, and a misaligned key (low bits set) never equals a tag. Flushing empties
 * every entry of every set (tc_flush): flushes are rare (ASID, VMID, second stage or
 * watchpoint changes, TLB invalidation), accesses are not, and a tag without a
 * generation makes the hit check a mask and a compare. */
#define TC_EMPTY 0xFFFFFFFFu

/* The fast path. The cache entry an access of kind acc at va would use ... */
static inline struct rv_tc *tc_entry(struct rv_cpu *c, int acc, uint32_t va) {
    return &c->tc[acc][TC_IDX(va)];
}

/* ... and whether it translates `size` bytes at va: same page, aligned (an unaligned
 * key has bits the tag never has). On a hit the host address is e->off + va and
 * tlb_hits grows by e->useg; on a miss call translate_slow(). */
static inline int tc_match(const struct rv_tc *e, uint32_t va, uint32_t size) {
    return e->tag == (va & (~PAGE_MASK | (size - 1)));
}

/* Select the cache set of the current (V, ring class). Translations differ between
 * ring classes only by the kseg rule (ring <= 0) and the U rule (ring 3), and between
 * V = 0 and V = 1 by the context; every other change flushes (tc_flush). */
static inline __attribute__((always_inline)) void tc_select_v(struct rv_cpu *c, int v) {
    int cls = c->ring <= RING_KERNEL ? 0 : (c->ring == RING_LEAST_PRIVILEGED ? 2 : 1);
    int set = (v ? 3 : 0) + cls;
    c->tc = c->tcs[set];
    c->tcused |= 1u << set;
}

static inline void tc_select(struct rv_cpu *c) { tc_select_v(c, c->v); }

/* The TLB lookup index (mmu.c): each valid entry has its bit in the bucket of its VPN. */
#define TLB_BUCKET(vpn) ((vpn) & (RV_TLB_BUCKETS - 1))

/* Does no valid TLB entry hold virtual page vpn (any VMID, any ASID)? Then a useg access
 * to it misses in every context: one bucket of the index answers, without the lookup's
 * match rules. block_run asks it before calling translate_slow for a load or store that
 * missed the translation cache: a TLB refill's first access is then a miss taken
 * inline (tlb_miss below). */
static inline int tlb_vpn_free(const struct rv_cpu *c, uint32_t vpn) {
    const uint64_t *bits = c->tlbidx_bits[TLB_BUCKET(vpn)];
    for (int wd = 0; wd < c->tlbwords; wd++)
        for (uint64_t b = bits[wd]; b; b &= b - 1)
            if (c->tlb[wd * 64 + __builtin_ctzll(b)].vpn == vpn) return 0;
    return 1;
}

/* The cause of a TLB miss of access kind acc (RV_ACC_*) */
#define CAUSE_MISS_OF(acc) (CAUSE_TLB_MISS_FETCH + (uint32_t)(acc))
_Static_assert(CAUSE_MISS_OF(RV_ACC_LOAD) == CAUSE_TLB_MISS_LOAD &&
               CAUSE_MISS_OF(RV_ACC_STORE) == CAUSE_TLB_MISS_STORE,
               "TLB miss causes follow the access kinds");

/* A TLB miss at useg address va (ISA.md §5 step 3): its side effects (tlb_misses,
 * tlbhi = the page and the context's ASID, in the copy of the current V; v is c->v) ... */
static inline __attribute__((always_inline)) void tlb_miss_effects(struct rv_cpu *c, int v,
                                                                   uint32_t va) {
    c->c_tlb_misses++;
    (v ? c->gcsr : c->hcsr)[BANK(CSR_TLBHI)] =
        (va & CSR_TLBHI_VPN_MASK) | (v ? G(c, ASID) : H(c, ASID));
}

/* ... and with its trap record: the one definition of a miss, translate_slow's and
 * block_run's inline one. */
static inline __attribute__((always_inline)) void tlb_miss(struct rv_cpu *c, uint32_t va, int acc,
                                                           struct trap *t) {
    tlb_miss_effects(c, c->v, va);
    exc(t, CAUSE_MISS_OF(acc), va);
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

/* ------------------------------------------------------------------ decoded pages */

/* The decoded-page cache (dcache.c) and the block executor (block.c).
 *
 * A code page is decoded once into DC_WORDS entries, one per instruction word, plus an
 * END sentinel after the last. An entry holds the address of its handler in block_run
 * (one handler per operation: no second decode at run time), register operands as byte
 * offsets into struct rv_cpu (a destination r0 points at rv_cpu.rsink, so r[0] stays 0
 * without a store), and its immediate already extended and shifted.
 *
 * `n` makes checks and counting per block: it is the number of steps from this entry to
 * the end of its block (this one included), where a block is a run of FAST entries
 * ended by one TERM entry (a branch or jump, included) or by a SLOW, not-yet-decoded or
 * END entry (excluded; their n is 0). So for a FAST entry n = next entry's n + 1, for a
 * TERM entry n = 1. Entering at any entry, block_run checks `cycle + n <= limit` once,
 * counts n steps, and runs the whole block unchecked; leaving before entry k (a load or
 * store that misses the translation cache) it takes back k's n: the steps not executed.
 * Invariant (dc_fix_run keeps it): every FAST entry is followed by a decoded entry or by
 * one whose n counted nothing, so running off a block lands on a handler that starts a
 * new one.
 *
 * Pages are physical (a page's decoded form does not depend on where it is mapped: a
 * branch whose target is in the same page is "local", ip + woff; others are "far" and
 * go through the fetch translation). A store to a decoded word re-decodes it lazily
 * (dc_write, from every store path: the translation cache never holds a store mapping
 * of a code page, so stores to one take the slow path); memory written from Python
 * (loader, DMA, debugger, checkpoint restore) is caught by comparing the page with its
 * copy `raw` the first time it is used in each rv_run (dc->epoch). The cache is bounded
 * (DC_MAX_PAGES; when full it is emptied and refilled). */
#define DC_WORDS (PAGE_SIZE / 4u)
#define DC_MAX_PAGES 256

/* The handlers of block_run, each with its kind: FAST runs and falls through to the next
 * entry, TERM ends a block (branches and jumps), SLOW leaves the block (its n is 0);
 * its forwarding class; and whether it produces a register value (writes rd).
 *
 * Forwarding: every producer also leaves the value it wrote in a host register (acc),
 * and an entry that reads the register its predecessor wrote has a variant that takes
 * it from there: it is entered that way (hf) only when the block runs into it from the
 * predecessor, never at a block start (h). It saves the load, and the wait for the
 * store of the predecessor to reach it. Classes: FW_A: _F1 for operand A (rs1); FW_AB:
 * _F1, _F2 (operand B: rs2), _F12; FW_AS the same for stores (B: the value, in rd). */
#define DK_UNDECODED 0
#define DK_FAST 1
#define DK_TERM 2
#define DK_SLOW 3
#define FW_NONE 0
#define FW_A 1
#define FW_AB 2
#define FW_AS 3
#define H1(X, n, kind, prod) X(n, kind, FW_A, prod) X(n##_F1, kind, FW_NONE, prod)
#define H3(X, n, kind, fw, prod) X(n, kind, fw, prod) X(n##_F1, kind, FW_NONE, prod) \
    X(n##_F2, kind, FW_NONE, prod) X(n##_F12, kind, FW_NONE, prod)
#define RV_HANDLER_LIST(X) \
    X(SLOW, DK_SLOW, FW_NONE, 0) X(DECODE, DK_SLOW, FW_NONE, 0) X(END, DK_SLOW, FW_NONE, 0) \
    X(SYSCALL, DK_SLOW, FW_NONE, 0) X(RFE, DK_SLOW, FW_NONE, 0) \
    X(TLBWI, DK_SLOW, FW_NONE, 0) X(TLBWR, DK_SLOW, FW_NONE, 0) \
    H3(X, ADD, DK_FAST, FW_AB, 1) H3(X, SUB, DK_FAST, FW_AB, 1) H3(X, AND, DK_FAST, FW_AB, 1) \
    H3(X, OR, DK_FAST, FW_AB, 1) H3(X, XOR, DK_FAST, FW_AB, 1) H3(X, NOR, DK_FAST, FW_AB, 1) \
    H3(X, SLL, DK_FAST, FW_AB, 1) H3(X, SRL, DK_FAST, FW_AB, 1) H3(X, SRA, DK_FAST, FW_AB, 1) \
    H3(X, SLT, DK_FAST, FW_AB, 1) H3(X, SLTU, DK_FAST, FW_AB, 1) H3(X, MUL, DK_FAST, FW_AB, 1) \
    H3(X, MULH, DK_FAST, FW_AB, 1) H3(X, MULHU, DK_FAST, FW_AB, 1) \
    H3(X, DIV, DK_FAST, FW_AB, 1) H3(X, DIVU, DK_FAST, FW_AB, 1) \
    H3(X, REM, DK_FAST, FW_AB, 1) H3(X, REMU, DK_FAST, FW_AB, 1) \
    H1(X, ADDI, DK_FAST, 1) H1(X, SLTI, DK_FAST, 1) H1(X, SLTIU, DK_FAST, 1) \
    H1(X, ANDI, DK_FAST, 1) H1(X, ORI, DK_FAST, 1) H1(X, XORI, DK_FAST, 1) \
    H1(X, SLLI, DK_FAST, 1) H1(X, SRLI, DK_FAST, 1) H1(X, SRAI, DK_FAST, 1) \
    H1(X, LW, DK_FAST, 1) H1(X, LB, DK_FAST, 1) H1(X, LBU, DK_FAST, 1) \
    H1(X, LH, DK_FAST, 1) H1(X, LHU, DK_FAST, 1) \
    H3(X, SW, DK_FAST, FW_AS, 0) H3(X, SB, DK_FAST, FW_AS, 0) H3(X, SH, DK_FAST, FW_AS, 0) \
    X(CSRR, DK_FAST, FW_NONE, 1) X(CSRW, DK_FAST, FW_NONE, 1) \
    X(CSRS, DK_FAST, FW_NONE, 1) X(CSRC, DK_FAST, FW_NONE, 1) \
    H3(X, BEQ_L, DK_TERM, FW_AB, 0) H3(X, BNE_L, DK_TERM, FW_AB, 0) \
    H3(X, BLT_L, DK_TERM, FW_AB, 0) H3(X, BGE_L, DK_TERM, FW_AB, 0) \
    H3(X, BLTU_L, DK_TERM, FW_AB, 0) H3(X, BGEU_L, DK_TERM, FW_AB, 0) \
    H3(X, BEQ_F, DK_TERM, FW_AB, 0) H3(X, BNE_F, DK_TERM, FW_AB, 0) \
    H3(X, BLT_F, DK_TERM, FW_AB, 0) H3(X, BGE_F, DK_TERM, FW_AB, 0) \
    H3(X, BLTU_F, DK_TERM, FW_AB, 0) H3(X, BGEU_F, DK_TERM, FW_AB, 0) \
    X(J_L, DK_TERM, FW_NONE, 0) X(J_F, DK_TERM, FW_NONE, 0) \
    X(JAL_L, DK_TERM, FW_NONE, 0) X(JAL_F, DK_TERM, FW_NONE, 0) H1(X, JALR, DK_TERM, 0)
#define H_ENUM(name, kind, fw, prod) H_##name,
enum { RV_HANDLER_LIST(H_ENUM) H_COUNT };
#undef H_ENUM

/* Local branch and jump targets are stored as byte offsets between entries. */
struct dent {
    const void *h;        /* handler, entered at a block start (ENTER) */
    const void *hf;       /* handler when the block runs into it from the previous entry:
                           * a forwarding variant of h, or h */
    uint16_t n;           /* steps from here to the end of the block (see above) */
    uint8_t rd;           /* destination offset (stores: the value register rs2) */
    uint8_t rs1;          /* first source offset */
    union {
        uint32_t imm;     /* ALU/load/store immediate; far j/jal: byte offset */
        struct { uint8_t rs2; uint8_t pad; int16_t off; } b;   /* R-format; branches:
                           * local: target - this entry in bytes; far: in words */
        struct { uint16_t link; int16_t off; } j;   /* local j/jal: page offset of pc + 4,
                                                      * target - this entry in bytes */
        struct { uint16_t off; int8_t ring; uint8_t widx; } csr;  /* plain CSR access */
    } u;
};
_Static_assert(sizeof(struct dent) == 24, "struct dent: 24 bytes");
_Static_assert(DC_WORDS * sizeof(struct dent) < 32768, "byte offsets between entries: int16");

struct dpage {
    struct dent e[DC_WORDS + 1];     /* + END: leaving the page at its end */
    uint8_t kind[DC_WORDS];          /* DK_* of each entry */
    uint8_t op[DC_WORDS];            /* its handler (H_*, not a forwarding variant) */
    uint32_t raw[DC_WORDS];          /* RAM as last seen (equal to it within a run) */
    uint32_t ppn;                    /* physical page */
    uint32_t epoch;                  /* dc->epoch when last compared with RAM */
};

struct dcache {
    uint16_t *map;                   /* physical page -> slot + 1, 0: not decoded */
    uint32_t npages;                 /* RAM pages (entries of map) */
    int used;                        /* slots in use */
    uint32_t epoch;                  /* bumped by every rv_run: RAM may have changed */
    struct dpage *slot[DC_MAX_PAGES];
};

/* CSRs block_run reads and writes itself (a "plain" CSR: no side effect, value as
 * stored) are those of the host copies and the ring -1 registers while V = 0: the
 * entry holds the copy's offset in struct rv_cpu, the least privileged ring allowed and
 * the index of its write mask in dc_csr_wmask (host copies, then ring -1 registers). */
#define DC_CSR_COPIES (CSR_BANK_COUNT + CSR_HYP_COUNT)
extern uint32_t dc_csr_wmask[DC_CSR_COPIES];

/* register operand offsets (block.c reads them relative to the CPU) */
#define REG_OFF(i) ((uint8_t)(offsetof(struct rv_cpu, r) + 4u * (i)))
#define REG_SINK ((uint8_t)offsetof(struct rv_cpu, rsink))
_Static_assert(offsetof(struct rv_cpu, r) == 0 && offsetof(struct rv_cpu, rsink) == 4 * REG_COUNT &&
               4 * REG_COUNT < 256, "register offsets must fit a byte");

/* Is a breakpoint in [lo, hi]? (m->bps is sorted; lower-bound binary search) */
static inline int bp_in(const struct machine *m, uint32_t lo, uint32_t hi) {
    int a = 0, b = m->nbps;
    while (a < b) {
        int mid = (a + b) / 2;
        if (m->bps[mid] < lo) a = mid + 1; else b = mid;
    }
    return a < m->nbps && m->bps[a] <= hi;
}

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
void tlb_write_prefill(struct machine *m, struct rv_cpu *c, uint32_t idx);
void tlb_inv_where(struct rv_cpu *c, int all, uint32_t vmid, int by_asid, uint32_t asid,
                   int ntlb);

/* trap.c */
int deliver(struct machine *m, struct rv_cpu *c, struct trap *t);
void hyp_return(struct rv_cpu *c);
int priv_check(struct rv_cpu *c, uint32_t word, int min_ring, uint32_t exitctl,
               struct trap *t);

/* csr.c */
void csr_copy_wmasks(uint32_t out[DC_CSR_COPIES]);
int csr_ring(uint32_t n, int *ro, int *banked);
uint32_t csr_read(struct machine *m, struct rv_cpu *c, uint32_t n);
void csr_write(struct rv_cpu *c, uint32_t n, uint32_t v);
uint32_t status_read(struct rv_cpu *c, int guest);
int wake_cond(struct machine *m, struct rv_cpu *c);
int irq_deliverable(struct machine *m, struct rv_cpu *c, struct trap *t);

/* dcache.c: see "decoded pages" above */
int dc_init(struct machine *m);
void dc_free(struct machine *m);
void dc_flush(struct machine *m);
struct dpage *dc_page_slow(struct machine *m, uint32_t ppn);
void dc_decode_run(struct dpage *p, uint32_t k, const uint8_t *ram_page);
void dc_write(struct machine *m, uint32_t pa);
extern const void *const *dc_labels;

/* exec.c; exec_one's results (block_run's too, and EX_EXACT) */
#define EX_RETIRED 0   /* the step is done */
#define EX_TRAP 1      /* the instruction at c->pc trapped: deliver *t */
#define EX_MMIO 2      /* stopped for a Python device access (m->mmio) */
#define EX_HALT 3      /* the store to sysctl.HALT retired */
#define EX_EXACT 4     /* block_run: run the instruction at c->pc on the exact path */
#define EX_MCHECK 5    /* block_run: a trap it took was a machine check (m->mc) */
int exec_one(struct machine *m, struct rv_cpu *c, uint32_t w, struct trap *t);
int exec_dev(struct machine *m, struct rv_cpu *c, uint32_t w, uint32_t va, uint32_t pa,
             struct trap *t);

/* block.c */
int block_run(struct machine *m, struct rv_cpu *c, struct trap *t);

/* devices.c */
int dev_access(struct machine *m, struct rv_cpu *c, uint32_t pa, int write, uint32_t *val);
void fire_events(struct machine *m, struct rv_cpu *c);
void recompute_next_event(struct machine *m, struct rv_cpu *c);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

/* the decoded page of physical page ppn (a RAM page), checked against RAM in this run;
 * NULL if the host is out of memory (then the caller runs the exact path) */
static inline struct dpage *dc_page(struct machine *m, uint32_t ppn) {
    struct dcache *d = m->dc;
    unsigned s = d->map[ppn];
    if (likely(s)) {
        struct dpage *p = d->slot[s - 1];
        if (likely(p->epoch == d->epoch)) return p;
    }
    return dc_page_slow(m, ppn);
}

/* ------------------------------------------------------------------ trap entry, rfe */

/* Trap entry into ring 0 of the current level (ISA.md §7), the part of deliver() for a
 * trap taken from ring 0..3 (V = 0) or in a guest that handles it: epc, cause,
 * badvaddr, status (PIE <- IE, IE <- 0, PRING <- ring), ring 0, pc <- tvec (the caller
 * has checked tvec != 0). c->pc is the pc to save. `v` is c->v (the _v forms let a
 * caller that knows it say so). */
static inline __attribute__((always_inline)) void kernel_entry_v(struct rv_cpu *c, int v,
                                                                 uint32_t cause, uint32_t badv) {
    uint32_t *b = v ? c->gcsr : c->hcsr;
    b[BANK(CSR_EPC)] = c->pc;
    b[BANK(CSR_CAUSE)] = cause;
    b[BANK(CSR_BADVADDR)] = badv;
    uint32_t s = b[BANK(CSR_STATUS)];
    s = STATUS_SET(s, PIE, STATUS_GET(s, IE));
    s = STATUS_SET(s, IE, 0);
    s = STATUS_SET(s, PRING, ring_to_field(c->ring));
    b[BANK(CSR_STATUS)] = s;
    c->ring = RING_KERNEL;
    c->pc = b[BANK(CSR_TVEC)];
    tc_select_v(c, v);
}

static inline void kernel_entry(struct rv_cpu *c, uint32_t cause, uint32_t badv) {
    kernel_entry_v(c, c->v, cause, badv);
}

/* After kernel_entry for an exception at epc: its counter and, while the timeline log
 * is on, its records (as deliver's); c->cycle is still the step's start. */
static inline void kernel_trap_counted(struct rv_cpu *c, uint32_t cause, uint32_t epc) {
    c->c_traps[cause & (RV_N_CAUSES - 1)]++;
    TL_EVENT(c, RV_TL_TRAP, (cause & (RV_N_CAUSES - 1)) | (c->r[RV_TL_TRAP_REG] << 8), epc);
    tl_ctx(c, c->cycle + 1);   /* the trap takes this step; the handler runs from the next */
}

/* The one trap block (DESIGN.md principle 5), where both halves of the interpreter
 * (cpu_run, block_run) end a step that recorded a trap in *t: the trap entry, VM exit
 * or machine check (deliver, trap.c) is the step. Returns 1 after a machine check
 * (nothing changed). The usual case, an exception from ring 0..3 with V = 0 and a
 * vector (system calls, TLB refills), is deliver()'s same entry done inline; it needs
 * no interrupt check after it: in ring 0 with V = 0 and IE = 0 none is deliverable
 * (csr.c irq_deliverable), and whatever enables one marks the CPU again. */
static inline __attribute__((always_inline)) int take_trap(struct machine *m, struct rv_cpu *c,
                                                             struct trap *t) {
    if (likely(t->kind == TK_EXC && !c->v && c->ring >= RING_KERNEL && H(c, TVEC))) {
        uint32_t epc = c->pc;
        m->whit_pending = 0;   /* as deliver: the watched access's instruction trapped */
        kernel_entry(c, t->cause, t->badv);
        kernel_trap_counted(c, t->cause, epc);
        c->cycle++;
        return 0;
    }
    if (deliver(m, c, t)) return 1;
    c->cycle++;
    return 0;
}

/* rfe in ring 0 (ISA.md §7): back to status.PRING at epc, IE <- PIE, PIE <- 1
 * (c->cycle: the step's start, for the timeline log) */
static inline __attribute__((always_inline)) void kernel_return_v(struct rv_cpu *c, int v) {
    uint32_t *b = v ? c->gcsr : c->hcsr;
    uint32_t s = b[BANK(CSR_STATUS)];
    int pring = ring_from_field(STATUS_GET(s, PRING));
    c->pc = b[BANK(CSR_EPC)];
    c->ring = (pring >= RING_KERNEL && pring <= RING_LEAST_PRIVILEGED) ? pring : RING_KERNEL;
    s = STATUS_SET(s, IE, STATUS_GET(s, PIE));
    s = STATUS_SET(s, PIE, 1);
    b[BANK(CSR_STATUS)] = s;
    tc_select_v(c, v);
    irq_dirty(c);
    tl_ctx(c, c->cycle + 1);
}

static inline void kernel_return(struct rv_cpu *c) { kernel_return_v(c, c->v); }

/* irq_deliverable, answered inline when no line is pending at all (the usual case
 * after a trap entry or return, which mark the CPU for an interrupt check) */
static inline __attribute__((always_inline)) int irq_check(struct machine *m, struct rv_cpu *c,
                                                            struct trap *t) {
    if (!(host_pending(m, c) | (c->gcsr[BANK(CSR_IPEND)] & (1u << IRQ_VIRQ)))) return 0;
    return irq_deliverable(m, c, t);
}

/* does host-physical RAM address pa hold decoded code? (stores must call dc_write) */
static inline int dc_is_code(const struct machine *m, uint32_t pa) {
    return m->dc->map[pa >> PAGE_BITS] != 0;
}

#endif
