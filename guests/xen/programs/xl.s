# xl.s — xl: the toolstack of Dom0, Xen's `xl`.
#
#   xl list                          the domains: id, memory, state, cycles, exits,
#                                    hypercalls, refused mappings
#   xl create NAME [mem=KIB] [disk=N[:START[:COUNT]]] [-c]
#                                    a domain from the boot module NAME, configured by
#                                    /NAME.cfg (the same words) and then the arguments;
#                                    -c attaches its console at once
#   xl destroy NAME|ID               the domain is gone, its memory free
#   xl console NAME|ID               its console on this terminal until Ctrl-A (or until
#                                    it shuts down)
#
# Concept (Barham et al. 2003, §2.3 "Control and management"; seed: kernel structures,
# "Type-1b ... Dom0"; Xen lecture — "Domain-0 hosts the application-level management
# software: creation and deletion of virtual network interfaces and block devices"):
# the policy lives in Dom0 as an ordinary program; the mechanism is the hypervisor's
# domctl hypercalls, reached through Dom0's kernel (system calls 100-103, outside the
# ABI of guests/abi.toml: guests/monolithic/pvback.s), which also sets up the backends
# of the new domain's split drivers (disk=N: the machine's disk N, optionally only the
# sectors [START, START + COUNT)). Not a portable program, hence here and not in
# guests/user. Exit status: 0, or 1 with a message.

.include "ringvm.inc"
.include "abi.inc"
.include "hypercall.inc"
.include "../../user/lib/macros.inc"
.include "../../user/lib/crt0.s"
.include "../../user/lib/trap/usys.s"
.include "../../user/lib/errstr.s"
.include "base/string.s"
.include "../../user/lib/printf.s"
.include "../../user/lib/io.s"

.equ SYS_XL_CREATE, 100
.equ SYS_XL_DESTROY, 101
.equ SYS_XL_INFO, 102
.equ SYS_XL_CONSOLE, 103

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 2
    blt  s1, t0, usage
    lw   s3, 4(s2)                      # the command
    mv   a0, s3
    la   a1, c_list
    call strcmp
    beqz a0, cmd_list
    li   t0, 3
    blt  s1, t0, usage
    mv   a0, s3
    la   a1, c_create
    call strcmp
    beqz a0, cmd_create
    mv   a0, s3
    la   a1, c_destroy
    call strcmp
    beqz a0, cmd_destroy
    mv   a0, s3
    la   a1, c_console
    call strcmp
    beqz a0, cmd_console
usage:
    li   a0, 2
    la   a1, s_usage
    call fputs
    li   a0, 2
    FUNC_RETURN

# ---------------------------------------------------------------- list
cmd_list:
    la   a0, s_head
    call printf
    li   s4, 0                          # next domid to ask about
1:  mv   a0, s4
    la   a1, info
    call xl_info
    blt  a0, zero, 9f
    addi s4, a0, 1
    la   s5, info
    sb   zero, XDI_NAME + 15(s5)
    addi a1, s5, XDI_NAME
    lw   a2, XDI_DOMID(s5)
    lw   a3, XDI_NR_PAGES(s5)
    slli a3, a3, 2
    lw   t0, XDI_STATE(s5)
    sltiu t1, t0, 5
    bnez t1, 2f
    li   t0, 0
2:  slli t0, t0, 2
    la   t1, states
    add  t0, t0, t1
    lw   a4, 0(t0)
    lw   a5, XDI_CYCLES(s5)
    la   a0, s_row1
    call printf
    lw   a1, XDI_EXITS(s5)
    lw   a2, XDI_HCALLS(s5)
    lw   a3, XDI_REFUSED(s5)
    la   a0, s_row2
    call printf
    j    1b
9:  li   a0, 0
    FUNC_RETURN

# ---------------------------------------------------------------- create
cmd_create:
    lw   s4, 8(s2)                      # NAME
    la   t0, opt_mem
    sw   zero, 0(t0)
    la   t0, opt_disk
    sw   zero, 0(t0)
    la   t0, opt_start
    sw   zero, 0(t0)
    la   t0, opt_count
    sw   zero, 0(t0)
    la   t0, opt_attach
    sw   zero, 0(t0)
    la   a0, cfg_path                   # /NAME.cfg: the same words as the arguments
    li   t0, '/'
    sb   t0, 0(a0)
    addi a0, a0, 1
    mv   a1, s4
    li   a2, 16
    call strlcpy
    la   a0, cfg_path
    la   a1, s_cfgext
    call strcat
    la   a0, cfg_path
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 3f
    mv   s5, a0
    la   a1, cfg_text
    li   a2, 255
    call read
    mv   s6, a0
    mv   a0, s5
    call close
    blt  s6, zero, 3f
    la   t0, cfg_text
    add  t0, t0, s6
    sb   zero, 0(t0)
    la   s5, cfg_text                   # each word of the file
1:  lbu  t0, 0(s5)
    beqz t0, 3f
    li   t1, ' '
    bgtu t0, t1, 2f
    addi s5, s5, 1
    j    1b
2:  mv   s6, s5                         # a word: [s6, s5)
21: lbu  t0, 0(s5)
    li   t1, ' '
    bleu t0, t1, 22f
    addi s5, s5, 1
    j    21b
22: lbu  s7, 0(s5)                      # terminate it, parse, restore
    sb   zero, 0(s5)
    mv   a0, s6
    call option
    sb   s7, 0(s5)
    bnez a0, 95f
    j    1b
3:  li   s5, 3                          # then the arguments
4:  bge  s5, s1, 5f
    slli t0, s5, 2
    add  t0, t0, s2
    lw   a0, 0(t0)
    call option
    bnez a0, 95f
    addi s5, s5, 1
    j    4b
5:  mv   a0, s4
    la   t0, opt_mem
    lw   a1, 0(t0)
    la   t0, opt_disk
    lw   a2, 0(t0)
    la   t0, opt_start
    lw   a3, 0(t0)
    la   t0, opt_count
    lw   a4, 0(t0)
    li   a7, SYS_XL_CREATE
    syscall
    blt  a0, zero, 90f
    mv   s5, a0
    la   a1, info
    call xl_info
    la   t0, info                       # "xl: dom1 (mono) created: 4096 KiB, disk1"
    lw   a3, XDI_NR_PAGES(t0)
    slli a3, a3, 2
    mv   a2, s4
    mv   a1, s5
    la   a0, s_created
    call printf
    la   t0, opt_disk
    lw   a1, 0(t0)
    beqz a1, 6f
    la   a0, s_cdisk
    call printf
    la   t0, opt_count
    lw   t0, 0(t0)
    la   t1, opt_start
    lw   t1, 0(t1)
    or   t0, t0, t1
    beqz t0, 6f
    la   t0, opt_start
    lw   a1, 0(t0)
    la   t0, opt_count
    lw   a2, 0(t0)
    la   a0, s_crange
    call printf
6:  li   a0, '\n'
    call putchar
    la   t0, opt_attach
    lw   t0, 0(t0)
    beqz t0, 7f
    mv   a0, s5
    mv   a1, s4
    call attach
7:  li   a0, 0
    FUNC_RETURN
90: mv   s6, a0                         # "xl: create mono: <error>"
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, c_create
    la   a0, s_failed
    call printf
    li   a0, 1
    FUNC_RETURN
95: li   a0, 2                          # a bad option
    la   a1, s_badopt
    call fputs
    li   a0, 1
    FUNC_RETURN

# option(a0 = word) -> a0 = 0, or 1 if not understood: mem=KIB, disk=N[:START[:COUNT]], -c
option:
    FUNC_ENTER
    mv   s1, a0
    la   a1, c_attach
    call strcmp
    bnez a0, 1f
    la   t0, opt_attach
    li   t1, 1
    sw   t1, 0(t0)
    j    8f
1:  mv   a0, s1
    la   a1, c_mem
    li   a2, 4
    call strncmp
    bnez a0, 2f
    addi a0, s1, 4
    call number
    bnez a1, 9f
    la   t0, opt_mem
    sw   a0, 0(t0)
    j    8f
2:  mv   a0, s1
    la   a1, c_disk
    li   a2, 5
    call strncmp
    bnez a0, 9f
    addi a0, s1, 5
    call number
    la   t0, opt_disk
    sw   a0, 0(t0)
    beqz a1, 8f
    li   t0, ':'
    bne  a1, t0, 9f
    mv   a0, a2                         # :START
    call number
    la   t0, opt_start
    sw   a0, 0(t0)
    beqz a1, 8f
    li   t0, ':'
    bne  a1, t0, 9f
    mv   a0, a2                         # :COUNT
    call number
    la   t0, opt_count
    sw   a0, 0(t0)
    bnez a1, 9f
8:  li   a0, 0
    FUNC_RETURN
9:  li   a0, 1
    FUNC_RETURN

# number(a0 = text) -> a0 = its decimal value, a1 = the character after it (0 at the
# end), a2 = the address after that character. Leaf.
number:
    li   t0, 0
1:  lbu  t1, 0(a0)
    addi t2, t1, -'0'
    sltiu t3, t2, 10
    beqz t3, 2f
    li   t3, 10
    mul  t0, t0, t3
    add  t0, t0, t2
    addi a0, a0, 1
    j    1b
2:  mv   a1, t1
    addi a2, a0, 1
    mv   a0, t0
    ret

# ---------------------------------------------------------------- destroy, console
cmd_destroy:
    lw   a0, 8(s2)
    call lookup
    blt  a0, zero, 90f
    mv   s4, a0
    li   a7, SYS_XL_DESTROY
    syscall
    blt  a0, zero, 91f
    mv   a1, s4                         # "xl: dom1 (mono) destroyed"
    la   a2, lk_name
    la   a0, s_destroyed
    call printf
    li   a0, 0
    FUNC_RETURN
90: lw   a1, 8(s2)
    la   a0, s_nodom
    call printf
    li   a0, 1
    FUNC_RETURN
91: call errstr
    mv   a3, a0
    la   a2, lk_name
    la   a1, c_destroy
    la   a0, s_failed
    call printf
    li   a0, 1
    FUNC_RETURN

cmd_console:
    lw   a0, 8(s2)
    call lookup
    blt  a0, zero, 90b
    la   a1, lk_name
    call attach
    li   a0, 0
    FUNC_RETURN

# attach(a0 = domid, a1 = its name): the domain's console here until Ctrl-A or its end.
attach:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    la   a0, s_attach                   # "[dom1 (mono): console attached; Ctrl-A detaches]"
    mv   a1, s1
    call printf
    mv   a0, s1
    li   a7, SYS_XL_CONSOLE
    syscall
    mv   a3, a0
    mv   a1, s1
    mv   a2, s2
    la   a0, s_detached
    blt  a3, zero, 1f
    la   a0, s_halted
1:  li   t0, -1
    blt  a3, t0, 2f                     # an error
    call printf
    FUNC_RETURN
2:  mv   a0, a3
    call errstr
    mv   a3, a0
    mv   a2, s2
    la   a1, c_console
    la   a0, s_failed
    call printf
    FUNC_RETURN

# lookup(a0 = NAME or ID) -> a0 = the domid (lk_name = its name), or -1.
lookup:
    FUNC_ENTER
    mv   s1, a0
    lbu  t0, 0(s1)
    addi t0, t0, -'0'
    sltiu s3, t0, 10                    # a number?
    li   s2, 0
1:  mv   a0, s2
    la   a1, info
    call xl_info
    blt  a0, zero, 8f
    addi s2, a0, 1
    mv   s4, a0
    la   t0, info
    sb   zero, XDI_NAME + 15(t0)
    beqz s3, 2f
    mv   a0, s1
    call number
    bne  a0, s4, 1b
    j    3f
2:  mv   a0, s1
    la   a1, info + XDI_NAME
    call strcmp
    bnez a0, 1b
3:  la   a0, lk_name
    la   a1, info + XDI_NAME
    li   a2, 16
    call strlcpy
    mv   a0, s4
    FUNC_RETURN
8:  li   a0, -1
    FUNC_RETURN

# xl_info(a0 = domid, a1 = struct domain_info *) -> the domid described, or -errno
xl_info:
    li   a7, SYS_XL_INFO
    syscall
    ret

# putchar(a0 = byte) on stdout
putchar:
    mv   a1, a0
    li   a0, 1
    j    fputc

.rodata
c_list:     .asciz "list"
c_create:   .asciz "create"
c_destroy:  .asciz "destroy"
c_console:  .asciz "console"
c_attach:   .asciz "-c"
c_mem:      .asciz "mem="
c_disk:     .asciz "disk="
s_cfgext:   .asciz ".cfg"
s_usage:    .asciz "usage: xl list | create NAME [mem=KIB] [disk=N[:START[:COUNT]]] [-c] | destroy NAME|ID | console NAME|ID\n"
s_badopt:   .asciz "xl: create: options are mem=KIB, disk=N[:START[:COUNT]], -c\n"
s_head:     .asciz "Name              ID  Mem(KiB) State      Kcycles    Exits   Hcalls  Refused\n"
s_row1:     .asciz "%-16s %3d %9d %-8s %9d"
s_row2:     .asciz " %8d %8d %8d\n"
s_created:  .asciz "xl: dom%d (%s) created: %d KiB"
s_cdisk:    .asciz ", disk%d"
s_crange:   .asciz " sectors %d+%d"
s_failed:   .asciz "xl: %s %s: %s\n"
s_destroyed: .asciz "xl: dom%d (%s) destroyed\n"
s_nodom:    .asciz "xl: no domain %s\n"
s_attach:   .asciz "[dom%d: console attached; Ctrl-A detaches]\n"
s_detached: .asciz "[dom%d (%s): detached]\n"
s_halted:   .asciz "[dom%d (%s) halted with code %d]\n"
st_0:       .asciz "?"
st_1:       .asciz "running"
st_2:       .asciz "runnable"
st_3:       .asciz "blocked"
st_4:       .asciz "shutdown"
    .balign 4
states:     .word st_0, st_1, st_2, st_3, st_4
.bss
    .balign 4
info:       .space DOMAIN_INFO_SIZE
opt_mem:    .space 4
opt_disk:   .space 4
opt_start:  .space 4
opt_count:  .space 4
opt_attach: .space 4
lk_name:    .space 16
cfg_path:   .space 24
cfg_text:   .space 256
