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

.text
HYPERVISOR_console_io:
    li   a7, HC_CONSOLE_IO
    hcall
    ret
HYPERVISOR_sched_yield:
    li   a7, HC_SCHED_YIELD
    hcall
    ret
HYPERVISOR_sched_block:
    li   a7, HC_SCHED_BLOCK
    hcall
    ret
HYPERVISOR_sched_shutdown:
    li   a7, HC_SCHED_SHUTDOWN
    hcall
    ret
HYPERVISOR_set_timer:
    li   a7, HC_SET_TIMER
    hcall
    ret
HYPERVISOR_mmu_update:
    li   a7, HC_MMU_UPDATE
    hcall
    ret
HYPERVISOR_evtchn_alloc_unbound:
    li   a7, HC_EVTCHN_ALLOC_UNBOUND
    hcall
    ret
HYPERVISOR_evtchn_bind_interdomain:
    li   a7, HC_EVTCHN_BIND_INTERDOMAIN
    hcall
    ret
HYPERVISOR_evtchn_bind_virq:
    li   a7, HC_EVTCHN_BIND_VIRQ
    hcall
    ret
HYPERVISOR_evtchn_bind_pirq:
    li   a7, HC_EVTCHN_BIND_PIRQ
    hcall
    ret
HYPERVISOR_evtchn_send:
    li   a7, HC_EVTCHN_SEND
    hcall
    ret
HYPERVISOR_evtchn_unmask:
    li   a7, HC_EVTCHN_UNMASK
    hcall
    ret
HYPERVISOR_evtchn_close:
    li   a7, HC_EVTCHN_CLOSE
    hcall
    ret
HYPERVISOR_physdev_eoi:
    li   a7, HC_PHYSDEV_EOI
    hcall
    ret
HYPERVISOR_gnttab_setup_table:
    li   a7, HC_GNTTAB_SETUP_TABLE
    hcall
    ret
HYPERVISOR_gnttab_map:
    li   a7, HC_GNTTAB_MAP
    hcall
    ret
HYPERVISOR_gnttab_unmap:
    li   a7, HC_GNTTAB_UNMAP
    hcall
    ret
HYPERVISOR_store_write:
    li   a7, HC_STORE_WRITE
    hcall
    ret
HYPERVISOR_store_read:
    li   a7, HC_STORE_READ
    hcall
    ret
HYPERVISOR_domctl_create:
    li   a7, HC_DOMCTL_CREATE
    hcall
    ret
HYPERVISOR_domctl_destroy:
    li   a7, HC_DOMCTL_DESTROY
    hcall
    ret
HYPERVISOR_domctl_getinfo:
    li   a7, HC_DOMCTL_GETINFO
    hcall
    ret
HYPERVISOR_xen_version:
    li   a7, HC_XEN_VERSION
    hcall
    ret
