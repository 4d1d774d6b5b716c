# usys.s — the microkernel's POSIX stub library: each system call of guests/abi.toml
# becomes an IPC call to the server that implements it. The unchanged programs of
# guests/user find this file first on their include path (guest.toml: [disk] stubs).
#
# Concept (seed: kernels lecture, L4Linux — "the statically linked and the shared C
# libraries are modified: system calls in the library call the kernel using L4
# IPC"). Process calls (fork exit wait kill exec getpid sbrk procinfo halt) go to the
# process server; file calls (open read write close dup fstat pipe chdir mkdir
# unlink) to the file-system server, which answers FS_REDIRECT for the console: the
# stub then asks the console driver itself. sleep, uptime and yield need no server:
# a receive with a timeout from nobody, the kernel's clock, a yield. Data travel as
# IPC strings the kernel copies between the address spaces; a path is a C string
# (MT_CSTR: up to its NUL). If a buffer's page is not mapped yet the kernel refuses
# the call (IPC_EFAULT, the page in t2) and the stub asks the process server — its
# pager — to map it (P_PREFAULT), or returns -EFAULT if there is no such page.
# As the trapping stubs, these change only t0-t6 and a0 (the result): programs may
# rely on a1-a7 surviving a system call (malloc does).

.include "../mk.inc"

.text

# STUB_ENTER / STUB_LEAVE: a stub's frame saves ra and a1-a7 (the IPC registers).
.macro STUB_ENTER
    addi sp, sp, -32
    sw   ra, 28(sp)
    sw   a1, 0(sp)
    sw   a2, 4(sp)
    sw   a3, 8(sp)
    sw   a4, 12(sp)
    sw   a5, 16(sp)
    sw   a6, 20(sp)
    sw   a7, 24(sp)
.endm
.macro STUB_LEAVE
    lw   ra, 28(sp)
    lw   a1, 0(sp)
    lw   a2, 4(sp)
    lw   a3, 8(sp)
    lw   a4, 12(sp)
    lw   a5, 16(sp)
    lw   a6, 20(sp)
    lw   a7, 24(sp)
    addi sp, sp, 32
    ret
.endm

# __call: K_CALL with the message a0-a5, t0 = the server, t3-t5 = a string to send,
# a6/t6 = the buffer for the answer's string -> a0-a5 the answer, t5 its string's
# length; a0 = -EFAULT if a buffer has no page, -EIO if the server is gone.
__call:
    la   t1, __save
    sw   a0, 0(t1)
    sw   a1, 4(t1)
    sw   a2, 8(t1)
    sw   a3, 12(t1)
    sw   t0, 16(t1)
    sw   t3, 20(t1)
    sw   t4, 24(t1)
    sw   t5, 28(t1)
    sw   a6, 32(t1)
    sw   t6, 36(t1)
    sw   ra, 40(t1)
1:  li   t2, 0
    KSYS K_CALL
    bnez t1, 2f
    ret
2:  li   t0, IPC_EFAULT
    bne  t1, t0, 8f
    li   a0, P_PREFAULT                 # the pager maps the page, or there is none
    mv   a1, t2
    li   t0, TID_PROC
    li   t3, 0
    li   t6, 0
    li   t2, FP_WHOLE                   # the mapping may land anywhere
    KSYS K_CALL
    bnez t1, 8f
    bnez a0, 7f
    la   t1, __save
    lw   a0, 0(t1)
    lw   a1, 4(t1)
    lw   a2, 8(t1)
    lw   a3, 12(t1)
    lw   t0, 16(t1)
    lw   t3, 20(t1)
    lw   t4, 24(t1)
    lw   t5, 28(t1)
    lw   a6, 32(t1)
    lw   t6, 36(t1)
    lw   ra, 40(t1)
    j    1b
7:  la   t1, __save
    lw   ra, 40(t1)
    li   a0, -EFAULT
    ret
8:  la   t1, __save
    lw   ra, 40(t1)
    li   a0, -EIO
    ret

# PCALL name, number, args: a process-server call with the arguments a0.. moved up
.macro PCALL name, num
.global \name
\name:
    STUB_ENTER
    mv   a3, a2
    mv   a2, a1
    mv   a1, a0
    li   a0, \num
    li   t0, TID_PROC
    li   t3, 0
    li   t6, 0
    call __call
    STUB_LEAVE
.endm

PCALL fork, SYS_FORK
PCALL wait, SYS_WAIT
PCALL kill, SYS_KILL
PCALL exec, SYS_EXEC
PCALL getpid, SYS_GETPID
PCALL sbrk, SYS_SBRK
PCALL procinfo, SYS_PROCINFO
PCALL halt, SYS_HALT

.global exit
exit:
    mv   a1, a0
    li   a0, SYS_EXIT                   # no answer
    li   t0, TID_PROC
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
1:  j    1b

# sleep(ticks): a receive from nobody, with a timeout
.global sleep
sleep:
    STUB_ENTER
    mv   t1, a0
    bgt  t1, zero, 1f
    li   t1, TIMEOUT_NEVER
1:  li   t0, TID_NIL
    li   t2, 0
    li   t6, 0
    KSYS K_RECV
    li   a0, 0
    STUB_LEAVE

.global uptime
uptime:
    STUB_ENTER
    KSYS K_CLOCK
    STUB_LEAVE

.global yield
yield:
    STUB_ENTER
    KSYS K_YIELD
    li   a0, 0
    STUB_LEAVE

# FPATH name, number: a file-system call whose argument is a path (a1 = a flag)
.macro FPATH name, num
.global \name
\name:
    STUB_ENTER
    mv   t4, a0
    li   a0, \num
    li   t0, TID_FS
    li   t3, MT_STRING | MT_CSTR
    li   t5, MAXPATH
    li   t6, 0
    call __call
    STUB_LEAVE
.endm

FPATH open, SYS_OPEN
FPATH chdir, SYS_CHDIR
FPATH unlink, SYS_UNLINK
FPATH mkdir, SYS_MKDIR

# FFD name, number: a file-system call with an fd
.macro FFD name, num
.global \name
\name:
    STUB_ENTER
    mv   a1, a0
    li   a0, \num
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    call __call
    STUB_LEAVE
.endm

FFD close, SYS_CLOSE
FFD dup, SYS_DUP

# fstat(fd, struct stat *): the answer's string is the struct
.global fstat
fstat:
    STUB_ENTER
    mv   a6, a1
    mv   a1, a0
    li   a0, SYS_FSTAT
    li   t0, TID_FS
    li   t3, 0
    li   t6, 16
    call __call
    STUB_LEAVE

# pipe(int fds[2]): the answer's string is the two fds
.global pipe
pipe:
    STUB_ENTER
    mv   a6, a0
    li   a0, SYS_PIPE
    li   t0, TID_FS
    li   t3, 0
    li   t6, 8
    call __call
    STUB_LEAVE

# read(fd, buf, n): MAXSTR bytes per call; a file may take several (the server says
# more may come), a pipe or the console answer what they have
.global read
read:
    STUB_ENTER
    addi sp, sp, -32
    sw   s1, 24(sp)
    sw   s2, 20(sp)
    sw   s3, 16(sp)
    sw   s4, 12(sp)
    mv   s1, a0                         # fd
    mv   s2, a1                         # buf
    mv   s3, a2                         # n
    li   s4, 0                          # total
    blt  s3, zero, 9f
1:  sub  t1, s3, s4                     # chunk
    li   t0, MAXSTR
    bleu t1, t0, 2f
    mv   t1, t0
2:  sw   t1, 8(sp)
    li   a0, SYS_READ
    mv   a1, s1
    mv   a2, t1
    li   t0, TID_FS
    li   t3, 0
    add  a6, s2, s4
    mv   t6, t1
    call __call
    li   t0, FS_REDIRECT
    bne  a0, t0, 3f
    mv   t0, a1                         # the console driver
    li   a0, C_READ
    lw   a1, 8(sp)
    li   t3, 0
    add  a6, s2, s4
    lw   t6, 8(sp)
    call __call
    li   a1, 0
3:  blt  a0, zero, 8f
    add  s4, s4, a0
    beqz a1, 7f                         # not a file: what came is all
    lw   t0, 8(sp)
    bne  a0, t0, 7f                     # end of file
    bltu s4, s3, 1b
7:  mv   a0, s4
    j    9f
8:  beqz s4, 9f                         # an error after some bytes: the bytes
    mv   a0, s4
9:  lw   s1, 24(sp)
    lw   s2, 20(sp)
    lw   s3, 16(sp)
    lw   s4, 12(sp)
    addi sp, sp, 32
    STUB_LEAVE

# write(fd, buf, n): MAXSTR bytes per call; a full pipe answers FS_RETRY (send the
# same bytes again), a pipe with some room takes part of them
.global write
write:
    STUB_ENTER
    addi sp, sp, -32
    sw   s1, 24(sp)
    sw   s2, 20(sp)
    sw   s3, 16(sp)
    sw   s4, 12(sp)
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
    blt  s3, zero, 9f
1:  sub  t1, s3, s4
    li   t0, MAXSTR
    bleu t1, t0, 2f
    mv   t1, t0
2:  sw   t1, 8(sp)
    li   a0, SYS_WRITE
    mv   a1, s1
    li   t0, TID_FS
    li   t3, MT_STRING
    add  t4, s2, s4
    mv   t5, t1
    li   t6, 0
    call __call
    li   t0, FS_RETRY
    beq  a0, t0, 1b
    li   t0, FS_REDIRECT
    bne  a0, t0, 3f
    mv   t0, a1                         # the console driver
    li   a0, C_WRITE
    li   t3, MT_STRING
    add  t4, s2, s4
    lw   t5, 8(sp)
    li   t6, 0
    call __call
3:  blt  a0, zero, 8f
    add  s4, s4, a0
    beqz a0, 7f
    bltu s4, s3, 1b
7:  mv   a0, s4
    j    9f
8:  beqz s4, 9f
    mv   a0, s4
9:  lw   s1, 24(sp)
    lw   s2, 20(sp)
    lw   s3, 16(sp)
    lw   s4, 12(sp)
    addi sp, sp, 32
    STUB_LEAVE

.bss
    .balign 4
__save: .space 48
.text
