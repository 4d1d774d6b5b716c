/* GENERATED from isa/ringvm.toml by `python -m ringvm.isa` -- do not edit. */
#ifndef RINGVM_ISA_GEN_H
#define RINGVM_ISA_GEN_H

/* ---- machine shape */
#define ISA_WORD_BITS 32
#define PAGE_BITS 12
#define PAGE_SIZE 0x1000u
#define PAGE_MASK 0xFFFu
#define ELF_MACHINE 0x5256u
#define ELF_FLAG_BOOT_HYPERVISOR 1
#define REG_COUNT 32
#define REG_LINK 1
#define RING_MOST_PRIVILEGED (-1)
#define RING_LEAST_PRIVILEGED (3)
#define RING_HYPERVISOR (-1)
#define RING_KERNEL (0)
#define RING_COUNT 5

/* ---- instruction formats: FIELD_<format>_<field>_SHIFT / _WIDTH */
#define FIELD_R_OP_SHIFT 26
#define FIELD_R_OP_WIDTH 6
#define FIELD_R_RD_SHIFT 21
#define FIELD_R_RD_WIDTH 5
#define FIELD_R_RS1_SHIFT 16
#define FIELD_R_RS1_WIDTH 5
#define FIELD_R_RS2_SHIFT 11
#define FIELD_R_RS2_WIDTH 5
#define FIELD_R_FUNCT_SHIFT 0
#define FIELD_R_FUNCT_WIDTH 11
#define FIELD_I_OP_SHIFT 26
#define FIELD_I_OP_WIDTH 6
#define FIELD_I_RD_SHIFT 21
#define FIELD_I_RD_WIDTH 5
#define FIELD_I_RS1_SHIFT 16
#define FIELD_I_RS1_WIDTH 5
#define FIELD_I_IMM_SHIFT 0
#define FIELD_I_IMM_WIDTH 16
#define FIELD_S_OP_SHIFT 26
#define FIELD_S_OP_WIDTH 6
#define FIELD_S_RS2_SHIFT 21
#define FIELD_S_RS2_WIDTH 5
#define FIELD_S_RS1_SHIFT 16
#define FIELD_S_RS1_WIDTH 5
#define FIELD_S_IMM_SHIFT 0
#define FIELD_S_IMM_WIDTH 16
#define FIELD_B_OP_SHIFT 26
#define FIELD_B_OP_WIDTH 6
#define FIELD_B_RS1_SHIFT 21
#define FIELD_B_RS1_WIDTH 5
#define FIELD_B_RS2_SHIFT 16
#define FIELD_B_RS2_WIDTH 5
#define FIELD_B_IMM_SHIFT 0
#define FIELD_B_IMM_WIDTH 16
#define FIELD_J_OP_SHIFT 26
#define FIELD_J_OP_WIDTH 6
#define FIELD_J_IMM_SHIFT 0
#define FIELD_J_IMM_WIDTH 26
#define FIELD_SH_OP_SHIFT 26
#define FIELD_SH_OP_WIDTH 6
#define FIELD_SH_RD_SHIFT 21
#define FIELD_SH_RD_WIDTH 5
#define FIELD_SH_RS1_SHIFT 16
#define FIELD_SH_RS1_WIDTH 5
#define FIELD_SH_PAD_SHIFT 5
#define FIELD_SH_PAD_WIDTH 11
#define FIELD_SH_IMM_SHIFT 0
#define FIELD_SH_IMM_WIDTH 5
#define FIELD_C_OP_SHIFT 26
#define FIELD_C_OP_WIDTH 6
#define FIELD_C_RD_SHIFT 21
#define FIELD_C_RD_WIDTH 5
#define FIELD_C_RS1_SHIFT 16
#define FIELD_C_RS1_WIDTH 5
#define FIELD_C_PAD_SHIFT 12
#define FIELD_C_PAD_WIDTH 4
#define FIELD_C_IMM_SHIFT 0
#define FIELD_C_IMM_WIDTH 12

/* ---- immediates */
#define IMM_SIMM16_BITS 16
#define IMM_UIMM16_BITS 16
#define IMM_SHAMT5_BITS 5
#define IMM_BOFF16_BITS 16
#define IMM_JOFF26_BITS 26
#define IMM_CSR12_BITS 12

/* ---- instructions: OP_/FUNCT_ (fixed fields), MASK_/MATCH_ (decode pair),
        RING_ (least privileged ring allowed), EXITCTL_ (hctl mask that makes it
        a VM exit in guest ring 0, 0 = none), SENSITIVE_ */
/* add (R, alu): rd = rs1 + rs2 (wraps modulo 2^32) */
#define OP_ADD 0x0u
#define FUNCT_ADD 0x0u
#define MASK_ADD 0xFC0007FFu
#define MATCH_ADD 0x0u
#define RING_ADD (3)
#define EXITCTL_ADD 0u
#define SENSITIVE_ADD 0
/* sub (R, alu): rd = rs1 - rs2 (wraps modulo 2^32) */
#define OP_SUB 0x0u
#define FUNCT_SUB 0x1u
#define MASK_SUB 0xFC0007FFu
#define MATCH_SUB 0x1u
#define RING_SUB (3)
#define EXITCTL_SUB 0u
#define SENSITIVE_SUB 0
/* and (R, alu): rd = rs1 & rs2 */
#define OP_AND 0x0u
#define FUNCT_AND 0x2u
#define MASK_AND 0xFC0007FFu
#define MATCH_AND 0x2u
#define RING_AND (3)
#define EXITCTL_AND 0u
#define SENSITIVE_AND 0
/* or (R, alu): rd = rs1 | rs2 */
#define OP_OR 0x0u
#define FUNCT_OR 0x3u
#define MASK_OR 0xFC0007FFu
#define MATCH_OR 0x3u
#define RING_OR (3)
#define EXITCTL_OR 0u
#define SENSITIVE_OR 0
/* xor (R, alu): rd = rs1 ^ rs2 */
#define OP_XOR 0x0u
#define FUNCT_XOR 0x4u
#define MASK_XOR 0xFC0007FFu
#define MATCH_XOR 0x4u
#define RING_XOR (3)
#define EXITCTL_XOR 0u
#define SENSITIVE_XOR 0
/* nor (R, alu): rd = ~(rs1 | rs2) */
#define OP_NOR 0x0u
#define FUNCT_NOR 0x5u
#define MASK_NOR 0xFC0007FFu
#define MATCH_NOR 0x5u
#define RING_NOR (3)
#define EXITCTL_NOR 0u
#define SENSITIVE_NOR 0
/* sll (R, alu): rd = rs1 << (rs2 & 31) */
#define OP_SLL 0x0u
#define FUNCT_SLL 0x6u
#define MASK_SLL 0xFC0007FFu
#define MATCH_SLL 0x6u
#define RING_SLL (3)
#define EXITCTL_SLL 0u
#define SENSITIVE_SLL 0
/* srl (R, alu): rd = rs1 >> (rs2 & 31), zero-filling */
#define OP_SRL 0x0u
#define FUNCT_SRL 0x7u
#define MASK_SRL 0xFC0007FFu
#define MATCH_SRL 0x7u
#define RING_SRL (3)
#define EXITCTL_SRL 0u
#define SENSITIVE_SRL 0
/* sra (R, alu): rd = rs1 >> (rs2 & 31), sign-filling */
#define OP_SRA 0x0u
#define FUNCT_SRA 0x8u
#define MASK_SRA 0xFC0007FFu
#define MATCH_SRA 0x8u
#define RING_SRA (3)
#define EXITCTL_SRA 0u
#define SENSITIVE_SRA 0
/* slt (R, alu): rd = 1 if rs1 < rs2 (signed) else 0 */
#define OP_SLT 0x0u
#define FUNCT_SLT 0x9u
#define MASK_SLT 0xFC0007FFu
#define MATCH_SLT 0x9u
#define RING_SLT (3)
#define EXITCTL_SLT 0u
#define SENSITIVE_SLT 0
/* sltu (R, alu): rd = 1 if rs1 < rs2 (unsigned) else 0 */
#define OP_SLTU 0x0u
#define FUNCT_SLTU 0xAu
#define MASK_SLTU 0xFC0007FFu
#define MATCH_SLTU 0xAu
#define RING_SLTU (3)
#define EXITCTL_SLTU 0u
#define SENSITIVE_SLTU 0
/* mul (R, alu): rd = low 32 bits of rs1 * rs2 */
#define OP_MUL 0x0u
#define FUNCT_MUL 0xBu
#define MASK_MUL 0xFC0007FFu
#define MATCH_MUL 0xBu
#define RING_MUL (3)
#define EXITCTL_MUL 0u
#define SENSITIVE_MUL 0
/* mulh (R, alu): rd = high 32 bits of rs1 * rs2 (signed x signed) */
#define OP_MULH 0x0u
#define FUNCT_MULH 0xCu
#define MASK_MULH 0xFC0007FFu
#define MATCH_MULH 0xCu
#define RING_MULH (3)
#define EXITCTL_MULH 0u
#define SENSITIVE_MULH 0
/* mulhu (R, alu): rd = high 32 bits of rs1 * rs2 (unsigned x unsigned) */
#define OP_MULHU 0x0u
#define FUNCT_MULHU 0xDu
#define MASK_MULHU 0xFC0007FFu
#define MATCH_MULHU 0xDu
#define RING_MULHU (3)
#define EXITCTL_MULHU 0u
#define SENSITIVE_MULHU 0
/* div (R, alu): rd = rs1 / rs2 signed, rounding toward zero; x/0 = -1; INT_MIN/-1 = INT_MIN */
#define OP_DIV 0x0u
#define FUNCT_DIV 0xEu
#define MASK_DIV 0xFC0007FFu
#define MATCH_DIV 0xEu
#define RING_DIV (3)
#define EXITCTL_DIV 0u
#define SENSITIVE_DIV 0
/* divu (R, alu): rd = rs1 / rs2 unsigned; x/0 = 0xFFFFFFFF */
#define OP_DIVU 0x0u
#define FUNCT_DIVU 0xFu
#define MASK_DIVU 0xFC0007FFu
#define MATCH_DIVU 0xFu
#define RING_DIVU (3)
#define EXITCTL_DIVU 0u
#define SENSITIVE_DIVU 0
/* rem (R, alu): rd = rs1 % rs2 signed (sign of dividend); x%0 = x; INT_MIN%-1 = 0 */
#define OP_REM 0x0u
#define FUNCT_REM 0x10u
#define MASK_REM 0xFC0007FFu
#define MATCH_REM 0x10u
#define RING_REM (3)
#define EXITCTL_REM 0u
#define SENSITIVE_REM 0
/* remu (R, alu): rd = rs1 % rs2 unsigned; x%0 = x */
#define OP_REMU 0x0u
#define FUNCT_REMU 0x11u
#define MASK_REMU 0xFC0007FFu
#define MATCH_REMU 0x11u
#define RING_REMU (3)
#define EXITCTL_REMU 0u
#define SENSITIVE_REMU 0
/* addi (I, alui): rd = rs1 + sext(imm) */
#define OP_ADDI 0xCu
#define MASK_ADDI 0xFC000000u
#define MATCH_ADDI 0x30000000u
#define RING_ADDI (3)
#define EXITCTL_ADDI 0u
#define SENSITIVE_ADDI 0
/* slti (I, alui): rd = 1 if rs1 < sext(imm) (signed) else 0 */
#define OP_SLTI 0xDu
#define MASK_SLTI 0xFC000000u
#define MATCH_SLTI 0x34000000u
#define RING_SLTI (3)
#define EXITCTL_SLTI 0u
#define SENSITIVE_SLTI 0
/* sltiu (I, alui): rd = 1 if rs1 < sext(imm) (both unsigned) else 0 */
#define OP_SLTIU 0xEu
#define MASK_SLTIU 0xFC000000u
#define MATCH_SLTIU 0x38000000u
#define RING_SLTIU (3)
#define EXITCTL_SLTIU 0u
#define SENSITIVE_SLTIU 0
/* andi (I, alui): rd = rs1 & zext(imm) */
#define OP_ANDI 0xFu
#define MASK_ANDI 0xFC000000u
#define MATCH_ANDI 0x3C000000u
#define RING_ANDI (3)
#define EXITCTL_ANDI 0u
#define SENSITIVE_ANDI 0
/* ori (I, alui): rd = rs1 | zext(imm) */
#define OP_ORI 0x10u
#define MASK_ORI 0xFC000000u
#define MATCH_ORI 0x40000000u
#define RING_ORI (3)
#define EXITCTL_ORI 0u
#define SENSITIVE_ORI 0
/* xori (I, alui): rd = rs1 ^ zext(imm) */
#define OP_XORI 0x11u
#define MASK_XORI 0xFC000000u
#define MATCH_XORI 0x44000000u
#define RING_XORI (3)
#define EXITCTL_XORI 0u
#define SENSITIVE_XORI 0
/* slli (SH, alui): rd = rs1 << imm */
#define OP_SLLI 0x12u
#define MASK_SLLI 0xFC00FFE0u
#define MATCH_SLLI 0x48000000u
#define RING_SLLI (3)
#define EXITCTL_SLLI 0u
#define SENSITIVE_SLLI 0
/* srli (SH, alui): rd = rs1 >> imm, zero-filling */
#define OP_SRLI 0x13u
#define MASK_SRLI 0xFC00FFE0u
#define MATCH_SRLI 0x4C000000u
#define RING_SRLI (3)
#define EXITCTL_SRLI 0u
#define SENSITIVE_SRLI 0
/* srai (SH, alui): rd = rs1 >> imm, sign-filling */
#define OP_SRAI 0x14u
#define MASK_SRAI 0xFC00FFE0u
#define MATCH_SRAI 0x50000000u
#define RING_SRAI (3)
#define EXITCTL_SRAI 0u
#define SENSITIVE_SRAI 0
/* lui (I, alui): rd = imm << 16 */
#define OP_LUI 0xBu
#define MASK_LUI 0xFC1F0000u
#define MATCH_LUI 0x2C000000u
#define RING_LUI (3)
#define EXITCTL_LUI 0u
#define SENSITIVE_LUI 0
/* lb (I, load): rd = sext(mem8[rs1 + sext(imm)]) */
#define OP_LB 0x18u
#define MASK_LB 0xFC000000u
#define MATCH_LB 0x60000000u
#define RING_LB (3)
#define EXITCTL_LB 0u
#define SENSITIVE_LB 0
/* lh (I, load): rd = sext(mem16[rs1 + sext(imm)]); address must be 2-aligned */
#define OP_LH 0x19u
#define MASK_LH 0xFC000000u
#define MATCH_LH 0x64000000u
#define RING_LH (3)
#define EXITCTL_LH 0u
#define SENSITIVE_LH 0
/* lw (I, load): rd = mem32[rs1 + sext(imm)]; address must be 4-aligned */
#define OP_LW 0x1Au
#define MASK_LW 0xFC000000u
#define MATCH_LW 0x68000000u
#define RING_LW (3)
#define EXITCTL_LW 0u
#define SENSITIVE_LW 0
/* lbu (I, load): rd = zext(mem8[rs1 + sext(imm)]) */
#define OP_LBU 0x1Bu
#define MASK_LBU 0xFC000000u
#define MATCH_LBU 0x6C000000u
#define RING_LBU (3)
#define EXITCTL_LBU 0u
#define SENSITIVE_LBU 0
/* lhu (I, load): rd = zext(mem16[rs1 + sext(imm)]); address must be 2-aligned */
#define OP_LHU 0x1Cu
#define MASK_LHU 0xFC000000u
#define MATCH_LHU 0x70000000u
#define RING_LHU (3)
#define EXITCTL_LHU 0u
#define SENSITIVE_LHU 0
/* sb (S, store): mem8[rs1 + sext(imm)] = rs2 & 0xFF */
#define OP_SB 0x1Du
#define MASK_SB 0xFC000000u
#define MATCH_SB 0x74000000u
#define RING_SB (3)
#define EXITCTL_SB 0u
#define SENSITIVE_SB 0
/* sh (S, store): mem16[rs1 + sext(imm)] = rs2 & 0xFFFF; address must be 2-aligned */
#define OP_SH 0x1Eu
#define MASK_SH 0xFC000000u
#define MATCH_SH 0x78000000u
#define RING_SH (3)
#define EXITCTL_SH 0u
#define SENSITIVE_SH 0
/* sw (S, store): mem32[rs1 + sext(imm)] = rs2; address must be 4-aligned */
#define OP_SW 0x1Fu
#define MASK_SW 0xFC000000u
#define MATCH_SW 0x7C000000u
#define RING_SW (3)
#define EXITCTL_SW 0u
#define SENSITIVE_SW 0
/* cas (R, atomic): atomically: old = mem32[rs1]; if old == rd then mem32[rs1] = rs2; rd = old */
#define OP_CAS 0x20u
#define FUNCT_CAS 0x0u
#define MASK_CAS 0xFC0007FFu
#define MATCH_CAS 0x80000000u
#define RING_CAS (3)
#define EXITCTL_CAS 0u
#define SENSITIVE_CAS 0
/* beq (B, branch): if rs1 == rs2: pc = pc + 4*sext(imm) */
#define OP_BEQ 0x4u
#define MASK_BEQ 0xFC000000u
#define MATCH_BEQ 0x10000000u
#define RING_BEQ (3)
#define EXITCTL_BEQ 0u
#define SENSITIVE_BEQ 0
/* bne (B, branch): if rs1 != rs2: pc = pc + 4*sext(imm) */
#define OP_BNE 0x5u
#define MASK_BNE 0xFC000000u
#define MATCH_BNE 0x14000000u
#define RING_BNE (3)
#define EXITCTL_BNE 0u
#define SENSITIVE_BNE 0
/* blt (B, branch): if rs1 < rs2 (signed): pc = pc + 4*sext(imm) */
#define OP_BLT 0x6u
#define MASK_BLT 0xFC000000u
#define MATCH_BLT 0x18000000u
#define RING_BLT (3)
#define EXITCTL_BLT 0u
#define SENSITIVE_BLT 0
/* bge (B, branch): if rs1 >= rs2 (signed): pc = pc + 4*sext(imm) */
#define OP_BGE 0x7u
#define MASK_BGE 0xFC000000u
#define MATCH_BGE 0x1C000000u
#define RING_BGE (3)
#define EXITCTL_BGE 0u
#define SENSITIVE_BGE 0
/* bltu (B, branch): if rs1 < rs2 (unsigned): pc = pc + 4*sext(imm) */
#define OP_BLTU 0x8u
#define MASK_BLTU 0xFC000000u
#define MATCH_BLTU 0x20000000u
#define RING_BLTU (3)
#define EXITCTL_BLTU 0u
#define SENSITIVE_BLTU 0
/* bgeu (B, branch): if rs1 >= rs2 (unsigned): pc = pc + 4*sext(imm) */
#define OP_BGEU 0x9u
#define MASK_BGEU 0xFC000000u
#define MATCH_BGEU 0x24000000u
#define RING_BGEU (3)
#define EXITCTL_BGEU 0u
#define SENSITIVE_BGEU 0
/* j (J, jump): pc = pc + 4*sext(imm) */
#define OP_J 0x2u
#define MASK_J 0xFC000000u
#define MATCH_J 0x8000000u
#define RING_J (3)
#define EXITCTL_J 0u
#define SENSITIVE_J 0
/* jal (J, jump): ra = pc + 4; pc = pc + 4*sext(imm) */
#define OP_JAL 0x3u
#define MASK_JAL 0xFC000000u
#define MATCH_JAL 0xC000000u
#define RING_JAL (3)
#define EXITCTL_JAL 0u
#define SENSITIVE_JAL 0
/* jalr (I, jump): t = rs1 + sext(imm); rd = pc + 4; pc = t (a misaligned t traps at the fetch) */
#define OP_JALR 0xAu
#define MASK_JALR 0xFC000000u
#define MATCH_JALR 0x28000000u
#define RING_JALR (3)
#define EXITCTL_JALR 0u
#define SENSITIVE_JALR 0
/* syscall (R, system): trap with cause SYSCALL to ring 0 (EPC = this instruction) */
#define OP_SYSCALL 0x1u
#define FUNCT_SYSCALL 0x1u
#define MASK_SYSCALL 0xFFFFFFFFu
#define MATCH_SYSCALL 0x4000001u
#define RING_SYSCALL (3)
#define EXITCTL_SYSCALL 0u
#define SENSITIVE_SYSCALL 0
/* hcall (R, system): hypercall: in a guest, VM exit HYPERCALL; otherwise trap with cause HYPERCALL */
#define OP_HCALL 0x1u
#define FUNCT_HCALL 0x2u
#define MASK_HCALL 0xFFFFFFFFu
#define MATCH_HCALL 0x4000002u
#define RING_HCALL (3)
#define EXITCTL_HCALL 0u
#define SENSITIVE_HCALL 1
/* break (R, system): trap with cause BREAKPOINT */
#define OP_BREAK 0x1u
#define FUNCT_BREAK 0x3u
#define MASK_BREAK 0xFFFFFFFFu
#define MATCH_BREAK 0x4000003u
#define RING_BREAK (3)
#define EXITCTL_BREAK 0u
#define SENSITIVE_BREAK 0
/* rfe (R, system): return from trap: pc = epc, ring = status.PRING, IE = status.PIE (ring -1: from hepc/hstatus, entering the guest if hstatus.PV) */
#define OP_RFE 0x1u
#define FUNCT_RFE 0x4u
#define MASK_RFE 0xFFFFFFFFu
#define MATCH_RFE 0x4000004u
#define RING_RFE (0)
#define EXITCTL_RFE HCTL_PRIV
#define SENSITIVE_RFE 1
/* wfi (R, system): wait until an enabled interrupt is pending (idle cycles still count) */
#define OP_WFI 0x1u
#define FUNCT_WFI 0x5u
#define MASK_WFI 0xFFFFFFFFu
#define MATCH_WFI 0x4000005u
#define RING_WFI (0)
#define EXITCTL_WFI HCTL_WFI
#define SENSITIVE_WFI 1
/* vmenter (R, system): VM entry: set hstatus.PV, then return from trap into the guest at hepc, ring hstatus.PRING */
#define OP_VMENTER 0x1u
#define FUNCT_VMENTER 0x6u
#define MASK_VMENTER 0xFFFFFFFFu
#define MATCH_VMENTER 0x4000006u
#define RING_VMENTER (-1)
#define EXITCTL_VMENTER 0u
#define SENSITIVE_VMENTER 1
/* tlbwi (R, tlb): TLB[tlbidx mod N] = (tlbhi, tlblo, VMID of the writer) */
#define OP_TLBWI 0x1u
#define FUNCT_TLBWI 0x10u
#define MASK_TLBWI 0xFFFFFFFFu
#define MATCH_TLBWI 0x4000010u
#define RING_TLBWI (0)
#define EXITCTL_TLBWI HCTL_TLB
#define SENSITIVE_TLBWI 1
/* tlbwr (R, tlb): TLB[random index >= wired] = (tlbhi, tlblo, VMID of the writer) */
#define OP_TLBWR 0x1u
#define FUNCT_TLBWR 0x11u
#define MASK_TLBWR 0xFFFFFFFFu
#define MATCH_TLBWR 0x4000011u
#define RING_TLBWR (0)
#define EXITCTL_TLBWR HCTL_TLB
#define SENSITIVE_TLBWR 1
/* tlbr (R, tlb): tlbhi, tlblo = TLB[tlbidx mod N] (another VM's entry reads as zero) */
#define OP_TLBR 0x1u
#define FUNCT_TLBR 0x12u
#define MASK_TLBR 0xFFFFFFFFu
#define MATCH_TLBR 0x4000012u
#define RING_TLBR (0)
#define EXITCTL_TLBR HCTL_TLB
#define SENSITIVE_TLBR 1
/* tlbp (R, tlb): tlbidx = index of the entry matching tlbhi in this context, or 0x80000000 */
#define OP_TLBP 0x1u
#define FUNCT_TLBP 0x13u
#define MASK_TLBP 0xFFFFFFFFu
#define MATCH_TLBP 0x4000013u
#define RING_TLBP (0)
#define EXITCTL_TLBP HCTL_TLB
#define SENSITIVE_TLBP 1
/* tlbinv (R, tlb): invalidate every entry of the current VMID (ring -1: every entry) */
#define OP_TLBINV 0x1u
#define FUNCT_TLBINV 0x14u
#define MASK_TLBINV 0xFFFFFFFFu
#define MATCH_TLBINV 0x4000014u
#define RING_TLBINV (0)
#define EXITCTL_TLBINV HCTL_TLB
#define SENSITIVE_TLBINV 1
/* tlbinvasid (R, tlb): invalidate non-global entries of the current VMID whose ASID = rs1 & 0xFF */
#define OP_TLBINVASID 0x1u
#define FUNCT_TLBINVASID 0x15u
#define MASK_TLBINVASID 0xFFE0FFFFu
#define MATCH_TLBINVASID 0x4000015u
#define RING_TLBINVASID (0)
#define EXITCTL_TLBINVASID HCTL_TLB
#define SENSITIVE_TLBINVASID 1
/* tlbinvvmid (R, tlb): invalidate every entry whose VMID = rs1 & 0xFF */
#define OP_TLBINVVMID 0x1u
#define FUNCT_TLBINVVMID 0x16u
#define MASK_TLBINVVMID 0xFFE0FFFFu
#define MATCH_TLBINVVMID 0x4000016u
#define RING_TLBINVVMID (-1)
#define EXITCTL_TLBINVVMID 0u
#define SENSITIVE_TLBINVVMID 1
/* getst (R, system): rd = status, including the current ring. Unprivileged yet sensitive (like x86 pushf/smsw) */
#define OP_GETST 0x1u
#define FUNCT_GETST 0x20u
#define MASK_GETST 0xFC1FFFFFu
#define MATCH_GETST 0x4000020u
#define RING_GETST (3)
#define EXITCTL_GETST HCTL_SENS
#define SENSITIVE_GETST 1
/* csrrw (C, csr): atomically: t = csr; csr = rs1; rd = t (rd = zero skips the read side effects) */
#define OP_CSRRW 0x21u
#define MASK_CSRRW 0xFC00F000u
#define MATCH_CSRRW 0x84000000u
#define RING_CSRRW (3)
#define EXITCTL_CSRRW HCTL_CSR
#define SENSITIVE_CSRRW 1
/* csrrs (C, csr): atomically: t = csr; if rs1 is not zero: csr = t | rs1; rd = t */
#define OP_CSRRS 0x22u
#define MASK_CSRRS 0xFC00F000u
#define MATCH_CSRRS 0x88000000u
#define RING_CSRRS (3)
#define EXITCTL_CSRRS HCTL_CSR
#define SENSITIVE_CSRRS 1
/* csrrc (C, csr): atomically: t = csr; if rs1 is not zero: csr = t & ~rs1; rd = t */
#define OP_CSRRC 0x23u
#define MASK_CSRRC 0xFC00F000u
#define MATCH_CSRRC 0x8C000000u
#define RING_CSRRC (3)
#define EXITCTL_CSRRC HCTL_CSR
#define SENSITIVE_CSRRC 1

/* ---- control registers: CSR_<name> number, _RING, _RO (access r), _BANKED */
#define CSR_CYCLE 0x0u
#define CSR_CYCLE_RING (3)
#define CSR_CYCLE_RO 1
#define CSR_CYCLE_BANKED 0
#define CSR_CYCLEH 0x1u
#define CSR_CYCLEH_RING (3)
#define CSR_CYCLEH_RO 1
#define CSR_CYCLEH_BANKED 0
#define CSR_STATUS 0x100u
#define CSR_STATUS_RING (0)
#define CSR_STATUS_RO 0
#define CSR_STATUS_BANKED 1
#define CSR_TVEC 0x101u
#define CSR_TVEC_RING (0)
#define CSR_TVEC_RO 0
#define CSR_TVEC_BANKED 1
#define CSR_EPC 0x102u
#define CSR_EPC_RING (0)
#define CSR_EPC_RO 0
#define CSR_EPC_BANKED 1
#define CSR_CAUSE 0x103u
#define CSR_CAUSE_RING (0)
#define CSR_CAUSE_RO 0
#define CSR_CAUSE_BANKED 1
#define CSR_BADVADDR 0x104u
#define CSR_BADVADDR_RING (0)
#define CSR_BADVADDR_RO 0
#define CSR_BADVADDR_BANKED 1
#define CSR_SCRATCH 0x105u
#define CSR_SCRATCH_RING (0)
#define CSR_SCRATCH_RO 0
#define CSR_SCRATCH_BANKED 1
#define CSR_IENABLE 0x106u
#define CSR_IENABLE_RING (0)
#define CSR_IENABLE_RO 0
#define CSR_IENABLE_BANKED 1
#define CSR_IPEND 0x107u
#define CSR_IPEND_RING (0)
#define CSR_IPEND_RO 0
#define CSR_IPEND_BANKED 1
#define CSR_ASID 0x108u
#define CSR_ASID_RING (0)
#define CSR_ASID_RO 0
#define CSR_ASID_BANKED 1
#define CSR_TLBIDX 0x109u
#define CSR_TLBIDX_RING (0)
#define CSR_TLBIDX_RO 0
#define CSR_TLBIDX_BANKED 1
#define CSR_TLBHI 0x10Au
#define CSR_TLBHI_RING (0)
#define CSR_TLBHI_RO 0
#define CSR_TLBHI_BANKED 1
#define CSR_TLBLO 0x10Bu
#define CSR_TLBLO_RING (0)
#define CSR_TLBLO_RO 0
#define CSR_TLBLO_BANKED 1
#define CSR_WIRED 0x10Cu
#define CSR_WIRED_RING (0)
#define CSR_WIRED_RO 0
#define CSR_WIRED_BANKED 1
#define CSR_CPUID 0x10Du
#define CSR_CPUID_RING (0)
#define CSR_CPUID_RO 1
#define CSR_CPUID_BANKED 1
#define CSR_HSTATUS 0x200u
#define CSR_HSTATUS_RING (-1)
#define CSR_HSTATUS_RO 0
#define CSR_HSTATUS_BANKED 0
#define CSR_HVEC 0x201u
#define CSR_HVEC_RING (-1)
#define CSR_HVEC_RO 0
#define CSR_HVEC_BANKED 0
#define CSR_HEPC 0x202u
#define CSR_HEPC_RING (-1)
#define CSR_HEPC_RO 0
#define CSR_HEPC_BANKED 0
#define CSR_HCAUSE 0x203u
#define CSR_HCAUSE_RING (-1)
#define CSR_HCAUSE_RO 0
#define CSR_HCAUSE_BANKED 0
#define CSR_HBADVADDR 0x204u
#define CSR_HBADVADDR_RING (-1)
#define CSR_HBADVADDR_RO 0
#define CSR_HBADVADDR_BANKED 0
#define CSR_HSCRATCH 0x205u
#define CSR_HSCRATCH_RING (-1)
#define CSR_HSCRATCH_RO 0
#define CSR_HSCRATCH_BANKED 0
#define CSR_HCTL 0x206u
#define CSR_HCTL_RING (-1)
#define CSR_HCTL_RO 0
#define CSR_HCTL_BANKED 0
#define CSR_HVMID 0x207u
#define CSR_HVMID_RING (-1)
#define CSR_HVMID_RO 0
#define CSR_HVMID_BANKED 0
#define CSR_HBASE 0x208u
#define CSR_HBASE_RING (-1)
#define CSR_HBASE_RO 0
#define CSR_HBASE_BANKED 0
#define CSR_HLIMIT 0x209u
#define CSR_HLIMIT_RING (-1)
#define CSR_HLIMIT_RO 0
#define CSR_HLIMIT_BANKED 0
#define CSR_HGPA 0x20Au
#define CSR_HGPA_RING (-1)
#define CSR_HGPA_RO 0
#define CSR_HGPA_BANKED 0
#define CSR_HINSN 0x20Bu
#define CSR_HINSN_RING (-1)
#define CSR_HINSN_RO 0
#define CSR_HINSN_BANKED 0
#define CSR_HQUAL 0x20Cu
#define CSR_HQUAL_RING (-1)
#define CSR_HQUAL_RO 0
#define CSR_HQUAL_BANKED 0
#define CSR_TLBVMID 0x20Du
#define CSR_TLBVMID_RING (-1)
#define CSR_TLBVMID_RO 0
#define CSR_TLBVMID_BANKED 0
#define CSR_GSTATUS 0x300u
#define CSR_GSTATUS_RING (-1)
#define CSR_GSTATUS_RO 0
#define CSR_GSTATUS_BANKED 0
#define CSR_GTVEC 0x301u
#define CSR_GTVEC_RING (-1)
#define CSR_GTVEC_RO 0
#define CSR_GTVEC_BANKED 0
#define CSR_GEPC 0x302u
#define CSR_GEPC_RING (-1)
#define CSR_GEPC_RO 0
#define CSR_GEPC_BANKED 0
#define CSR_GCAUSE 0x303u
#define CSR_GCAUSE_RING (-1)
#define CSR_GCAUSE_RO 0
#define CSR_GCAUSE_BANKED 0
#define CSR_GBADVADDR 0x304u
#define CSR_GBADVADDR_RING (-1)
#define CSR_GBADVADDR_RO 0
#define CSR_GBADVADDR_BANKED 0
#define CSR_GSCRATCH 0x305u
#define CSR_GSCRATCH_RING (-1)
#define CSR_GSCRATCH_RO 0
#define CSR_GSCRATCH_BANKED 0
#define CSR_GIENABLE 0x306u
#define CSR_GIENABLE_RING (-1)
#define CSR_GIENABLE_RO 0
#define CSR_GIENABLE_BANKED 0
#define CSR_GIPEND 0x307u
#define CSR_GIPEND_RING (-1)
#define CSR_GIPEND_RO 0
#define CSR_GIPEND_BANKED 0
#define CSR_GASID 0x308u
#define CSR_GASID_RING (-1)
#define CSR_GASID_RO 0
#define CSR_GASID_BANKED 0
#define CSR_GTLBIDX 0x309u
#define CSR_GTLBIDX_RING (-1)
#define CSR_GTLBIDX_RO 0
#define CSR_GTLBIDX_BANKED 0
#define CSR_GTLBHI 0x30Au
#define CSR_GTLBHI_RING (-1)
#define CSR_GTLBHI_RO 0
#define CSR_GTLBHI_BANKED 0
#define CSR_GTLBLO 0x30Bu
#define CSR_GTLBLO_RING (-1)
#define CSR_GTLBLO_RO 0
#define CSR_GTLBLO_BANKED 0
#define CSR_GWIRED 0x30Cu
#define CSR_GWIRED_RING (-1)
#define CSR_GWIRED_RO 0
#define CSR_GWIRED_BANKED 0
#define CSR_GCPUID 0x30Du
#define CSR_GCPUID_RING (-1)
#define CSR_GCPUID_RO 0
#define CSR_GCPUID_BANKED 0
#define CSR_GUEST_ALIAS_OFFSET 0x200u
#define CSR_BANK_FIRST 0x100u
#define CSR_BANK_COUNT 14
#define CSR_HYP_FIRST 0x200u
#define CSR_HYP_COUNT 14
/* X-macro over every architectural CSR (no guest aliases):
   X(NAME, number, ring, read_only, banked) */
#define RV_CSR_LIST(X) \
    X(CYCLE, 0x0u, (3), 1, 0) \
    X(CYCLEH, 0x1u, (3), 1, 0) \
    X(STATUS, 0x100u, (0), 0, 1) \
    X(TVEC, 0x101u, (0), 0, 1) \
    X(EPC, 0x102u, (0), 0, 1) \
    X(CAUSE, 0x103u, (0), 0, 1) \
    X(BADVADDR, 0x104u, (0), 0, 1) \
    X(SCRATCH, 0x105u, (0), 0, 1) \
    X(IENABLE, 0x106u, (0), 0, 1) \
    X(IPEND, 0x107u, (0), 0, 1) \
    X(ASID, 0x108u, (0), 0, 1) \
    X(TLBIDX, 0x109u, (0), 0, 1) \
    X(TLBHI, 0x10Au, (0), 0, 1) \
    X(TLBLO, 0x10Bu, (0), 0, 1) \
    X(WIRED, 0x10Cu, (0), 0, 1) \
    X(CPUID, 0x10Du, (0), 1, 1) \
    X(HSTATUS, 0x200u, (-1), 0, 0) \
    X(HVEC, 0x201u, (-1), 0, 0) \
    X(HEPC, 0x202u, (-1), 0, 0) \
    X(HCAUSE, 0x203u, (-1), 0, 0) \
    X(HBADVADDR, 0x204u, (-1), 0, 0) \
    X(HSCRATCH, 0x205u, (-1), 0, 0) \
    X(HCTL, 0x206u, (-1), 0, 0) \
    X(HVMID, 0x207u, (-1), 0, 0) \
    X(HBASE, 0x208u, (-1), 0, 0) \
    X(HLIMIT, 0x209u, (-1), 0, 0) \
    X(HGPA, 0x20Au, (-1), 0, 0) \
    X(HINSN, 0x20Bu, (-1), 0, 0) \
    X(HQUAL, 0x20Cu, (-1), 0, 0) \
    X(TLBVMID, 0x20Du, (-1), 0, 0) \
    /* end */

/* ---- CSR fields (csr `fields`): CSR_<name>_<field>_SHIFT, _WIDTH, _MASK (in place) */
#define CSR_CAUSE_INTERRUPT_SHIFT 31
#define CSR_CAUSE_INTERRUPT_WIDTH 1
#define CSR_CAUSE_INTERRUPT_MASK 0x80000000u
#define CSR_CAUSE_CODE_SHIFT 0
#define CSR_CAUSE_CODE_WIDTH 31
#define CSR_CAUSE_CODE_MASK 0x7FFFFFFFu
#define CSR_ASID_ASID_SHIFT 0
#define CSR_ASID_ASID_WIDTH 8
#define CSR_ASID_ASID_MASK 0xFFu
#define CSR_TLBIDX_NOT_FOUND_SHIFT 31
#define CSR_TLBIDX_NOT_FOUND_WIDTH 1
#define CSR_TLBIDX_NOT_FOUND_MASK 0x80000000u
#define CSR_TLBIDX_INDEX_SHIFT 0
#define CSR_TLBIDX_INDEX_WIDTH 8
#define CSR_TLBIDX_INDEX_MASK 0xFFu
#define CSR_TLBHI_VPN_SHIFT 12
#define CSR_TLBHI_VPN_WIDTH 20
#define CSR_TLBHI_VPN_MASK 0xFFFFF000u
#define CSR_TLBHI_ASID_SHIFT 0
#define CSR_TLBHI_ASID_WIDTH 8
#define CSR_TLBHI_ASID_MASK 0xFFu
#define CSR_TLBLO_PFN_SHIFT 12
#define CSR_TLBLO_PFN_WIDTH 20
#define CSR_TLBLO_PFN_MASK 0xFFFFF000u
#define CSR_WIRED_WIRED_SHIFT 0
#define CSR_WIRED_WIRED_WIDTH 9
#define CSR_WIRED_WIRED_MASK 0x1FFu
#define CSR_HVMID_VMID_SHIFT 0
#define CSR_HVMID_VMID_WIDTH 8
#define CSR_HVMID_VMID_MASK 0xFFu
#define CSR_HBASE_BASE_SHIFT 12
#define CSR_HBASE_BASE_WIDTH 20
#define CSR_HBASE_BASE_MASK 0xFFFFF000u
#define CSR_HLIMIT_LIMIT_SHIFT 12
#define CSR_HLIMIT_LIMIT_WIDTH 20
#define CSR_HLIMIT_LIMIT_MASK 0xFFFFF000u
#define CSR_TLBVMID_VMID_SHIFT 0
#define CSR_TLBVMID_VMID_WIDTH 8
#define CSR_TLBVMID_VMID_MASK 0xFFu

/* ---- CSR writable masks (csr `writable`, `writable_host`): a write stores
        value & mask; a copy whose mask is 0 ignores writes. Banked CSRs have one
        mask per copy (_WMASK_HOST, _WMASK_GUEST; g<name> writes the guest copy),
        the others one (_WMASK). */
#define CSR_CYCLE_WMASK 0x0u
#define CSR_CYCLEH_WMASK 0x0u
#define CSR_STATUS_WMASK_HOST 0x1Fu
#define CSR_STATUS_WMASK_GUEST 0x1Fu
#define CSR_TVEC_WMASK_HOST 0xFFFFFFFFu
#define CSR_TVEC_WMASK_GUEST 0xFFFFFFFFu
#define CSR_EPC_WMASK_HOST 0xFFFFFFFFu
#define CSR_EPC_WMASK_GUEST 0xFFFFFFFFu
#define CSR_CAUSE_WMASK_HOST 0xFFFFFFFFu
#define CSR_CAUSE_WMASK_GUEST 0xFFFFFFFFu
#define CSR_BADVADDR_WMASK_HOST 0xFFFFFFFFu
#define CSR_BADVADDR_WMASK_GUEST 0xFFFFFFFFu
#define CSR_SCRATCH_WMASK_HOST 0xFFFFFFFFu
#define CSR_SCRATCH_WMASK_GUEST 0xFFFFFFFFu
#define CSR_IENABLE_WMASK_HOST 0xFFFFFFFFu
#define CSR_IENABLE_WMASK_GUEST 0xFFFFFFFFu
#define CSR_IPEND_WMASK_HOST 0x0u
#define CSR_IPEND_WMASK_GUEST 0x10u
#define CSR_ASID_WMASK_HOST 0xFFu
#define CSR_ASID_WMASK_GUEST 0xFFu
#define CSR_TLBIDX_WMASK_HOST 0x800000FFu
#define CSR_TLBIDX_WMASK_GUEST 0x800000FFu
#define CSR_TLBHI_WMASK_HOST 0xFFFFF0FFu
#define CSR_TLBHI_WMASK_GUEST 0xFFFFF0FFu
#define CSR_TLBLO_WMASK_HOST 0xFFFFF03Fu
#define CSR_TLBLO_WMASK_GUEST 0xFFFFF03Fu
#define CSR_WIRED_WMASK_HOST 0x1FFu
#define CSR_WIRED_WMASK_GUEST 0x1FFu
#define CSR_CPUID_WMASK_HOST 0x0u
#define CSR_CPUID_WMASK_GUEST 0xFFFFFFFFu
#define CSR_HSTATUS_WMASK 0x11Fu
#define CSR_HVEC_WMASK 0xFFFFFFFFu
#define CSR_HEPC_WMASK 0xFFFFFFFFu
#define CSR_HCAUSE_WMASK 0xFFFFFFFFu
#define CSR_HBADVADDR_WMASK 0xFFFFFFFFu
#define CSR_HSCRATCH_WMASK 0xFFFFFFFFu
#define CSR_HCTL_WMASK 0xFFFFFFFFu
#define CSR_HVMID_WMASK 0xFFu
#define CSR_HBASE_WMASK 0xFFFFF000u
#define CSR_HLIMIT_WMASK 0xFFFFF000u
#define CSR_HGPA_WMASK 0xFFFFFFFFu
#define CSR_HINSN_WMASK 0xFFFFFFFFu
#define CSR_HQUAL_WMASK 0xFFFFFFFFu
#define CSR_TLBVMID_WMASK 0xFFu
/* initialisers of tables indexed by number - CSR_BANK_FIRST / - CSR_HYP_FIRST */
#define CSR_BANK_WMASK_HOST_INIT { \
    [CSR_STATUS - CSR_BANK_FIRST] = CSR_STATUS_WMASK_HOST, \
    [CSR_TVEC - CSR_BANK_FIRST] = CSR_TVEC_WMASK_HOST, \
    [CSR_EPC - CSR_BANK_FIRST] = CSR_EPC_WMASK_HOST, \
    [CSR_CAUSE - CSR_BANK_FIRST] = CSR_CAUSE_WMASK_HOST, \
    [CSR_BADVADDR - CSR_BANK_FIRST] = CSR_BADVADDR_WMASK_HOST, \
    [CSR_SCRATCH - CSR_BANK_FIRST] = CSR_SCRATCH_WMASK_HOST, \
    [CSR_IENABLE - CSR_BANK_FIRST] = CSR_IENABLE_WMASK_HOST, \
    [CSR_IPEND - CSR_BANK_FIRST] = CSR_IPEND_WMASK_HOST, \
    [CSR_ASID - CSR_BANK_FIRST] = CSR_ASID_WMASK_HOST, \
    [CSR_TLBIDX - CSR_BANK_FIRST] = CSR_TLBIDX_WMASK_HOST, \
    [CSR_TLBHI - CSR_BANK_FIRST] = CSR_TLBHI_WMASK_HOST, \
    [CSR_TLBLO - CSR_BANK_FIRST] = CSR_TLBLO_WMASK_HOST, \
    [CSR_WIRED - CSR_BANK_FIRST] = CSR_WIRED_WMASK_HOST, \
    [CSR_CPUID - CSR_BANK_FIRST] = CSR_CPUID_WMASK_HOST, \
}
#define CSR_BANK_WMASK_GUEST_INIT { \
    [CSR_STATUS - CSR_BANK_FIRST] = CSR_STATUS_WMASK_GUEST, \
    [CSR_TVEC - CSR_BANK_FIRST] = CSR_TVEC_WMASK_GUEST, \
    [CSR_EPC - CSR_BANK_FIRST] = CSR_EPC_WMASK_GUEST, \
    [CSR_CAUSE - CSR_BANK_FIRST] = CSR_CAUSE_WMASK_GUEST, \
    [CSR_BADVADDR - CSR_BANK_FIRST] = CSR_BADVADDR_WMASK_GUEST, \
    [CSR_SCRATCH - CSR_BANK_FIRST] = CSR_SCRATCH_WMASK_GUEST, \
    [CSR_IENABLE - CSR_BANK_FIRST] = CSR_IENABLE_WMASK_GUEST, \
    [CSR_IPEND - CSR_BANK_FIRST] = CSR_IPEND_WMASK_GUEST, \
    [CSR_ASID - CSR_BANK_FIRST] = CSR_ASID_WMASK_GUEST, \
    [CSR_TLBIDX - CSR_BANK_FIRST] = CSR_TLBIDX_WMASK_GUEST, \
    [CSR_TLBHI - CSR_BANK_FIRST] = CSR_TLBHI_WMASK_GUEST, \
    [CSR_TLBLO - CSR_BANK_FIRST] = CSR_TLBLO_WMASK_GUEST, \
    [CSR_WIRED - CSR_BANK_FIRST] = CSR_WIRED_WMASK_GUEST, \
    [CSR_CPUID - CSR_BANK_FIRST] = CSR_CPUID_WMASK_GUEST, \
}
#define CSR_HYP_WMASK_INIT { \
    [CSR_HSTATUS - CSR_HYP_FIRST] = CSR_HSTATUS_WMASK, \
    [CSR_HVEC - CSR_HYP_FIRST] = CSR_HVEC_WMASK, \
    [CSR_HEPC - CSR_HYP_FIRST] = CSR_HEPC_WMASK, \
    [CSR_HCAUSE - CSR_HYP_FIRST] = CSR_HCAUSE_WMASK, \
    [CSR_HBADVADDR - CSR_HYP_FIRST] = CSR_HBADVADDR_WMASK, \
    [CSR_HSCRATCH - CSR_HYP_FIRST] = CSR_HSCRATCH_WMASK, \
    [CSR_HCTL - CSR_HYP_FIRST] = CSR_HCTL_WMASK, \
    [CSR_HVMID - CSR_HYP_FIRST] = CSR_HVMID_WMASK, \
    [CSR_HBASE - CSR_HYP_FIRST] = CSR_HBASE_WMASK, \
    [CSR_HLIMIT - CSR_HYP_FIRST] = CSR_HLIMIT_WMASK, \
    [CSR_HGPA - CSR_HYP_FIRST] = CSR_HGPA_WMASK, \
    [CSR_HINSN - CSR_HYP_FIRST] = CSR_HINSN_WMASK, \
    [CSR_HQUAL - CSR_HYP_FIRST] = CSR_HQUAL_WMASK, \
    [CSR_TLBVMID - CSR_HYP_FIRST] = CSR_TLBVMID_WMASK, \
}

/* ---- status / hstatus fields: _SHIFT, _WIDTH, _MASK (in place) */
#define STATUS_IE_SHIFT 0
#define STATUS_IE_WIDTH 1
#define STATUS_IE_MASK 0x1u
#define STATUS_PIE_SHIFT 1
#define STATUS_PIE_WIDTH 1
#define STATUS_PIE_MASK 0x2u
#define STATUS_PRING_SHIFT 2
#define STATUS_PRING_WIDTH 3
#define STATUS_PRING_MASK 0x1Cu
#define STATUS_RING_SHIFT 5
#define STATUS_RING_WIDTH 3
#define STATUS_RING_MASK 0xE0u
#define STATUS_PV_SHIFT 8
#define STATUS_PV_WIDTH 1
#define STATUS_PV_MASK 0x100u

/* ---- the TLB entry ([tlb], fields of tlbhi/tlblo/tlbidx/asid/hvmid): flags
        TLBF_<flag> (bits of tlblo and of an entry's flags), VPN/PFN/ASID/VMID */
#define TLBF_V (1u << 0)   /* valid */
#define TLBF_R (1u << 1)   /* readable */
#define TLBF_W (1u << 2)   /* writable */
#define TLBF_X (1u << 3)   /* executable */
#define TLBF_U (1u << 4)   /* usable from ring 3 */
#define TLBF_G (1u << 5)   /* global: matches every ASID */
#define TLBF_ALL 0x3Fu
#define TLB_VPN_SHIFT CSR_TLBHI_VPN_SHIFT
#define TLB_VPN_BITS CSR_TLBHI_VPN_WIDTH
#define TLB_PFN_SHIFT CSR_TLBLO_PFN_SHIFT
#define TLB_PFN_BITS CSR_TLBLO_PFN_WIDTH
#define TLBHI_ASID_MASK CSR_TLBHI_ASID_MASK
#define ASID_MASK CSR_ASID_ASID_MASK
#define VMID_MASK CSR_HVMID_VMID_MASK
#define TLBP_NOT_FOUND CSR_TLBIDX_NOT_FOUND_MASK

/* ---- exception causes; a cause word with CAUSE_INTERRUPT set is an interrupt,
        the line in the cause CODE field */
#define CAUSE_SYSCALL 1
#define CAUSE_HYPERCALL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_ILLEGAL 4
#define CAUSE_PRIVILEGED 5
#define CAUSE_MISALIGNED_FETCH 6
#define CAUSE_MISALIGNED_LOAD 7
#define CAUSE_MISALIGNED_STORE 8
#define CAUSE_BUS_ERROR 9
#define CAUSE_TLB_MISS_FETCH 10
#define CAUSE_TLB_MISS_LOAD 11
#define CAUSE_TLB_MISS_STORE 12
#define CAUSE_TLB_PROT_FETCH 13
#define CAUSE_TLB_PROT_LOAD 14
#define CAUSE_TLB_PROT_STORE 15
#define CAUSE_MAX 15
#define CAUSE_INTERRUPT CSR_CAUSE_INTERRUPT_MASK
#define RV_CAUSE_LIST(X) \
    X(SYSCALL, 1) \
    X(HYPERCALL, 2) \
    X(BREAKPOINT, 3) \
    X(ILLEGAL, 4) \
    X(PRIVILEGED, 5) \
    X(MISALIGNED_FETCH, 6) \
    X(MISALIGNED_LOAD, 7) \
    X(MISALIGNED_STORE, 8) \
    X(BUS_ERROR, 9) \
    X(TLB_MISS_FETCH, 10) \
    X(TLB_MISS_LOAD, 11) \
    X(TLB_MISS_STORE, 12) \
    X(TLB_PROT_FETCH, 13) \
    X(TLB_PROT_LOAD, 14) \
    X(TLB_PROT_STORE, 15) \
    /* end */

/* ---- interrupt lines */
#define IRQ_TIMER 0
#define IRQ_CONSOLE 1
#define IRQ_DISK 2
#define IRQ_IPI 3
#define IRQ_VIRQ 4
#define IRQ_DISK1 5
#define IRQ_DISK2 6
#define IRQ_NIC 7
#define IRQ_MAX 7
#define RV_IRQ_LIST(X) \
    X(TIMER, 0) \
    X(CONSOLE, 1) \
    X(DISK, 2) \
    X(IPI, 3) \
    X(VIRQ, 4) \
    X(DISK1, 5) \
    X(DISK2, 6) \
    X(NIC, 7) \
    /* end */

/* ---- exit reasons (hcause with hstatus.PV) */
#define EXIT_HYPERCALL 1
#define EXIT_PRIV 2
#define EXIT_CSR 3
#define EXIT_TLB 4
#define EXIT_SENSITIVE 5
#define EXIT_GPA_FAULT 6
#define EXIT_MMIO 7
#define EXIT_IRQ 8
#define EXIT_EXCEPTION 9
#define EXIT_WFI 10
#define EXIT_MACHINE_CHECK 11
#define EXIT_MAX 11
#define RV_EXIT_LIST(X) \
    X(HYPERCALL, 1) \
    X(PRIV, 2) \
    X(CSR, 3) \
    X(TLB, 4) \
    X(SENSITIVE, 5) \
    X(GPA_FAULT, 6) \
    X(MMIO, 7) \
    X(IRQ, 8) \
    X(EXCEPTION, 9) \
    X(WFI, 10) \
    X(MACHINE_CHECK, 11) \
    /* end */
/* hqual of a GPA_FAULT or MMIO exit: the access (exit_access) */
#define HQUAL_FETCH 0
#define HQUAL_LOAD 1
#define HQUAL_STORE 2

/* ---- exit controls (hctl): HCTL_<name> is the mask, HCTL_<name>_BIT the bit,
        HCTL_<name>_REASON the exit reason of the VM exit it causes (if any) */
#define HCTL_CSR_BIT 0
#define HCTL_CSR (1u << 0)
#define HCTL_CSR_REASON EXIT_CSR
#define HCTL_TLB_BIT 1
#define HCTL_TLB (1u << 1)
#define HCTL_TLB_REASON EXIT_TLB
#define HCTL_PRIV_BIT 2
#define HCTL_PRIV (1u << 2)
#define HCTL_PRIV_REASON EXIT_PRIV
#define HCTL_SENS_BIT 3
#define HCTL_SENS (1u << 3)
#define HCTL_SENS_REASON EXIT_SENSITIVE
#define HCTL_IRQ_BIT 4
#define HCTL_IRQ (1u << 4)
#define HCTL_IRQ_REASON EXIT_IRQ
#define HCTL_EXC_BIT 5
#define HCTL_EXC (1u << 5)
#define HCTL_EXC_REASON EXIT_EXCEPTION
#define HCTL_WFI_BIT 6
#define HCTL_WFI (1u << 6)
#define HCTL_WFI_REASON EXIT_WFI
#define HCTL_DEVPASS_BIT 7
#define HCTL_DEVPASS (1u << 7)
/* X-macro over the controls that cause an exit: X(NAME, bit, REASON) */
#define RV_EXIT_CONTROL_LIST(X) \
    X(CSR, 0, CSR) \
    X(TLB, 1, TLB) \
    X(PRIV, 2, PRIV) \
    X(SENS, 3, SENSITIVE) \
    X(IRQ, 4, IRQ) \
    X(EXC, 5, EXCEPTION) \
    X(WFI, 6, WFI) \
    /* end */

/* ---- memory map (the device window: [MEM_DEVICE_BASE, +MEM_DEVICE_WINDOW)) */
#define MEM_USEG_BASE 0x0u
#define MEM_KSEG_BASE 0x80000000u
#define MEM_RAM_BASE 0x0u
#define MEM_DEVICE_BASE 0x40000000u
#define MEM_DEVICE_PAGE 0x1000u
#define MEM_DEVICE_WINDOW 0x10000u

/* ---- devices: DEV_<dev>_BASE, DEV_<dev>_<reg> (offset), DEV_<dev>_IRQ;
        register bits DEV_<dev>_<reg>_<bit> (mask) and _<bit>_BIT, and values
        DEV_<dev>_<reg>_<value> (for the first device of a kind) */
#define DEV_SYSCTL_BASE 0x40000000u
#define DEV_SYSCTL_HALT 0x0u
#define DEV_SYSCTL_HALT_ACCESS_W 1
#define DEV_SYSCTL_RAMSIZE 0x4u
#define DEV_SYSCTL_RAMSIZE_ACCESS_R 1
#define DEV_SYSCTL_NCPUS 0x8u
#define DEV_SYSCTL_NCPUS_ACCESS_R 1
#define DEV_CONSOLE_BASE 0x40001000u
#define DEV_CONSOLE_IRQ IRQ_CONSOLE
#define DEV_CONSOLE_DATA 0x0u
#define DEV_CONSOLE_DATA_ACCESS_RW 1
#define DEV_CONSOLE_DATA_NONE 0xFFFFFFFFu   /* read from DATA when no byte is waiting */
#define DEV_CONSOLE_STATUS 0x4u
#define DEV_CONSOLE_STATUS_ACCESS_R 1
#define DEV_CONSOLE_STATUS_RXREADY (1u << 0)   /* a received byte is waiting in DATA */
#define DEV_CONSOLE_STATUS_RXREADY_BIT 0
#define DEV_CONSOLE_STATUS_TXREADY (1u << 1)   /* the transmitter takes a byte (always 1) */
#define DEV_CONSOLE_STATUS_TXREADY_BIT 1
#define DEV_CONSOLE_STATUS_EOF (1u << 2)   /* input closed and drained */
#define DEV_CONSOLE_STATUS_EOF_BIT 2
#define DEV_CONSOLE_CTRL 0x8u
#define DEV_CONSOLE_CTRL_ACCESS_RW 1
#define DEV_CONSOLE_CTRL_RXIE (1u << 0)   /* interrupt while RXREADY or EOF */
#define DEV_CONSOLE_CTRL_RXIE_BIT 0
#define DEV_CONSOLE_CTRL_TXIE (1u << 1)   /* interrupt while TXREADY */
#define DEV_CONSOLE_CTRL_TXIE_BIT 1
#define DEV_TIMER_BASE 0x40002000u
#define DEV_TIMER_IRQ IRQ_TIMER
#define DEV_TIMER_TIMELO 0x0u
#define DEV_TIMER_TIMELO_ACCESS_R 1
#define DEV_TIMER_TIMEHI 0x4u
#define DEV_TIMER_TIMEHI_ACCESS_R 1
#define DEV_TIMER_CMPLO 0x8u
#define DEV_TIMER_CMPLO_ACCESS_RW 1
#define DEV_TIMER_CMPHI 0xCu
#define DEV_TIMER_CMPHI_ACCESS_RW 1
#define DEV_TIMER_INTERVAL 0x10u
#define DEV_TIMER_INTERVAL_ACCESS_RW 1
#define DEV_TIMER_CTRL 0x14u
#define DEV_TIMER_CTRL_ACCESS_RW 1
#define DEV_TIMER_CTRL_ENABLE (1u << 0)   /* compare and fire (otherwise the timer never fires) */
#define DEV_TIMER_CTRL_ENABLE_BIT 0
#define DEV_TIMER_ACK 0x18u
#define DEV_TIMER_ACK_ACCESS_W 1
#define DEV_DISK_BASE 0x40003000u
#define DEV_DISK_IRQ IRQ_DISK
#define DEV_DISK_SECTOR 0x0u
#define DEV_DISK_SECTOR_ACCESS_RW 1
#define DEV_DISK_ADDR 0x4u
#define DEV_DISK_ADDR_ACCESS_RW 1
#define DEV_DISK_COUNT 0x8u
#define DEV_DISK_COUNT_ACCESS_RW 1
#define DEV_DISK_CMD 0xCu
#define DEV_DISK_CMD_ACCESS_W 1
#define DEV_DISK_CMD_READ 0x1u   /* copy COUNT sectors from SECTOR on to memory at ADDR */
#define DEV_DISK_CMD_WRITE 0x2u   /* copy COUNT sectors from memory at ADDR to SECTOR on */
#define DEV_DISK_STATUS 0x10u
#define DEV_DISK_STATUS_ACCESS_R 1
#define DEV_DISK_STATUS_IDLE 0x0u   /* no request, or the last one acknowledged */
#define DEV_DISK_STATUS_BUSY 0x1u   /* a request is in progress */
#define DEV_DISK_STATUS_DONE 0x2u   /* the last request completed */
#define DEV_DISK_STATUS_ERROR 0x3u   /* the last request failed (nothing was transferred) */
#define DEV_DISK_CAPACITY 0x14u
#define DEV_DISK_CAPACITY_ACCESS_R 1
#define DEV_DISK_ACK 0x18u
#define DEV_DISK_ACK_ACCESS_W 1
#define DEV_DISK_CTRL 0x1Cu
#define DEV_DISK_CTRL_ACCESS_RW 1
#define DEV_DISK_CTRL_IE (1u << 0)   /* raise the interrupt line when a request completes */
#define DEV_DISK_CTRL_IE_BIT 0
#define DEV_IPI_BASE 0x40004000u
#define DEV_IPI_IRQ IRQ_IPI
#define DEV_IPI_SEND 0x0u
#define DEV_IPI_SEND_ACCESS_W 1
#define DEV_IPI_ACK 0x4u
#define DEV_IPI_ACK_ACCESS_W 1
#define DEV_IPI_START_PC 0x8u
#define DEV_IPI_START_PC_ACCESS_RW 1
#define DEV_IPI_START 0xCu
#define DEV_IPI_START_ACCESS_W 1
#define DEV_IPI_SELF 0x10u
#define DEV_IPI_SELF_ACCESS_R 1
#define DEV_DISK1_BASE 0x40005000u
#define DEV_DISK1_IRQ IRQ_DISK1
#define DEV_DISK1_SECTOR 0x0u
#define DEV_DISK1_SECTOR_ACCESS_RW 1
#define DEV_DISK1_ADDR 0x4u
#define DEV_DISK1_ADDR_ACCESS_RW 1
#define DEV_DISK1_COUNT 0x8u
#define DEV_DISK1_COUNT_ACCESS_RW 1
#define DEV_DISK1_CMD 0xCu
#define DEV_DISK1_CMD_ACCESS_W 1
#define DEV_DISK1_STATUS 0x10u
#define DEV_DISK1_STATUS_ACCESS_R 1
#define DEV_DISK1_CAPACITY 0x14u
#define DEV_DISK1_CAPACITY_ACCESS_R 1
#define DEV_DISK1_ACK 0x18u
#define DEV_DISK1_ACK_ACCESS_W 1
#define DEV_DISK1_CTRL 0x1Cu
#define DEV_DISK1_CTRL_ACCESS_RW 1
#define DEV_DISK2_BASE 0x40006000u
#define DEV_DISK2_IRQ IRQ_DISK2
#define DEV_DISK2_SECTOR 0x0u
#define DEV_DISK2_SECTOR_ACCESS_RW 1
#define DEV_DISK2_ADDR 0x4u
#define DEV_DISK2_ADDR_ACCESS_RW 1
#define DEV_DISK2_COUNT 0x8u
#define DEV_DISK2_COUNT_ACCESS_RW 1
#define DEV_DISK2_CMD 0xCu
#define DEV_DISK2_CMD_ACCESS_W 1
#define DEV_DISK2_STATUS 0x10u
#define DEV_DISK2_STATUS_ACCESS_R 1
#define DEV_DISK2_CAPACITY 0x14u
#define DEV_DISK2_CAPACITY_ACCESS_R 1
#define DEV_DISK2_ACK 0x18u
#define DEV_DISK2_ACK_ACCESS_W 1
#define DEV_DISK2_CTRL 0x1Cu
#define DEV_DISK2_CTRL_ACCESS_RW 1
#define DEV_EVENTS_BASE 0x40007000u
#define DEV_EVENTS_EMIT 0x0u
#define DEV_EVENTS_EMIT_ACCESS_W 1
#define DEV_EVENTS_ARG0 0x4u
#define DEV_EVENTS_ARG0_ACCESS_RW 1
#define DEV_EVENTS_ARG1 0x8u
#define DEV_EVENTS_ARG1_ACCESS_RW 1
#define DEV_NIC_BASE 0x40008000u
#define DEV_NIC_IRQ IRQ_NIC
#define DEV_NIC_ID 0x0u
#define DEV_NIC_ID_ACCESS_R 1
#define DEV_NIC_NQUEUES 0x4u
#define DEV_NIC_NQUEUES_ACCESS_R 1
#define DEV_NIC_IRQ_STATUS 0x8u
#define DEV_NIC_IRQ_STATUS_ACCESS_R 1
#define DEV_NIC_IRQ_ACK 0xCu
#define DEV_NIC_IRQ_ACK_ACCESS_W 1
#define DEV_NIC_QSEL 0x10u
#define DEV_NIC_QSEL_ACCESS_RW 1
#define DEV_NIC_Q_RING 0x14u
#define DEV_NIC_Q_RING_ACCESS_RW 1
#define DEV_NIC_Q_SIZE 0x18u
#define DEV_NIC_Q_SIZE_ACCESS_RW 1
#define DEV_NIC_Q_DMA_BASE 0x1Cu
#define DEV_NIC_Q_DMA_BASE_ACCESS_RW 1
#define DEV_NIC_Q_DMA_SIZE 0x20u
#define DEV_NIC_Q_DMA_SIZE_ACCESS_RW 1
#define DEV_NIC_Q_OWNER 0x24u
#define DEV_NIC_Q_OWNER_ACCESS_RW 1
#define DEV_NIC_Q_CTRL 0x28u
#define DEV_NIC_Q_CTRL_ACCESS_RW 1
#define DEV_NIC_Q_CTRL_ENABLE (1u << 0)   /* the queue sends and receives */
#define DEV_NIC_Q_CTRL_ENABLE_BIT 0
#define DEV_NIC_Q_CTRL_RXIE (1u << 1)   /* a received packet sets the queue's IRQ_STATUS bit and raises the NIC line */
#define DEV_NIC_Q_CTRL_RXIE_BIT 1
#define DEV_NIC_TX_TAIL 0x100u
#define DEV_NIC_TX_TAIL_ACCESS_W 1
#define DEV_NIC_RX_TAIL 0x104u
#define DEV_NIC_RX_TAIL_ACCESS_W 1
#define DEV_NIC_TX_HEAD 0x108u
#define DEV_NIC_TX_HEAD_ACCESS_R 1
#define DEV_NIC_RX_HEAD 0x10Cu
#define DEV_NIC_RX_HEAD_ACCESS_R 1
#define DEV_NIC_DESC_SIZE 16   /* a TX or RX descriptor, in guest memory (the TX ring at Q_RING, the RX ring after it) */
#define DEV_NIC_DESC_ADDR 0x0u
#define DEV_NIC_DESC_LEN 0x4u
#define DEV_NIC_DESC_STATUS 0x8u
#define DEV_NIC_DESC_STATUS_PENDING 0x0u
#define DEV_NIC_DESC_STATUS_DONE 0x1u
#define DEV_NIC_DESC_STATUS_REFUSED 0x2u
#define DEV_NIC_DESC_STATUS_DROPPED 0x3u

/* ---- machine constants */
#define MACHINE_DISK_SECTOR 512
#define MACHINE_DISK_LATENCY 2000
#define MACHINE_DISK_LATENCY_PER_SECTOR 100
#define MACHINE_QUANTUM 256
#define MACHINE_TLB_ENTRIES_DEFAULT 64
#define MACHINE_TLB_ENTRIES_MIN 4
#define MACHINE_TLB_ENTRIES_MAX 256

#endif /* RINGVM_ISA_GEN_H */
