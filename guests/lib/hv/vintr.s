# vintr.s — virtual interrupts: injecting an emulated device's interrupt into an
# unmodified guest kernel, exactly when the guest can take it (shared component).
#
# Concept: interrupt virtualization (seed: VM lecture — "forwarding of IRQs to the guest
# kernel inside of the VM (simulated hardware interrupts)"). The guest's devices are
# emulated, so their interrupt lines are the hypervisor's (hv/vdev.s: vdev_lines). The
# unmodified kernel expects the lines it knows (TIMER, CONSOLE, DISK), not the VIRQ line
# of ISA.md §8, so an interrupt is delivered by performing the guest's trap entry in
# software (vcpu_inject) with cause INT | line — when the guest has interrupts enabled
# (status.IE) and the line enabled (ienable), as the hardware would.
#
# When the guest has interrupts disabled, the hypervisor must regain control at the
# moment it enables them (VT-x calls this an interrupt-window exit). ringvm has no such
# control, so the window is built from what the ISA has: the guest's tvec is emptied,
# and VIRQ is made pending and enabled in its copies of ipend/ienable. As soon as the
# guest sets IE (csrs status, or rfe back to user mode) the VIRQ is deliverable, finds no
# vector, and exits EXCEPTION (ISA.md §8 rule 5) — at exactly the right instruction. At
# every exit the window is closed again (the tvec restored, VIRQ cleared) before
# anything else; an exception the guest takes while it is armed also exits, and is
# reflected to the restored vector. The guest can notice only by reading tvec, ienable
# or ipend in that window (the monolithic kernel never does).
#
# Ring -1 only; both work on the vCPU loaded in the CPU.
#
# Provides: vintr_disarm(a0 = vcpu) (returns a0 = 1 if the window was armed, now closed,
#   else 0), vintr_prepare(a0 = vcpu, a1 = its pending virtual lines) (returns a0 = 0, or
#   -1 if a line is deliverable but the guest has no trap vector)
# Needs: vcpu_inject, VC_G_TVEC, VC_WINDOW (the vCPU layout of vcpu.inc); kframe.inc

# vintr_disarm(a0 = vcpu) -> a0 = 1 if the window was armed (now closed), else 0. Leaf.
vintr_disarm:
    lw   t0, VC_WINDOW(a0)
    bnez t0, 1f
    li   a0, 0
    ret
1:  sw   zero, VC_WINDOW(a0)
    lw   t0, VC_G_TVEC(a0)              # the guest's own vector, kept while armed
    csrw gtvec, t0
    csrr t0, gienable
    andi t0, t0, ~IRQB_VIRQ & 0xFFFF
    csrw gienable, t0
    csrw gipend, zero
    li   a0, 1
    ret

# vintr_prepare(a0 = vcpu, a1 = lines): before entering the vCPU: inject its lowest
# pending line that its kernel enabled (ienable) if its interrupts are on (status.IE),
# else arm the window.
vintr_prepare:
    PROLOGUE
    mv   s1, a0
    csrr t0, gienable
    and  s2, a1, t0
    beqz s2, 8f                         # nothing to deliver
    csrr t0, gstatus
    andi t0, t0, ST_IE
    beqz t0, 5f
    li   s3, 0                          # the lowest line
1:  srl  t0, s2, s3
    andi t0, t0, 1
    bnez t0, 2f
    addi s3, s3, 1
    j    1b
2:  mv   a0, s1
    li   a1, CAUSE_INTERRUPT
    or   a1, a1, s3
    li   a2, 0
    call vcpu_inject                    # 0, or -1: no vector
    EPILOGUE
5:  csrr t0, gtvec                      # arm the interrupt window
    sw   t0, VC_G_TVEC(s1)
    csrw gtvec, zero
    csrr t0, gienable
    ori  t0, t0, IRQB_VIRQ
    csrw gienable, t0
    li   t0, IRQB_VIRQ
    csrw gipend, t0
    li   t0, 1
    sw   t0, VC_WINDOW(s1)
8:  li   a0, 0
    EPILOGUE
