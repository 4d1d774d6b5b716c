/* ringvm native engine: the interpreter, the fetch-decode-execute hot loop of one CPU.
 *
 * Contract: cpu_run(m, c, n, ...) runs up to n steps of CPU c and returns a stop reason
 * (RV_STOP_BUDGET = ran n steps; *done = steps taken; DESIGN.md principle 6). A step
 * is one cycle: a retired instruction, a trap entry (deliver(), from the single `trap:`
 * block: a faulting instruction writes nothing back, principle 5), or a cycle spent
 * waiting (skipped in bulk up to the next event).
 *
 * Each step does one compare (`cycle >= limit`, limit = min(batch end, next timed
 * event)) and one test of `attn` (set_attn: CPU waiting or stopped, interrupt check
 * needed, a breakpoint on this page, a watchpoint hit); everything else about timers,
 * interrupts and debugging is off the hot path. Fetches come from the current fetch
 * page kept in locals; loads and stores try the inline translation-cache check of
 * internal.h and call translate_slow() (mmu.c) only on a miss (principle 7). Hot
 * opcodes end with NEXT, which retires the instruction and jumps straight to the next
 * handler (threaded dispatch); the rest go through the switch and round the loop.
 *
 * Decode and the instructions' rules are here, spelled with isa_gen.h names only; the
 * CSR values, TLB changes, trap entry and device registers they use are in csr.c,
 * mmu.c, trap.c and devices.c (build_core.py links with -flto, so the compiler still
 * inlines across the units where it pays).
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

/* Is some breakpoint in [lo, hi]? (m->bps is sorted; lower-bound binary search) */
static int bp_in(const struct machine *m, uint32_t lo, uint32_t hi) {
    int a = 0, b = m->nbps;
    while (a < b) {
        int mid = (a + b) / 2;
        if (m->bps[mid] < lo) a = mid + 1; else b = mid;
    }
    return a < m->nbps && m->bps[a] <= hi;
}

/* Run up to n steps of CPU c. Returns a stop reason (RV_STOP_BUDGET = ran n steps). */
int cpu_run(struct machine *m, struct rv_cpu *c, uint64_t n, uint64_t *done,
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
            struct rv_tc *e = tc_entry(c, RV_ACC_FETCH, pc);
            if (likely(tc_match(c, e, pc, 4))) {
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
            struct rv_tc *e = tc_entry(c, RV_ACC_LOAD, va);                               \
            if (likely(tc_match(c, e, va, SIZE))) {                                        \
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
            struct rv_tc *e = tc_entry(c, RV_ACC_STORE, va);                               \
            if (likely(tc_match(c, e, va, SIZE))) {                                        \
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
                tl_ctx(c, c->cycle + 1);
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
                        b[BANK(CSR_TLBHI)] = (e->vpn << TLB_VPN_SHIFT) | e->asid;
                        b[BANK(CSR_TLBLO)] = (e->pfn << TLB_PFN_SHIFT) | e->flags;
                        if (c->ring == RING_HYPERVISOR) X(c, TLBVMID) = e->vmid;
                    }
                } else if (f == FUNCT_TLBP) {
                    uint32_t hi = b[BANK(CSR_TLBHI)], vpn = hi >> TLB_VPN_SHIFT;
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
