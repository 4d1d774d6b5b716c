# GENERATED from guests/abi.toml by `ringvm generate`; do not edit.
# The system-call dispatch table: entry n is the handler of call n (entry 0 unused).

.rodata
.align 4
syscall_table:
    .word 0
    .word sys_fork
    .word sys_exit
    .word sys_wait
    .word sys_pipe
    .word sys_read
    .word sys_kill
    .word sys_exec
    .word sys_fstat
    .word sys_chdir
    .word sys_dup
    .word sys_getpid
    .word sys_sbrk
    .word sys_sleep
    .word sys_uptime
    .word sys_open
    .word sys_write
    .word sys_unlink
    .word sys_mkdir
    .word sys_close
    .word sys_yield
    .word sys_procinfo
    .word sys_halt
