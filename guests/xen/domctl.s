# domctl.s — domain control for Dom0's toolstack: create, destroy, list.
#
# Concept (Barham et al. 2003, §2.3 "Control and management": "the hypervisor itself
# provides only basic control operations ... exported through an interface accessible
# from authorized domains ... Domain0 ... responsible for hosting the application-level
# management software"; seed: Xen lecture — "separation of policy and mechanism"). The
# mechanism is here: build a domain from a boot module (domain.s), tear one down, report
# what each one is doing. The policy — which image, how much memory, which disk, when to
# reap a domain that shut down — is Dom0's (`xl`, guests/xen/programs/xl.s, through the
# Dom0 kernel's backend, guests/monolithic/pvback.s). Only a domain with SIF_PRIVILEGED
# may call these.

# domctl_priv(a6 = caller) -> a0 = 0 if it may make domctl calls. Leaf.
domctl_priv:
    lw   a0, D_FLAGS(a6)
    andi a0, a0, SIF_PRIVILEGED
    seqz a0, a0
    ret

# domctl_create(name, KiB, cmdline) -> domid
do_domctl_create:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   s3, a1
    mv   s4, a2
    call domctl_priv
    bnez a0, 95f
    li   t0, 1 << 18                    # at most 256 MiB
    bgtu s3, t0, 97f
    mv   a0, s1                         # the module's name, from the caller
    mv   a1, s2
    li   a2, 16
    call guest_range
    beqz a0, 96f
    mv   a1, a0
    la   a0, dc_name
    li   a2, 16
    call strlcpy
    la   t0, dc_cmdline                 # its command line (optional)
    sb   zero, 0(t0)
    beqz s4, 1f
    mv   a0, s1
    mv   a1, s4
    li   a2, 64
    call guest_range
    beqz a0, 96f
    mv   a1, a0
    la   a0, dc_cmdline
    li   a2, 64
    call strlcpy
1:  la   a0, dc_name
    la   a1, s_dom0name
    li   a2, 16
    call strncmp                        # dom0 is built once, at boot
    beqz a0, 98f
    la   a0, dc_name
    call module_find
    beqz a0, 98f
    mv   a1, s3
    li   a2, 0
    la   a3, dc_cmdline
    call dom_build
    bnez a0, 2f
    mv   a0, a1                         # the error
    EPILOGUE
2:  mv   s5, a0
    call dom0                           # Dom0 hears of every new domain
    li   a1, VIRQ_DOM_EXC
    call send_virq
    lw   a0, D_DOMID(s5)
9:  EPILOGUE
95: li   a0, -XEN_EPERM
    EPILOGUE
96: li   a0, -XEN_EFAULT
    EPILOGUE
97: li   a0, -XEN_EINVAL
    EPILOGUE
98: li   a0, -XEN_ENOENT
    EPILOGUE

# domctl_destroy(domid) -> 0
do_domctl_destroy:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    call domctl_priv
    bnez a0, 95f
    mv   a0, s2
    call dom_by_id
    beqz a0, 96f
    beq  a0, s1, 95f                    # not itself
    lw   t0, D_FLAGS(a0)
    andi t0, t0, SIF_INITDOMAIN
    bnez t0, 95f
    call dom_destroy
    li   a0, 0
    EPILOGUE
95: li   a0, -XEN_EPERM
    EPILOGUE
96: li   a0, -XEN_ESRCH
    EPILOGUE

# domctl_getinfo(domid, buf) -> the id of the first live domain >= domid, described in
# buf (struct domain_info)
do_domctl_getinfo:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   s3, a1
    call domctl_priv
    bnez a0, 95f
    mv   a0, s1
    mv   a1, s3
    li   a2, DOMAIN_INFO_SIZE
    call guest_range
    beqz a0, 96f
    mv   s3, a0
    la   t0, dom_table                  # the live domain with the smallest id >= domid
    li   t1, MAX_DOMS
    li   s4, 0
1:  lw   t2, D_STATE(t0)
    beqz t2, 3f
    lw   t2, D_DOMID(t0)
    bltu t2, s2, 3f
    beqz s4, 2f
    lw   t3, D_DOMID(s4)
    bgeu t2, t3, 3f
2:  mv   s4, t0
3:  addi t0, t0, DOM_BYTES
    addi t1, t1, -1
    bnez t1, 1b
    beqz s4, 97f
    la   t0, cur_dom                    # the caller is running: charge it up to now
    lw   t0, 0(t0)
    bne  t0, s1, 4f
    mv   a0, s1
    call dom_charge
4:  lw   t0, D_DOMID(s4)
    sw   t0, XDI_DOMID(s3)
    lw   t0, D_STATE(s4)
    bne  s4, s1, 5f
    li   t0, DOMS_RUNNING
5:  sw   t0, XDI_STATE(s3)
    lw   t0, D_PAGES(s4)
    sw   t0, XDI_NR_PAGES(s3)
    lw   t0, D_MBASE(s4)
    sw   t0, XDI_MACHINE_BASE(s3)
    lw   t0, D_CODE(s4)
    sw   t0, XDI_CODE(s3)
    lw   t0, D_CYC_LO(s4)               # cycles / 1024
    lw   t1, D_CYC_HI(s4)
    srli t0, t0, 10
    slli t1, t1, 22
    or   t0, t0, t1
    sw   t0, XDI_CYCLES(s3)
    lw   t0, VC_EXITS(s4)
    sw   t0, XDI_EXITS(s3)
    lw   t0, D_HCALLS(s4)
    sw   t0, XDI_HCALLS(s3)
    lw   t0, D_REF_GRANT(s4)
    lw   t1, D_REF_MMU(s4)
    add  t0, t0, t1
    sw   t0, XDI_REFUSED(s3)
    lw   t0, D_EVENTS(s4)
    sw   t0, XDI_EVENTS(s3)
    lw   t0, VC_VMID(s4)
    sw   t0, XDI_VMID(s3)
    lw   t0, D_FLAGS(s4)
    sw   t0, XDI_FLAGS(s3)
    addi a0, s3, XDI_NAME
    addi a1, s4, D_NAME
    li   a2, 16
    call memmove
    lw   a0, D_DOMID(s4)
    EPILOGUE
95: li   a0, -XEN_EPERM
    EPILOGUE
96: li   a0, -XEN_EFAULT
    EPILOGUE
97: li   a0, -XEN_ESRCH
    EPILOGUE

.bss
    .balign 4
dc_name:    .space 16
dc_cmdline: .space 64
.text
