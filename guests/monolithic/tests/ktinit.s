# ktinit.s — /init for the kernel tests: exercises fork/exec/wait, a fault, pipes,
# files (persisting across boots), directories, bad pointers, sbrk and console input,
# then halts with code 0. Prints one "kt:" line per check.
.include "usys.inc"
.text
_start:
    PUTS m_start
    SYS  GETPID
    call uputdec
    PUTS nl
    # ---- a faulting child
    SYS  FORK
    bnez a0, 1f
    la   a0, p_fault
    la   a1, argv_fault
    SYS  EXEC
    PUTS m_execfail
    li   a0, 1
    SYS  EXIT
1:  la   a0, status
    SYS  WAIT
    PUTS m_faultst
    la   t0, status
    lw   a0, 0(t0)
    call uputdec
    PUTS nl
    # ---- pipe
    la   a0, fds
    SYS  PIPE
    SYS  FORK
    bnez a0, 2f
    la   t0, fds
    lw   a0, 4(t0)
    la   a1, m_ping
    li   a2, 5
    SYS  WRITE
    li   a0, 3
    SYS  EXIT
2:  la   t0, fds
    lw   a0, 4(t0)
    SYS  CLOSE
    la   t0, fds
    lw   a0, 0(t0)
    la   a1, buf
    li   a2, 100
    SYS  READ
    mv   s1, a0
    PUTS m_pipe
    li   a0, 1
    la   a1, buf
    mv   a2, s1
    SYS  WRITE
    la   a0, status
    SYS  WAIT
    PUTS m_pipest
    la   t0, status
    lw   a0, 0(t0)
    call uputdec
    PUTS nl
    # ---- persistent file
    la   a0, p_file
    li   a1, 0
    SYS  OPEN
    blt  a0, zero, 3f
    mv   s1, a0
    la   a1, buf
    li   a2, 100
    SYS  READ
    mv   s2, a0
    PUTS m_found
    li   a0, 1
    la   a1, buf
    mv   a2, s2
    SYS  WRITE
    mv   a0, s1
    SYS  CLOSE
    j    4f
3:  PUTS m_create
    la   a0, p_file
    li   a1, O_CREATE | O_RDWR
    SYS  OPEN
    mv   s1, a0
    la   a1, m_content
    li   a2, 14
    SYS  WRITE
    mv   a0, s1
    SYS  CLOSE
4:  # ---- directories
    la   a0, p_dir
    SYS  MKDIR
    mv   s1, a0
    PUTS m_mkdir
    mv   a0, s1
    call uputdec
    PUTS nl
    la   a0, p_dir
    SYS  CHDIR
    la   a0, p_rel
    li   a1, O_CREATE | O_RDWR
    SYS  OPEN
    mv   s1, a0
    la   a1, m_ping
    li   a2, 5
    SYS  WRITE
    mv   a0, s1
    SYS  CLOSE
    la   a0, p_abs
    li   a1, 0
    SYS  OPEN
    mv   s1, a0
    la   a1, buf
    li   a2, 100
    SYS  READ
    mv   s2, a0
    PUTS m_rel
    li   a0, 1
    la   a1, buf
    mv   a2, s2
    SYS  WRITE
    mv   a0, s1
    SYS  CLOSE
    la   a0, p_rel
    SYS  UNLINK
    mv   s1, a0
    la   a0, p_root
    SYS  CHDIR
    la   a0, p_dir
    SYS  UNLINK
    mv   s2, a0
    PUTS m_unlink
    mv   a0, s1
    call uputdec
    PUTS sp1
    mv   a0, s2
    call uputdec
    PUTS nl
    # ---- bad pointers
    li   a0, 1
    li   a1, 0x80000000
    li   a2, 4
    SYS  WRITE
    mv   s1, a0
    li   a0, 0
    li   a1, 0x00700000
    li   a2, 4
    SYS  READ
    mv   s2, a0
    la   a0, p_rel
    li   a1, 0
    SYS  OPEN
    mv   s3, a0
    PUTS m_bad
    mv   a0, s1
    call uputdec
    PUTS sp1
    mv   a0, s2
    call uputdec
    PUTS sp1
    mv   a0, s3
    call uputdec
    PUTS nl
    # ---- sbrk
    li   a0, 8192
    SYS  SBRK
    mv   s1, a0
    li   t0, 12345
    sw   t0, 0(s1)
    li   t1, 8188
    add  t1, t1, s1
    sw   t0, 0(t1)
    lw   a0, 0(t1)
    PUTS m_sbrk
    mv   a0, s1
    lw   a0, 0(a0)
    call uputdec
    PUTS nl
    # ---- console input until EOF
5:  li   a0, 0
    la   a1, buf
    li   a2, 100
    SYS  READ
    ble  a0, zero, 6f
    mv   s1, a0
    PUTS m_line
    li   a0, 1
    la   a1, buf
    mv   a2, s1
    SYS  WRITE
    j    5b
6:  mv   s1, a0
    PUTS m_eof
    mv   a0, s1
    call uputdec
    PUTS nl
    li   a0, 0
    SYS  HALT
7:  j 7b
.include "ulib.s"
.rodata
nl:        .asciz "\n"
sp1:       .asciz " "
m_start:   .asciz "kt: init pid "
m_execfail:.asciz "kt: exec failed\n"
m_faultst: .asciz "kt: fault child status "
m_ping:    .asciz "ping\n"
m_pipe:    .asciz "kt: pipe got "
m_pipest:  .asciz "kt: pipe child status "
m_found:   .asciz "kt: found "
m_create:  .asciz "kt: created /persist\n"
m_content: .asciz "persisted data"
m_mkdir:   .asciz "kt: mkdir "
m_rel:     .asciz "kt: read back "
m_unlink:  .asciz "kt: unlink "
m_bad:     .asciz "kt: bad pointers "
m_sbrk:    .asciz "kt: sbrk "
m_line:    .asciz "kt: line "
m_eof:     .asciz "kt: eof "
p_fault:   .asciz "/fault"
p_file:    .asciz "/persist"
p_dir:     .asciz "/d"
p_rel:     .asciz "x"
p_abs:     .asciz "/d/x"
p_root:    .asciz "/"
    .balign 4
argv_fault: .word p_fault, 0
.data
    .balign 4
status: .word 0
fds:    .word 0, 0
.bss
buf:    .space 128
