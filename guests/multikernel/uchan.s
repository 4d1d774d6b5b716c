# uchan.s — user-level channels: a page of the shared region mapped into two processes,
# possibly on two CPUs, through which they exchange URPC messages with no kernel on the
# path.
#
# Concept: URPC is *user-level* RPC (Baumann et al., §4.6: "inter-dispatcher
# communication … a variant of URPC: a shared-memory channel … the receiver polls"); the
# kernels only set the channel up. `chan(id)` binds channel id (0..NUCHAN-1): the first
# process to ask becomes its *binder* — a global change, agreed by every monitor
# (agree.s, OP_CHAN: each replica records who holds id; a second binder is refused,
# R_EXISTS) — and the frame is cleared; a later caller, on any CPU, is the *peer*. Both
# get the same frame mapped at UCHAN_VA + id*4096 (the result is that address, plus 1
# for the peer) and run guests/lib/msg/urpc.s on it in ring 3: programs/chanping.s puts
# the binder-to-peer ring at offset 0 and the other at 2048. The frame belongs to no
# process: exec and exit unmap it instead of freeing it, and the binder's exit unbinds
# the channel everywhere (OP_UNCHAN).

# uchan_frame(a0 = id) -> a0 = the frame's physical address. Leaf.
uchan_frame:
    slli a0, a0, 12
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   t0, SH_UCHAN - KSEG
    add  a0, a0, t0
    ret

# sys_chan(a0 = id) -> the channel page's address (+1 for the peer), or -EINVAL /
# -EEXIST (already mapped here) / -ENOMEM.
sys_chan:
    PROLOGUE
    mv   s1, a0
    sltiu t0, s1, NUCHAN
    beqz t0, 91f
    la   t0, curproc
    lw   s2, 0(t0)
    slli s3, s1, 12
    li   t0, UCHAN_VA
    add  s3, s3, t0                     # its address in every process
    lw   a0, P_PGDIR(s2)
    mv   a1, s3
    li   a2, 0
    call pt_walk
    beqz a0, 1f
    lw   t0, 0(a0)
    andi t0, t0, TLB_V
    bnez t0, 92f
1:  li   a0, OP_CHAN                    # bind it, if nobody has
    mv   a1, s1
    la   t0, my_cpu
    lw   a2, 0(t0)
    lw   a3, P_PID(s2)
    li   a4, 0
    li   a5, -1
    call agree
    li   s4, 0                          # side: 0 binder
    beqz a0, 2f
    li   t0, -R_EXISTS
    bne  a0, t0, 93f
    li   s4, 1                          # 1 peer
    j    3f
2:  mv   a0, s1                         # a new binding: empty rings
    call uchan_frame
    li   t0, KSEG
    add  a0, a0, t0
    li   a1, 0
    li   a2, 4096
    call memset
3:  lw   a0, P_PGDIR(s2)
    mv   a1, s3
    li   a2, 1
    call pt_walk
    beqz a0, 93f
    mv   s5, a0
    mv   a0, s1
    call uchan_frame
    ori  a0, a0, TLB_V | TLB_R | TLB_W | TLB_U
    sw   a0, 0(s5)
    lw   t0, P_SLOT(s2)
    addi t0, t0, 1
    tlbinvasid t0
    or   a0, s3, s4
    EPILOGUE
91: li   a0, -EINVAL
    EPILOGUE
92: li   a0, -EEXIST
    EPILOGUE
93: li   a0, -ENOMEM
    EPILOGUE

# uchan_unmap(a0 = proc): remove every channel page from its address space (the
# frames are not its own: uvmfree must never see them).
uchan_unmap:
    PROLOGUE
    mv   s1, a0
    lw   t0, P_PGDIR(s1)
    beqz t0, 9f
    li   s2, 0
1:  lw   a0, P_PGDIR(s1)
    slli a1, s2, 12
    li   t0, UCHAN_VA
    add  a1, a1, t0
    li   a2, 0
    call pt_walk
    beqz a0, 2f
    mv   s3, a0
    mv   a0, s2
    call uchan_frame
    lw   t0, 0(s3)
    andi t1, t0, TLB_V
    beqz t1, 2f
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    bne  t0, a0, 2f
    sw   zero, 0(s3)
2:  addi s2, s2, 1
    li   t0, NUCHAN
    blt  s2, t0, 1b
    lw   t0, P_SLOT(s1)
    addi t0, t0, 1
    tlbinvasid t0
9:  EPILOGUE

# uchan_release(a0 = proc): at its exit: unmap its channels, and unbind (everywhere)
# those it bound.
uchan_release:
    PROLOGUE
    mv   s1, a0
    call uchan_unmap
    li   s2, 0
1:  li   a0, PDK_CHAN
    mv   a1, s2
    call pdir_find
    beqz a0, 2f
    lw   t0, PD_PPID(a0)
    lw   t1, P_PID(s1)
    bne  t0, t1, 2f
    lw   t0, PD_CPU(a0)
    la   t1, my_cpu
    lw   t1, 0(t1)
    bne  t0, t1, 2f
    li   a0, OP_UNCHAN
    mv   a1, s2
    li   a2, 0
    li   a3, 0
    li   a4, 0
    li   a5, -1
    call agree
2:  addi s2, s2, 1
    li   t0, NUCHAN
    blt  s2, t0, 1b
    EPILOGUE
