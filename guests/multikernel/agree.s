# agree.s — two-phase commit between the monitors: how a global operation changes
# every replica of the process directory, or none.
#
# Concept: the multikernel's agreement protocols (Baumann et al., §4.2/§5.1: replicated
# state "maintained … by agreement protocols", the monitors "use a two-phase commit
# protocol" for operations like capability retype and unmapping). A CPU driver that
# wants a global change — a new process (fork, spawn), one gone (exit), a user channel
# bound — coordinates a transaction from the context that asked for it:
#
#   phase 1  PREPARE(op, tx, …) to every other monitor, and to itself: each checks the
#            change against its own replica (is the pid free? is there room? for a
#            spawn, the target CPU reserves the process) and, if it can, *prepares* it —
#            the entry is reserved for this transaction, so a concurrent transaction for
#            the same pid is refused — then votes yes, or votes no with a reason;
#   phase 2  COMMIT if every vote was yes, else ABORT, to every monitor: a prepared
#            entry becomes committed (or is released); a spawn target starts (or frees)
#            the process it reserved.
#
# The coordinator sleeps in its request slot while the votes come in (monitor.s counts
# them down and keeps the first refusal). A refusal is not an error to retry blindly:
# the caller sees the reason (an allocated pid: try the next one; no room: give up).
# Each step is an AGREEMENT event (ARG0 tx, ARG1 the phase: 1 prepare, 2 vote yes,
# 3 vote no, 4 commit, 5 abort) for `catch event AGREEMENT` and timelines.

.equ PH_PREPARE, 1
.equ PH_YES, 2
.equ PH_NO, 3
.equ PH_COMMIT, 4
.equ PH_ABORT, 5

# agree(a0 = op, a1 = pid or id, a2 = CPU, a3 = parent pid / binder / argument,
#   a4 = kernel address of a 16-byte name or 0, a5 = a request slot that carries a bulk
#   buffer (spawn) or -1) -> a0 = 0 committed, or -reason (R_EXISTS, R_FULL, R_NOROOM)
agree:
    PROLOGUE
    addi sp, sp, -URPC_LINE - 16        # the message at 16(sp)
    mv   s1, a5
    mv   s7, a1
    sw   a0, 16+M_A0(sp)
    sw   a1, 16+M_A2(sp)
    sw   a2, 16+M_A3(sp)
    sw   a3, 16+M_A4(sp)
    sw   zero, 16+M_A5(sp)
    sw   a4, 0(sp)
    li   t0, MT_PREPARE
    sw   t0, 16+M_TYPE(sp)
    addi a0, sp, 16+M_NAME              # the name (16 bytes, or zeros)
    li   a1, 0
    li   a2, 16
    call memset
    lw   a1, 0(sp)
    beqz a1, 1f
    addi a0, sp, 16+M_NAME
    li   a2, 15
    call memmove
1:  li   s5, 0                          # allocated the slot here?
    bge  s1, zero, 2f
    call rpc_alloc
    mv   s1, a0
    li   s5, 1
2:  la   t0, tx_seq                     # tx = this CPU << 24 | sequence
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, 0xFFFFFF
    and  t1, t1, t0
    la   t0, my_cpu
    lw   t0, 0(t0)
    slli t0, t0, 24
    or   s2, t0, t1
    sw   s2, 16+M_A1(sp)
    li   t2, PH_PREPARE
    EMIT EV_AGREEMENT, s2, t2
    mv   a0, s1                         # votes are answers to our slot
    call rpc_tag
    sw   a0, 16+M_SLOT(sp)
    la   t0, my_cpu                     # our own vote: prepare our replica first
    lw   t0, 0(t0)                      # (as a PREPARE from ourselves)
    li   t1, MT_PREPARE
    slli t0, t0, 8
    or   t0, t0, t1
    sw   t0, 16+M_TYPE(sp)
    addi a0, sp, 16
    call prepare_local                  # -> a0 vote, a1 reason
    mv   s3, a1                         # our refusal (0: we said yes)
    bnez a0, 3f
    bnez s3, 3f
    li   s3, R_FULL
3:  mv   a0, s1
    call rpc_slot
    mv   s4, a0
    sw   zero, RS_NO(s4)
    sw   zero, RS_DEADLINE(s4)
    la   t0, npeers
    lw   t0, 0(t0)
    addi t0, t0, -1
    sw   t0, RS_NEED(s4)
    li   s6, 0                          # phase 1: PREPARE to every other monitor
4:  la   t0, npeers
    lw   t0, 0(t0)
    bge  s6, t0, 6f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s6, t0, 5f
    li   t0, MT_PREPARE
    sw   t0, 16+M_TYPE(sp)
    mv   a0, s6
    addi a1, sp, 16
    call chan_send
5:  addi s6, s6, 1
    j    4b
6:  mv   a0, s4                         # ... and wait for their votes
    call rpc_wait
    lw   t0, RS_NO(s4)                  # phase 2: the decision
    bnez s3, 7f                         # we refused ourselves
    mv   s3, t0                         # a refusal from another monitor, or 0
7:  li   s6, MT_COMMIT
    li   t2, PH_COMMIT
    la   t1, stats + ST_COMMITS
    beqz s3, 8f
    li   s6, MT_ABORT                   # any refusal aborts: nobody changes anything
    li   t2, PH_ABORT
    la   t1, stats + ST_ABORTS
8:  lw   t0, 0(t1)
    addi t0, t0, 1
    sw   t0, 0(t1)
    EMIT EV_AGREEMENT, s2, t2
    sw   s6, 16+M_TYPE(sp)
    li   s7, 0
9:  la   t0, npeers
    lw   t0, 0(t0)
    bge  s7, t0, 11f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s7, t0, 10f
    sw   s6, 16+M_TYPE(sp)
    mv   a0, s7
    addi a1, sp, 16
    call chan_send
10: addi s7, s7, 1
    j    9b
11: mv   a0, s2                         # and our own replica
    addi a1, s6, -MT_COMMIT
    seqz a1, a1
    call decide_local
    beqz s5, 12f
    mv   a0, s1
    call rpc_free
12: neg  a0, s3
    addi sp, sp, URPC_LINE + 16
    EPILOGUE

# on_prepare(a0 = PREPARE message): vote on it (in the monitor): prepare our replica
# if we can, and answer MT_VOTE (A0 yes/no, A1 reason) to the coordinator's slot.
on_prepare:
    PROLOGUE
    mv   s1, a0
    la   t0, stats + ST_PREPARES
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    call prepare_local
    mv   s2, a0
    mv   s3, a1
    lw   s4, M_A1(s1)                   # tx
    li   t2, PH_YES
    bnez s2, 1f
    li   t2, PH_NO
    la   t0, stats + ST_REFUSALS
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
1:  EMIT EV_AGREEMENT, s4, t2
    sw   s2, M_A0(s1)
    sw   s3, M_A1(s1)
    mv   a0, s1
    call msg_src
    li   t0, MT_VOTE
    sw   t0, M_TYPE(s1)
    mv   a1, s1
    call chan_send
    EPILOGUE

# on_decide(a0 = COMMIT or ABORT message): apply the coordinator's decision here.
on_decide:
    PROLOGUE
    lw   t0, M_TYPE(a0)
    andi t0, t0, 0xFF
    addi t0, t0, -MT_COMMIT
    seqz a1, t0
    lw   a0, M_A1(a0)
    call decide_local
    EPILOGUE

# prepare_local(a0 = PREPARE message) -> a0 = VOTE_YES / VOTE_NO, a1 = reason (0 if
# yes). Checks the operation against this replica and reserves what it needs.
prepare_local:
    PROLOGUE
    mv   s1, a0
    lw   s2, M_A0(s1)                   # op
    lw   s3, M_A2(s1)                   # pid / channel id
    li   s4, PDK_PROC
    li   t0, OP_CHAN
    beq  s2, t0, 1f
    li   t0, OP_UNCHAN
    bne  s2, t0, 2f
1:  li   s4, PDK_CHAN
2:  li   t0, OP_REMOVE                  # removals can always be prepared
    beq  s2, t0, 20f
    li   t0, OP_UNCHAN
    beq  s2, t0, 20f
    mv   a0, s4                         # a creation: the name must be free ...
    mv   a1, s3
    call pdir_find_any
    bnez a0, 91f
    call pdir_free_entry                # ... and there must be room
    beqz a0, 92f
    mv   s5, a0
    li   t0, OP_SPAWN                   # a spawn on this CPU: reserve the process
    bne  s2, t0, 3f
    lw   t0, M_A3(s1)
    la   t1, my_cpu
    lw   t1, 0(t1)
    bne  t0, t1, 3f
    mv   a0, s1
    call spawn_reserve                  # spawn.s
    bnez a0, 93f
3:  li   t0, PDK_PROC                   # pids only grow (replica.s pid_guess)
    bne  s4, t0, 4f
    la   t0, pid_high
    lw   t1, 0(t0)
    bgeu t1, s3, 4f
    sw   s3, 0(t0)
4:  li   t0, PDS_PREPARED
    sw   t0, PD_STATE(s5)
    sw   s3, PD_PID(s5)
    lw   t0, M_A3(s1)
    sw   t0, PD_CPU(s5)
    lw   t0, M_A4(s1)
    sw   t0, PD_PPID(s5)
    lw   t0, M_A1(s1)
    sw   t0, PD_TX(s5)
    sw   s4, PD_KIND(s5)
    addi a0, s5, PD_NAME
    addi a1, s1, M_NAME
    li   a2, 16
    call memmove
    sb   zero, PD_NAME+15(s5)
    j    80f
20: mv   a0, s4                         # a removal: mark the entry (if any)
    mv   a1, s3
    call pdir_find_any
    beqz a0, 80f
    lw   t0, M_A1(s1)
    sw   t0, PD_TX(a0)
80: li   a0, VOTE_YES
    li   a1, 0
    EPILOGUE
91: li   a1, R_EXISTS
    j    99f
92: li   a1, R_FULL
    j    99f
93: li   a1, R_NOROOM
99: li   a0, VOTE_NO
    EPILOGUE

# decide_local(a0 = tx, a1 = 1 commit / 0 abort): every entry this transaction
# prepared becomes committed or free; an entry it marked for removal is freed or kept;
# a process reserved for it is started or released (spawn.s).
decide_local:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   s3, pdir
    li   s4, NPDIR
1:  lw   t0, PD_STATE(s3)
    beqz t0, 4f
    lw   t1, PD_TX(s3)
    bne  t1, s1, 4f
    sw   zero, PD_TX(s3)
    li   t1, PDS_PREPARED
    bne  t0, t1, 3f
    li   t0, PDS_COMMITTED              # prepared: commit or release
    bnez s2, 2f
    li   t0, PDS_FREE
2:  sw   t0, PD_STATE(s3)
    j    4f
3:  beqz s2, 4f                         # committed, marked for removal: remove on commit
    sw   zero, PD_STATE(s3)
4:  addi s3, s3, PD_SIZE
    addi s4, s4, -1
    bnez s4, 1b
    mv   a0, s1
    mv   a1, s2
    call spawn_decide
    EPILOGUE

.data
    .balign 4
tx_seq: .word 0
.text
