# hvcon.s — one physical console shared by every VM: output tagged by VM, input routed
# to the VM that has the focus, a hot key to move the focus.
#
# Concept: a multiplexed device (seed: VM types — "peripheral devices of the respective
# VMs still have to be emulated, since the virtualized systems are not aware of the
# presence of the other OSes"), like Xen's console daemon. Every line a VM prints starts
# with its tag, "vm1| ". A VM's output is line-buffered, so the lines of two VMs never
# mix: a line goes out when it ends, when the buffer is full, when the VM stops, and
# when the VM waits for console input with none queued (so a prompt shows); a VM that
# prints while another one's line is unfinished starts a new line. The hypervisor's own
# lines start with "hv: ". Input is read from the UART as
# it arrives into the input queue of the VM that has the focus (vm1 at boot; each VM's
# emulated UART serves it from there, hv/vdev.s). The hot key is Ctrl-A followed by a VM
# number ("1", "2", ...) — Ctrl-A twice sends one Ctrl-A to the VM. When the input ends
# (EOF) every VM sees EOF once it has read what was queued for it. If the focused VM's
# queue is full, the UART is left unread (RXIE off) until the VM takes some.

# con_out(a0 = writer: 0 the hypervisor, n vm n, a1 = byte)
con_out:
    la   t0, con_writer
    lw   t1, 0(t0)
    la   t2, con_bol
    lw   t3, 0(t2)
    bne  a0, t1, 1f
    beqz t3, 5f                         # same writer, mid-line
    j    2f
1:  sw   a0, 0(t0)                      # another writer
    bnez t3, 2f
    li   t4, CONSOLE_DATA               # end the other's unfinished line
    li   t5, '\n'
    sw   t5, 0(t4)
2:  beqz a0, 5f                         # the hypervisor's lines carry "hv: " already
    li   t4, CONSOLE_DATA               # "vmN| "
    li   t5, 'v'
    sw   t5, 0(t4)
    li   t5, 'm'
    sw   t5, 0(t4)
    addi t5, a0, '0'
    sw   t5, 0(t4)
    li   t5, '|'
    sw   t5, 0(t4)
    li   t5, ' '
    sw   t5, 0(t4)
5:  li   t4, CONSOLE_DATA
    sw   a1, 0(t4)
    li   t5, '\n'
    xor  t5, a1, t5
    seqz t5, t5
    sw   t5, 0(t2)
    ret

# vm_putc(a0 = vm, a1 = byte): a byte of the VM's console output, line-buffered.
vm_putc:
    lw   t0, VM_LLEN(a0)
    add  t1, a0, t0
    sb   a1, VM_LBUF(t1)
    addi t0, t0, 1
    sw   t0, VM_LLEN(a0)
    li   t1, VM_LBUF_SIZE
    bgeu t0, t1, vm_flush
    li   t1, '\n'
    beq  a1, t1, vm_flush
    ret

# vm_flush(a0 = vm): write out the VM's buffered output, tagged.
vm_flush:
    PROLOGUE
    mv   s1, a0
    lw   s2, VM_LLEN(a0)
    sw   zero, VM_LLEN(a0)
    addi s3, a0, VM_LBUF
    add  s2, s2, s3
1:  bgeu s3, s2, 9f
    lw   a0, VC_ID(s1)
    lbu  a1, 0(s3)
    call con_out
    addi s3, s3, 1
    j    1b
9:  EPILOGUE

# con_waiting(a0 = vm): after an access to its console: a VM that asks for input
# (RXIE) with nothing queued and no EOF is waiting for a person: show its partial line.
con_waiting:
    lw   t0, VM_VD + VD_CON_CTRL(a0)
    andi t0, t0, 1
    beqz t0, 1f
    lw   t0, VM_VD + VD_CON_HEAD(a0)
    lw   t1, VM_VD + VD_CON_TAIL(a0)
    bne  t0, t1, 1f
    lw   t0, VM_VD + VD_CON_EOF(a0)
    bnez t0, 1f
    lw   t0, VM_LLEN(a0)
    bnez t0, vm_flush
1:  ret

# hv_putc(a0 = byte), hv_puts(a0 = string), hv_putdec(a0), hv_puthex(a0): the
# hypervisor's own output (polled), through con_out.
hv_putc:
    mv   a1, a0
    li   a0, 0
    j    con_out

hv_puts:
    PROLOGUE
    mv   s1, a0
1:  lbu  a1, 0(s1)
    beqz a1, 2f
    li   a0, 0
    call con_out
    addi s1, s1, 1
    j    1b
2:  EPILOGUE

hv_putdec:
    PROLOGUE
    addi s1, sp, 20                     # digits, backwards, in the frame's locals
    sb   zero, 0(s1)
    li   t2, 10
1:  addi s1, s1, -1
    remu t3, a0, t2
    addi t3, t3, '0'
    sb   t3, 0(s1)
    divu a0, a0, t2
    bnez a0, 1b
    mv   a0, s1
    call hv_puts
    EPILOGUE

hv_puthex:
    PROLOGUE
    mv   s1, a0
    li   a0, '0'
    call hv_putc
    li   a0, 'x'
    call hv_putc
    li   s2, 28
1:  srl  t0, s1, s2
    andi t0, t0, 0xF
    slti t1, t0, 10
    addi a0, t0, '0'
    bnez t1, 2f
    addi a0, t0, 'a' - 10
2:  call hv_putc
    addi s2, s2, -4
    bge  s2, zero, 1b
    EPILOGUE

# con_rx(): the CONSOLE line is up: move the input that arrived to the focused VM.
con_rx:
    PROLOGUE
1:  li   t0, CONSOLE_STATUS
    lw   s1, 0(t0)
    andi t0, s1, 1
    beqz t0, 5f
    call con_focus_vd                   # room in the focused VM's queue?
    beqz a0, 2f
    call vcon_room
    bnez a0, 2f
    la   t0, con_paused                 # no: leave the rest in the UART for now
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, CONSOLE_CTRL
    sw   zero, 0(t0)
    j    9f
2:  li   t0, CONSOLE_DATA
    lw   a0, 0(t0)
    call con_key
    j    1b
5:  andi t0, s1, 4
    beqz t0, 9f
    li   t0, CONSOLE_CTRL               # EOF: every VM sees it after its queue
    sw   zero, 0(t0)
    la   t0, nvms
    lw   s2, 0(t0)
    la   s3, vm_table
    li   s4, 0
6:  bge  s4, s2, 9f
    slli t0, s4, VM_SHIFT
    add  a0, s3, t0
    addi a0, a0, VM_VD
    call vcon_eof
    addi s4, s4, 1
    j    6b
9:  EPILOGUE

# con_key(a0 = byte): the hot key, or input for the focused VM.
con_key:
    PROLOGUE
    mv   s1, a0
    la   t0, con_hot
    lw   t1, 0(t0)
    beqz t1, 5f
    sw   zero, 0(t0)                    # after Ctrl-A:
    li   t0, 1
    beq  s1, t0, 6f                     # Ctrl-A Ctrl-A: send one
    addi t0, s1, -'1'
    la   t1, nvms
    lw   t1, 0(t1)
    bgeu t0, t1, 9f                     # not a VM number: ignored
    la   t1, con_focus
    sw   t0, 0(t1)
    la   a0, s_focus1
    call hv_puts
    la   t0, con_focus
    lw   a0, 0(t0)
    addi a0, a0, 1
    call hv_putdec
    li   a0, '\n'
    call hv_putc
    j    9f
5:  li   t0, 1                          # Ctrl-A
    bne  s1, t0, 6f
    la   t0, con_hot
    li   t1, 1
    sw   t1, 0(t0)
    j    9f
6:  call con_focus_vd
    beqz a0, 9f                         # the focused VM is gone: dropped
    mv   a1, s1
    call vcon_push
9:  EPILOGUE

# con_focus_vd() -> a0 = the devices of the VM with the focus, or 0 if it has stopped.
con_focus_vd:
    la   t0, con_focus
    lw   t0, 0(t0)
    slli t0, t0, VM_SHIFT
    la   t1, vm_table
    add  t0, t0, t1
    lw   t1, VC_STATE(t0)
    li   t2, VCS_STOPPED
    beq  t1, t2, 1f
    addi a0, t0, VM_VD
    ret
1:  li   a0, 0
    ret

# con_resume_rx(): read the UART again if it was left for lack of room and there is room
# now (or the focused VM is gone).
con_resume_rx:
    PROLOGUE
    la   t0, con_paused
    lw   t0, 0(t0)
    beqz t0, 9f
    call con_focus_vd
    beqz a0, 1f
    call vcon_room
    beqz a0, 9f
1:  la   t0, con_paused
    sw   zero, 0(t0)
    li   t0, CONSOLE_CTRL
    li   t1, 1
    sw   t1, 0(t0)
9:  EPILOGUE

.rodata
s_focus1: .asciz "hv: console input goes to vm"
.data
    .balign 4
con_writer: .word 0                     # who wrote last: 0 the hypervisor, n vm n
con_bol:    .word 1                     # the console is at the beginning of a line
con_focus:  .word 0                     # index of the VM that gets the input
con_hot:    .word 0                     # Ctrl-A seen
con_paused: .word 0                     # UART left unread (queue full)
.text
