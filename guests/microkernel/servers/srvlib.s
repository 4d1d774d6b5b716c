# srvlib.s — what every user-level server of the microkernel shares: debug output
# through the kernel (K_KPRINT), number formatting, touching its own pages before it
# uses them as IPC buffers, and dying loudly.
#
# Concept: servers are ordinary ring-3 programs (seed: kernel structures, "each of
# the subsystems runs as a dynamic process, often called a service … just like a user
# process listening on IPCs"): no kernel privileges, only kernel calls and messages.
# Included by each server after its own code (mk.inc, kframe.inc and string.s first).

# lputs(a0 = string): append to the line buffer. Leaf.
lputs:
    la   t0, lbuf_len
    lw   t1, 0(t0)
1:  lbu  t2, 0(a0)
    beqz t2, 2f
    li   t3, 250
    bgeu t1, t3, 2f
    la   t3, lbuf
    add  t3, t3, t1
    sb   t2, 0(t3)
    addi t1, t1, 1
    addi a0, a0, 1
    j    1b
2:  sw   t1, 0(t0)
    ret

# lputc(a0 = byte). Leaf.
lputc:
    la   t0, lbuf_len
    lw   t1, 0(t0)
    li   t3, 250
    bgeu t1, t3, 1f
    la   t3, lbuf
    add  t3, t3, t1
    sb   a0, 0(t3)
    addi t1, t1, 1
    sw   t1, 0(t0)
1:  ret

# lputdec(a0 = unsigned number)
lputdec:
    PROLOGUE
    addi s1, sp, 20                     # digits backwards in the frame's locals
    sb   zero, 0(s1)
    li   t1, 10
1:  remu t0, a0, t1
    addi t0, t0, '0'
    addi s1, s1, -1
    sb   t0, 0(s1)
    divu a0, a0, t1
    bnez a0, 1b
    mv   a0, s1
    call lputs
    EPILOGUE

# lputhex(a0 = number): 0x and 8 digits
lputhex:
    PROLOGUE
    mv   s1, a0
    la   a0, lhex0x
    call lputs
    li   s2, 28
1:  srl  t0, s1, s2
    andi t0, t0, 15
    la   t1, lhexdig
    add  t0, t0, t1
    lbu  a0, 0(t0)
    call lputc
    addi s2, s2, -4
    bge  s2, zero, 1b
    EPILOGUE

# lflush(): print the line buffer (K_KPRINT) and empty it
lflush:
    la   t0, lbuf_len
    lw   t1, 0(t0)
    la   a0, lbuf
    add  t2, a0, t1
    sb   zero, 0(t2)
    sw   zero, 0(t0)
    KSYS K_KPRINT
    ret

# lsay(a0 = string): print it as one line of its own (no newline added)
lsay:
    PROLOGUE
    call lputs
    call lflush
    EPILOGUE

# touch_pages(a0 = start, a1 = end): read and write back a word of every page, so the
# pager maps each (writable) before the kernel is asked to copy into it.
touch_pages:
    li   t0, 0xFFFFF000
    and  a0, a0, t0
1:  bgeu a0, a1, 2f
    lw   t0, 0(a0)
    sw   t0, 0(a0)
    li   t0, 4096
    add  a0, a0, t0
    j    1b
2:  ret

# die(a0 = message): print "NAME: panic: message" and crash (the supervisor sees it).
die:
    mv   s1, a0
    la   a0, srv_name
    call lputs
    la   a0, lpanic
    call lputs
    mv   a0, s1
    call lputs
    li   a0, '\n'
    call lputc
    call lflush
    .word 0xFFFFFFFF                    # an illegal instruction: a crash
1:  j    1b

.rodata
lhex0x:  .asciz "0x"
lhexdig: .ascii "0123456789abcdef"
lpanic:  .asciz ": panic: "
.data
    .balign 4
lbuf_len: .word 0
.bss
lbuf:     .space 256
.text
