# pstore.s — the process component's side of the storage component: the outage report
# and the fault injection that crashes it.
#
# Concept: fault independence from storage (Shan et al., OSDI 2018, §5; seed: "a failed
# … component … does not affect the correct functioning of all other components"): the
# file-system proxy (../multikernel/rfs.s) waits FS_TIMEOUT ticks for an answer and
# then fails the operation with EIO instead of waiting forever; this file says once
# when the storage component stops answering and once when it answers again. Processes
# that do not touch files never notice.

# fs_watch(a0 = 1 if the request got no answer): (rfs.s, every request) report a change.
fs_watch:
    PROLOGUE
    la   t0, s_silent
    lw   t1, 0(t0)
    beq  a0, t1, 9f                     # no change
    sw   a0, 0(t0)
    la   a0, msg_back
    beqz t1, 1f
    j    2f
1:  la   a0, msg_gone
    la   t0, s_outages
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
2:  call kputs
9:  EPILOGUE

# storage_fail(a0 = ticks, 0: SDOWN) -> 0: crash the storage component (MT_SFAIL).
storage_fail:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    li   t0, MT_SFAIL
    sw   t0, M_TYPE(sp)
    sw   a0, M_A0(sp)
    li   a0, STORAGE
    mv   a1, sp
    call chan_send
    li   a0, 0
    addi sp, sp, URPC_LINE
    EPILOGUE

.rodata
msg_gone: .asciz "disaggregated: the storage component does not answer: file operations fail (EIO) until it is back\n"
msg_back: .asciz "disaggregated: the storage component answers again\n"

.data
    .balign 4
s_silent:  .word 0                      # 1: the last request got no answer
s_outages: .word 0
.global s_silent, s_outages
.text
