# hcall.s — the hypercall stub library of paravirtual guests (shared component).
# GENERATED from guests/xen/hypercalls.toml by `ringvm generate`; do not edit.
#
# Concept: hypercalls are to a paravirtualized kernel what system calls are to a
# program (seed: Xen lecture — "Hypercall: synchronous calls from a domain to Xen,
# analogous to system calls"): a ported kernel calls HYPERVISOR_<name> where the
# unmodified one would have executed a privileged instruction or touched a device.
# Each stub puts the number in a7 and executes hcall (always a VM exit, ISA.md §8);
# the arguments stay in a0-a5 and the result comes back in a0 (a1, a2 for
# gnttab_map). The hypervisor preserves every other register: leaf functions.
#
# Provides: HYPERVISOR_console_io, HYPERVISOR_sched_yield, HYPERVISOR_sched_block,
#   HYPERVISOR_sched_shutdown, HYPERVISOR_set_timer, HYPERVISOR_mmu_update,
#   HYPERVISOR_evtchn_alloc_unbound, HYPERVISOR_evtchn_bind_interdomain,
#   HYPERVISOR_evtchn_bind_virq, HYPERVISOR_evtchn_bind_pirq, HYPERVISOR_evtchn_send,
#   HYPERVISOR_evtchn_unmask, HYPERVISOR_evtchn_close, HYPERVISOR_physdev_eoi,
#   HYPERVISOR_gnttab_setup_table, HYPERVISOR_gnttab_map, HYPERVISOR_gnttab_unmap,
#   HYPERVISOR_store_write, HYPERVISOR_store_read, HYPERVISOR_domctl_create,
#   HYPERVISOR_domctl_destroy, HYPERVISOR_domctl_getinfo, HYPERVISOR_xen_version
# Needs: nothing

.macro HYPERCALL_STUB name, num
\name:
    li   a7, \num
    hcall
    ret
.endm

HYPERCALL_STUB HYPERVISOR_console_io, HC_CONSOLE_IO
HYPERCALL_STUB HYPERVISOR_sched_yield, HC_SCHED_YIELD
HYPERCALL_STUB HYPERVISOR_sched_block, HC_SCHED_BLOCK
HYPERCALL_STUB HYPERVISOR_sched_shutdown, HC_SCHED_SHUTDOWN
HYPERCALL_STUB HYPERVISOR_set_timer, HC_SET_TIMER
HYPERCALL_STUB HYPERVISOR_mmu_update, HC_MMU_UPDATE
HYPERCALL_STUB HYPERVISOR_evtchn_alloc_unbound, HC_EVTCHN_ALLOC_UNBOUND
HYPERCALL_STUB HYPERVISOR_evtchn_bind_interdomain, HC_EVTCHN_BIND_INTERDOMAIN
HYPERCALL_STUB HYPERVISOR_evtchn_bind_virq, HC_EVTCHN_BIND_VIRQ
HYPERCALL_STUB HYPERVISOR_evtchn_bind_pirq, HC_EVTCHN_BIND_PIRQ
HYPERCALL_STUB HYPERVISOR_evtchn_send, HC_EVTCHN_SEND
HYPERCALL_STUB HYPERVISOR_evtchn_unmask, HC_EVTCHN_UNMASK
HYPERCALL_STUB HYPERVISOR_evtchn_close, HC_EVTCHN_CLOSE
HYPERCALL_STUB HYPERVISOR_physdev_eoi, HC_PHYSDEV_EOI
HYPERCALL_STUB HYPERVISOR_gnttab_setup_table, HC_GNTTAB_SETUP_TABLE
HYPERCALL_STUB HYPERVISOR_gnttab_map, HC_GNTTAB_MAP
HYPERCALL_STUB HYPERVISOR_gnttab_unmap, HC_GNTTAB_UNMAP
HYPERCALL_STUB HYPERVISOR_store_write, HC_STORE_WRITE
HYPERCALL_STUB HYPERVISOR_store_read, HC_STORE_READ
HYPERCALL_STUB HYPERVISOR_domctl_create, HC_DOMCTL_CREATE
HYPERCALL_STUB HYPERVISOR_domctl_destroy, HC_DOMCTL_DESTROY
HYPERCALL_STUB HYPERVISOR_domctl_getinfo, HC_DOMCTL_GETINFO
HYPERCALL_STUB HYPERVISOR_xen_version, HC_XEN_VERSION
