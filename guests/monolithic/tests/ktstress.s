# ktstress.s — /init for the kernel's error-path and preemption tests. Each check
# prints "ks: <name> <value>"; halts with 0.
.include "usys.inc"
.macro SHOW label
    mv   s11, a0
    PUTS \label
    mv   a0, s11
    call uputdec
    PUTS nl
.endm
.text
_start:
    # error returns
    la   a0, status
    SYS  WAIT
    SHOW m_wait
    li   a0, 999
    SYS  KILL
    SHOW m_kill
    li   a0, 40
    la   a1, pinfo
    SYS  PROCINFO
    SHOW m_pinval
    li   a0, 31
    la   a1, pinfo
    SYS  PROCINFO
    SHOW m_pisrch
    li   a0, 0
    la   a1, pinfo
    SYS  PROCINFO
    la   t0, pinfo
    lw   a0, 0(t0)
    SHOW m_pipid
    li   a0, 77
    li   a1, 0
    li   a2, 0
    SYS  READ
    SHOW m_badfd
    la   a0, p_missing
    li   a1, 0
    SYS  OPEN
    SHOW m_noent
    la   a0, p_root
    li   a1, O_RDWR
    SYS  OPEN
    SHOW m_isdir
    la   a0, p_readme
    li   a1, 0
    SYS  EXEC
    SHOW m_noexec
    li   a0, 0x80000000
    li   a1, 0
    SYS  OPEN
    SHOW m_efault
    li   a0, 123
    SYS  SYS99
    SHOW m_nosys
    # a child may not halt the machine
    SYS  FORK
    bnez a0, 1f
    li   a0, 5
    SYS  HALT
    SYS  EXIT
1:  la   a0, status
    SYS  WAIT
    la   t0, status
    lw   a0, 0(t0)
    SHOW m_eperm
    # illegal instruction kills only the child
    SYS  FORK
    bnez a0, 2f
    la   a0, p_illegal
    la   a1, argv_ill
    SYS  EXEC
    SYS  EXIT
2:  la   a0, status
    SYS  WAIT
    la   t0, status
    lw   a0, 0(t0)
    SHOW m_illst
    # preemption: a spinning child is preempted; sleep, then kill it
    SYS  FORK
    bnez a0, 3f
    la   a0, p_spin
    la   a1, argv_spin
    SYS  EXEC
    SYS  EXIT
3:  mv   s1, a0
    SYS  UPTIME
    mv   s2, a0
    li   a0, 5
    SYS  SLEEP
    SYS  UPTIME
    sub  a0, a0, s2
    slti a0, a0, 5
    SHOW m_slept
    mv   a0, s1
    SYS  KILL
    SHOW m_killed
    la   a0, status
    SYS  WAIT
    sub  a0, a0, s1
    SHOW m_waitpid
    la   t0, status
    lw   a0, 0(t0)
    SHOW m_killst
    # big file: 40 KiB written in 4 KiB chunks (indirect blocks), then past the max
    la   a0, p_big
    li   a1, O_CREATE | O_RDWR
    SYS  OPEN
    mv   s1, a0
    li   s2, 0
    li   s3, 0
4:  li   t0, 10
    bge  s2, t0, 5f
    mv   a0, s1
    li   a1, 0x1000
    li   a2, 4096
    SYS  WRITE
    add  s3, s3, a0
    addi s2, s2, 1
    j    4b
5:  mv   a0, s3
    SHOW m_bigw
    la   a0, st
    mv   a1, a0
    mv   a0, s1
    la   a1, st
    SYS  FSTAT
    la   t0, st
    lw   a0, 8(t0)
    SHOW m_bigsz
    li   s2, 0
6:  li   t0, 10
    bge  s2, t0, 7f
    mv   a0, s1
    li   a1, 0x1000
    li   a2, 4096
    SYS  WRITE
    blt  a0, zero, 7f
    addi s2, s2, 1
    j    6b
7:  SHOW m_efbig
    mv   a0, s1
    SYS  CLOSE
    la   a0, p_big
    li   a1, 0
    SYS  OPEN
    mv   s1, a0
    li   s3, 0
8:  mv   a0, s1
    la   a1, buf
    li   a2, 1000
    SYS  READ
    ble  a0, zero, 9f
    add  s3, s3, a0
    j    8b
9:  mv   a0, s3
    SHOW m_bigr
    mv   a0, s1
    SYS  CLOSE
    la   a0, p_big
    SYS  UNLINK
    SHOW m_bigrm
    # out of fds
    li   s2, 0
10: li   a0, 0
    SYS  DUP
    blt  a0, zero, 11f
    addi s2, s2, 1
    j    10b
11: SHOW m_emfile
    mv   a0, s2
    SHOW m_ndup
    li   s2, 3
12: li   t0, 16
    bge  s2, t0, 13f
    mv   a0, s2
    SYS  CLOSE
    addi s2, s2, 1
    j    12b
13: # sbrk down and up
    li   a0, 0
    SYS  SBRK
    mv   s1, a0
    li   a0, 12288
    SYS  SBRK
    li   a0, -8192
    SYS  SBRK
    li   a0, 0
    SYS  SBRK
    sub  a0, a0, s1
    SHOW m_sbrk
    li   a0, -1000000
    SYS  SBRK
    SHOW m_sbrkbad
    li   a0, 0x01000000
    SYS  SBRK
    SHOW m_sbrkbig
    # a bad wait pointer
    SYS  FORK
    bnez a0, 14f
    li   a0, 0
    SYS  EXIT
14: li   a0, 0x80000000
    SYS  WAIT
    SHOW m_waitfault
    li   a0, 0
    SYS  WAIT
    SHOW m_waitok
    PUTS m_done
    li   a0, 0
    SYS  HALT
15: j 15b
.include "ulib.s"
.equ SYS_SYS99, 99
.rodata
nl:          .asciz "\n"
m_wait:      .asciz "ks: wait "
m_kill:      .asciz "ks: kill "
m_pinval:    .asciz "ks: procinfo 40 "
m_pisrch:    .asciz "ks: procinfo 31 "
m_pipid:     .asciz "ks: procinfo 0 pid "
m_badfd:     .asciz "ks: read bad fd "
m_noent:     .asciz "ks: open missing "
m_isdir:     .asciz "ks: open dir rw "
m_noexec:    .asciz "ks: exec README "
m_efault:    .asciz "ks: open kseg "
m_nosys:     .asciz "ks: syscall 99 "
m_eperm:     .asciz "ks: halt by child "
m_illst:     .asciz "ks: illegal status "
m_slept:     .asciz "ks: slept short "
m_killed:    .asciz "ks: kill spinner "
m_waitpid:   .asciz "ks: wait spinner "
m_killst:    .asciz "ks: spinner status "
m_bigw:      .asciz "ks: big write "
m_bigsz:     .asciz "ks: big size "
m_efbig:     .asciz "ks: past max "
m_bigr:      .asciz "ks: big read "
m_bigrm:     .asciz "ks: big unlink "
m_emfile:    .asciz "ks: dup until "
m_ndup:      .asciz "ks: dups "
m_sbrk:      .asciz "ks: sbrk net "
m_sbrkbad:   .asciz "ks: sbrk below "
m_sbrkbig:   .asciz "ks: sbrk huge "
m_waitfault: .asciz "ks: wait kseg "
m_waitok:    .asciz "ks: wait after "
m_done:      .asciz "ks: done\n"
p_missing:   .asciz "/nope"
p_root:      .asciz "/"
p_readme:    .asciz "/README"
p_illegal:   .asciz "/illegal"
p_spin:      .asciz "/spin"
p_big:       .asciz "/big"
    .balign 4
argv_ill:    .word p_illegal, 0
argv_spin:   .word p_spin, 0
.data
    .balign 4
status: .word 0
st:     .space 16
pinfo:  .space 32
.bss
buf:    .space 1024
