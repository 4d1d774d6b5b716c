# vdev.s — the emulated devices of a virtual machine: register models of the sysctl,
# console, timer, disk, ipi and events pages (shared component).
#
# Concept: full virtualization of devices (seed: VM types — type-1a "requires a strong
# hypervisor that provides complete device driver emulation"; type-2, QEMU): an
# unmodified guest drives what it believes are the machine's devices (ISA.md §9); every
# access to its device window exits MMIO, and these models answer exactly as the real
# registers would, from per-VM state (a vdev block, VD_*). What the models cannot do
# themselves they ask the backend for, through the vdev_* functions it provides: the
# type-1a hypervisor writes to the real console and runs the real disks, a type-2 VMM
# (vmrun) makes system calls of its host. The models keep the VM's *virtual interrupt
# lines* (vdev_lines: TIMER, CONSOLE, DISK, as the guest numbers them); delivering them
# is the hypervisor's business. Pure computation: no privileged instruction, so a
# user-level VMM includes this file too.
#
# The VM sees one CPU, its RAM size (RAMSIZE = VD_RAM), one disk (at the disk page,
# line DISK, CAPACITY = VD_DSK_CAPACITY; no disk page at all if 0), a console whose input
# comes from a queue the backend fills (vcon_push, vcon_eof), and a timer whose time is
# the backend's clock (vdev_now). The events page takes ARG0/ARG1 and drops EMIT.
#
# vdev layout (VD_SIZE bytes): VD_PEND (latched lines), VD_RAM, VD_CON_CTRL, VD_CON_HEAD,
# VD_CON_TAIL, VD_CON_EOF, VD_TIM_CMPLO, VD_TIM_CMPHI, VD_TIM_INTERVAL, VD_TIM_CTRL,
# VD_DSK_SECTOR, VD_DSK_ADDR, VD_DSK_COUNT, VD_DSK_STATUS, VD_DSK_CTRL, VD_DSK_CAPACITY,
# VD_IPI_START_PC, VD_EV_ARG0, VD_EV_ARG1, VD_OWNER (the backend's), VD_CON_Q (input
# queue of VCON_QSIZE bytes).
#
# Provides: vdev_init(a0 = vd, a1 = RAM bytes, a2 = disk sectors or 0, a3 = owner),
#   vdev_access(a0 = vd, a1 = guest-physical address, a2 = 1 store / 0 load, a3 = value
#   stored) (returns a0 = the value loaded; a1 = 0, or -1 if no register is there: a
#   bus error),
#   vdev_lines(a0 = vd) -> a0 = pending virtual lines (bit = line),
#   vdev_tick(a0 = vd, a1 = now low, a2 = now high),
#   vdev_deadline(a0 = vd) (returns a0 = 1 and a1:a2 = when its timer fires next, or
#   a0 = 0),
#   vdev_disk_done(a0 = vd, a1 = status: 2 DONE / 3 ERROR),
#   vcon_push(a0 = vd, a1 = byte) -> a0 = 0 / -1 (full), vcon_eof(a0 = vd),
#   vcon_room(a0 = vd) -> a0 = free bytes in the input queue,
#   VD_PEND, VD_RAM, VD_CON_CTRL, VD_CON_HEAD, VD_CON_TAIL, VD_CON_EOF, VD_TIM_CMPLO,
#   VD_TIM_CMPHI, VD_TIM_INTERVAL, VD_TIM_CTRL, VD_DSK_SECTOR, VD_DSK_ADDR, VD_DSK_COUNT,
#   VD_DSK_STATUS, VD_DSK_CTRL, VD_DSK_CAPACITY, VD_IPI_START_PC, VD_EV_ARG0, VD_EV_ARG1,
#   VD_OWNER, VD_CON_Q, VD_SIZE
# Needs: vdev_putc (a0 = vd, a1 = byte), vdev_halt (a0 = vd, a1 = exit code),
#   vdev_disk_start (a0 = vd, a1 = 1 read / 2 write: the request is in VD_DSK_*; the
#   backend calls vdev_disk_done when it completes), vdev_now (returns the time: a0
#   low and a1 high); kframe.inc, config.inc
# Parameters: VCON_QSIZE (bytes of console input queued per VM, a power of two, default
#   4096)

PARAM VCON_QSIZE, 4096

.equ VD_PEND, 0
.equ VD_RAM, 4
.equ VD_CON_CTRL, 8
.equ VD_CON_HEAD, 12
.equ VD_CON_TAIL, 16
.equ VD_CON_EOF, 20
.equ VD_TIM_CMPLO, 24
.equ VD_TIM_CMPHI, 28
.equ VD_TIM_INTERVAL, 32
.equ VD_TIM_CTRL, 36
.equ VD_DSK_SECTOR, 40
.equ VD_DSK_ADDR, 44
.equ VD_DSK_COUNT, 48
.equ VD_DSK_STATUS, 52
.equ VD_DSK_CTRL, 56
.equ VD_DSK_CAPACITY, 60
.equ VD_IPI_START_PC, 64
.equ VD_EV_ARG0, 68
.equ VD_EV_ARG1, 72
.equ VD_OWNER, 76
.equ VD_CON_Q, 80
.equ VD_SIZE, VD_CON_Q + VCON_QSIZE

.equ VDEV_BUSY, 1

# vdev_init: every register at its reset value, no input, no pending line. Leaf.
vdev_init:
    mv   t0, a0
    li   t1, VD_CON_Q
    add  t1, t1, a0
1:  sw   zero, 0(t0)
    addi t0, t0, 4
    bltu t0, t1, 1b
    sw   a1, VD_RAM(a0)
    sw   a2, VD_DSK_CAPACITY(a0)
    sw   a3, VD_OWNER(a0)
    ret

# vdev_lines(a0 = vd): latched lines, plus the console's level-triggered line
# (RXIE & (RXREADY | EOF) | TXIE, TXREADY being always 1). Leaf.
vdev_lines:
    lw   t0, VD_PEND(a0)
    lw   t1, VD_CON_CTRL(a0)
    andi t2, t1, 2                      # TXIE
    bnez t2, 2f
    andi t2, t1, 1                      # RXIE
    beqz t2, 3f
    lw   t1, VD_CON_HEAD(a0)
    lw   t2, VD_CON_TAIL(a0)
    bne  t1, t2, 2f
    lw   t1, VD_CON_EOF(a0)
    beqz t1, 3f
2:  ori  t0, t0, IRQB_CONSOLE
3:  mv   a0, t0
    ret

# vdev_tick(a0 = vd, a1, a2 = now): the timer's per-step check (ISA.md §9): enabled and
# now >= compare -> TIMER pending, and a periodic compare advances. Leaf.
vdev_tick:
    lw   t0, VD_TIM_CTRL(a0)
    andi t0, t0, 1
    beqz t0, 9f
    lw   t0, VD_TIM_CMPLO(a0)
    lw   t1, VD_TIM_CMPHI(a0)
    bltu a2, t1, 9f                     # now < compare
    bne  a2, t1, 1f
    bltu a1, t0, 9f
1:  lw   t2, VD_PEND(a0)
    ori  t2, t2, IRQB_TIMER
    sw   t2, VD_PEND(a0)
    lw   t2, VD_TIM_INTERVAL(a0)
    beqz t2, 9f
    add  t3, t0, t2                     # compare += INTERVAL
    sltu t4, t3, t0
    add  t1, t1, t4
    mv   t0, t3
    bltu a2, t1, 8f                     # still behind now: now + INTERVAL
    bne  a2, t1, 2f
    bltu a1, t0, 8f
2:  add  t0, a1, t2
    sltu t4, t0, a1
    add  t1, a2, t4
8:  sw   t0, VD_TIM_CMPLO(a0)
    sw   t1, VD_TIM_CMPHI(a0)
9:  ret

# vdev_deadline(a0 = vd) -> a0 = 1, a1:a2 = compare if the timer can still fire (enabled
# and its line not already latched), else a0 = 0. Leaf.
vdev_deadline:
    lw   t0, VD_TIM_CTRL(a0)
    andi t0, t0, 1
    beqz t0, 1f
    lw   t0, VD_PEND(a0)
    andi t0, t0, IRQB_TIMER
    bnez t0, 1f
    lw   a1, VD_TIM_CMPLO(a0)
    lw   a2, VD_TIM_CMPHI(a0)
    li   a0, 1
    ret
1:  li   a0, 0
    ret

# vdev_disk_done(a0 = vd, a1 = DONE 2 / ERROR 3): the backend finished the request.
vdev_disk_done:
    sw   a1, VD_DSK_STATUS(a0)
    lw   t0, VD_DSK_CTRL(a0)
    andi t0, t0, 1
    beqz t0, 1f
    lw   t0, VD_PEND(a0)
    ori  t0, t0, IRQB_DISK
    sw   t0, VD_PEND(a0)
1:  ret

# vcon_push(a0 = vd, a1 = byte) -> 0, or -1 if the queue is full. Leaf.
vcon_push:
    lw   t0, VD_CON_HEAD(a0)
    lw   t1, VD_CON_TAIL(a0)
    sub  t2, t1, t0
    li   t3, VCON_QSIZE
    bgeu t2, t3, 1f
    andi t2, t1, VCON_QSIZE - 1
    add  t2, t2, a0
    li   t3, VD_CON_Q
    add  t2, t2, t3
    sb   a1, 0(t2)
    addi t1, t1, 1
    sw   t1, VD_CON_TAIL(a0)
    li   a0, 0
    ret
1:  li   a0, -1
    ret

# vcon_eof(a0 = vd): the input has ended (after what is queued). Leaf.
vcon_eof:
    li   t0, 1
    sw   t0, VD_CON_EOF(a0)
    ret

# vcon_room(a0 = vd) -> free bytes in the queue. Leaf.
vcon_room:
    lw   t0, VD_CON_HEAD(a0)
    lw   t1, VD_CON_TAIL(a0)
    sub  t0, t1, t0
    li   a0, VCON_QSIZE
    sub  a0, a0, t0
    ret

# vdev_access: one 32-bit access to the device window (see the header).
vdev_access:
    PROLOGUE
    mv   s1, a0                         # vd
    andi s2, a1, 0xFFF                  # offset in the page
    mv   s3, a2                         # store?
    mv   s4, a3                         # value stored
    li   s5, 0                          # value loaded
    srli t0, a1, 12
    andi t0, t0, 0xF
    beqz t0, 10f                        # sysctl
    li   t1, 1
    beq  t0, t1, 20f                    # console
    li   t1, 2
    beq  t0, t1, 30f                    # timer
    li   t1, 3
    beq  t0, t1, 40f                    # disk
    li   t1, 4
    beq  t0, t1, 50f                    # ipi
    li   t1, 7
    beq  t0, t1, 60f                    # events
    j    98f

10: beqz s2, 11f                        # sysctl: HALT
    li   t0, SYSCTL_OFF_RAMSIZE
    beq  s2, t0, 12f
    li   t0, SYSCTL_OFF_NCPUS
    bne  s2, t0, 98f
    bnez s3, 97f
    li   s5, 1
    j    97f
11: beqz s3, 97f
    mv   a0, s1
    mv   a1, s4
    call vdev_halt
    j    97f
12: bnez s3, 97f
    lw   s5, VD_RAM(s1)
    j    97f

20: beqz s2, 21f                        # console: DATA
    li   t0, CONSOLE_OFF_STATUS
    beq  s2, t0, 23f
    li   t0, CONSOLE_OFF_CTRL
    bne  s2, t0, 98f
    lw   s5, VD_CON_CTRL(s1)            # CTRL
    beqz s3, 97f
    andi s4, s4, 3
    sw   s4, VD_CON_CTRL(s1)
    j    97f
21: beqz s3, 22f
    mv   a0, s1                         # transmit
    andi a1, s4, 0xFF
    call vdev_putc
    j    97f
22: li   s5, -1                         # receive: the next byte, or 0xFFFFFFFF
    lw   t0, VD_CON_HEAD(s1)
    lw   t1, VD_CON_TAIL(s1)
    beq  t0, t1, 97f
    andi t2, t0, VCON_QSIZE - 1
    add  t2, t2, s1
    li   t3, VD_CON_Q
    add  t2, t2, t3
    lbu  s5, 0(t2)
    addi t0, t0, 1
    sw   t0, VD_CON_HEAD(s1)
    j    97f
23: bnez s3, 97f                        # STATUS: RXREADY | TXREADY | EOF
    li   s5, 2
    lw   t0, VD_CON_HEAD(s1)
    lw   t1, VD_CON_TAIL(s1)
    beq  t0, t1, 24f
    ori  s5, s5, 1
    j    97f
24: lw   t0, VD_CON_EOF(s1)
    beqz t0, 97f
    ori  s5, s5, 4
    j    97f

30: li   t0, TIMER_OFF_TIMELO           # timer
    beq  s2, t0, 31f
    li   t0, TIMER_OFF_TIMEHI
    beq  s2, t0, 32f
    li   t0, TIMER_OFF_CMPLO
    beq  s2, t0, 33f
    li   t0, TIMER_OFF_CMPHI
    beq  s2, t0, 34f
    li   t0, TIMER_OFF_INTERVAL
    beq  s2, t0, 35f
    li   t0, TIMER_OFF_CTRL
    beq  s2, t0, 36f
    li   t0, TIMER_OFF_ACK
    beq  s2, t0, 37f
    j    98f
31: bnez s3, 97f
    call vdev_now
    mv   s5, a0
    j    97f
32: bnez s3, 97f
    call vdev_now
    mv   s5, a1
    j    97f
33: lw   s5, VD_TIM_CMPLO(s1)
    beqz s3, 97f
    sw   s4, VD_TIM_CMPLO(s1)
    j    97f
34: lw   s5, VD_TIM_CMPHI(s1)
    beqz s3, 97f
    sw   s4, VD_TIM_CMPHI(s1)
    j    97f
35: lw   s5, VD_TIM_INTERVAL(s1)
    beqz s3, 97f
    sw   s4, VD_TIM_INTERVAL(s1)
    beqz s4, 97f
    call vdev_now                       # N > 0 also arms compare = now + N
    add  t0, a0, s4
    sltu t1, t0, a0
    add  a1, a1, t1
    sw   t0, VD_TIM_CMPLO(s1)
    sw   a1, VD_TIM_CMPHI(s1)
    j    97f
36: lw   s5, VD_TIM_CTRL(s1)
    beqz s3, 97f
    andi s4, s4, 1
    sw   s4, VD_TIM_CTRL(s1)
    j    97f
37: beqz s3, 97f                        # ACK
    lw   t0, VD_PEND(s1)
    andi t0, t0, ~IRQB_TIMER & 0xFFFF
    sw   t0, VD_PEND(s1)
    j    97f

40: lw   t0, VD_DSK_CAPACITY(s1)        # disk (absent if it has no sectors)
    beqz t0, 98f
    li   t0, DISK_OFF_SECTOR
    beq  s2, t0, 41f
    li   t0, DISK_OFF_ADDR
    beq  s2, t0, 42f
    li   t0, DISK_OFF_COUNT
    beq  s2, t0, 43f
    li   t0, DISK_OFF_CMD
    beq  s2, t0, 44f
    li   t0, DISK_OFF_STATUS
    beq  s2, t0, 45f
    li   t0, DISK_OFF_CAPACITY
    beq  s2, t0, 46f
    li   t0, DISK_OFF_ACK
    beq  s2, t0, 47f
    li   t0, DISK_OFF_CTRL
    beq  s2, t0, 48f
    j    98f
41: lw   s5, VD_DSK_SECTOR(s1)
    beqz s3, 97f
    sw   s4, VD_DSK_SECTOR(s1)
    j    97f
42: lw   s5, VD_DSK_ADDR(s1)
    beqz s3, 97f
    sw   s4, VD_DSK_ADDR(s1)
    j    97f
43: lw   s5, VD_DSK_COUNT(s1)
    beqz s3, 97f
    sw   s4, VD_DSK_COUNT(s1)
    j    97f
44: beqz s3, 97f                        # CMD: 1 READ, 2 WRITE (ignored while BUSY)
    lw   t0, VD_DSK_STATUS(s1)
    li   t1, VDEV_BUSY
    beq  t0, t1, 97f
    addi t0, s4, -1
    sltiu t0, t0, 2
    beqz t0, 97f
    sw   t1, VD_DSK_STATUS(s1)
    mv   a0, s1
    mv   a1, s4
    call vdev_disk_start
    j    97f
45: bnez s3, 97f
    lw   s5, VD_DSK_STATUS(s1)
    j    97f
46: bnez s3, 97f
    lw   s5, VD_DSK_CAPACITY(s1)
    j    97f
47: beqz s3, 97f                        # ACK: line cleared, DONE/ERROR -> IDLE
    lw   t0, VD_PEND(s1)
    andi t0, t0, ~IRQB_DISK & 0xFFFF
    sw   t0, VD_PEND(s1)
    lw   t0, VD_DSK_STATUS(s1)
    li   t1, VDEV_BUSY
    beq  t0, t1, 97f
    sw   zero, VD_DSK_STATUS(s1)
    j    97f
48: lw   s5, VD_DSK_CTRL(s1)
    beqz s3, 97f
    andi s4, s4, 1
    sw   s4, VD_DSK_CTRL(s1)
    j    97f

50: li   t0, IPI_OFF_SELF               # ipi: one CPU, number 0
    beq  s2, t0, 97f
    li   t0, IPI_OFF_START_PC
    beq  s2, t0, 51f
    li   t0, IPI_OFF_START
    bgtu s2, t0, 98f
    andi t0, s2, 3
    bnez t0, 98f
    j    97f                            # SEND, ACK, START: nothing to do
51: lw   s5, VD_IPI_START_PC(s1)
    beqz s3, 97f
    sw   s4, VD_IPI_START_PC(s1)
    j    97f

60: li   t0, EVENTS_OFF_ARG0            # events: EMIT is dropped
    beq  s2, t0, 61f
    li   t0, EVENTS_OFF_ARG1
    beq  s2, t0, 62f
    bnez s2, 98f
    j    97f
61: lw   s5, VD_EV_ARG0(s1)
    beqz s3, 97f
    sw   s4, VD_EV_ARG0(s1)
    j    97f
62: lw   s5, VD_EV_ARG1(s1)
    beqz s3, 97f
    sw   s4, VD_EV_ARG1(s1)
    j    97f

97: beqz s3, 96f                        # a write-only register reads 0 ...
    li   s5, 0
96: mv   a0, s5
    li   a1, 0
    EPILOGUE
98: li   a0, 0                          # no register there: bus error
    li   a1, -1
    EPILOGUE
