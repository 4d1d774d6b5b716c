/* ringvm native engine: the exact path, one instruction decoded and executed from its word.
 *
 * Contract: exec_one(m, c, w, t) executes instruction word w at c->pc, whose fetch has
 * happened (translated, counted in tlb_hits), as one step of ISA.md: it returns
 * EX_RETIRED (registers, memory, CSRs, pc written; the step counted: cycle, retired),
 * EX_HALT (retired, and it was the store to sysctl.HALT: exec_dev), EX_MMIO (an access to a
 * Python device: nothing written, mmio_stop() recorded it; rv_complete_mmio finishes it)
 * or EX_TRAP (a trap filled into *t: the instruction wrote nothing back; the caller's
 * one trap block delivers it, DESIGN.md principle 5; t->hinsn is w for exceptions).
 *
 * Its callers are the two halves of the interpreter: cpu_run (interp.c) for a step that
 * must be exact (after an interrupt check, on a page with a breakpoint, near the batch
 * end), and block_run (block.c) for what its decoded blocks do not do themselves: CSR,
 * system and TLB instructions, cas, and loads and stores that miss the translation
 * cache (TLB lookups and misses, devices, watchpoints, stores to code pages).
 *
 * Decode and the instructions' rules are here, spelled with isa_gen.h names only; the
 * CSR values, TLB changes, trap entry and device registers they use are in csr.c,
 * mmu.c, trap.c and devices.c. Loads and stores try the inline translation-cache check
 * of internal.h and call translate_slow() (mmu.c) only on a miss (principle 7).
 */
#include "internal.h"

/* Record a pending access to a Python device (the instruction has not retired). */
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

/* The rest of load or store word w at va after translate_slow found a device register
 * at host-physical pa (a 32-bit lw/sw): the access, then the step's end as exec_one's.
 * Also block_run's, for its loads and stores that reach a device. */
int exec_dev(struct machine *m, struct rv_cpu *c, uint32_t w, uint32_t va, uint32_t pa,
             struct trap *t) {
    int write = (w >> FIELD_S_OP_SHIFT) == OP_SW;
    uint32_t v = write ? c->r[FIELD(w, S, RS2)] : 0;
    int d = dev_access(m, c, pa, write, &v);
    if (d == DEV_BUS) {
        bus_fault(c, t, va, pa, write ? RV_ACC_STORE : RV_ACC_LOAD, w);
        if (t->kind == TK_EXC) t->hinsn = w;
        return EX_TRAP;
    }
    if (d == DEV_MMIO) {
        mmio_stop(m, c, pa, write, v, write ? 0 : (int)FIELD(w, I, RD), va, w);
        return EX_MMIO;
    }
    if (!write) { c->r[FIELD(w, I, RD)] = v; c->r[0] = 0; }
    c->c_retired_by_ring[c->ring - RING_MOST_PRIVILEGED]++;
    c->cycle++;
    c->pc += 4;
    return d == DEV_HALT ? EX_HALT : EX_RETIRED;
}

#define R_RD(w) FIELD(w, R, RD)
#define R_RS1(w) FIELD(w, R, RS1)
#define R_RS2(w) FIELD(w, R, RS2)
#define NEXT break

int exec_one(struct machine *m, struct rv_cpu *c, uint32_t w, struct trap *t) {
    struct xl x;
    uint32_t *r = c->r;
    uint32_t pc = c->pc;
    const int ri = c->ring - RING_MOST_PRIVILEGED;   /* the ring it executes in */
    switch (w >> FIELD_R_OP_SHIFT) {
    case OP_ADD: {   /* the R-format ALU group (add ... remu) shares one opcode */
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
    case OP_ADDI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] + SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_SLTI: r[FIELD(w, I, RD)] = (int32_t)r[FIELD(w, I, RS1)] < (int32_t)SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_SLTIU: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] < SEXT16(w); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_ANDI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] & FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_ORI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] | FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_XORI: r[FIELD(w, I, RD)] = r[FIELD(w, I, RS1)] ^ FIELD(w, I, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_LUI:
        if ((w & MASK_LUI) != MATCH_LUI) goto illegal;   /* rs1 is a fixed-zero field */
        r[FIELD(w, I, RD)] = FIELD(w, I, IMM) << 16; r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_SLLI:
        if ((w & MASK_SLLI) != MATCH_SLLI) goto illegal;
        r[FIELD(w, SH, RD)] = r[FIELD(w, SH, RS1)] << FIELD(w, SH, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_SRLI:
        if ((w & MASK_SRLI) != MATCH_SRLI) goto illegal;
        r[FIELD(w, SH, RD)] = r[FIELD(w, SH, RS1)] >> FIELD(w, SH, IMM); r[0] = 0; c->pc = pc + 4; NEXT;
    case OP_SRAI:
        if ((w & MASK_SRAI) != MATCH_SRAI) goto illegal;
        r[FIELD(w, SH, RD)] = (uint32_t)((int32_t)r[FIELD(w, SH, RS1)] >> FIELD(w, SH, IMM)); r[0] = 0; c->pc = pc + 4; NEXT;

    /* ---- loads */
#define LOAD_CASE(OPC, SIZE, EXPR)                                                        \
    case OPC: {                                                              \
        uint32_t va = r[FIELD(w, I, RS1)] + SEXT16(w), v;                             \
        const uint8_t *p;                                                             \
        struct rv_tc *e = tc_entry(c, RV_ACC_LOAD, va);                               \
        if (likely(tc_match(e, va, SIZE))) {                                        \
            c->c_tlb_hits += e->useg;                                                 \
            p = (const uint8_t *)(e->off + va);                                       \
        } else {                                                                      \
            int k = translate_slow(m, c, va, RV_ACC_LOAD, SIZE, 0, 0, w, &x, t);     \
            if (k == XL_TRAP) goto trap;                                              \
            if (k == XL_DEV) return exec_dev(m, c, w, va, x.pa, t);                  \
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
    case OPC: {                                                              \
        uint32_t va = r[FIELD(w, S, RS1)] + SEXT16(w), v = r[FIELD(w, S, RS2)];       \
        uint8_t *p;                                                                   \
        int code = 0;   /* a code page (never in the cache): dc_write after it */     \
        struct rv_tc *e = tc_entry(c, RV_ACC_STORE, va);                               \
        if (likely(tc_match(e, va, SIZE))) {                                        \
            c->c_tlb_hits += e->useg;                                                 \
            p = (uint8_t *)(e->off + va);                                             \
        } else {                                                                      \
            int k = translate_slow(m, c, va, RV_ACC_STORE, SIZE, 0, 0, w, &x, t);    \
            if (k == XL_TRAP) goto trap;                                              \
            if (k == XL_DEV) return exec_dev(m, c, w, va, x.pa, t);                  \
            p = x.host;                                                               \
            code = dc_is_code(m, x.pa);                                               \
        }                                                                             \
        STMT;                                                                         \
        if (unlikely(code)) dc_write(m, x.pa);                                        \
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
        int k = translate_slow(m, c, va, RV_ACC_STORE, 4, 1, 0, w, &x, t);
        if (k != XL_RAM) goto trap;   /* devices: BUS_ERROR already */
        uint32_t old = ld32(x.host);
        if (old == r[R_RD(w)]) {
            st32(x.host, r[R_RS2(w)]);
            if (dc_is_code(m, x.pa)) dc_write(m, x.pa);
        }
        r[R_RD(w)] = old; r[0] = 0;
        c->pc = pc + 4;
        break;
    }

    /* ---- branches and jumps */
#define BR_CASE(OPC, COND)                                                                \
    case OPC: {                                                              \
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
    case OP_J: case OP_JAL: {
        uint32_t off = FIELD(w, J, IMM);
        off = (uint32_t)((int32_t)(off << (32 - IMM_JOFF26_BITS)) >> (32 - IMM_JOFF26_BITS));
        if ((w >> FIELD_J_OP_SHIFT) == OP_JAL) r[REG_LINK] = pc + 4;
        c->pc = pc + (off << 2);
        NEXT;
    }
    case OP_JALR: {
        uint32_t target = r[FIELD(w, I, RS1)] + SEXT16(w);
        r[FIELD(w, I, RD)] = pc + 4; r[0] = 0;
        c->pc = target;
        NEXT;
    }

    /* ---- CSR instructions */
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC: {
        uint32_t op = w >> FIELD_C_OP_SHIFT;
        uint32_t mk = op == OP_CSRRW ? MASK_CSRRW : (op == OP_CSRRS ? MASK_CSRRS : MASK_CSRRC);
        uint32_t mt = op == OP_CSRRW ? MATCH_CSRRW : (op == OP_CSRRS ? MATCH_CSRRS : MATCH_CSRRC);
        if ((w & mk) != mt) goto illegal;
        uint32_t n = FIELD(w, C, IMM), rs1 = FIELD(w, C, RS1), rd = FIELD(w, C, RD);
        int ro, banked;
        int cr = csr_ring(n, &ro, &banked);
        if (cr == NO_CSR) goto illegal;
        int writes = op == OP_CSRRW || rs1 != 0;
        if (c->v) {
            if (cr == RING_HYPERVISOR) { vmexit(t, EXIT_CSR, 0, 0, w, n); goto trap; }
            if (cr < c->ring) { exc(t, CAUSE_PRIVILEGED, w); goto trap; }
            if (banked && c->ring == RING_KERNEL && (X(c, HCTL) & EXITCTL_CSRRW)) {
                vmexit(t, EXIT_CSR, 0, 0, w, n); goto trap;
            }
        } else if (c->ring > cr) { exc(t, CAUSE_PRIVILEGED, w); goto trap; }
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
        switch (FIELD(w, R, FUNCT)) {
        case FUNCT_SYSCALL:
            if ((w & MASK_SYSCALL) != MATCH_SYSCALL) goto illegal;
            exc(t, CAUSE_SYSCALL, 0); goto trap;
        case FUNCT_HCALL:
            if ((w & MASK_HCALL) != MATCH_HCALL) goto illegal;
            if (c->v) vmexit(t, EXIT_HYPERCALL, 0, 0, w, 0);
            else exc(t, CAUSE_HYPERCALL, 0);
            goto trap;
        case FUNCT_BREAK:
            if ((w & MASK_BREAK) != MATCH_BREAK) goto illegal;
            exc(t, CAUSE_BREAKPOINT, 0); goto trap;
        case FUNCT_RFE:
            if ((w & MASK_RFE) != MATCH_RFE) goto illegal;
            if (priv_check(c, w, RING_RFE, EXITCTL_RFE, t)) goto trap;
            if (c->ring == RING_HYPERVISOR) hyp_return(c); else kernel_return(c);
            break;
        case FUNCT_WFI:
            if ((w & MASK_WFI) != MATCH_WFI) goto illegal;
            if (priv_check(c, w, RING_WFI, EXITCTL_WFI, t)) goto trap;
            c->mode = RV_WAITING;
            set_attn(m, c);
            tl_ctx(c, c->cycle + 1);
            c->pc = pc + 4;
            break;
        case FUNCT_VMENTER:
            if ((w & MASK_VMENTER) != MATCH_VMENTER) goto illegal;
            if (priv_check(c, w, RING_VMENTER, EXITCTL_VMENTER, t)) goto trap;
            if (X(c, HVMID) == 0) goto illegal;
            X(c, HSTATUS) = STATUS_SET(X(c, HSTATUS), PV, 1);
            hyp_return(c);
            break;
        case FUNCT_GETST: {
            if ((w & MASK_GETST) != MATCH_GETST) goto illegal;
            if (priv_check(c, w, RING_GETST, EXITCTL_GETST, t)) goto trap;
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
            if (priv_check(c, w, RING_TLBWI, EXITCTL_TLBWI, t)) goto trap;
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
            if (priv_check(c, w, RING_TLBINVASID, EXITCTL_TLBINVASID, t)) goto trap;
            tlb_inv_where(c, 0, ctx_vmid(c), 1, r[R_RS1(w)] & ASID_MASK, m->ntlb);
            c->pc = pc + 4;
            break;
        case FUNCT_TLBINVVMID:
            if ((w & MASK_TLBINVVMID) != MATCH_TLBINVVMID) goto illegal;
            if (priv_check(c, w, RING_TLBINVVMID, EXITCTL_TLBINVVMID, t)) goto trap;
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
        exc(t, CAUSE_ILLEGAL, w);
        goto trap;
    }
    /* retired */
    c->c_retired_by_ring[ri]++;
    c->cycle++;
    return EX_RETIRED;
trap:
    if (t->kind == TK_EXC) t->hinsn = w;   /* for an EXCEPTION exit */
    return EX_TRAP;
}
