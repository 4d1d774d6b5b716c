# fault.s — stores into kseg from ring 3: must be killed with a TLB protection fault.
.text
_start:
    li   t0, 0x80001000
    sw   zero, 0(t0)
1:  j 1b
