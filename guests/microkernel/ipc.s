# ipc.s — synchronous IPC: send, receive, call, reply-and-wait; register messages,
# strings and flexpage mappings.
#
# Concept: L4's IPC (seed: kernels lecture — "synchronous communication between
# threads"; Liedtke, "On µ-Kernel Construction"). A message is a rendezvous: it moves
# only when the receiver is waiting for it, straight from the sender's registers to
# the receiver's (six words, no buffering in the kernel); a sender that finds the
# receiver busy waits in the receiver's send queue. `call` sends and then waits for the
# reply from the same thread only, atomically, so a server's reply can never be lost
# or taken by someone else; `reply_and_wait` replies and takes the next request in one
# kernel entry — a client/server round trip is two kernel entries and two direct
# switches, with no scheduler and no TLB flush (tagged TLB). A message may also carry
# one item: a string the kernel copies between the two address spaces, or a flexpage
# the receiver's window accepts as a mapping (mapdb.s). Thread ids name receivers; a
# thread may send only to the threads its allow-mask names (README: the IPC rule), but
# may always answer a thread that is waiting for its reply.
#
# With MACH_IPC=1 (README: "L4-style vs Mach-style IPC") every message instead goes
# through a kernel buffer (copied in, then out), the partner is always queued for the
# scheduler, and switching address spaces flushes the TLB.

# ipc_send(a0 = sender tcb, a1 = receiver tid, a2 = timeout, a3 = 1: a call) -> the
# sender's t1 = status (or it blocks).
ipc_send:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    addi t0, s2, -IRQ_TID_BASE          # to an interrupt's pseudo-thread: acknowledge
    sltiu t0, t0, 8
    beqz t0, 1f
    mv   a0, s1
    addi a1, s2, -IRQ_TID_BASE
    call irq_ack
    sw   a0, T_T1(s1)
    EPILOGUE
1:  mv   a0, s2
    call tcb_of
    bnez a0, 2f
    li   t0, IPC_ENOPARTNER
    j    90f
2:  mv   s5, a0                         # the receiver
    lw   t0, T_FLAGS(s1)
    andi t0, t0, TH_FAULT
    bnez t0, 4f                         # a fault goes to the pager whatever the mask
    lw   t0, T_STATE(s5)                # an answer to a thread waiting for us: allowed
    li   t1, TS_RECEIVING
    bne  t0, t1, 3f
    lw   t0, T_PARTNER(s5)
    lw   t1, T_TID(s1)
    beq  t0, t1, 4f
3:  lw   a0, T_SPACE(s1)
    call space_ptr
    lw   t0, S_FLAGS(a0)
    andi t0, t0, TF_ALLOWALL
    bnez t0, 4f
    lw   t0, S_ALLOW(a0)
    lw   t1, T_SLOT(s5)
    li   t2, 32
    bgeu t1, t2, 31f
    srl  t0, t0, t1
    andi t0, t0, 1
    bnez t0, 4f
31: li   t0, IPC_EPERM
    j    90f
4:  lw   t0, T_STATE(s5)                # is the receiver waiting for us?
    li   t1, TS_RECEIVING
    bne  t0, t1, 6f
    lw   t0, T_PARTNER(s5)
    li   t1, TID_ANY
    beq  t0, t1, 5f
    lw   t1, T_TID(s1)
    bne  t0, t1, 6f
5:  mv   a0, s1                         # rendezvous
    mv   a1, s5
    call transfer
    lw   t0, T_FLAGS(s1)                # (a faulting thread's registers stay as they
    andi t0, t0, TH_FAULT               # were: it retries the instruction)
    bnez t0, 50f
    sw   zero, T_T1(s1)
50: beqz s4, 51f
    mv   a0, s1                         # a call: now wait for the reply
    li   a1, TS_RECEIVING
    lw   a2, T_TID(s5)
    li   a3, -1
    call block
51: mv   a0, s5
    call wake
    EPILOGUE
6:  beqz s3, 7f                         # not waiting, and no timeout: fail
    lw   t0, T_FLAGS(s1)
    andi t0, t0, ~TH_CALL & 0xFFFF
    beqz s4, 61f
    ori  t0, t0, TH_CALL
61: sw   t0, T_FLAGS(s1)
    mv   a0, s1
    li   a1, TS_SENDING
    mv   a2, s2
    mv   a3, s3
    call block
    mv   a0, s1
    mv   a1, s5
    call sendq_append
    EPILOGUE
7:  li   t0, IPC_ETIMEOUT
90: sw   t0, T_T1(s1)
    lw   t1, T_FLAGS(s1)                # a failed fault message: the thread is stuck
    andi t1, t1, TH_FAULT
    beqz t1, 91f
    li   t0, TS_INACTIVE
    sw   t0, T_STATE(s1)
91: EPILOGUE

# ipc_recv(a0 = receiver tcb, a1 = from (TID_ANY, a tid, or TID_NIL), a2 = timeout)
# -> the receiver's registers hold a message (t1 = 0), or t1 = IPC_ETIMEOUT, or it
# blocks.
ipc_recv:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, T_IRQPEND(s1)              # an interrupt raised while we were busy?
    beqz t0, 2f
    li   t1, TID_ANY
    beq  s2, t1, 1f
    addi t1, s2, -IRQ_TID_BASE
    sltiu t2, t1, 8
    beqz t2, 2f
    srl  t2, t0, t1
    andi t2, t2, 1
    beqz t2, 2f
    li   t2, 1                          # that line only
    sll  t2, t2, t1
    not  t3, t2
    and  t3, t0, t3
    sw   t2, T_IRQPEND(s1)
    sw   t3, 0(sp)
    mv   a0, s1
    call irq_deliver
    lw   t0, T_IRQPEND(s1)
    lw   t3, 0(sp)
    or   t0, t0, t3
    sw   t0, T_IRQPEND(s1)
    EPILOGUE
1:  mv   a0, s1
    call irq_deliver
    EPILOGUE
2:  lw   s4, T_SQHEAD(s1)               # a sender already waiting?
3:  beqz s4, 6f
    li   t0, TID_ANY
    beq  s2, t0, 4f
    lw   t0, T_TID(s4)
    beq  t0, s2, 4f
    lw   s4, T_NEXT(s4)
    j    3b
4:  mv   a0, s4
    call sendq_remove
    mv   a0, s4
    mv   a1, s1
    call transfer
    lw   t0, T_FLAGS(s4)
    andi t1, t0, TH_CALL
    beqz t1, 5f
    andi t0, t0, ~TH_CALL & 0xFFFF      # its call now waits for our reply
    sw   t0, T_FLAGS(s4)
    mv   a0, s4
    li   a1, TS_RECEIVING
    lw   a2, T_TID(s1)
    li   a3, -1
    call block
    EPILOGUE
5:  sw   zero, T_T1(s4)                 # a plain send completes
    mv   a0, s4
    call make_ready
    EPILOGUE
6:  bnez s3, 7f
    li   t0, IPC_ETIMEOUT
    sw   t0, T_T1(s1)
    EPILOGUE
7:  mv   a0, s1
    li   a1, TS_RECEIVING
    mv   a2, s2
    mv   a3, s3
    call block
    EPILOGUE

# transfer(a0 = sender tcb, a1 = receiver tcb): move one message. The receiver's
# receive parameters (a6/t6 string buffer, t2 window) are read from its saved
# registers before its results are written.
transfer:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, T_FLAGS(s1)
    andi t0, t0, TH_FAULT
    beqz t0, 2f
    addi a0, s2, T_A0                   # a fault message, composed by the kernel
    addi a1, s1, T_FMSG
    call copy_mrs
    sw   zero, T_T1(s2)
    sw   zero, T_T3(s2)
    j    8f
2:  lw   t0, T_FLAGS(s2)
    andi t1, t0, TH_FAULT
    beqz t1, 3f
    andi t0, t0, ~TH_FAULT & 0xFFFF     # the pager's answer to a fault: only the
    sw   t0, T_FLAGS(s2)                # mapping counts (no register changes); the
    lw   t0, T_T3(s1)                   # thread retries the instruction
    andi t0, t0, 2
    beqz t0, 9f
    mv   a0, s1
    mv   a1, s2
    li   a2, FP_WHOLE                   # the whole address space is its window
    call map_fpage
    j    9f
3:  addi a0, s2, T_A0
    addi a1, s1, T_A0
    call copy_mrs
    sw   zero, T_T1(s2)
    sw   zero, T_T3(s2)
    sw   zero, T_T5(s2)
    lw   t0, T_T3(s1)
    andi s3, t0, 3
    beqz s3, 8f
    li   t0, MT_STRING
    bne  s3, t0, 5f
    lw   s4, T_T5(s1)                   # a string: min(sent, buffer)
    lw   t0, T_T6(s2)
    bleu s4, t0, 4f
    mv   s4, t0
4:  beqz s4, 41f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s4
    call copy_string
    beqz a0, 41f
    li   t0, IPC_EFAULT                 # (both were checked: a pager changed them)
    sw   t0, T_T1(s2)
    li   s4, 0
41: sw   s4, T_T5(s2)
    li   t0, MT_STRING
    sw   t0, T_T3(s2)
    j    8f
5:  lw   a2, T_T2(s2)                   # a flexpage: into the receiver's window
    beqz a2, 8f
    mv   a0, s1
    mv   a1, s2
    call map_fpage
    sw   a0, T_T4(s2)
    sw   s3, T_T3(s2)
8:  lw   t0, T_TID(s1)                  # the sender's id
    sw   t0, T_T0(s2)
9:  lw   a0, T_TID(s1)
    lw   a1, T_TID(s2)
    call emit_ipc
    EPILOGUE

# copy_mrs(a0 = destination a0 slot, a1 = source a0 slot): the six message registers
# (Mach-style: through a kernel buffer).
copy_mrs:
.if MACH_IPC
    PROLOGUE
    mv   s1, a0
    la   a0, mach_kbuf                  # into the kernel's message buffer ...
    li   a2, 24
    call memmove
    mv   a0, s1                         # ... and out again
    la   a1, mach_kbuf
    li   a2, 24
    call memmove
    EPILOGUE
.else
    lw   t0, 0(a1)
    sw   t0, 0(a0)
    lw   t0, 4(a1)
    sw   t0, 4(a0)
    lw   t0, 8(a1)
    sw   t0, 8(a0)
    lw   t0, 12(a1)
    sw   t0, 12(a0)
    lw   t0, 16(a1)
    sw   t0, 16(a0)
    lw   t0, 20(a1)
    sw   t0, 20(a0)
    ret
.endif

# copy_string(a0 = sender tcb, a1 = receiver tcb, a2 = bytes) -> a0 = 0 / -1: the
# sender's string (t4) into the receiver's buffer (a6).
copy_string:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
.if MACH_IPC
    lw   a0, T_SPACE(s1)                # copy in: the sender's bytes to the kernel
    lw   a1, T_T4(s1)
    la   a2, mach_kbuf
    mv   a3, s3
    li   a4, 0
    call kcopy
    bnez a0, 9f
    lw   a0, T_SPACE(s2)                # copy out: the kernel's bytes to the receiver
    lw   a1, T_A6(s2)
    la   a2, mach_kbuf
    mv   a3, s3
    li   a4, 1
    call kcopy
.else
    lw   a0, T_SPACE(s1)                # one copy, space to space
    lw   a1, T_T4(s1)
    lw   a2, T_SPACE(s2)
    lw   a3, T_A6(s2)
    mv   a4, s3
    call space_copy
.endif
9:  EPILOGUE

# kcopy(a0 = space, a1 = va, a2 = kernel buffer, a3 = bytes, a4 = 1: to the space /
# 0: from it) -> a0 = 0 / -1.
kcopy:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
1:  beqz s4, 8f
    mv   a0, s1
    mv   a1, s2
    li   a2, TLB_V | TLB_R | TLB_U
    beqz s5, 2f
    li   a2, TLB_V | TLB_W | TLB_U
2:  call space_ka
    beqz a0, 9f
    andi t0, s2, 0xFFF
    li   t1, 4096
    sub  s6, t1, t0
    bleu s6, s4, 3f
    mv   s6, s4
3:  mv   a1, s3
    beqz s5, 4f
    mv   a1, s3                         # to the space: a0 = user page, a1 = kernel
    j    5f
4:  mv   a1, a0                         # from it: a0 = kernel, a1 = user page
    mv   a0, s3
5:  mv   a2, s6
    call memmove
    add  s2, s2, s6
    add  s3, s3, s6
    sub  s4, s4, s6
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# ---------------------------------------------------------------- the IPC calls

# ipc_check(a0 = tcb, a1 = 1 check the send string, a2 = 1 check the receive buffer)
# -> a0 = 0, or IPC_EFAULT (t1) with t2 = the page | 1 if it must be writable.
ipc_check:
    PROLOGUE
    mv   s1, a0
    mv   s2, a2
    beqz a1, 2f
    lw   t0, T_T3(s1)
    andi t0, t0, 3
    li   t1, MT_STRING
    bne  t0, t1, 2f
    lw   t0, T_T5(s1)
    li   t1, MAXSTR
    bleu t0, t1, 1f
    sw   t1, T_T5(s1)                   # strings are at most MAXSTR bytes
1:  lw   t0, T_T3(s1)
    andi t0, t0, MT_CSTR
    beqz t0, 11f
    mv   a0, s1                         # a C string: its length is up to the NUL
    call cstr_length
    bnez a0, 12f
11: lw   a0, T_SPACE(s1)
    lw   a1, T_T4(s1)
    lw   a2, T_T5(s1)
    li   a3, TLB_V | TLB_R | TLB_U
    call space_check
12: beqz a0, 2f
    li   t0, 0xFFFFF000                 # the page
    and  a0, a0, t0
    sw   a0, T_T2(s1)
    j    8f
2:  beqz s2, 7f
    lw   t0, T_T6(s1)
    beqz t0, 7f
    li   t1, MAXSTR
    bleu t0, t1, 3f
    sw   t1, T_T6(s1)
3:  lw   a0, T_SPACE(s1)
    lw   a1, T_A6(s1)
    lw   a2, T_T6(s1)
    li   a3, TLB_V | TLB_W | TLB_U
    call space_check
    beqz a0, 7f
    li   t0, 0xFFFFF000                 # the page, | 1: it must be writable
    and  a0, a0, t0
    ori  a0, a0, 1
    sw   a0, T_T2(s1)
    j    8f
7:  li   a0, 0
    EPILOGUE
8:  li   a0, IPC_EFAULT
    sw   a0, T_T1(s1)
    EPILOGUE

# cstr_length(a0 = tcb) -> a0 = 0, with t5 = bytes of the string at t4 with its NUL
# (at most t5 bytes: a string without a NUL in them is sent as those bytes), or the
# address of the first unmapped page before the NUL
cstr_length:
    PROLOGUE
    mv   s1, a0
    lw   s2, T_T4(s1)                   # next byte
    lw   s3, T_T5(s1)                   # bytes left
    li   s4, 0                          # length
1:  beqz s3, 8f
    lw   a0, T_SPACE(s1)
    mv   a1, s2
    li   a2, TLB_V | TLB_R | TLB_U
    call space_ka
    beqz a0, 9f
2:  lbu  t0, 0(a0)                      # scan to the end of the page
    addi s4, s4, 1
    addi s3, s3, -1
    addi s2, s2, 1
    beqz t0, 7f
    beqz s3, 8f
    addi a0, a0, 1
    andi t1, s2, 0xFFF
    bnez t1, 2b
    j    1b
7:  sw   s4, T_T5(s1)
8:  li   a0, 0
    EPILOGUE
9:  mv   a0, s2
    bnez a0, 91f
    li   a0, 1
91: EPILOGUE

# k_send(a0 = tcb)
k_send:
    PROLOGUE
    mv   s1, a0
    li   a1, 1
    li   a2, 0
    call ipc_check
    bnez a0, 9f
    mv   a0, s1
    lw   a1, T_T0(s1)
    lw   a2, T_T1(s1)
    li   a3, 0
    call ipc_send
9:  EPILOGUE

# k_recv(a0 = tcb)
k_recv:
    PROLOGUE
    mv   s1, a0
    li   a1, 0
    li   a2, 1
    call ipc_check
    bnez a0, 9f
    mv   a0, s1
    lw   a1, T_T0(s1)
    lw   a2, T_T1(s1)
    call ipc_recv
9:  EPILOGUE

# k_call(a0 = tcb)
k_call:
    PROLOGUE
    mv   s1, a0
    li   a1, 1
    li   a2, 1
    call ipc_check
    bnez a0, 9f
    mv   a0, s1
    lw   a1, T_T0(s1)
    li   a2, -1
    li   a3, 1
    call ipc_send
9:  EPILOGUE

# k_reply_wait(a0 = tcb): the reply goes only to a thread waiting for it (else it is
# dropped: a server never blocks on a client); then receive from anyone.
k_reply_wait:
    PROLOGUE
    mv   s1, a0
    li   a1, 1
    li   a2, 1
    call ipc_check
    bnez a0, 9f
    li   s2, 0                          # the client to wake
    lw   a0, T_T0(s1)
    beqz a0, 3f
    addi t0, a0, -IRQ_TID_BASE          # an interrupt's pseudo-thread: acknowledge
    sltiu t0, t0, 8
    beqz t0, 1f
    addi a1, a0, -IRQ_TID_BASE
    mv   a0, s1
    call irq_ack
    j    3f
1:  call tcb_of
    beqz a0, 3f
    lw   t0, T_STATE(a0)
    li   t1, TS_RECEIVING
    bne  t0, t1, 3f
    lw   t0, T_PARTNER(a0)
    lw   t1, T_TID(s1)
    bne  t0, t1, 3f
    mv   s2, a0
    mv   a0, s1
    mv   a1, s2
    call transfer
    li   t0, TS_INACTIVE                # not ready until we know whether we block
    sw   t0, T_STATE(s2)
3:  mv   a0, s1
    li   a1, TID_ANY
    li   a2, -1
    call ipc_recv
    beqz s2, 9f
    mv   a0, s2                         # if we blocked: straight to the client
    call wake
9:  EPILOGUE

.if MACH_IPC
.bss
    .balign 16
mach_kbuf: .space MAXSTR
.text
.endif
