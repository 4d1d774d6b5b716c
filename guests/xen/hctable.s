# GENERATED from guests/xen/hypercalls.toml by `ringvm generate`; do not edit.
# The hypercall dispatch table: entry n is the handler of hypercall n (entry 0
# unused).

.rodata
.align 4
hypercall_table:
    .word 0
    .word do_console_io
    .word do_sched_yield
    .word do_sched_block
    .word do_sched_shutdown
    .word do_set_timer
    .word do_mmu_update
    .word do_evtchn_alloc_unbound
    .word do_evtchn_bind_interdomain
    .word do_evtchn_bind_virq
    .word do_evtchn_bind_pirq
    .word do_evtchn_send
    .word do_evtchn_unmask
    .word do_evtchn_close
    .word do_physdev_eoi
    .word do_gnttab_setup_table
    .word do_gnttab_map
    .word do_gnttab_unmap
    .word do_store_write
    .word do_store_read
    .word do_domctl_create
    .word do_domctl_destroy
    .word do_domctl_getinfo
    .word do_xen_version
.text
