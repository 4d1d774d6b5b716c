# consfront.s — the console frontend of a paravirtual guest: the console driver
# interface and the kernel's printing, over a descriptor ring to Dom0's console backend
# (shared component).
#
# Concept: a split driver (Barham et al. 2003, §3.2 "Device I/O"; seed: Xen lecture —
# "one driver for each type of device ... Console"): the guest has no UART; its console
# is a ring page (guests/lib/ring) it grants to Dom0, plus an event channel. Output
# travels in WRITE requests (48 bytes each: one exit per request, where an emulated
# UART costs one exit per byte); input arrives in the responses of READ requests,
# which the frontend posts only while a reader is waiting — the flow control a real
# UART gets from its receive interrupt enable, so typed-ahead input waits in Dom0 until
# it is asked for. The line discipline is the one of dev/console.s (echo, backspace,
# ^D, a line handed to readers on newline, end of input); echoed and printed bytes go
# through a small buffer flushed at each newline and after each input batch.
#
# Setup (console_init, before anything prints): the ring page is granted to Dom0, an
# unbound port is allocated for Dom0 to bind, and both are published in the domain's
# store (XS_CONS_RING, XS_CONS_PORT, then XS_CONS_FE = XBS_INITIALISED), which wakes
# Dom0's backend. Output produced before the backend connects waits in the ring; when
# the ring is full the frontend yields the CPU (sched_yield) until the backend drains it.
#
# Provides: console_init(), console_intr(a0 = port) -> 0 (the event handler),
#   console_read(a0 = dst, a1 = n, a2 = user?) -> bytes / 0 at end of input / -EINTR /
#   -EFAULT, console_write(a0 = src, a1 = n, a2 = user?) -> n / -EFAULT, console_flush(),
#   kputc(a0 = byte), kputs(a0 = string), kputdec(a0 = value), kputhex(a0 = value),
#   khalt(a0 = code), consfront_port
# Needs: ring_shared_init, ring_front_attach, ring_front_space, ring_front_slot,
#   ring_front_push, ring_front_response, ring_front_consume, ring_front_final,
#   RING_DESC_SIZE, gnttab_grant, evtchn_bind, HYPERVISOR_evtchn_alloc_unbound,
#   HYPERVISOR_evtchn_send, HYPERVISOR_store_write, HYPERVISOR_sched_yield,
#   HYPERVISOR_sched_shutdown, env_sleep, env_wakeup, env_killed, env_copyin,
#   env_copyout; kframe.inc, config.inc
# Parameters: CF_BUF (bytes of the line buffer, a power of two, default 128)

PARAM CF_BUF, 128
.equ CF_RAW, 128                        # raw input not yet through the line discipline

# console_init(): the ring, its grant, the port, published in the store.
console_init:
    PROLOGUE
    la   a0, cf_page
    call ring_shared_init
    la   a0, cf_ring
    la   a1, cf_page
    li   a2, CONSIF_RING_SLOTS
    li   a3, CONSIF_REQUEST_SIZE
    call ring_front_attach
    li   a0, 0                          # grant the ring page to Dom0, read-write
    la   a1, cf_page
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    li   a2, 0
    call gnttab_grant
    mv   s1, a0
    li   a0, 0                          # a port for Dom0 to bind to
    call HYPERVISOR_evtchn_alloc_unbound
    mv   s2, a0
    la   t0, consfront_port
    sw   s2, 0(t0)
    blt  s2, zero, 9f
    mv   a0, s2
    la   a1, console_intr
    call evtchn_bind
    li   a0, DOMID_SELF
    li   a1, XS_CONS_RING
    mv   a2, s1
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_CONS_PORT
    mv   a2, s2
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_CONS_FE
    li   a2, XBS_INITIALISED
    call HYPERVISOR_store_write
9:  EPILOGUE

# cf_send(a0 = op, a1 = buffer (kernel), a2 = bytes <= CONSIF_DATA_MAX): post one request,
# waiting (reaping responses, then yielding the CPU) while the ring is full.
cf_send:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
1:  la   a0, cf_ring
    call ring_front_space
    bnez a0, 2f
    call cf_reap
    la   a0, cf_ring
    call ring_front_space
    bnez a0, 2f
    call HYPERVISOR_sched_yield         # full: let Dom0's backend run
    j    1b
2:  la   a0, cf_ring
    call ring_front_slot
    mv   s4, a0
    la   t0, cf_seq
    lw   t1, 0(t0)
    addi t2, t1, 1
    sw   t2, 0(t0)
    sw   t1, XCR_ID(s4)
    sw   s1, XCR_OP(s4)
    sw   s3, XCR_LEN(s4)
    addi t0, s4, XCR_DATA
    add  t1, s2, s3
3:  bgeu s2, t1, 4f
    lbu  t2, 0(s2)
    sb   t2, 0(t0)
    addi s2, s2, 1
    addi t0, t0, 1
    j    3b
4:  la   a0, cf_ring
    call ring_front_push
    beqz a0, 9f
    la   t0, consfront_port
    lw   a0, 0(t0)
    call HYPERVISOR_evtchn_send
9:  EPILOGUE

# cf_reap(): take every response: a READ's bytes go to the raw queue (the line
# discipline runs later, in console_intr, never inside kputc); a WRITE's just frees
# its slot.
cf_reap:
    PROLOGUE
1:  la   a0, cf_ring
    call ring_front_response
    beqz a0, 5f
    mv   s1, a0
    lw   t0, XCP_OP(s1)
    li   t1, CONSIF_OP_READ
    bne  t0, t1, 4f
    la   t0, cf_reading
    sw   zero, 0(t0)
    lw   s2, XCP_LEN(s1)
    li   t0, CONSIF_DATA_MAX
    bleu s2, t0, 2f
    mv   s2, t0
2:  addi s3, s1, XCP_DATA
    add  s2, s2, s3
3:  bgeu s3, s2, 31f                    # bytes -> raw queue
    lbu  t0, 0(s3)
    la   t1, cf_raww
    lw   t2, 0(t1)
    la   t3, cf_rawr
    lw   t3, 0(t3)
    sub  t3, t2, t3
    li   t4, CF_RAW
    bgeu t3, t4, 30f                    # full: dropped (cannot happen: one READ at a time)
    andi t3, t2, CF_RAW - 1
    la   t4, cf_rawq
    add  t3, t3, t4
    sb   t0, 0(t3)
    addi t2, t2, 1
    sw   t2, 0(t1)
30: addi s3, s3, 1
    j    3b
31: lw   t0, XCP_FLAGS(s1)
    andi t0, t0, CONSIF_EOF
    beqz t0, 4f
    la   t1, cf_raweof
    sw   t0, 0(t1)
4:  la   a0, cf_ring
    call ring_front_consume
    j    1b
5:  la   a0, cf_ring
    call ring_front_final
    bnez a0, 1b
    EPILOGUE

# cf_ask(): a reader waits for input: post a READ unless one is out already.
cf_ask:
    PROLOGUE
    la   t0, cf_reading
    lw   t1, 0(t0)
    bnez t1, 9f
    la   t0, cf_raweof                  # the input has ended: nothing to ask for
    lw   t0, 0(t0)
    bnez t0, 9f
    la   t0, cf_reading
    li   t1, 1
    sw   t1, 0(t0)
    li   a0, CONSIF_OP_READ
    la   a1, cf_pbuf
    li   a2, 0
    call cf_send
9:  EPILOGUE

# console_intr(a0 = port) -> 0: responses in, raw input through the line discipline,
# another READ if the reader still has no line, the echo out.
console_intr:
    PROLOGUE
    call cf_reap
    call cf_process
    la   t0, cf_want
    lw   t0, 0(t0)
    beqz t0, 1f
    call cf_ask
1:  call console_flush
    li   a0, 0
    EPILOGUE

# cf_process(): run the raw queue through the line discipline; at the end of input,
# commit the partial line and wake the readers.
cf_process:
    PROLOGUE
1:  la   t0, cf_rawr
    lw   t1, 0(t0)
    la   t2, cf_raww
    lw   t2, 0(t2)
    beq  t1, t2, 5f
    andi t2, t1, CF_RAW - 1
    la   t3, cf_rawq
    add  t2, t2, t3
    lbu  a0, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call cf_byte
    j    1b
5:  la   t0, cf_raweof
    lw   t0, 0(t0)
    beqz t0, 9f
    la   t0, cf_eof
    lw   t1, 0(t0)
    bnez t1, 9f
    li   t1, 1
    sw   t1, 0(t0)
    la   t0, cf_e                       # the partial line is what remains
    lw   t1, 0(t0)
    la   t0, cf_w
    sw   t1, 0(t0)
    la   t0, cf_want
    sw   zero, 0(t0)
    la   a0, cf_r
    call env_wakeup
9:  EPILOGUE

# cf_byte(a0 = byte): the line discipline of dev/console.s.
cf_byte:
    PROLOGUE
    mv   s1, a0
    li   t0, 8
    beq  s1, t0, 5f
    li   t0, 0x7F
    beq  s1, t0, 5f
    li   t0, '\r'
    bne  s1, t0, 1f
    li   s1, '\n'
1:  la   t0, cf_e
    lw   t1, 0(t0)
    la   t2, cf_r
    lw   t2, 0(t2)
    sub  t3, t1, t2
    li   t2, CF_BUF
    bgeu t3, t2, 9f                     # full: dropped
    andi t2, t1, CF_BUF - 1
    la   t3, cf_buf
    add  t2, t2, t3
    sb   s1, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, 4                          # ^D: end of file, delivered like a line
    beq  s1, t0, 2f
    mv   a0, s1
    call kputc                          # echo
    li   t0, '\n'
    beq  s1, t0, 2f
    la   t0, cf_e
    lw   t1, 0(t0)
    la   t2, cf_r
    lw   t2, 0(t2)
    sub  t3, t1, t2
    li   t2, CF_BUF
    bltu t3, t2, 9f
2:  la   t0, cf_e                       # deliver the line
    lw   t1, 0(t0)
    la   t0, cf_w
    sw   t1, 0(t0)
    la   t0, cf_want                    # the reader has its line: stop asking
    sw   zero, 0(t0)
    la   a0, cf_r
    call env_wakeup
    j    9f
5:  la   t0, cf_e                       # backspace
    lw   t1, 0(t0)
    la   t2, cf_w
    lw   t2, 0(t2)
    beq  t1, t2, 9f
    addi t1, t1, -1
    sw   t1, 0(t0)
    li   a0, 8
    call kputc
    li   a0, ' '
    call kputc
    li   a0, 8
    call kputc
9:  EPILOGUE

# console_read(a0 = dst, a1 = n, a2 = user?) -> bytes, 0 at end of input, -EINTR,
# -EFAULT: as dev/console.s, asking the backend for input (cf_ask) instead of turning
# the UART's receive interrupt on.
console_read:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0                          # bytes read
1:  bge  s4, s2, 8f
2:  la   t0, cf_r
    lw   t1, 0(t0)
    la   t2, cf_w
    lw   t2, 0(t2)
    bne  t1, t2, 4f
    bnez s4, 8f                         # return what we have
    la   t0, cf_eof
    lw   t0, 0(t0)
    bnez t0, 8f
    call env_killed
    bnez a0, 7f
    la   t0, cf_want                    # ask for input
    li   t1, 1
    sw   t1, 0(t0)
    call cf_ask
    call console_flush                  # (a prompt without its newline)
    la   a0, cf_r
    call env_sleep
    j    2b
4:  andi t2, t1, CF_BUF - 1
    la   t3, cf_buf
    add  t2, t2, t3
    lbu  s5, 0(t2)
    li   t3, 4                          # ^D: read returns 0 (after the bytes before it)
    bne  s5, t3, 41f
    bnez s4, 8f
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    8f
41: addi t1, t1, 1
    sw   t1, 0(t0)
    sb   s5, 0(sp)
    mv   a0, s3
    add  a1, s1, s4
    mv   a2, sp
    li   a3, 1
    call env_copyout
    bnez a0, 6f
    addi s4, s4, 1
    li   t0, '\n'
    bne  s5, t0, 1b
8:  mv   a0, s4
    EPILOGUE
6:  la   t0, cf_r                       # bad buffer: leave the byte unread
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    li   a0, -EFAULT
    bnez s4, 8b
    EPILOGUE
7:  li   a0, -EINTR
    EPILOGUE

# console_write(a0 = src, a1 = n, a2 = user?) -> n or -EFAULT: in WRITE requests of up
# to CONSIF_DATA_MAX bytes (after whatever the kernel printed before).
console_write:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    call console_flush
    li   s4, 0
1:  bge  s4, s2, 8f
    sub  s5, s2, s4
    li   t0, CONSIF_DATA_MAX
    bleu s5, t0, 2f
    mv   s5, t0
2:  mv   a0, s3
    la   a1, cf_wbuf
    add  a2, s1, s4
    mv   a3, s5
    call env_copyin
    bnez a0, 6f
    li   a0, CONSIF_OP_WRITE
    la   a1, cf_wbuf
    mv   a2, s5
    call cf_send
    add  s4, s4, s5
    j    1b
8:  mv   a0, s4
    EPILOGUE
6:  li   a0, -EFAULT
    EPILOGUE

# console_flush(): what kputc buffered goes out as one WRITE request. Preserves every
# register but t0..t3 and a0..a1 (the kprint contract: kputc's callers rely on it).
console_flush:
    la   t0, cf_plen
    lw   t0, 0(t0)
    bnez t0, 1f
    ret
1:  addi sp, sp, -48
    sw   ra, 0(sp)
    sw   a2, 4(sp)
    sw   a3, 8(sp)
    sw   a4, 12(sp)
    sw   a5, 16(sp)
    sw   a6, 20(sp)
    sw   a7, 24(sp)
    sw   t4, 28(sp)
    sw   t5, 32(sp)
    sw   t6, 36(sp)
    li   a0, CONSIF_OP_WRITE
    la   a1, cf_pbuf
    la   t0, cf_plen
    lw   a2, 0(t0)
    sw   zero, 0(t0)
    call cf_send
    lw   ra, 0(sp)
    lw   a2, 4(sp)
    lw   a3, 8(sp)
    lw   a4, 12(sp)
    lw   a5, 16(sp)
    lw   a6, 20(sp)
    lw   a7, 24(sp)
    lw   t4, 28(sp)
    lw   t5, 32(sp)
    lw   t6, 36(sp)
    addi sp, sp, 48
    ret

# ---------------------------------------------------------------- kernel printing
# The names and contract of base/kprint.s (clobber only t0..t3, a0..a1), buffered.

# kputc(a0 = byte)
kputc:
    la   t0, cf_plen
    lw   t1, 0(t0)
    la   t2, cf_pbuf
    add  t2, t2, t1
    sb   a0, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t2, '\n'
    beq  a0, t2, console_flush
    li   t2, CONSIF_DATA_MAX
    bgeu t1, t2, console_flush
    ret

# kputs(a0 = NUL-terminated string)
kputs:
    addi sp, sp, -16
    sw   ra, 0(sp)
    mv   t3, a0
1:  lbu  a0, 0(t3)
    beqz a0, 2f
    addi sp, sp, -16                    # t3 survives kputc only through the stack
    sw   t3, 0(sp)
    call kputc
    lw   t3, 0(sp)
    addi sp, sp, 16
    addi t3, t3, 1
    j    1b
2:  lw   ra, 0(sp)
    addi sp, sp, 16
    ret

# kputdec(a0 = unsigned value)
kputdec:
    addi sp, sp, -32
    sw   ra, 0(sp)
    addi t1, sp, 31
    sb   zero, 0(t1)
    li   t2, 10
1:  addi t1, t1, -1
    remu t3, a0, t2
    addi t3, t3, '0'
    sb   t3, 0(t1)
    divu a0, a0, t2
    bnez a0, 1b
    mv   a0, t1
    call kputs
    lw   ra, 0(sp)
    addi sp, sp, 32
    ret

# kputhex(a0 = value): 0x and 8 hex digits.
kputhex:
    addi sp, sp, -32
    sw   ra, 0(sp)
    li   t0, '0'
    sb   t0, 4(sp)
    li   t0, 'x'
    sb   t0, 5(sp)
    addi t1, sp, 6
    li   t2, 28
1:  srl  t3, a0, t2
    andi t3, t3, 0xF
    addi t3, t3, '0'
    li   t0, '9'
    bleu t3, t0, 2f
    addi t3, t3, 'a' - '0' - 10
2:  sb   t3, 0(t1)
    addi t1, t1, 1
    addi t2, t2, -4
    bge  t2, zero, 1b
    sb   zero, 0(t1)
    addi a0, sp, 4
    call kputs
    lw   ra, 0(sp)
    addi sp, sp, 32
    ret

# khalt(a0 = code): what is buffered goes out, then the domain shuts down.
khalt:
    mv   s1, a0
    call console_flush
    mv   a0, s1
    call HYPERVISOR_sched_shutdown
1:  j    1b

.data
    .balign 4
consfront_port: .word -1
cf_seq:     .word 0
cf_reading: .word 0                     # a READ request is outstanding
cf_want:    .word 0                     # a reader waits for a line
cf_r:       .word 0                     # line buffer: next byte to read
cf_w:       .word 0                     # end of delivered lines
cf_e:       .word 0                     # end of the line being edited
cf_eof:     .word 0
cf_rawr:    .word 0                     # raw queue: read / write indices
cf_raww:    .word 0
cf_raweof:  .word 0                     # the backend said: end of input
cf_plen:    .word 0                     # bytes in cf_pbuf
.bss
    .balign 4096
cf_page:   .space 4096                  # the shared ring page (granted to Dom0)
cf_ring:   .space RING_DESC_SIZE
    .balign 4
cf_pbuf:   .space CONSIF_DATA_MAX       # kputc's buffer
cf_wbuf:   .space CONSIF_DATA_MAX       # console_write's chunk
cf_buf:    .space CF_BUF
cf_rawq:   .space CF_RAW
.text
