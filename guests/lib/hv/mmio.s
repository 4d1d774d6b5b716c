# mmio.s — decoding the instruction of an MMIO exit (shared component).
#
# Concept: trap-and-emulate of device accesses (seed: VM types — the hypervisor emulates
# the devices; ISA.md §8: exit MMIO gives the guest-physical address, hgpa, and the
# instruction word, hinsn). To emulate the access the hypervisor (or a user-level VMM
# such as vmrun) needs to know which register it reads or writes — the load's rd, the
# store's rs2 — and, to report a bus error, the virtual address it used. Only 32-bit
# lw/sw reach a device (ISA.md §5); anything else is a bus error on bare metal. Pure
# computation (leaf routines), usable in any ring.
#
# Provides: mmio_decode(a0 = instruction) (returns a0 = its register: rd of lw, rs2 of
#   sw; a1 = 1 store / 0 load; a0 = -1 if not a word access), mmio_va(a0 = instruction,
#   a1 = value of its rs1) (returns a0 = the virtual address it accessed)
# Needs: nothing

# mmio_decode(a0 = lw/sw word). Leaf.
mmio_decode:
    srli t0, a0, 26
    li   t1, 0x1a                       # lw rd, imm(rs1)
    beq  t0, t1, 1f
    li   t1, 0x1f                       # sw rs2, imm(rs1)
    beq  t0, t1, 2f
    li   a0, -1
    ret
1:  li   a1, 0
    j    3f
2:  li   a1, 1
3:  srli a0, a0, 21
    andi a0, a0, 31
    ret

# mmio_va(a0 = word, a1 = rs1's value) -> rs1 + sext(imm16). Leaf.
mmio_va:
    slli a0, a0, 16
    srai a0, a0, 16
    add  a0, a0, a1
    ret

