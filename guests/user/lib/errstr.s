# GENERATED from guests/abi.toml by `ringvm generate`; do not edit.
# errstr(a0 = err, may be negative) -> a0 = the message of that errno value.

.text
.global errstr
errstr:
    bge  a0, zero, 1f
    neg  a0, a0
1:  la   t0, errstr_table
2:  lw   t1, 0(t0)
    beqz t1, 3f                 # end of the table
    beq  t1, a0, 3f
    addi t0, t0, 8
    j    2b
3:  lw   a0, 4(t0)
    ret

.rodata
.align 4
errstr_table:
    .word EPERM, es_eperm
    .word ENOENT, es_enoent
    .word ESRCH, es_esrch
    .word EINTR, es_eintr
    .word EIO, es_eio
    .word ENOEXEC, es_enoexec
    .word EBADF, es_ebadf
    .word ECHILD, es_echild
    .word ENOMEM, es_enomem
    .word EFAULT, es_efault
    .word EBUSY, es_ebusy
    .word EEXIST, es_eexist
    .word ENOTDIR, es_enotdir
    .word EISDIR, es_eisdir
    .word EINVAL, es_einval
    .word ENFILE, es_enfile
    .word EMFILE, es_emfile
    .word EFBIG, es_efbig
    .word ENOSPC, es_enospc
    .word EPIPE, es_epipe
    .word ENAMETOOLONG, es_enametoolong
    .word ENOTEMPTY, es_enotempty
    .word 0, es_unknown
es_eperm: .asciz "operation not permitted"
es_enoent: .asciz "no such file or directory"
es_esrch: .asciz "no such process"
es_eintr: .asciz "interrupted"
es_eio: .asciz "I/O error"
es_enoexec: .asciz "not an executable"
es_ebadf: .asciz "bad file descriptor"
es_echild: .asciz "no child processes"
es_enomem: .asciz "out of memory"
es_efault: .asciz "bad address"
es_ebusy: .asciz "resource busy"
es_eexist: .asciz "file exists"
es_enotdir: .asciz "not a directory"
es_eisdir: .asciz "is a directory"
es_einval: .asciz "invalid argument"
es_enfile: .asciz "file table full"
es_emfile: .asciz "too many open files"
es_efbig: .asciz "file too large"
es_enospc: .asciz "no space left on device"
es_epipe: .asciz "broken pipe"
es_enametoolong: .asciz "name too long"
es_enotempty: .asciz "directory not empty"
es_unknown: .asciz "unknown error"
