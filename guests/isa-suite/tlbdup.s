# tlbdup.s — two TLB entries matching one address are a machine check (ISA.md §6):
# the machine stops; the suite expects stop = "machine_check".
.include "ringvm.inc"
.text
.global _start
_start:
    li   t0, 1
    csrw asid, t0
    li   t2, 0
1:  csrw tlbidx, t2              # entries 0 and 1 both map 0x00400000 in ASID 1
    li   t0, 0x00400000 | 1
    csrw tlbhi, t0
    li   t0, 0x00010000 | TLB_V | TLB_R
    csrw tlblo, t0
    tlbwi
    addi t2, t2, 1
    slti t0, t2, 2
    bnez t0, 1b
    li   t0, 0x00400000
    lw   t1, 0(t0)               # machine check here
    li   t0, SYSCTL_HALT         # not reached
    li   t1, 3
    sw   t1, 0(t0)
2:  j    2b
