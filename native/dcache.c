/* ringvm native engine: the decoded-page cache, the decoder of block_run's entries.
 *
 * Contract (the layout and the block rules are in internal.h, "decoded pages"):
 *  - dc_page()/dc_page_slow() give the decoded page of a physical RAM page, allocating
 *    it (all entries undecoded) on first use and comparing it with RAM on its first
 *    use in each rv_run, so memory written from Python between runs (loader, disk
 *    DMA, the debugger's writes, checkpoint restore) is never executed stale. A page
 *    becoming code drops every CPU's cached store translation of it: from then on the
 *    engine's stores to it take the slow path, which calls dc_write().
 *  - dc_decode_run() decodes lazily, from an entry up to the end of its block, when
 *    block_run first reaches it; dc_fix_run() keeps each entry's block length `n` right
 *    when an entry changes.
 *  - dc_write() is called after every store of the engine to a code page (self-
 *    modifying code, a guest loading a program over old code): the word goes back to
 *    undecoded. Stores are at most 4 bytes and aligned, so they touch one word.
 *  - Bounded: at most DC_MAX_PAGES pages; when they are all in use the cache is
 *    emptied (dc_flush) and refilled as code runs. Nothing outside block_run's locals
 *    points into a page, and block_run only holds the page it runs.
 *
 * The decoder accepts exactly the words the exact path (interp.c) executes as these
 * operations (the ISA table's MASK_/MATCH_ pairs); anything else is SLOW, which hands
 * the word to the exact path: trapping, privileged and system instructions included.
 */
#include <stdlib.h>
#include "internal.h"

/* the handler addresses of block_run, indexed by H_* (set by block_run(NULL, NULL, NULL)) */
const void *const *dc_labels;

/* write masks of the CSR copies block_run writes (internal.h, DC_CSR_COPIES) */
uint32_t dc_csr_wmask[DC_CSR_COPIES];

int dc_init(struct machine *m) {
    if (!dc_labels) {
        block_run(NULL, NULL, NULL);
        csr_copy_wmasks(dc_csr_wmask);
    }
    struct dcache *d = calloc(1, sizeof *d);
    if (!d) return -1;
    d->npages = (m->ram_size + PAGE_MASK) >> PAGE_BITS;
    d->map = calloc(d->npages ? d->npages : 1, sizeof *d->map);
    if (!d->map) { free(d); return -1; }
    d->epoch = 1;
    m->dc = d;
    return 0;
}

void dc_free(struct machine *m) {
    struct dcache *d = m->dc;
    if (!d) return;
    for (int i = 0; i < DC_MAX_PAGES; i++) free(d->slot[i]);
    free(d->map);
    free(d);
    m->dc = NULL;
}

/* Forget every decoded page (the slots are kept for reuse). */
void dc_flush(struct machine *m) {
    struct dcache *d = m->dc;
    for (int i = 0; i < d->used; i++) d->map[d->slot[i]->ppn] = 0;
    d->used = 0;
}

/* ------------------------------------------------------------------ block lengths */

/* Entry k goes back to undecoded; the next entry may no longer forward from it. */
static inline void set_undecoded(struct dpage *p, uint32_t k) {
    p->e[k].h = p->e[k].hf = dc_labels[H_DECODE];
    p->e[k].n = 0;
    p->kind[k] = DK_UNDECODED;
    p->op[k] = H_DECODE;
    p->e[k + 1].hf = p->e[k + 1].h;   /* e[DC_WORDS] is END: its hf is h too */
}

/* Recompute `n` of entry k and of the FAST entries before it that run into it. */
static void dc_fix_run(struct dpage *p, uint32_t k) {
    for (int j = (int)k; j >= 0; j--) {
        uint16_t n;
        switch (p->kind[j]) {
        case DK_FAST: n = (uint16_t)(p->e[j + 1].n + 1); break;   /* e[DC_WORDS] is END */
        case DK_TERM: n = 1; break;
        default: n = 0; break;
        }
        if (j < (int)k && (p->kind[j] != DK_FAST || p->e[j].n == n)) return;
        p->e[j].n = n;
    }
}

/* ------------------------------------------------------------------ the decoder */

static inline uint8_t dst(uint32_t r) { return r ? REG_OFF(r) : REG_SINK; }

static int decode_r(struct dent *e, uint32_t w) {
    static const uint8_t hr[] = {
        [FUNCT_ADD] = H_ADD, [FUNCT_SUB] = H_SUB, [FUNCT_AND] = H_AND, [FUNCT_OR] = H_OR,
        [FUNCT_XOR] = H_XOR, [FUNCT_NOR] = H_NOR, [FUNCT_SLL] = H_SLL, [FUNCT_SRL] = H_SRL,
        [FUNCT_SRA] = H_SRA, [FUNCT_SLT] = H_SLT, [FUNCT_SLTU] = H_SLTU, [FUNCT_MUL] = H_MUL,
        [FUNCT_MULH] = H_MULH, [FUNCT_MULHU] = H_MULHU, [FUNCT_DIV] = H_DIV,
        [FUNCT_DIVU] = H_DIVU, [FUNCT_REM] = H_REM, [FUNCT_REMU] = H_REMU,
    };
    uint32_t f = FIELD(w, R, FUNCT);
    /* H_SLOW is 0: a gap in the table is an unknown funct, which the exact path traps */
    if (f >= sizeof hr || hr[f] == H_SLOW) return H_SLOW;
    e->rd = dst(FIELD(w, R, RD));
    e->rs1 = REG_OFF(FIELD(w, R, RS1));
    e->u.b.rs2 = REG_OFF(FIELD(w, R, RS2));
    return hr[f];
}

/* A CSR instruction block_run can do itself: a plain CSR (internal.h) in the host
 * copies or ring -1 registers, not cycle/cycleh (block_run's cycle is in a local).
 * The exact path's checks that do not depend on the ring are done here: encoding,
 * known CSR, no write to a read-only one; the ring check is the handler's. */
static int decode_csr(struct dent *e, uint32_t w, uint32_t op) {
    uint32_t mk = op == OP_CSRRW ? MASK_CSRRW : (op == OP_CSRRS ? MASK_CSRRS : MASK_CSRRC);
    uint32_t mt = op == OP_CSRRW ? MATCH_CSRRW : (op == OP_CSRRS ? MATCH_CSRRS : MATCH_CSRRC);
    if ((w & mk) != mt) return H_SLOW;
    uint32_t n = FIELD(w, C, IMM), rs1 = FIELD(w, C, RS1);
    int ro, banked;
    int cr = csr_ring(n, &ro, &banked);
    int writes = op == OP_CSRRW || rs1 != 0;
    if (cr == NO_CSR || (ro && writes) || n == CSR_CYCLE || n == CSR_CYCLEH) return H_SLOW;
    uint32_t widx, off;
    if (banked) {          /* reads of status/ipend are computed, writes have effects */
        if (n == CSR_STATUS || n == CSR_IPEND) return H_SLOW;
        if (writes && (n == CSR_ASID || n == CSR_IENABLE)) return H_SLOW;
        widx = BANK(n);
        off = (uint32_t)(offsetof(struct rv_cpu, hcsr) + 4 * BANK(n));
    } else if (n >= CSR_HYP_FIRST && n < CSR_HYP_FIRST + CSR_HYP_COUNT) {
        if (n == CSR_HSTATUS) return H_SLOW;   /* reads compute RING, writes have effects */
        if (writes && (n == CSR_HCTL || n == CSR_HVMID || n == CSR_HBASE || n == CSR_HLIMIT))
            return H_SLOW;
        widx = CSR_BANK_COUNT + HYP(n);
        off = (uint32_t)(offsetof(struct rv_cpu, xcsr) + 4 * HYP(n));
    } else {
        return H_SLOW;     /* the g<name> aliases */
    }
    if (writes && dc_csr_wmask[widx] == 0) return H_SLOW;   /* csr.c: the write is ignored */
    e->rd = dst(FIELD(w, C, RD));
    e->rs1 = REG_OFF(rs1);
    e->u.csr.off = (uint16_t)off;
    e->u.csr.ring = (int8_t)cr;
    e->u.csr.widx = (uint8_t)widx;
    if (!writes) return H_CSRR;
    return op == OP_CSRRW ? H_CSRW : (op == OP_CSRRS ? H_CSRS : H_CSRC);
}

/* Decode word w at index k of its page into e; returns the handler (H_SLOW: leave it
 * to the exact path). The checks are the exact path's (interp.c), op by op. */
static int decode(struct dent *e, uint32_t w, uint32_t k) {
    uint32_t op = w >> FIELD_R_OP_SHIFT;
    e->u.imm = 0;
    e->rd = REG_SINK;
    e->rs1 = REG_OFF(0);
    switch (op) {
    case OP_ADD:
        return decode_r(e, w);
#define ALUI(OPC, H, IMM)                                                                 \
    case OPC:                                                                             \
        e->rd = dst(FIELD(w, I, RD)); e->rs1 = REG_OFF(FIELD(w, I, RS1)); e->u.imm = (IMM); \
        return H;
    ALUI(OP_ADDI, H_ADDI, SEXT16(w))
    ALUI(OP_SLTI, H_SLTI, SEXT16(w))
    ALUI(OP_SLTIU, H_SLTIU, SEXT16(w))
    ALUI(OP_ANDI, H_ANDI, FIELD(w, I, IMM))
    ALUI(OP_ORI, H_ORI, FIELD(w, I, IMM))
    ALUI(OP_XORI, H_XORI, FIELD(w, I, IMM))
#undef ALUI
    case OP_LUI:   /* rd = imm << 16, as ori rd, r0, imm << 16 */
        if ((w & MASK_LUI) != MATCH_LUI) return H_SLOW;
        e->rd = dst(FIELD(w, I, RD)); e->u.imm = FIELD(w, I, IMM) << 16;
        return H_ORI;
#define SHIFT(OPC, NAME)                                                                  \
    case OPC:                                                                             \
        if ((w & MASK_##NAME) != MATCH_##NAME) return H_SLOW;                             \
        e->rd = dst(FIELD(w, SH, RD)); e->rs1 = REG_OFF(FIELD(w, SH, RS1));               \
        e->u.imm = FIELD(w, SH, IMM);                                                     \
        return H_##NAME;
    SHIFT(OP_SLLI, SLLI)
    SHIFT(OP_SRLI, SRLI)
    SHIFT(OP_SRAI, SRAI)
#undef SHIFT
#define LOAD(OPC, H)                                                                      \
    case OPC:                                                                             \
        e->rd = dst(FIELD(w, I, RD)); e->rs1 = REG_OFF(FIELD(w, I, RS1)); e->u.imm = SEXT16(w); \
        return H;
    LOAD(OP_LW, H_LW)
    LOAD(OP_LB, H_LB)
    LOAD(OP_LBU, H_LBU)
    LOAD(OP_LH, H_LH)
    LOAD(OP_LHU, H_LHU)
#undef LOAD
#define STORE(OPC, H)                                                                     \
    case OPC:                                                                             \
        e->rd = REG_OFF(FIELD(w, S, RS2)); e->rs1 = REG_OFF(FIELD(w, S, RS1));            \
        e->u.imm = SEXT16(w);                                                             \
        return H;
    STORE(OP_SW, H_SW)
    STORE(OP_SB, H_SB)
    STORE(OP_SH, H_SH)
#undef STORE
#define BRANCH(OPC, NAME)                                                                 \
    case OPC: {                                                                           \
        int16_t off = (int16_t)FIELD(w, B, IMM);                                          \
        e->rs1 = REG_OFF(FIELD(w, B, RS1)); e->u.b.rs2 = REG_OFF(FIELD(w, B, RS2));       \
        if ((int32_t)k + off >= 0 && (int32_t)k + off < (int32_t)DC_WORDS) {              \
            e->u.b.off = (int16_t)(off * (int32_t)sizeof(struct dent));                   \
            return H_##NAME##_L;                                                          \
        }                                                                                 \
        e->u.b.off = off;                                                                 \
        return H_##NAME##_F;                                                              \
    }
    BRANCH(OP_BEQ, BEQ)
    BRANCH(OP_BNE, BNE)
    BRANCH(OP_BLT, BLT)
    BRANCH(OP_BGE, BGE)
    BRANCH(OP_BLTU, BLTU)
    BRANCH(OP_BGEU, BGEU)
#undef BRANCH
    case OP_J: case OP_JAL: {
        uint32_t off = FIELD(w, J, IMM);
        int32_t woff = (int32_t)(off << (32 - IMM_JOFF26_BITS)) >> (32 - IMM_JOFF26_BITS);
        int jal = op == OP_JAL;
        if ((int32_t)k + woff >= 0 && (int32_t)k + woff < (int32_t)DC_WORDS) {
            e->u.j.off = (int16_t)(woff * (int32_t)sizeof(struct dent));
            e->u.j.link = (uint16_t)(4 * (k + 1));
            return jal ? H_JAL_L : H_J_L;
        }
        e->u.imm = (uint32_t)woff << 2;
        return jal ? H_JAL_F : H_J_F;
    }
    case OP_JALR:
        e->rd = dst(FIELD(w, I, RD)); e->rs1 = REG_OFF(FIELD(w, I, RS1)); e->u.imm = SEXT16(w);
        return H_JALR;
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
        return decode_csr(e, w, op);
    case OP_SYSCALL:   /* those of the group system calls and TLB refills run every time */
        if ((w & MASK_SYSCALL) == MATCH_SYSCALL) return H_SYSCALL;
        if ((w & MASK_RFE) == MATCH_RFE) return H_RFE;
        if ((w & MASK_TLBWI) == MATCH_TLBWI) return H_TLBWI;
        if ((w & MASK_TLBWR) == MATCH_TLBWR) return H_TLBWR;
        return H_SLOW;
    default:
        return H_SLOW;
    }
}

static const uint8_t kind_of[H_COUNT] = {
#define H_KIND(name, kind, fw, prod) [H_##name] = kind,
    RV_HANDLER_LIST(H_KIND)
#undef H_KIND
};
static const uint8_t fw_of[H_COUNT] = {
#define H_FW(name, kind, fw, prod) [H_##name] = fw,
    RV_HANDLER_LIST(H_FW)
#undef H_FW
};
static const uint8_t prod_of[H_COUNT] = {
#define H_PROD(name, kind, fw, prod) [H_##name] = prod,
    RV_HANDLER_LIST(H_PROD)
#undef H_PROD
};

/* Choose how the block runs into entry k (hf): the variant of its handler that takes
 * the operands its predecessor produced from acc (internal.h, forwarding), or h. */
static void set_fwd(struct dpage *p, uint32_t k) {
    struct dent *e = &p->e[k];
    int h = p->op[k], fw = p->kind[k] == DK_UNDECODED ? FW_NONE : fw_of[h], v = 0;
    if (fw != FW_NONE && k > 0 && p->kind[k - 1] == DK_FAST && prod_of[p->op[k - 1]]) {
        uint8_t prd = p->e[k - 1].rd;   /* REG_SINK for r0: no operand is at that offset */
        v = e->rs1 == prd;
        if (fw == FW_AB && e->u.b.rs2 == prd) v |= 2;
        if (fw == FW_AS && e->rd == prd) v |= 2;
    }
    e->hf = dc_labels[h + v];   /* variants follow their handler: _F1, _F2, _F12 */
}

/* Decode from entry k to the end of its block (block_run reached k undecoded). */
void dc_decode_run(struct dpage *p, uint32_t k, const uint8_t *ram_page) {
    uint32_t j = k;
    while (j < DC_WORDS && p->kind[j] == DK_UNDECODED) {
        int h = decode(&p->e[j], ld32(ram_page + 4 * j), j);
        int kind = kind_of[h];
        p->e[j].h = dc_labels[h];
        p->kind[j] = (uint8_t)kind;
        p->op[j] = (uint8_t)h;
        j++;
        if (kind != DK_FAST) break;
    }
    dc_fix_run(p, j - 1);
    for (uint32_t i = k; i <= j && i < DC_WORDS; i++) set_fwd(p, i);
}

/* ------------------------------------------------------------------ pages */

/* Drop every CPU's cached store translation of host page `page` (it becomes code). */
static void drop_store_translations(struct machine *m, uintptr_t page) {
    for (int i = 0; i < m->ncpus; i++) {
        struct rv_cpu *c = &m->cpus[i];
        for (int s = 0; s < RV_TC_SETS; s++) {
            if (!(c->tcused & (1u << s))) continue;
            struct rv_tc *t = c->tcs[s][RV_ACC_STORE];
            for (int j = 0; j < RV_TC_SIZE; j++)
                if (t[j].tag != TC_EMPTY && t[j].off + t[j].tag == page) t[j].tag = TC_EMPTY;
        }
    }
}

/* Compare page p with RAM: every word that changed behind the engine's back (Python
 * wrote it) goes back to undecoded. */
static void verify(struct machine *m, struct dpage *p) {
    const uint8_t *ram_page = m->ram + ((size_t)p->ppn << PAGE_BITS);
    if (memcmp(p->raw, ram_page, PAGE_SIZE) != 0) {
        for (uint32_t k = 0; k < DC_WORDS; k++) {
            uint32_t w = ld32(ram_page + 4 * k);
            if (w == p->raw[k]) continue;
            p->raw[k] = w;
            if (p->kind[k] != DK_UNDECODED) { set_undecoded(p, k); dc_fix_run(p, k); }
        }
    }
    p->epoch = m->dc->epoch;
}

NOINLINE struct dpage *dc_page_slow(struct machine *m, uint32_t ppn) {
    struct dcache *d = m->dc;
    if (ppn >= d->npages || !m->ram) return NULL;
    if (d->map[ppn]) {   /* decoded, not yet compared with RAM in this run */
        struct dpage *p = d->slot[d->map[ppn] - 1];
        verify(m, p);
        return p;
    }
    if (d->used == DC_MAX_PAGES) dc_flush(m);
    struct dpage *p = d->slot[d->used];
    if (!p) {
        p = malloc(sizeof *p);
        if (!p) return NULL;   /* out of host memory: the exact path still works */
        d->slot[d->used] = p;
    }
    const uint8_t *ram_page = m->ram + ((size_t)ppn << PAGE_BITS);
    p->e[DC_WORDS].h = p->e[DC_WORDS].hf = dc_labels[H_END];
    p->e[DC_WORDS].n = 0;
    for (uint32_t k = 0; k < DC_WORDS; k++) set_undecoded(p, k);
    memcpy(p->raw, ram_page, PAGE_SIZE);
    p->ppn = ppn;
    p->epoch = d->epoch;
    d->map[ppn] = (uint16_t)(++d->used);
    drop_store_translations(m, (uintptr_t)ram_page);
    return p;
}

/* The engine stored to host-physical pa, on a code page: the word is undecoded again. */
NOINLINE void dc_write(struct machine *m, uint32_t pa) {
    struct dcache *d = m->dc;
    struct dpage *p = d->slot[d->map[pa >> PAGE_BITS] - 1];
    uint32_t k = (pa & PAGE_MASK) >> 2;
    p->raw[k] = ld32(m->ram + (pa & ~3u));
    if (p->kind[k] != DK_UNDECODED) { set_undecoded(p, k); dc_fix_run(p, k); }
}
