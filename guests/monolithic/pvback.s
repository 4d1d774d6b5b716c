# pvback.s — Dom0: the backends of the split drivers, the real disks behind them, and
# the toolstack's system calls (the PV build with DOM0; included by pv.s).
#
# Concept (Barham et al. 2003, §2.3 "Control and management" and §3.2 "Device I/O";
# seed: kernel structures, "Type-1b: ... the device drivers are implemented in a special
# guest OS, Dom0"; Xen lecture — "Domain-0 hosts the application-level management
# software"). Dom0 is the monolithic kernel, privileged (SIF_PRIVILEGED) and given the
# real devices (hctl.DEVPASS): it keeps its own console and disk drivers and adds
#
#   the block backend   (Xen's blkback) a kernel thread, xenbackd: for each DomU whose
#                       frontend published a ring (the store: XS_BLK_RING, XS_BLK_PORT),
#                       it maps the ring page by its grant, binds the frontend's port,
#                       and serves requests — copies each one out of the ring, checks it,
#                       maps the data page by its grant (the hypervisor refuses an
#                       ungranted one: the request fails), and does the DMA straight into
#                       or out of that page on a real disk (disk1, disk2), within the
#                       sectors the domain was given. At most BE_BUDGET requests per
#                       domain per pass, then the other domains and Dom0's own processes
#                       get the CPU: a DomU that floods its ring cannot stall Dom0.
#   the console backend (xenconsoled) in the event handler: a DomU's WRITE requests go
#                       to the UART while `xl console` is attached to it, else into its
#                       history (the last BE_HIST bytes, shown at the next attach); its
#                       READ requests are answered from the UART only while attached —
#                       Ctrl-A detaches.
#   the toolstack       system calls 100-103 (outside the ABI: the hook SYSCALL_EXTRA of
#                       syscall.s) for xl (guests/xen/programs/xl.s): create, destroy,
#                       info, console. A DomU that shuts down is reaped (destroyed) by
#                       xenbackd, as Xen's `on_poweroff = "destroy"`.
#
# Physical interrupts arrive as events (pirqs: CONSOLE, DISK, DISK1, DISK2), unmasked
# again with physdev_eoi when the driver is done.

.equ XL_CREATE, 100                     # (name, KiB, disk, start, count) -> domid
.equ XL_DESTROY, 101                    # (domid) -> 0
.equ XL_INFO, 102                       # (domid, struct domain_info *) -> domid
.equ XL_CONSOLE, 103                    # (domid) -> exit code, or -1 detached

.equ BE_MAX, 8                          # DomUs with backends
.equ BE_BUDGET, 8                       # block requests per domain per pass
.equ BE_HIST, 2048                      # console history per domain (a power of two)
.equ CTRL_A, 1                          # detaches `xl console`

# struct backend (one per DomU)
.equ BE_DOMID, 0                        # -1: free
.equ BE_GEN, 4                          # bumped at each disconnect
.equ BE_C_CONN, 8                       # console: connected
.equ BE_C_PORT, 12                      #   Dom0's end of its channel
.equ BE_C_HANDLE, 16                    #   grant handle of its ring page
.equ BE_C_READ, 20                      #   a READ request is waiting (its id + 1)
.equ BE_H_START, 24                     #   history: oldest byte, bytes
.equ BE_H_LEN, 28
.equ BE_B_CONN, 32                      # block: connected
.equ BE_B_PORT, 36
.equ BE_B_HANDLE, 40                    #   grant handle of its ring page
.equ BE_B_DISK, 44                      #   the real disk: 1 or 2 (0: none)
.equ BE_B_START, 48                     #   its sectors there: [START, START + COUNT)
.equ BE_B_COUNT, 52
.equ BE_D_GREF, 56                      #   the data page mapped now (persistent grant):
.equ BE_D_HANDLE, 60                    #   gref, handle + 1 (0: none), machine address,
.equ BE_D_MACH, 64                      #   writable?
.equ BE_D_RW, 68
.equ BE_B_BROKEN, 72                    #   the frontend broke the ring protocol
.equ BE_B_REQS, 76                      #   requests served
.equ BE_B_REFUSED, 80                   #   requests refused (grant, range)
.equ BE_C_RING, 84                      # ring descriptors (RING_DESC_SIZE each)
.equ BE_B_RING, 104
.equ BE_BYTES, 128

# ---------------------------------------------------------------- boot

# pvback_init(): the virqs, the DomUs' disks and their interrupts, the table, xenbackd.
pvback_init:
    PROLOGUE
    la   t0, be_table                   # every entry free
    li   t1, BE_MAX
1:  li   t2, -1
    sw   t2, BE_DOMID(t0)
    addi t0, t0, BE_BYTES
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, VIRQ_DOM_EXC               # domains come and go; stores change
    call HYPERVISOR_evtchn_bind_virq
    blt  a0, zero, 2f
    la   a1, be_virq_event
    call evtchn_bind
2:  li   a0, VIRQ_STORE
    call HYPERVISOR_evtchn_bind_virq
    blt  a0, zero, 3f
    la   a1, be_virq_event
    call evtchn_bind
3:  li   t0, KSEG + XSI_ADDR            # the DomUs' disks: disk1, disk2
    lw   s1, XSI_DISKS(t0)
    andi t0, s1, 2
    beqz t0, 4f
    li   t0, DISK1_CTRL
    li   t1, DISK_CTRL_IE
    sw   t1, 0(t0)
    li   a0, IRQ_DISK1
    la   a1, vbd_event1
    call pv_bind_pirq
4:  andi t0, s1, 4
    beqz t0, 5f
    li   t0, DISK2_CTRL
    li   t1, DISK_CTRL_IE
    sw   t1, 0(t0)
    li   a0, IRQ_DISK2
    la   a1, vbd_event2
    call pv_bind_pirq
5:  call allocproc                      # xenbackd: a kernel thread
    beqz a0, 9f
    mv   s2, a0
    call kalloc                         # (an empty page table: it never runs in useg)
    sw   a0, P_PGDIR(s2)
    lw   t0, P_CONTEXT(s2)
    la   t1, xenbackd
    sw   t1, 0(t0)
    addi a0, s2, P_NAME
    la   a1, str_xenbackd
    li   a2, 16
    call strlcpy
    la   a0, ptable_lock
    call acquire
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    la   a0, ptable_lock
    call release
9:  EPILOGUE

# ---------------------------------------------------------------- events

# be_virq_event(a0 = port) -> 0: VIRQ_DOM_EXC or VIRQ_STORE: xenbackd rescans.
be_virq_event:
    PROLOGUE
    la   t0, xb_scan
    li   t1, 1
    sw   t1, 0(t0)
    la   a0, xb_kick
    call wakeup
    li   a0, 0
    EPILOGUE

# be_blk_event(a0 = port) -> 0: a frontend posted requests: xenbackd serves them.
be_blk_event:
    PROLOGUE
    la   t0, xb_work
    li   t1, 1
    sw   t1, 0(t0)
    la   a0, xb_kick
    call wakeup
    li   a0, 0
    EPILOGUE

# be_cons_event(a0 = port) -> 0: a console frontend posted requests.
be_cons_event:
    PROLOGUE
    mv   s1, a0
    la   s2, be_table
    li   s3, BE_MAX
1:  lw   t0, BE_DOMID(s2)
    blt  t0, zero, 2f
    lw   t0, BE_C_CONN(s2)
    beqz t0, 2f
    lw   t0, BE_C_PORT(s2)
    bne  t0, s1, 2f
    mv   a0, s2
    call be_cons_service
2:  addi s2, s2, BE_BYTES
    addi s3, s3, -1
    bnez s3, 1b
    li   a0, 0
    EPILOGUE

# pv_console_event(a0 = port) -> 0: the UART's interrupt. Attached to a DomU (`xl
# console`): its input, if it asked for some; else Dom0's own console driver.
pv_console_event:
    PROLOGUE
    la   t0, cons_entry
    lw   a0, 0(t0)
    beqz a0, 1f
    call be_cons_input
    j    2f
1:  call console_intr
2:  li   a0, IRQ_CONSOLE
    call pv_eoi
    li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- the backend thread

# xenbackd: connects the frontends that appeared, reaps the domains that shut down,
# serves the block rings; sleeps when there is nothing to do.
#
# Locks: its first run comes from the scheduler with ptable_lock held (as forkret's
# and initstart's). It then holds fs_lock, which guards xb_kick/xb_scan/xb_work and the
# backend table against the upcall handlers (pv.s: pv_devintr), and gives it up only
# in sleep (sleep_on) and around yield (sched wants ptable_lock alone).
xenbackd:
    la   a0, ptable_lock                # the scheduler's
    call release
    la   a0, fs_lock
    call acquire
1:  la   t0, xb_kick
    sw   zero, 0(t0)
    la   t0, xb_scan
    lw   t1, 0(t0)
    beqz t1, 2f
    sw   zero, 0(t0)
    call be_scan
2:  la   t0, xb_work
    sw   zero, 0(t0)
    li   s1, 0                          # more work left somewhere
    la   s2, be_table
    li   s3, BE_MAX
3:  lw   t0, BE_DOMID(s2)
    blt  t0, zero, 4f
    lw   t0, BE_B_CONN(s2)
    beqz t0, 4f
    mv   a0, s2
    call be_blk_service
    or   s1, s1, a0
4:  addi s2, s2, BE_BYTES
    addi s3, s3, -1
    bnez s3, 3b
    beqz s1, 5f
    la   a0, fs_lock
    call release
    call yield                          # the budget ran out: others first, then more
    la   a0, fs_lock
    call acquire
    j    1b
5:  la   t0, xb_kick                    # something arrived meanwhile?
    lw   t0, 0(t0)
    bnez t0, 1b
    la   t0, xb_scan
    lw   t0, 0(t0)
    bnez t0, 1b
    la   t0, xb_work
    lw   t0, 0(t0)
    bnez t0, 1b
    la   a0, xb_kick
    call sleep
    j    1b

# be_scan(): every DomU: reap it if it shut down, connect its frontends if they are
# published.
be_scan:
    PROLOGUE
    li   s1, 1                          # next domid to ask about
1:  mv   a0, s1
    la   a1, be_info
    call HYPERVISOR_domctl_getinfo
    blt  a0, zero, 9f
    mv   s2, a0                         # a domain
    addi s1, s2, 1
    la   t0, be_info
    lw   t1, XDI_FLAGS(t0)
    andi t1, t1, SIF_INITDOMAIN
    bnez t1, 1b
    mv   a0, s2
    call be_find
    bnez a0, 2f
    mv   a0, s2                         # not made by xl: a backend without a disk
    li   a1, 0
    li   a2, 0
    li   a3, 0
    call be_new
    beqz a0, 1b
2:  mv   s3, a0
    la   t0, be_info
    lw   t1, XDI_STATE(t0)
    li   t2, DOMS_SHUTDOWN
    bne  t1, t2, 3f
    lw   s4, XDI_CODE(t0)               # it shut down: disconnect, destroy, tell xl
    mv   a0, s3
    mv   a1, s4
    call be_release
    mv   a0, s2
    call HYPERVISOR_domctl_destroy
    j    1b
3:  lw   t0, BE_C_CONN(s3)
    bnez t0, 4f
    mv   a0, s2
    li   a1, XS_CONS_FE
    call HYPERVISOR_store_read
    li   t0, XBS_INITIALISED
    bne  a0, t0, 4f
    mv   a0, s3
    call be_cons_connect
4:  lw   t0, BE_B_CONN(s3)
    bnez t0, 1b
    lw   t0, BE_B_BROKEN(s3)
    bnez t0, 1b
    mv   a0, s2
    li   a1, XS_BLK_FE
    call HYPERVISOR_store_read
    li   t0, XBS_INITIALISED
    bne  a0, t0, 1b
    mv   a0, s3
    call be_blk_connect
    j    1b
9:  EPILOGUE

# be_find(a0 = domid) -> a0 = its backend entry, or 0. Leaf.
be_find:
    la   t0, be_table
    li   t1, BE_MAX
1:  lw   t2, BE_DOMID(t0)
    beq  t2, a0, 9f
    addi t0, t0, BE_BYTES
    addi t1, t1, -1
    bnez t1, 1b
    li   t0, 0
9:  mv   a0, t0
    ret

# be_new(a0 = domid, a1 = disk, a2 = first sector, a3 = sectors) -> a0 = a fresh entry,
# or 0 (table full).
be_new:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    li   a0, -1
    call be_find
    beqz a0, 9f
    mv   s5, a0
    lw   s6, BE_GEN(s5)
    li   a1, 0
    li   a2, BE_BYTES
    call memset
    addi s6, s6, 1
    sw   s6, BE_GEN(s5)
    sw   s1, BE_DOMID(s5)
    sw   s2, BE_B_DISK(s5)
    sw   s3, BE_B_START(s5)
    sw   s4, BE_B_COUNT(s5)
    mv   a0, s5
9:  EPILOGUE

# be_release(a0 = entry, a1 = exit code): the domain is going: its channels closed, its
# grants unmapped, `xl console` detached from it with the code, the entry free.
be_release:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   a0, s1
    call be_disconnect
    la   t0, cons_entry
    lw   t0, 0(t0)
    bne  t0, s1, 1f
    mv   a0, s2
    call cons_detach
1:  li   t0, -1
    sw   t0, BE_DOMID(s1)
    EPILOGUE

# be_disconnect(a0 = entry): both devices down (and anything in flight forgotten: the
# generation changes).
be_disconnect:
    PROLOGUE
    mv   s1, a0
    lw   t0, BE_GEN(s1)
    addi t0, t0, 1
    sw   t0, BE_GEN(s1)
    lw   t0, BE_C_CONN(s1)
    beqz t0, 1f
    sw   zero, BE_C_CONN(s1)
    lw   a0, BE_C_PORT(s1)
    call HYPERVISOR_evtchn_close
    lw   a0, BE_C_HANDLE(s1)
    call HYPERVISOR_gnttab_unmap
1:  lw   t0, BE_B_CONN(s1)
    beqz t0, 2f
    sw   zero, BE_B_CONN(s1)
    lw   a0, BE_B_PORT(s1)
    call HYPERVISOR_evtchn_close
    lw   a0, BE_B_HANDLE(s1)
    call HYPERVISOR_gnttab_unmap
2:  lw   a0, BE_D_HANDLE(s1)
    beqz a0, 3f
    sw   zero, BE_D_HANDLE(s1)
    addi a0, a0, -1
    call HYPERVISOR_gnttab_unmap
3:  EPILOGUE

# be_map_ring(a0 = entry, a1 = XS_*_RING key, a2 = XS_*_PORT key, a3 = handler) -> a0 =
# the ring page (kseg) or 0; a1 = the grant handle, a2 = Dom0's port.
be_map_ring:
    PROLOGUE
    mv   s1, a0
    mv   s2, a2
    mv   s3, a3
    lw   a0, BE_DOMID(s1)
    call HYPERVISOR_store_read
    blt  a0, zero, 8f
    mv   a1, a0
    lw   a0, BE_DOMID(s1)
    li   a2, 0                          # read-write
    call HYPERVISOR_gnttab_map
    blt  a0, zero, 8f
    mv   s4, a0                         # handle
    li   t0, KSEG                       # the page, through Dom0's window
    add  s5, a1, t0
    lw   a0, BE_DOMID(s1)
    mv   a1, s2
    call HYPERVISOR_store_read
    blt  a0, zero, 7f
    mv   a1, a0
    lw   a0, BE_DOMID(s1)
    call HYPERVISOR_evtchn_bind_interdomain
    blt  a0, zero, 7f
    mv   s6, a0
    mv   a1, s3
    call evtchn_bind
    mv   a0, s5
    mv   a1, s4
    mv   a2, s6
    EPILOGUE
7:  mv   a0, s4
    call HYPERVISOR_gnttab_unmap
8:  li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- console backend

# be_cons_connect(a0 = entry)
be_cons_connect:
    PROLOGUE
    mv   s1, a0
    li   a1, XS_CONS_RING
    li   a2, XS_CONS_PORT
    la   a3, be_cons_event
    call be_map_ring
    beqz a0, 9f
    sw   a1, BE_C_HANDLE(s1)
    sw   a2, BE_C_PORT(s1)
    mv   a1, a0
    addi a0, s1, BE_C_RING
    li   a2, CONSIF_RING_SLOTS
    li   a3, CONSIF_REQUEST_SIZE
    call ring_back_attach
    li   t0, 1
    sw   t0, BE_C_CONN(s1)
    sw   zero, BE_C_READ(s1)
    lw   a0, BE_DOMID(s1)
    li   a1, XS_CONS_BE
    li   a2, XBS_CONNECTED
    call HYPERVISOR_store_write
    mv   a0, s1                         # what it wrote before we came
    call be_cons_service
9:  EPILOGUE

# be_cons_service(a0 = entry): its WRITE requests out (UART or history), its READ
# request noted (and answered at once if attached and input is there).
be_cons_service:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # notify the frontend?
    li   s3, 64                         # budget
1:  beqz s3, 6f
    addi a0, s1, BE_C_RING
    la   a1, be_creq
    call ring_back_request
    blt  a0, zero, 6f                   # a broken ring: ignored from now on
    beqz a0, 5f
    addi s3, s3, -1
    la   s4, be_creq
    lw   t0, XCR_OP(s4)
    li   t1, CONSIF_OP_READ
    bne  t0, t1, 2f
    lw   t0, XCR_ID(s4)                 # READ: answered when input comes
    addi t0, t0, 1
    sw   t0, BE_C_READ(s1)
    la   t0, cons_entry
    lw   t0, 0(t0)
    bne  t0, s1, 1b
    mv   a0, s1
    call be_cons_input
    j    1b
2:  lw   s5, XCR_LEN(s4)                # WRITE: the bytes out
    li   t0, CONSIF_DATA_MAX
    bleu s5, t0, 3f
    mv   s5, t0
3:  addi s6, s4, XCR_DATA
    add  s5, s5, s6
31: bgeu s6, s5, 4f
    lbu  a0, 0(s6)
    mv   a1, s1
    call cons_out
    addi s6, s6, 1
    j    31b
4:  addi a0, s1, BE_C_RING              # the response
    call ring_back_slot
    lw   t0, XCR_ID(s4)
    sw   t0, XCP_ID(a0)
    li   t0, CONSIF_OP_WRITE
    sw   t0, XCP_OP(a0)
    sw   zero, XCP_LEN(a0)
    sw   zero, XCP_FLAGS(a0)
    addi a0, s1, BE_C_RING
    call ring_back_push
    or   s2, s2, a0
    j    1b
5:  addi a0, s1, BE_C_RING
    call ring_back_final
    bnez a0, 1b
6:  beqz s2, 9f
    lw   a0, BE_C_PORT(s1)
    call HYPERVISOR_evtchn_send
9:  EPILOGUE

# cons_out(a0 = byte, a1 = entry): a DomU's output byte: to the UART while attached to
# it, else into its history.
cons_out:
    la   t0, cons_entry
    lw   t0, 0(t0)
    bne  t0, a1, 1f
    j    kputc
1:  la   t0, be_table                   # its history buffer: be_hist + index * BE_HIST
    sub  t0, a1, t0
    li   t1, BE_BYTES
    divu t0, t0, t1
    li   t1, BE_HIST
    mul  t0, t0, t1
    la   t1, be_hist
    add  t0, t0, t1
    lw   t1, BE_H_START(a1)
    lw   t2, BE_H_LEN(a1)
    li   t3, BE_HIST
    bgeu t2, t3, 2f
    add  t3, t1, t2                     # room: append
    andi t3, t3, BE_HIST - 1
    add  t3, t3, t0
    sb   a0, 0(t3)
    addi t2, t2, 1
    sw   t2, BE_H_LEN(a1)
    ret
2:  add  t3, t1, t0                     # full: the oldest byte goes
    sb   a0, 0(t3)
    addi t1, t1, 1
    andi t1, t1, BE_HIST - 1
    sw   t1, BE_H_START(a1)
    ret

# be_cons_input(a0 = entry): the attached DomU asked for input: answer its READ with
# what the UART has, up to a newline (Ctrl-A detaches instead; the end of the input is
# answered CONSIF_EOF); nothing there yet: the UART's receive interrupt on.
be_cons_input:
    PROLOGUE
    mv   s1, a0
    lw   t0, BE_C_READ(s1)
    beqz t0, 8f
    lw   t0, BE_C_CONN(s1)
    beqz t0, 8f
    li   s2, 0                          # bytes
    li   s3, 0                          # flags
1:  li   t0, CONSIF_DATA_MAX
    bgeu s2, t0, 5f
    li   t0, CONSOLE_STATUS
    lw   t1, 0(t0)
    andi t2, t1, CONSOLE_STATUS_RXREADY
    bnez t2, 2f
    andi t2, t1, CONSOLE_STATUS_EOF
    beqz t2, 5f
    li   s3, CONSIF_EOF                 # the input has ended
    j    5f
2:  li   t0, CONSOLE_DATA
    lw   t1, 0(t0)
    li   t0, CTRL_A
    bne  t1, t0, 3f
    li   a0, -1                         # Ctrl-A: detach, nothing forwarded
    call cons_detach
    bnez s2, 5f
    j    8f
3:  la   t0, be_cin
    add  t0, t0, s2
    sb   t1, 0(t0)
    addi s2, s2, 1
    li   t0, '\n'
    beq  t1, t0, 5f
    li   t0, '\r'
    beq  t1, t0, 5f
    j    1b
5:  bnez s2, 6f
    bnez s3, 6f
    li   t0, CONSOLE_CTRL               # nothing yet: interrupt when there is
    li   t1, CONSOLE_CTRL_RXIE
    sw   t1, 0(t0)
    j    9f
6:  addi a0, s1, BE_C_RING              # the READ's response
    call ring_back_slot
    mv   s4, a0
    lw   t0, BE_C_READ(s1)
    addi t0, t0, -1
    sw   t0, XCP_ID(s4)
    li   t0, CONSIF_OP_READ
    sw   t0, XCP_OP(s4)
    sw   s2, XCP_LEN(s4)
    sw   s3, XCP_FLAGS(s4)
    li   t0, 0
7:  bgeu t0, s2, 71f
    la   t1, be_cin
    add  t1, t1, t0
    lbu  t1, 0(t1)
    add  t2, s4, t0
    sb   t1, XCP_DATA(t2)
    addi t0, t0, 1
    j    7b
71: sw   zero, BE_C_READ(s1)
    addi a0, s1, BE_C_RING
    call ring_back_push
    lw   a0, BE_C_PORT(s1)              # (always: the reader is waiting)
    call HYPERVISOR_evtchn_send
8:  li   t0, CONSOLE_CTRL               # no more input wanted for now
    sw   zero, 0(t0)
9:  EPILOGUE

# cons_detach(a0 = result for xl: the exit code, or -1): `xl console` returns.
cons_detach:
    PROLOGUE
    la   t0, cons_result
    sw   a0, 0(t0)
    la   t0, cons_entry
    sw   zero, 0(t0)
    li   t0, CONSOLE_CTRL
    sw   zero, 0(t0)
    la   a0, cons_entry
    call wakeup
    EPILOGUE

# ---------------------------------------------------------------- block backend

# be_blk_connect(a0 = entry)
be_blk_connect:
    PROLOGUE
    mv   s1, a0
    li   a1, XS_BLK_RING
    li   a2, XS_BLK_PORT
    la   a3, be_blk_event
    call be_map_ring
    beqz a0, 9f
    sw   a1, BE_B_HANDLE(s1)
    sw   a2, BE_B_PORT(s1)
    mv   a1, a0
    addi a0, s1, BE_B_RING
    li   a2, BLKIF_RING_SLOTS
    li   a3, BLKIF_REQUEST_SIZE
    call ring_back_attach
    lw   a0, BE_B_DISK(s1)              # its sectors: [START, START + COUNT) of the disk,
    call vbd_capacity                   # COUNT 0 = to the end
    lw   t0, BE_B_START(s1)
    lw   t1, BE_B_COUNT(s1)
    bltu t0, a0, 1f
    li   t1, 0                          # starts beyond the disk: nothing
    j    2f
1:  sub  t2, a0, t0
    beqz t1, 11f
    bleu t1, t2, 2f
11: mv   t1, t2
2:  sw   t1, BE_B_COUNT(s1)
    lw   a0, BE_DOMID(s1)
    li   a1, XS_BLK_SECTORS
    mv   a2, t1
    call HYPERVISOR_store_write
    lw   a0, BE_DOMID(s1)
    li   a1, XS_BLK_BE
    li   a2, XBS_CONNECTED
    call HYPERVISOR_store_write
    li   t0, 1
    sw   t0, BE_B_CONN(s1)
    la   t0, xb_work                    # requests posted before we came
    li   t1, 1
    sw   t1, 0(t0)
9:  EPILOGUE

# be_blk_service(a0 = entry) -> a0 = 1 if the budget ran out (more may be waiting).
be_blk_service:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # notify?
    li   s3, BE_BUDGET
1:  beqz s3, 7f
    lw   t0, BE_B_CONN(s1)
    beqz t0, 8f
    addi a0, s1, BE_B_RING
    la   a1, be_breq
    call ring_back_request
    blt  a0, zero, 6f
    beqz a0, 5f
    addi s3, s3, -1
    la   s4, be_breq
    lw   s5, BE_GEN(s1)                 # (the domain may go while the disk works)
    lw   t0, BE_DOMID(s1)               # REQ_SUBMIT(domid << 16 | id)
    slli t0, t0, 16
    lw   t1, XBR_ID(s4)
    andi t1, t1, 0xFFFF
    or   s6, t0, t1
    li   t0, EVENTS_ARG0
    sw   s6, 0(t0)
    li   t0, EVENTS_ARG1
    lw   t1, BE_DOMID(s1)
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_REQ_SUBMIT
    sw   t1, 0(t0)
    mv   a0, s1
    mv   a1, s4
    call be_blk_do
    mv   s7, a0                         # BLKIF_RSP_*
    lw   t0, BE_GEN(s1)
    bne  t0, s5, 8f                     # disconnected meanwhile: drop it
    li   t0, EVENTS_ARG0                # REQ_DONE(the same flow)
    sw   s6, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_REQ_DONE
    sw   t1, 0(t0)
    lw   t0, BE_B_REQS(s1)
    addi t0, t0, 1
    sw   t0, BE_B_REQS(s1)
    addi a0, s1, BE_B_RING
    call ring_back_slot
    lw   t0, XBR_ID(s4)
    sw   t0, XBP_ID(a0)
    lw   t0, XBR_OP(s4)
    sw   t0, XBP_OP(a0)
    sw   s7, XBP_STATUS(a0)
    addi a0, s1, BE_B_RING
    call ring_back_push
    or   s2, s2, a0
    j    1b
5:  addi a0, s1, BE_B_RING              # dry: re-arm, look once more
    call ring_back_final
    bnez a0, 1b
    li   s3, 1                          # (not out of budget)
    j    7f
6:  li   t0, 1                          # REQ_PROD is impossible: the frontend is broken
    sw   t0, BE_B_BROKEN(s1)            # or hostile; its device is disconnected
    la   a0, s_broken1
    call kputs
    lw   a0, BE_DOMID(s1)
    call kputdec
    la   a0, s_broken2
    call kputs
    lw   t0, BE_B_CONN(s1)
    beqz t0, 8f
    sw   zero, BE_B_CONN(s1)
    lw   a0, BE_B_PORT(s1)
    call HYPERVISOR_evtchn_close
    lw   a0, BE_B_HANDLE(s1)
    call HYPERVISOR_gnttab_unmap
    j    8f
7:  beqz s2, 71f
    lw   a0, BE_B_PORT(s1)
    call HYPERVISOR_evtchn_send
71: seqz a0, s3                         # budget exhausted?
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# be_blk_do(a0 = entry, a1 = request (copied out of the ring)) -> BLKIF_RSP_OKAY or
# BLKIF_RSP_ERROR: checked, its page mapped by its grant, the DMA done.
be_blk_do:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   s3, XBR_OP(s2)
    sltiu t0, s3, 2                     # READ or WRITE
    beqz t0, 8f
    lw   s4, XBR_COUNT(s2)
    addi t0, s4, -1
    sltiu t0, t0, 8                     # 1..8 sectors
    beqz t0, 8f
    lw   s5, XBR_OFFSET(s2)
    andi t0, s5, SECTOR_SIZE - 1
    bnez t0, 8f
    slli t0, s4, 9
    add  t0, t0, s5
    li   t1, PAGE_SIZE
    bgtu t0, t1, 8f                     # inside the page
    lw   t0, XBR_SECTOR(s2)             # inside the domain's sectors
    lw   t1, BE_B_COUNT(s1)
    bgeu t0, t1, 8f
    sub  t1, t1, t0
    bgtu s4, t1, 8f
    mv   a0, s1                         # the data page, by its grant
    lw   a1, XBR_GREF(s2)
    seqz a2, s3                         # a read writes into the page: read-write
    call be_data_map
    beqz a0, 7f
    add  a2, a0, s5                     # machine address of the data
    lw   a0, BE_B_DISK(s1)
    lw   a1, XBR_SECTOR(s2)
    lw   t0, BE_B_START(s1)
    add  a1, a1, t0
    mv   a3, s4
    mv   a4, s3                         # write = BLKIF_OP_WRITE (1)
    call vbd_rw
    bnez a0, 8f
    li   a0, BLKIF_RSP_OKAY
    EPILOGUE
7:  lw   t0, BE_B_REFUSED(s1)
    addi t0, t0, 1
    sw   t0, BE_B_REFUSED(s1)
8:  li   a0, BLKIF_RSP_ERROR
    EPILOGUE

# be_data_map(a0 = entry, a1 = gref, a2 = writable?) -> a0 = the page's machine address,
# or 0 (the hypervisor refused: not granted to Dom0, or read-only). The mapping is kept
# (persistent grants) until another page or a writable mapping is needed.
be_data_map:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, BE_D_HANDLE(s1)
    beqz t0, 2f
    lw   t0, BE_D_GREF(s1)
    bne  t0, s2, 1f
    lw   t0, BE_D_RW(s1)
    bnez t0, 5f                         # a hit
    beqz s3, 5f
1:  lw   a0, BE_D_HANDLE(s1)            # another page: the old mapping goes
    addi a0, a0, -1
    call HYPERVISOR_gnttab_unmap
    sw   zero, BE_D_HANDLE(s1)
2:  lw   a0, BE_DOMID(s1)
    mv   a1, s2
    seqz a2, s3                         # GNTMAP_READONLY unless writable
    call HYPERVISOR_gnttab_map
    blt  a0, zero, 8f
    addi a0, a0, 1
    sw   a0, BE_D_HANDLE(s1)
    sw   s2, BE_D_GREF(s1)
    sw   s3, BE_D_RW(s1)
    sw   a2, BE_D_MACH(s1)
5:  lw   a0, BE_D_MACH(s1)
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- the DomUs' disks

# vbd_regs(a0 = disk 1 or 2) -> a0 = its registers (kseg; DEVPASS: the real device), or
# 0. Leaf.
vbd_regs:
    li   t0, 1
    beq  a0, t0, 1f
    li   t0, 2
    beq  a0, t0, 2f
    li   a0, 0
    ret
1:  li   a0, DISK1_BASE + KSEG
    ret
2:  li   a0, DISK2_BASE + KSEG
    ret

# vbd_capacity(a0 = disk) -> sectors (0: no such disk). Leaf.
vbd_capacity:
    li   t0, KSEG + XSI_ADDR
    lw   t0, XSI_DISKS(t0)
    srl  t0, t0, a0
    andi t0, t0, 1
    beqz t0, 8f
    mv   t2, ra
    call vbd_regs
    mv   ra, t2
    beqz a0, 8f
    lw   a0, DISK_OFF_CAPACITY(a0)
    ret
8:  li   a0, 0
    ret

# vbd_rw(a0 = disk, a1 = sector, a2 = machine address, a3 = sectors, a4 = write?) -> 0 /
# -1: one DMA on a real disk; the caller (xenbackd) sleeps until its interrupt.
vbd_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call vbd_capacity
    beqz a0, 8f
    mv   a0, s1
    call vbd_regs
    mv   s3, a0
    slli t0, s1, 2
    la   t1, vbd_done
    add  s4, t0, t1
    sw   zero, 0(s4)
    sw   s2, DISK_OFF_SECTOR(s3)
    sw   a2, DISK_OFF_ADDR(s3)
    sw   a3, DISK_OFF_COUNT(s3)
    addi t0, a4, DISK_CMD_READ
    sw   t0, DISK_OFF_CMD(s3)
1:  lw   t0, 0(s4)
    bnez t0, 2f
    mv   a0, s4
    call sleep
    j    1b
2:  li   a0, 0
    li   t1, DISK_STATUS_DONE
    beq  t0, t1, 9f
8:  li   a0, -1
9:  EPILOGUE

# vbd_event1 / vbd_event2(a0 = port) -> 0: the DomU disk's completion.
vbd_event1:
    li   a0, 1
    j    vbd_event
vbd_event2:
    li   a0, 2
vbd_event:
    PROLOGUE
    mv   s1, a0
    call vbd_regs
    lw   t0, DISK_OFF_STATUS(a0)
    sw   zero, DISK_OFF_ACK(a0)
    li   t1, DISK_STATUS_ERROR
    beq  t0, t1, 1f
    li   t0, DISK_STATUS_DONE
1:  slli t1, s1, 2
    la   t2, vbd_done
    add  a0, t1, t2
    sw   t0, 0(a0)
    call wakeup
    li   a0, IRQ_DISK1 - 1              # its line: DISK1 for disk 1, DISK2 for disk 2
    add  a0, a0, s1
    call pv_eoi
    li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- the toolstack

# syscall_extra(a0 = trap frame) -> a0: the system calls of xl (Dom0 only).
# They run under fs_lock, like the file calls (syscall.s): the backend table, the
# console's attachment and its sleeps are guarded by it (the upcall handlers hold it).
syscall_extra:
    PROLOGUE
    mv   s1, a0
    la   a0, fs_lock
    call acquire
    mv   a0, s1
    call xl_dispatch
    mv   s1, a0
    la   a0, fs_lock
    call release
    mv   a0, s1
    EPILOGUE

# xl_dispatch(a0 = trap frame) -> a0: syscall_extra's dispatch.
xl_dispatch:
    PROLOGUE
    mv   s1, a0
    lw   t0, TF_A7(s1)
    lw   a0, TF_A0(s1)
    lw   a1, TF_A1(s1)
    lw   a2, TF_A2(s1)
    lw   a3, TF_A3(s1)
    lw   a4, TF_A4(s1)
    li   t1, XL_CREATE
    beq  t0, t1, 1f
    li   t1, XL_DESTROY
    beq  t0, t1, 2f
    li   t1, XL_INFO
    beq  t0, t1, 3f
    li   t1, XL_CONSOLE
    beq  t0, t1, 4f
    li   a0, -EINVAL
    EPILOGUE
1:  call xl_create
    EPILOGUE
2:  call xl_destroy
    EPILOGUE
3:  call xl_info
    EPILOGUE
4:  call xl_console
    EPILOGUE

# xl_create(a0 = name, a1 = KiB, a2 = disk, a3 = first sector, a4 = sectors) -> domid
xl_create:
    PROLOGUE
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    mv   a2, a0                         # the name, from user memory
    lw   t0, C_PROC(tp)                 # this CPU's curproc (smp.s)
    lw   a0, P_PGDIR(t0)
    la   a1, xl_name
    li   a3, 16
    call copyinstr
    blt  a0, zero, 8f
    la   a0, xl_name
    mv   a1, s2
    li   a2, 0
    call HYPERVISOR_domctl_create
    blt  a0, zero, 9f
    mv   s1, a0
    mv   a1, s3                         # its backend, with the disk it was given
    mv   a2, s4
    mv   a3, s5
    call be_new
    mv   a0, s1
    EPILOGUE
8:  li   a0, -EFAULT
9:  EPILOGUE

# xl_destroy(a0 = domid) -> 0 / -ESRCH / -EPERM
xl_destroy:
    PROLOGUE
    mv   s1, a0
    call be_find
    beqz a0, 1f
    li   a1, -1
    call be_release
1:  mv   a0, s1
    call HYPERVISOR_domctl_destroy
    EPILOGUE

# xl_info(a0 = domid, a1 = user buffer) -> domid described / -ESRCH
xl_info:
    PROLOGUE
    mv   s1, a1
    la   a1, xl_dinfo
    call HYPERVISOR_domctl_getinfo
    blt  a0, zero, 9f
    mv   s2, a0
    lw   t0, C_PROC(tp)                 # this CPU's curproc (smp.s)
    lw   a0, P_PGDIR(t0)
    mv   a1, s1
    la   a2, xl_dinfo
    li   a3, DOMAIN_INFO_SIZE
    call copyout
    bnez a0, 8f
    mv   a0, s2
    EPILOGUE
8:  li   a0, -EFAULT
9:  EPILOGUE

# xl_console(a0 = domid) -> the domain's exit code if it shut down while attached, -1
# if detached (Ctrl-A), -ESRCH, -EBUSY (someone else is attached)
xl_console:
    PROLOGUE
    call be_find
    beqz a0, 7f
    mv   s1, a0
    la   t0, cons_entry
    lw   t1, 0(t0)
    bnez t1, 6f
    la   t0, be_table                   # its history first
    sub  t0, s1, t0
    li   t1, BE_BYTES
    divu t0, t0, t1
    li   t1, BE_HIST
    mul  t0, t0, t1
    la   t1, be_hist
    add  s2, t0, t1
    lw   s3, BE_H_START(s1)
    lw   s4, BE_H_LEN(s1)
1:  beqz s4, 2f
    add  t0, s2, s3
    lbu  a0, 0(t0)
    call kputc
    addi s3, s3, 1
    andi s3, s3, BE_HIST - 1
    addi s4, s4, -1
    j    1b
2:  sw   zero, BE_H_START(s1)
    sw   zero, BE_H_LEN(s1)
    la   t0, cons_entry
    sw   s1, 0(t0)
    la   t0, cons_result
    li   t1, -1
    sw   t1, 0(t0)
    mv   a0, s1                         # a READ already waiting: input now
    call be_cons_input
3:  la   t0, cons_entry
    lw   t0, 0(t0)
    bne  t0, s1, 5f
    call killed
    beqz a0, 4f
    li   a0, -1
    call cons_detach
    j    5f
4:  la   a0, cons_entry
    call sleep
    j    3b
5:  la   t0, cons_result
    lw   a0, 0(t0)
    EPILOGUE
6:  li   a0, -XEN_EBUSY
    EPILOGUE
7:  li   a0, -ESRCH
    EPILOGUE

.rodata
str_xenbackd: .asciz "xenbackd"
s_broken1:    .asciz "xenbackd: dom"
s_broken2:    .asciz ": block ring index out of range: disconnected\n"
.data
    .balign 4
xb_kick:     .word 0                    # xenbackd's channel, and what it should look at:
xb_scan:     .word 1                    #   domains and stores changed
xb_work:     .word 0                    #   requests arrived
cons_entry:  .word 0                    # the backend `xl console` is attached to, or 0
cons_result: .word -1
vbd_done:    .word 0, 0, 0              # per disk: 0 in flight, else its final STATUS
.bss
    .balign 4
be_table:    .space BE_MAX * BE_BYTES
be_hist:     .space BE_MAX * BE_HIST
be_info:     .space DOMAIN_INFO_SIZE
xl_dinfo:    .space DOMAIN_INFO_SIZE
be_creq:     .space CONSIF_REQUEST_SIZE
be_breq:     .space BLKIF_REQUEST_SIZE
be_cin:      .space CONSIF_DATA_MAX
xl_name:     .space 16
.text
