/* ringvm native engine: the public API, the one declaration of everything Python sees.
 *
 * Contract: emulator/engine_native.py reads and writes these structures directly through
 * cffi (API mode) and calls the rv_* functions; after changing a CPU it must call
 * rv_cpu_changed(). Implements isa/ISA.md sections 2-10 and the "Engine rules" of
 * emulator/engine.py; every ISA fact (opcode, CSR number, cause, device address...)
 * comes from the generated header isa_gen.h, this file only adds the engine's own data
 * layout. The engine's private declarations are in internal.h.
 *
 * native/build_core.py builds its cffi cdef FROM THIS FILE, mechanically
 * (cdef_from_header), so the declarations cannot drift from the C:
 *  - comments, the include guard and #include lines are dropped;
 *  - `#define NAME value` becomes the cffi constant `#define NAME ...` (cffi asks the C
 *    compiler for the value); RV_API_ISA_NAMES lists the isa_gen.h names Python also
 *    reads as constants;
 *  - every array bound becomes `[...]` (the compiler supplies the length);
 *  - a declaration or struct member that starts with RV_PRIVATE is left out, and a
 *    struct that lost a member ends with `...;` (cffi takes its layout from the
 *    compiler): private members are invisible to Python, so it cannot depend on them;
 *  - anything else (#if, function-like macros, nested struct bodies) is an error.
 * Keep it to that subset of C. tests/native/test_api_header.py checks the built
 * extension against this file.
 */
#ifndef RINGVM_API_H
#define RINGVM_API_H

#include <stdint.h>
#include <stddef.h>
#include "isa_gen.h"

/* marks a member (or declaration) the cdef leaves out: engine internals */
#define RV_PRIVATE

/* isa_gen.h names Python reads as lib.<NAME> (each becomes a cdef constant) */
#define RV_API_ISA_NAMES(X) X(CSR_BANK_FIRST) X(CSR_BANK_COUNT) X(CSR_HYP_FIRST) \
    X(CSR_HYP_COUNT) X(MACHINE_TLB_ENTRIES_MAX)

/* Counter group sizes: mirror N_CAUSES, N_LINES, N_EXIT_REASONS in emulator/engine.py */
#define RV_N_CAUSES 16
#define RV_N_LINES 8
#define RV_N_EXITS 16
#define RV_N_RINGS RING_COUNT

/* CPU modes (CpuState.mode) */
#define RV_RUNNING 0
#define RV_WAITING 1
#define RV_STOPPED 2

/* Stop reasons returned by rv_run (StopReason) */
#define RV_STOP_BUDGET 0
#define RV_STOP_HALT 1
#define RV_STOP_BREAKPOINT 2
#define RV_STOP_MMIO 3
#define RV_STOP_MACHINE_CHECK 4
#define RV_STOP_IDLE 5
#define RV_STOP_WATCHPOINT 6

/* access kinds (rv_translate's acc; also the index of the per-CPU translation caches) */
#define RV_ACC_FETCH 0
#define RV_ACC_LOAD 1
#define RV_ACC_STORE 2

#define RV_TC_SIZE 64          /* direct-mapped translation-cache entries per kind */
#define RV_TLB_BUCKETS 64      /* TLB lookup index buckets */
#define RV_TC_SETS 6           /* one cache set per (V, ring class: <=0, 1-2, 3) */
#define RV_MAX_PYDEV 16        /* Python device pages */
#define RV_DETAIL 192

struct rv_tlbe {
    uint32_t vpn;
    uint32_t pfn;
    uint8_t asid;
    uint8_t vmid;
    uint8_t flags;
    RV_PRIVATE uint8_t pad;
};

/* translation cache entry: host address = off + va; tag = va page (internal.h TC_EMPTY) */
RV_PRIVATE struct rv_tc {
    uint32_t tag;
    uint32_t useg;             /* 1 if a hit is a useg TLB hit (counts tlb_hits) */
    uintptr_t off;
};

/* The timeline log (rv_tlog_enable; emulator/machine/timeline.py reads it): while on,
 * the engine appends one record wherever it counts a trap, an interrupt, a VM exit, a
 * TLB write or an IPI, and one whenever a CPU's context (ring, V, mode, ASID, VMID)
 * changes. Off (the default), the cost is one never-taken branch in the slow paths.
 * `cycle` is the CPU's cycle counter at the start of the step (for RV_TL_CTX: the first
 * cycle spent in the new context). A full log counts `dropped` instead. */
#define RV_TL_CTX 0        /* a = rv_tl_key(): ring+1 | v<<3 | mode<<4 | asid<<8 | vmid<<16 */
#define RV_TL_TRAP 1       /* a = cause | a7 << 8 (a7's low 24 bits), b = epc */
#define RV_TL_TRAP_REG 17  /* a7: the system-call number register (guests/abi.toml) */
#define RV_TL_IRQ 2        /* a = line, b = epc */
#define RV_TL_EXIT 3       /* a = exit reason, b = hepc */
#define RV_TL_TLBW 4       /* a = vpn, b = asid | vmid<<8 | entry index<<16 */
#define RV_TL_IPI 5        /* a = target CPU */
struct rv_tlrec {
    uint64_t cycle;
    uint32_t a;
    uint32_t b;
    int32_t cpu;
    int32_t kind;
};
struct rv_tlog {
    struct rv_tlrec *rec;
    int32_t n;
    int32_t cap;
    uint64_t dropped;
};
struct rv_cpu {
    uint32_t r[REG_COUNT];
    /* decoded instructions write r0 here, so r[0] stays 0 without a store per
     * instruction (block.c); right after r, so register offsets fit a byte */
    RV_PRIVATE uint32_t rsink;
    uint32_t pc;
    int32_t ring;              /* -1..3 (guest ring when v) */
    int32_t v;
    int32_t mode;              /* RV_RUNNING / RV_WAITING / RV_STOPPED */
    uint64_t cycle;
    uint32_t hcsr[CSR_BANK_COUNT];   /* host copies of banked CSRs, index = num - CSR_BANK_FIRST */
    uint32_t gcsr[CSR_BANK_COUNT];   /* guest copies */
    uint32_t xcsr[CSR_HYP_COUNT];    /* ring -1 CSRs, index = num - CSR_HYP_FIRST */
    uint32_t ipend;                  /* latched host pending lines */
    uint64_t tcmp;
    uint32_t tint;
    int32_t ten;
    int32_t bp_skip;
    RV_PRIVATE int32_t index;
    /* counters */
    uint64_t c_idle, c_tlb_hits, c_tlb_misses, c_tlb_writes, c_tlb_flushes, c_asid_switches;
    uint64_t c_retired_by_ring[RV_N_RINGS];
    uint64_t c_traps[RV_N_CAUSES];
    uint64_t c_ints[RV_N_LINES];
    uint64_t c_exits[RV_N_EXITS];
    /* engine internals */
    RV_PRIVATE uint64_t next_event;  /* min(timer compare if enabled, scheduled lines) */
    RV_PRIVATE uint32_t attn;        /* RV_ATTN_* : something to look at before a step */
    RV_PRIVATE int32_t bp_page;      /* the current fetch page holds a breakpoint */
    struct rv_tlbe tlb[MACHINE_TLB_ENTRIES_MAX];
    /* index: bucket (vpn mod RV_TLB_BUCKETS) -> bitmask of the valid entries in it */
    RV_PRIVATE uint64_t tlbidx_bits[RV_TLB_BUCKETS][MACHINE_TLB_ENTRIES_MAX / 64];
    RV_PRIVATE int32_t tlbwords;     /* words of a bucket in use: (entries + 63) / 64 */
    RV_PRIVATE uint64_t end;         /* cycle at which the current batch ends */
    RV_PRIVATE uint64_t limit;       /* min(end, next_event): one compare per step */
    RV_PRIVATE struct rv_tc (*tc)[RV_TC_SIZE];  /* the set of the current (V, ring class) */
    RV_PRIVATE uint32_t tcused;      /* bit per set: may hold entries (since the last flush) */
    RV_PRIVATE struct rv_tc tcs[RV_TC_SETS][3][RV_TC_SIZE];
    RV_PRIVATE struct rv_tlog *tl;   /* &machine.tlog while the timeline log is on */
    RV_PRIVATE uint32_t tl_key;      /* context of the last RV_TL_CTX record */
};

struct rv_event {
    int32_t cpu;
    int32_t line;
    uint64_t at;
};

struct rv_mmio {
    int32_t cpu;
    uint32_t paddr;
    int32_t is_write;
    uint32_t value;
    int32_t size;
    int32_t rd;
    uint32_t vaddr;
};

/* a watchpoint: bytes [lo, hi) of virtual (or host-physical) addresses */
struct rv_watch {
    uint64_t lo, hi;
    int32_t on_read, on_write, physical;
};

/* the access that hit a watchpoint (reported once the instruction retired) */
struct rv_whit {
    int32_t index, cpu;
    uint32_t vaddr, paddr, size;
    int32_t is_write;
};

struct rv_stop {
    int32_t reason;
    int32_t cpu;
    uint64_t steps;
    uint32_t exit_code;
    char detail[RV_DETAIL];
};

struct machine {
    int32_t ncpus;
    int32_t ntlb;
    uint64_t quantum;
    RV_PRIVATE uint8_t *ram;
    uint32_t ram_size;
    struct rv_cpu *cpus;
    /* round robin */
    int32_t cur;
    uint64_t left;
    /* scheduled lines, in firing order */
    struct rv_event *ev;
    int32_t nev;
    RV_PRIVATE int32_t evcap;
    /* UART */
    uint8_t *rx;
    size_t rx_head, rx_len;
    RV_PRIVATE size_t rx_cap;
    int32_t eof;
    uint32_t uart_ctrl;
    uint8_t *tx;
    size_t tx_len;
    RV_PRIVATE size_t tx_cap;
    /* IPI */
    uint32_t start_pc;
    /* device counters */
    uint64_t console_tx_bytes, console_rx_bytes, ipis_sent, timer_fires;
    /* Python device pages */
    RV_PRIVATE uint32_t pydev[RV_MAX_PYDEV];
    RV_PRIVATE int32_t npydev;
    /* pending MMIO */
    int32_t mmio_pending;
    struct rv_mmio mmio;
    RV_PRIVATE uint32_t mmio_word;
    /* halt / machine check */
    int32_t halted;
    int32_t halt_cpu;
    uint32_t exit_code;
    int32_t mc;
    int32_t mc_cpu;
    char mc_detail[RV_DETAIL];
    /* breakpoints: sorted */
    RV_PRIVATE uint32_t *bps;
    RV_PRIVATE int32_t nbps;
    /* watchpoints: while any is armed, loads and stores bypass the translation cache
     * so translate_slow sees (and checks) every one */
    RV_PRIVATE struct rv_watch *watches;
    RV_PRIVATE int32_t nwatch;
    int32_t whit_pending;
    struct rv_whit whit;
    /* the decoded-page cache (dcache.c): pre-decoded instructions of code pages */
    RV_PRIVATE struct dcache *dc;
    /* timeline log (off: rec == NULL) */
    struct rv_tlog tlog;
};

/* rv_translate result kinds (code = cause / exit reason) */
#define RV_XL_OK 0
#define RV_XL_EXC 1
#define RV_XL_EXIT 2
#define RV_XL_MC 3

struct machine *rv_new(uint32_t ram_size, int ncpus, int ntlb, uint64_t quantum);
void rv_free(struct machine *m);
void rv_set_ram(struct machine *m, uint8_t *ram);
int rv_set_pydev(struct machine *m, const uint32_t *pages, int n);
int rv_run(struct machine *m, uint64_t budget, struct rv_stop *out);
int rv_complete_mmio(struct machine *m, uint32_t value, int bus_error);
int rv_set_breakpoints(struct machine *m, const uint32_t *addrs, int n);
int rv_set_watchpoints(struct machine *m, const struct rv_watch *w, int n);
void rv_cpu_changed(struct machine *m, int cpu);
/* timeline log: rec[cap] (owned by the caller) receives records from now on; NULL
 * switches it off. Drain by reading tlog.n records and setting tlog.n = 0. */
void rv_tlog_enable(struct machine *m, struct rv_tlrec *rec, int32_t cap);
void rv_all_changed(struct machine *m);
void rv_console_input(struct machine *m, const uint8_t *data, size_t n);
void rv_console_eof(struct machine *m);
size_t rv_console_take(struct machine *m, uint8_t *buf, size_t cap);
void rv_uart_reset(struct machine *m);
void rv_uart_set_tx(struct machine *m, const uint8_t *data, size_t n);
void rv_raise_line(struct machine *m, int cpu, int line);
void rv_clear_line(struct machine *m, int cpu, int line);
void rv_schedule_line(struct machine *m, int cpu, int line, uint64_t at);
void rv_add_event(struct machine *m, int cpu, int line, uint64_t at);
void rv_clear_events(struct machine *m);
int rv_translate(struct machine *m, int cpu, uint32_t va, int acc, uint32_t *pa,
                 uint32_t *code);
uint32_t rv_mmio_vaddr(struct machine *m);

#endif
