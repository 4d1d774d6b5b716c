"""cffi build script for the native engine (API mode): compiles native/core.c into
``ringvm.native._core``. Used by setup.py (``cffi_modules``); paths are relative to
this file so it works from a clean clone, ``pip install -e .`` and ``pip install .``.
"""
import os
from pathlib import Path

from cffi import FFI

# setuptools refuses absolute source paths: name them relative to the working directory
# (the repository root when pip builds), wherever this file lives.
HERE = Path(os.path.relpath(Path(__file__).resolve().parent))

CDEF = """
#define RV_STOP_BUDGET ...
#define RV_STOP_HALT ...
#define RV_STOP_BREAKPOINT ...
#define RV_STOP_MMIO ...
#define RV_STOP_MACHINE_CHECK ...
#define RV_STOP_IDLE ...
#define RV_STOP_WATCHPOINT ...
#define RV_RUNNING ...
#define RV_WAITING ...
#define RV_STOPPED ...
#define RV_XL_OK ...
#define RV_XL_EXC ...
#define RV_XL_EXIT ...
#define RV_XL_MC ...
#define CSR_BANK_FIRST ...
#define CSR_BANK_COUNT ...
#define CSR_HYP_FIRST ...
#define CSR_HYP_COUNT ...
#define MACHINE_TLB_ENTRIES_MAX ...

struct rv_tlbe { uint32_t vpn; uint32_t pfn; uint8_t asid; uint8_t vmid; uint8_t flags; ...; };

struct rv_cpu {
    uint32_t r[...];
    uint32_t pc;
    int32_t ring;
    int32_t v;
    int32_t mode;
    uint64_t cycle;
    uint32_t hcsr[...];
    uint32_t gcsr[...];
    uint32_t xcsr[...];
    uint32_t ipend;
    uint64_t tcmp;
    uint32_t tint;
    int32_t ten;
    int32_t bp_skip;
    uint64_t c_idle, c_tlb_hits, c_tlb_misses, c_tlb_writes, c_tlb_flushes, c_asid_switches;
    uint64_t c_retired_by_ring[...];
    uint64_t c_traps[...];
    uint64_t c_ints[...];
    uint64_t c_exits[...];
    struct rv_tlbe tlb[...];
    ...;
};

struct rv_event { int32_t cpu; int32_t line; uint64_t at; ...; };

struct rv_mmio { int32_t cpu; uint32_t paddr; int32_t is_write; uint32_t value; int32_t size;
                 int32_t rd; uint32_t vaddr; ...; };

struct rv_watch { uint64_t lo, hi; int32_t on_read, on_write, physical; };
struct rv_whit { int32_t index, cpu; uint32_t vaddr, paddr, size; int32_t is_write; };

struct rv_stop { int32_t reason; int32_t cpu; uint64_t steps; uint32_t exit_code;
                 char detail[...]; ...; };

struct machine {
    int32_t ncpus;
    int32_t ntlb;
    uint64_t quantum;
    uint32_t ram_size;
    struct rv_cpu *cpus;
    int32_t cur;
    uint64_t left;
    struct rv_event *ev;
    int32_t nev;
    uint8_t *rx;
    size_t rx_head, rx_len;
    int32_t eof;
    uint32_t uart_ctrl;
    uint8_t *tx;
    size_t tx_len;
    uint32_t start_pc;
    uint64_t console_tx_bytes, console_rx_bytes, ipis_sent, timer_fires;
    int32_t mmio_pending;
    struct rv_mmio mmio;
    int32_t halted;
    int32_t halt_cpu;
    uint32_t exit_code;
    int32_t mc;
    int32_t mc_cpu;
    char mc_detail[...];
    int32_t whit_pending;
    struct rv_whit whit;
    ...;
};

struct machine *rv_new(uint32_t ram_size, int ncpus, int ntlb, uint64_t quantum);
void rv_free(struct machine *m);
void rv_set_ram(struct machine *m, uint8_t *ram);
int rv_set_pydev(struct machine *m, const uint32_t *pages, int n);
int rv_run(struct machine *m, uint64_t budget, struct rv_stop *out);
int rv_complete_mmio(struct machine *m, uint32_t value, int bus_error);
int rv_set_breakpoints(struct machine *m, const uint32_t *addrs, int n);
int rv_set_watchpoints(struct machine *m, const struct rv_watch *w, int n);
void rv_cpu_changed(struct machine *m, int cpu);
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
int rv_translate(struct machine *m, int cpu, uint32_t va, int acc, uint32_t *pa, uint32_t *code);
uint32_t rv_mmio_vaddr(struct machine *m);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "ringvm.native._core",
    '#include "core.h"',
    sources=[str(HERE / "core.c")],
    include_dirs=[str(HERE)],
    depends=[str(HERE / "core.h"), str(HERE / "isa_gen.h")],
    extra_compile_args=["-O2", "-fno-strict-aliasing"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
