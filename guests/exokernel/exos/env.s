# env.s — ExOS's side of the component environment interface, and the disk under its
# buffer cache.
#
# Concept: OSKit's osenv again (guests/lib/README.md): the shared buffer cache and file
# system run unchanged inside a library OS because they reach their world only through
# env_* and disk_rw. Here sleeping is ExOS's sleep (the library lock dropped, the
# environment blocked in EXO_BLOCK), copies check the program's page table, and
# disk_rw is the exokernel's checked EXO_DISK_RW on blocks ExOS bound at boot — the
# buffers are in ExOS's image, so their physical address is theirs plus img_off.

env_sleep:
    j    sleep
env_wakeup:
    j    wakeup
env_panic:
    j    panic
env_killed:
    j    killed
env_copyin:
    j    either_copyin
env_copyout:
    j    either_copyout
env_cwd:
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   a0, P_CWD(t0)
    ret

# disk_rw(a0 = block, a1 = buffer in ExOS's image, a2 = blocks, a3 = write?) -> 0 / -1
# One EXO_DISK_RW per block, with the library lock dropped while the environment
# sleeps in the kernel (the buffer stays locked: bio.s's sleep lock).
disk_rw:
    PROLOGUE
    mv   s1, a0
    la   t0, img_off
    lw   t0, 0(t0)
    add  s2, a1, t0                     # physical
    mv   s3, a2
    mv   s4, a3
    call exos_unlock
1:  beqz s3, 8f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s4
    li   a7, EXO_DISK_RW
    syscall
    bnez a0, 9f
    addi s1, s1, 1
    addi s2, s2, 512
    addi s3, s3, -1
    j    1b
8:  call exos_lock
    li   a0, 0
    EPILOGUE
9:  call exos_lock
    li   a0, -1
    EPILOGUE
