# rcons.s — the console as seen from a CPU that does not own it: console_read and
# console_write (the names guests/lib/dev/console.s gives the monolithic sources) as
# requests to the console service of CPU 0 (svc.s), data in the bulk buffer.
#
# Concept: a device reached by messages (seed: the OS-structure slides, "use message
# abstraction between CPU and devices"): the UART's interrupts go to CPU 0 (ISA.md §9),
# so its driver runs there; a process on another CPU writing to fd 1 sends its bytes to
# CPU 0, whose service thread writes them with the real driver.

# console_write(a0 = src, a1 = n, a2 = user?) -> bytes / -EFAULT (the argument order
# of guests/lib/dev/console.s)
console_write:
    PROLOGUE
    mv   s1, a2
    mv   s2, a0
    mv   s3, a1
    li   s4, 0                          # done
    call rpc_alloc
    mv   s5, a0
    call my_bulk
    mv   s6, a0
1:  bgeu s4, s3, 8f
    sub  s7, s3, s4
    li   t0, BULK_SIZE
    bleu s7, t0, 2f
    mv   s7, t0
2:  mv   a0, s1
    mv   a1, s6
    add  a2, s2, s4
    mv   a3, s7
    call env_copyin
    bnez a0, 7f
    li   a0, CONS_WRITE
    mv   a1, s7
    li   a2, 0
    li   a3, 0
    mv   a4, s5
    call fsreq
    ble  a0, zero, 8f
    add  s4, s4, a0
    j    1b
7:  bnez s4, 8f
    li   s4, -EFAULT
8:  mv   a0, s5
    call rpc_free
    mv   a0, s4
    EPILOGUE

# console_read(a0 = dst, a1 = n, a2 = user?) -> bytes (0 at end of input) / -EFAULT
console_read:
    PROLOGUE
    mv   s1, a2
    mv   s2, a0
    mv   s3, a1
    call rpc_alloc
    mv   s5, a0
    call my_bulk
    mv   s6, a0
    li   t0, BULK_SIZE
    bleu s3, t0, 1f
    mv   s3, t0
1:  li   a0, CONS_READ
    mv   a1, s3
    li   a2, 0
    li   a3, 0
    mv   a4, s5
    call fsreq
    mv   s4, a0
    ble  s4, zero, 8f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s6
    mv   a3, s4
    call env_copyout
    beqz a0, 8f
    li   s4, -EFAULT
8:  mv   a0, s5
    call rpc_free
    mv   a0, s4
    EPILOGUE
