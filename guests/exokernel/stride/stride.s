# stride.s — a specialised library OS and its application: a large array swept page
# by page, with a TLB-refill policy made for it.
#
# Concept: application-specific resource management (seed: "Exokernel: applications
# manage resources"; "customized applications can run up to 8x better"). The application touches one word per
# page of an array bigger than the TLB (STRIDE_PAGES pages, STRIDE_PASSES passes), the
# access pattern that makes every access a TLB miss. ExOS, the POSIX library OS, must
# serve any program: its pages are scattered, its page table is two-level, its refill
# handler installs the one page that missed. This library OS knows its application:
#   - it asks the kernel for physically contiguous pages by name (it reads who owns
#     what in the kernel's owner table, mapped read-only at OWNERS: the exokernel
#     exposes information), so an
#     array address becomes a physical address by arithmetic, with no page table;
#   - its refill handler maps STRIDE_BATCH pages at once, aligned, with one
#     EXO_TLB_MAPN — a large mapping the kernel still checks page by page.
# It measures both: first with ExOS's policy (the same two-level table and the same
# walk-and-EXO_TLB_RESUME handler as exos/exos.s), then with its own, and prints
#   phase sweep-pagetable ops=N cycles=C misses=M
#   phase sweep-stride ops=N cycles=C misses=M
# (benchmarks/bench_exokernel.py). Before that it checks the isolation of domains: a
# page and a disk block of another library OS can be neither mapped, nor touched
# through PHYSMAP, nor freed, nor read, and its environments cannot be woken or
# notified ("stride: isolation ... refused" lines; tests/exokernel).

.include "ringvm.inc"
.include "abi.inc"
.include "../exo.inc"

.equ STRIDE_PAGES, 128              # twice the default TLB
.equ STRIDE_PASSES, 3
.equ STRIDE_BATCH, 16               # pages per refill with the stride policy
.equ ARRAY, 0x00800000              # the array's virtual address
.equ POL_PAGETABLE, 0
.equ POL_STRIDE, 1

.text
.global _start
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    la   t0, envid
    sw   a2, 0(t0)
    la   t0, domain
    sw   a0, 0(t0)
    la   a0, upcall
    li   a1, 0
    li   a7, EXO_SETUP
    syscall
    la   a0, s_hello
    call lb_str
    la   t0, domain
    lw   a0, 0(t0)
    call lb_dec
    la   a0, s_hello2
    call lb_str
    call lb_end
    call isolation
    call array_alloc
    bnez a0, 90f
    call pagetable_build
    bnez a0, 90f
    li   a0, POL_PAGETABLE
    la   a1, n_pagetable
    call sweep
    li   a0, POL_STRIDE
    la   a1, n_stride
    call sweep
    call array_free
    la   a0, s_done
    call lb_str
    call lb_end
    j    99f
90: la   a0, s_nomem
    call lb_str
    call lb_end
99: la   t0, envid                      # nothing left to do: the environment goes
    lw   a0, 0(t0)
    li   a7, EXO_ENV_FREE
    syscall
1:  j    1b

# ---------------------------------------------------------------- isolation
# isolation(): try to reach another domain's page and disk block; every way in must be
# refused. Prints one line. (Skipped when no other domain owns a page.)
isolation:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    li   a0, INFO_RAMPAGES
    li   a7, EXO_INFO
    syscall
    mv   s2, a0
    li   s1, 1                          # the first page someone else owns
1:  bgeu s1, s2, 9f
    li   t0, OWNERS                     # the kernel's owner table, read-only
    add  t0, t0, s1
    lbu  a0, 0(t0)
    andi a0, a0, 0x7F
    beqz a0, 2f
    li   t0, 127
    beq  a0, t0, 2f
    la   t0, domain
    lw   t0, 0(t0)
    bne  a0, t0, 3f
2:  addi s1, s1, 1
    j    1b
3:  la   t0, other_dom
    sw   a0, 0(t0)
    la   a0, s_iso1
    call lb_str
    la   t0, other_dom
    lw   a0, 0(t0)
    call lb_dec
    la   a0, s_iso2
    call lb_str
    mv   a0, s1
    call lb_hex
    la   a0, s_iso7
    call lb_str
    li   a0, 0x00700000                 # map it: refused
    slli a1, s1, 12
    ori  a1, a1, TLB_V | TLB_R | TLB_W
    li   a7, EXO_TLB_INSTALL
    syscall
    call lb_result
    la   a0, s_iso3                     # touch it through PHYSMAP: not refilled
    call lb_str
    la   t0, probe_failed
    sw   zero, 0(t0)
    slli t0, s1, 12
    li   t1, PHYSMAP
    add  t0, t0, t1
    lw   t1, 0(t0)                      # the upcall handler skips this load
probe_after:
    la   t0, probe_failed
    lw   a0, 0(t0)
    addi a0, a0, -1                     # 1 (faulted) -> 0 "refused"
    seqz a0, a0
    neg  a0, a0
    call lb_result
    la   a0, s_iso4                     # free it: refused
    call lb_str
    mv   a0, s1
    li   a7, EXO_PAGE_FREE
    syscall
    call lb_result
    la   a0, s_iso5                     # read its disk block 1 into our image: refused
    call lb_str
    li   a0, 1
    la   a1, blockbuf
    la   t0, img_off
    lw   t0, 0(t0)
    add  a1, a1, t0
    li   a2, 0
    li   a7, EXO_DISK_RW
    syscall
    call lb_result
    la   a0, s_iso6                     # wake or notify its first environment: refused
    call lb_str
    li   a0, 1
    li   a7, EXO_NOTIFY
    syscall
    call lb_result
    call lb_end
9:  lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    addi sp, sp, 16
    ret

# lb_result(a0 = a call's result): ": refused" for an error, ": ALLOWED" otherwise
lb_result:
    la   t0, s_refused
    blt  a0, zero, 1f
    la   t0, s_allowed
1:  mv   a0, t0
    j    lb_str

# ---------------------------------------------------------------- the array
# array_alloc() -> 0 / -1: STRIDE_PAGES physically contiguous pages, found by reading
# the owner table (OWNERS) from the top of RAM down, then allocated by name.
array_alloc:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    sw   s3, 0(sp)
    li   a0, INFO_RAMPAGES
    li   a7, EXO_INFO
    syscall
    mv   s1, a0                         # candidate end (exclusive)
1:  li   t0, STRIDE_PAGES + 1
    bltu s1, t0, 8f
    li   s2, 0                          # free pages found below s1
2:  sub  a1, s1, s2
    addi a1, a1, -1
    li   t0, OWNERS
    add  t0, t0, a1
    lbu  a0, 0(t0)
    beqz a0, 3f
    sub  s1, s1, s2                     # taken: start again below it
    addi s1, s1, -1
    j    1b
3:  addi s2, s2, 1
    li   t0, STRIDE_PAGES
    blt  s2, t0, 2b
    sub  s3, s1, s2                     # the run: [s3, s1)
    la   t0, array_base
    sw   s3, 0(t0)
    li   s2, 0
4:  add  a0, s3, s2                     # allocate each page by its physical name
    li   a7, EXO_PAGE_ALLOC
    syscall
    blt  a0, zero, 7f
    addi s2, s2, 1
    li   t0, STRIDE_PAGES
    blt  s2, t0, 4b
    li   a0, 0
    j    9f
7:  beqz s2, 71f                        # someone took one meanwhile: give back, retry
    addi s2, s2, -1
    add  a0, s3, s2
    li   a7, EXO_PAGE_FREE
    syscall
    j    7b
71: mv   s1, s3
    j    1b
8:  li   a0, -1
9:  lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    lw   s3, 0(sp)
    addi sp, sp, 16
    ret

array_free:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    la   t0, array_base
    lw   s1, 0(t0)
    li   t0, STRIDE_PAGES
    add  t0, t0, s1
    sw   t0, 4(sp)
1:  mv   a0, s1
    li   a7, EXO_PAGE_FREE
    syscall
    addi s1, s1, 1
    lw   t0, 4(sp)
    bltu s1, t0, 1b
    la   t0, pgdir
    lw   a0, 0(t0)
    li   t1, PHYSMAP
    sub  a0, a0, t1
    srli a0, a0, 12
    li   a7, EXO_PAGE_FREE
    syscall
    la   t0, ptpage
    lw   a0, 0(t0)
    li   t1, PHYSMAP
    sub  a0, a0, t1
    srli a0, a0, 12
    li   a7, EXO_PAGE_FREE
    syscall
    li   a0, -1
    li   a7, EXO_TLB_FLUSH
    syscall
    lw   ra, 12(sp)
    lw   s1, 8(sp)
    addi sp, sp, 16
    ret

# pagetable_build() -> 0 / -1: ExOS's format (lib/mm/tlbrefill.s): a directory page
# and one page-table page, reached through PHYSMAP, mapping the array.
pagetable_build:
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    blt  a0, zero, 9f
    slli a0, a0, 12
    li   t0, PHYSMAP
    add  a0, a0, t0
    la   t0, pgdir
    sw   a0, 0(t0)
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    blt  a0, zero, 9f
    slli a0, a0, 12
    li   t0, PHYSMAP
    add  a0, a0, t0
    la   t0, ptpage
    sw   a0, 0(t0)
    la   t0, pgdir                      # directory entry for the array's 4 MiB
    lw   t0, 0(t0)
    li   t1, (ARRAY >> 22) << 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    la   t0, array_base                 # one tlblo word per page
    lw   t1, 0(t0)
    li   t2, 0
1:  add  t3, t1, t2
    slli t3, t3, 12
    ori  t3, t3, TLB_V | TLB_R | TLB_W | TLB_U
    li   t4, ((ARRAY >> 12) & 0x3FF) << 2
    add  t4, t4, a0
    slli t5, t2, 2
    add  t4, t4, t5
    sw   t3, 0(t4)
    addi t2, t2, 1
    li   t4, STRIDE_PAGES
    blt  t2, t4, 1b
    li   a0, 0
    ret
9:  li   a0, -1
    ret

# sweep(a0 = policy, a1 = phase name): STRIDE_PASSES passes over the array, one word
# per page, from an empty TLB; prints the phase line.
sweep:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    sw   s3, 0(sp)
    la   t0, policy
    sw   a0, 0(t0)
    mv   s3, a1
    li   a0, -1
    li   a7, EXO_TLB_FLUSH
    syscall
    la   t0, misses
    sw   zero, 0(t0)
    csrr s1, cycle
    li   t2, STRIDE_PASSES
    li   t3, 0                          # checksum
1:  li   t0, ARRAY
    li   t1, STRIDE_PAGES
2:  lw   t4, 0(t0)
    add  t3, t3, t4
    addi t4, t4, 1
    sw   t4, 0(t0)
    li   t4, 4096
    add  t0, t0, t4
    addi t1, t1, -1
    bnez t1, 2b
    addi t2, t2, -1
    bnez t2, 1b
    csrr s2, cycle
    sub  s2, s2, s1
    la   a0, s_phase
    call lb_str
    mv   a0, s3
    call lb_str
    la   a0, s_ops
    call lb_str
    li   a0, STRIDE_PAGES * STRIDE_PASSES
    call lb_dec
    la   a0, s_cycles
    call lb_str
    mv   a0, s2
    call lb_dec
    la   a0, s_misses
    call lb_str
    la   t0, misses
    lw   a0, 0(t0)
    call lb_dec
    call lb_end
    lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    lw   s3, 0(sp)
    addi sp, sp, 16
    ret

# ---------------------------------------------------------------- the upcall handler
# upcall(a0 = kind, a1 = detail, a2 = pc); only t0-t2, a0-a2, a7 are free.
upcall:
    addi t0, a0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, 8f
    li   t0, PHYSMAP                    # the isolation probe: a page not ours
    bgeu a1, t0, 7f
    li   t0, ARRAY
    sub  t1, a1, t0
    srli t1, t1, 12                     # page index in the array
    li   t0, STRIDE_PAGES
    bgeu t1, t0, 8f
    la   t0, misses
    lw   t2, 0(t0)
    addi t2, t2, 1
    sw   t2, 0(t0)
    la   t0, policy
    lw   t0, 0(t0)
    bnez t0, 5f
    la   t0, pgdir                      # ExOS's policy: walk, install one page
    lw   t0, 0(t0)
    srli t1, a1, 22
    slli t1, t1, 2
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 8f
    srli t1, a1, 10
    andi t1, t1, 0xFFC
    add  t0, t0, t1
    lw   t2, 0(t0)
    andi t1, t2, TLB_V
    beqz t1, 8f
    mv   a0, a1
    mv   a1, t2
    li   a7, EXO_TLB_RESUME
    syscall
    j    8f
5:  andi t1, t1, ~(STRIDE_BATCH - 1) & 0xFFFF   # the stride policy: a batch
    li   t0, STRIDE_PAGES
    sub  a2, t0, t1
    li   t0, STRIDE_BATCH
    bleu a2, t0, 6f
    mv   a2, t0
6:  slli a0, t1, 12
    li   t0, ARRAY
    add  a0, a0, t0
    la   t0, array_base
    lw   t0, 0(t0)
    add  a1, t0, t1
    slli a1, a1, 12
    ori  a1, a1, TLB_V | TLB_R | TLB_W | TLB_U
    li   a7, EXO_TLB_MAPN
    syscall
    bnez a0, 8f
    li   a7, EXO_RESUME
    syscall
7:  la   t0, probe_failed               # skip the probing load
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, UAREA
    la   t1, probe_after
    sw   t1, U_EPC(t0)
    li   a7, EXO_RESUME
    syscall
8:  li   sp, UAREA_TOP                  # anything else: a bug; say so and leave
    la   a0, s_bug
    call lb_str
    li   t0, UAREA
    lw   a0, U_KIND(t0)
    call lb_dec
    la   a0, s_at
    call lb_str
    li   t0, UAREA
    lw   a0, U_DETAIL(t0)
    call lb_hex
    call lb_end
    j    99b

.include "../tests/minilib.s"

.rodata
s_hello:   .asciz "stride: specialised library OS in domain "
s_hello2:  .asciz ": contiguous pages by name, its own TLB refill"
s_iso1:    .asciz "stride: domain "
s_iso2:    .asciz "'s page "
s_iso3:    .asciz "; via PHYSMAP"
s_iso4:    .asciz "; free"
s_iso5:    .asciz "; its block 1"
s_iso6:    .asciz "; notify env 1"
s_iso7:    .asciz ": map"
s_refused: .asciz ": refused"
s_allowed: .asciz ": ALLOWED"
s_phase:   .asciz "phase "
s_ops:     .asciz " ops="
s_cycles:  .asciz " cycles="
s_misses:  .asciz " misses="
n_pagetable: .asciz "sweep-pagetable"
n_stride:  .asciz "sweep-stride"
s_done:    .asciz "stride: done"
s_nomem:   .asciz "stride: no contiguous memory"
s_bug:     .asciz "stride: unexpected exception "
s_at:      .asciz " at "
.data
    .balign 4
img_off:   .word 0
envid:     .word 0
domain:    .word 0
other_dom: .word 0
policy:    .word 0
misses:    .word 0
array_base: .word 0
pgdir:     .word 0
ptpage:    .word 0
probe_failed: .word 0
.bss
    .balign 512
blockbuf:  .space 512
.text
