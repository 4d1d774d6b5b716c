# usertests.s — usertests [quick | TEST...]: exercise every system call of the
# monolithic kernel (guests/monolithic/README.md) and its error cases, printing one line
# per test ("test NAME: OK" or "test NAME: FAILED: what (got value)") and
# "usertests: OK" only when every test passed (exit status 0; else 1).
#
#   quick    smaller transfers and fewer children (for the slow Python engine)
#   TEST...  run only the named tests; `diskfull` (fill the disk until ENOSPC, then free
#            it: ~100 M instructions on the default 2 MiB disk) runs only when named, and
#            so do the table-exhaustion tests `inodes`, `dinodes`, `pipes`, `pages` and
#            the file-system edges `fsedge`
#   attacks  the attack set: badfd badptr faults forkfull nfile inodes pipes pages dinodes
#            fsedge (every one must end with the documented error, the kernel alive)
#
# The fault tests make children misbehave on purpose: the kernel prints its
# "pid N (usertests): killed: ..." line for each, and the parent carries on.
#
# The smp* tests (concurrent forks, a pipe across CPUs, kill of a process running on
# another CPU, TLB shootdown under load) pass on any correct kernel; on a
# multiprocessor that reports CPUs in procinfo they also check that the work really
# was spread over several CPUs.
#
# Before each test, `cleanup` removes whatever an earlier run left behind (a run cut
# short by Ctrl-C, a step limit or a crash leaves /ut_* files and directories on a
# persistent disk, and the next run's mkdir would fail with EEXIST).
#
# Each test is a function returning 0, or a message (a0) with the offending value in
# fail_val. The CHECK_* macros compare and jump to t_fail, the shared epilogue (every
# test uses the same FUNC_ENTER frame and keeps sp unchanged in its body).

.include "lib/ulib.s"

.equ KADDR, 0x80001000          # kernel memory (kseg)
.equ UNMAPPED, 0x7F000000       # useg, far above any process's memory
.equ NDIRFILES, 40              # files in one directory (> 32: past one block)

# LSTR reg, "text": reg = address of a string literal
.macro LSTR reg, text
    .rodata
lstr\@: .asciz \text
    .text
    la   \reg, lstr\@
.endm

.macro FAIL msg, reg
    .rodata
fmsg\@: .asciz \msg
    .text
    mv   t5, \reg
    la   a0, fmsg\@
    j    t_fail
.endm

.macro CHECK_EQ reg, val, msg
    li   t6, \val
    beq  \reg, t6, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.macro CHECK_EQR reg, reg2, msg
    beq  \reg, \reg2, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.macro CHECK_NE reg, val, msg
    li   t6, \val
    bne  \reg, t6, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.macro CHECK_NEG reg, msg
    blt  \reg, zero, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.macro CHECK_GE0 reg, msg
    bge  \reg, zero, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.macro CHECK_GT0 reg, msg
    bgt  \reg, zero, ok\@
    FAIL \msg, \reg
ok\@:
.endm

.text
# ---------------------------------------------------------------- the runner
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s3, 0                  # failures
    li   s4, 0                  # tests run
    li   s5, 1                  # first argument naming tests
    li   t0, 2
    blt  s1, t0, 1f
    lw   a0, 4(s2)
    LSTR a1, "quick"
    call strcmp
    bnez a0, 1f
    la   t0, quick
    li   t1, 1
    sw   t1, 0(t0)
    li   s5, 2
1:  li   t0, 2                  # `usertests attacks`: the attack set, by name
    bne  s1, t0, 11f
    lw   a0, 4(s2)
    la   a1, tn_attacks
    call strcmp
    bnez a0, 11f
    la   s2, attacks_argv
    li   s1, ATTACKS_ARGC
11: la   s6, tests
    li   s9, 0                  # 1 once in the table of tests run only by name
ut_next:
    lw   s7, 0(s6)              # name
    bnez s7, 7f
    bnez s9, ut_done            # end of the second table
    bge  s5, s1, ut_done        # no names given: the first table only
    li   s9, 1
    la   s6, named_tests
    j    ut_next
7:
    bge  s5, s1, 3f             # no names given: run everything
    mv   s8, s5                 # run only if named
2:  bge  s8, s1, ut_skip
    LOADIDX a0, s2, s8
    mv   a1, s7
    call strcmp
    beqz a0, 3f
    addi s8, s8, 1
    j    2b
3:  call cleanup
    lw   t0, 4(s6)
    jalr ra, t0, 0
    addi s4, s4, 1
    bnez a0, 4f
    LSTR a0, "test %s: OK\n"
    mv   a1, s7
    call printf
    j    ut_skip
4:  mv   a2, a0
    la   t0, fail_val
    lw   a3, 0(t0)
    LSTR a0, "test %s: FAILED: %s (got %d)\n"
    mv   a1, s7
    call printf
    addi s3, s3, 1
ut_skip:
    addi s6, s6, 8
    j    ut_next
ut_done:
    beqz s4, 6f
    bnez s3, 5f
    LSTR a0, "usertests: OK\n"
    call printf
    li   a0, 0
    FUNC_RETURN
5:  LSTR a0, "usertests: %d FAILED\n"
    mv   a1, s3
    call printf
    li   a0, 1
    FUNC_RETURN
6:  li   a0, 2
    LSTR a1, "usertests: no such test\n"
    call fputs
    li   a0, 2
    FUNC_RETURN

# t_fail: the common failure exit of every test (a0 = message, t5 = value)
t_fail:
    la   t6, fail_val
    sw   t5, 0(t6)
    FUNC_RETURN

t_pass:
    li   a0, 0
    FUNC_RETURN

# ---------------------------------------------------------------- helpers

# cleanup(): back to /, then remove every /ut_* entry of the root directory (a
# directory with everything in it). One read of / when there is nothing to remove.
cleanup:
    FUNC_ENTER
    LSTR a0, "/"
    call chdir
1:  call find_leftover          # a0 = "/ut_..." (in namebuf) or 0
    beqz a0, 2f
    call rm_r
    bnez a0, 2f                 # cannot remove it: stop (the test will say why)
    j    1b
2:  FUNC_RETURN

# find_leftover() -> "/NAME" (in namebuf) for the first /ut_* entry of /, or 0
find_leftover:
    FUNC_ENTER
    addi sp, sp, -16            # one directory entry
    li   s2, 0
    LSTR a0, "/"
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 9f
    mv   s1, a0
1:  mv   a0, s1
    mv   a1, sp
    li   a2, DIRENT_SIZE
    call read
    li   t0, DIRENT_SIZE
    bne  a0, t0, 8f             # end of the directory
    lhu  t0, 0(sp)
    beqz t0, 1b                 # a free slot
    lbu  t0, 2(sp)
    li   t1, 'u'
    bne  t0, t1, 1b
    lbu  t0, 3(sp)
    li   t1, 't'
    bne  t0, t1, 1b
    lbu  t0, 4(sp)
    li   t1, '_'
    bne  t0, t1, 1b
    la   t0, namebuf            # "/" + the name (at most DIRSIZ bytes, maybe no NUL)
    li   t2, '/'
    sb   t2, 0(t0)
    addi t0, t0, 1
    addi t1, sp, 2
    li   t3, DIRSIZ
2:  lbu  t2, 0(t1)
    beqz t2, 3f
    sb   t2, 0(t0)
    addi t0, t0, 1
    addi t1, t1, 1
    addi t3, t3, -1
    bnez t3, 2b
3:  sb   zero, 0(t0)
    la   s2, namebuf
8:  mv   a0, s1
    call close
9:  mv   a0, s2
    addi sp, sp, 16
    FUNC_RETURN

# rm_r(path) -> unlink's result: unlink path; a directory that is not empty is
# emptied first (each entry but . and .. removed with rm_r)
rm_r:
    FUNC_ENTER
    addi sp, sp, -80            # 0: a child's path (64 bytes); 64: a directory entry
    mv   s1, a0
    call unlink
    li   t0, -ENOTEMPTY
    bne  a0, t0, 9f             # removed, or an error that emptying cannot fix
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 9f
    mv   s2, a0
1:  mv   a0, s2
    addi a1, sp, 64
    li   a2, DIRENT_SIZE
    call read
    li   t0, DIRENT_SIZE
    bne  a0, t0, 8f             # end of the directory
    lhu  t0, 64(sp)
    beqz t0, 1b                 # a free slot
    lbu  t0, 66(sp)             # skip "." and ".."
    li   t1, '.'
    bne  t0, t1, 2f
    lbu  t0, 67(sp)
    beqz t0, 1b
    bne  t0, t1, 2f
    lbu  t0, 68(sp)
    beqz t0, 1b
2:  mv   t0, sp                 # the child's path: path + "/" + name
    mv   t1, s1
3:  lbu  t2, 0(t1)
    beqz t2, 4f
    sb   t2, 0(t0)
    addi t0, t0, 1
    addi t1, t1, 1
    j    3b
4:  li   t2, '/'
    sb   t2, 0(t0)
    addi t0, t0, 1
    addi t1, sp, 66
    li   t3, DIRSIZ
5:  lbu  t2, 0(t1)
    beqz t2, 6f
    sb   t2, 0(t0)
    addi t0, t0, 1
    addi t1, t1, 1
    addi t3, t3, -1
    bnez t3, 5b
6:  sb   zero, 0(t0)
    mv   a0, sp
    call rm_r
    j    1b
8:  mv   a0, s2
    call close
    mv   a0, s1
    call unlink
9:  addi sp, sp, 80
    FUNC_RETURN

# child_status(fn, arg) -> the exit status of a child that runs fn(arg) then exit(0);
# 0x7FFFFFFF if fork or wait failed
child_status:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    call fork
    blt  a0, zero, 2f
    bnez a0, 1f
    mv   a0, s2
    jalr ra, s1, 0
    li   a0, 0
    call exit
1:  mv   s3, a0
    la   a0, wstatus
    call wait
    bne  a0, s3, 2f
    la   t0, wstatus
    lw   a0, 0(t0)
    FUNC_RETURN
2:  li   a0, 0x7FFFFFFF
    FUNC_RETURN

# pick(full, quick) -> full, or quick in quick mode
pick:
    la   t0, quick
    lw   t0, 0(t0)
    beqz t0, 1f
    mv   a0, a1
1:  ret

# fill(buf, n, seed): buf[i] = (seed + i * 7) & 0xFF
fill:
    li   t0, 0
1:  bge  t0, a1, 2f
    li   t1, 7
    mul  t1, t0, t1
    add  t1, t1, a2
    add  t2, a0, t0
    sb   t1, 0(t2)
    addi t0, t0, 1
    j    1b
2:  ret

# check(buf, n, seed) -> 0 if buf matches fill(buf, n, seed), else 1 + the bad index
check:
    li   t0, 0
1:  bge  t0, a1, 2f
    li   t1, 7
    mul  t1, t0, t1
    add  t1, t1, a2
    andi t1, t1, 0xFF
    add  t2, a0, t0
    lbu  t2, 0(t2)
    bne  t1, t2, 3f
    addi t0, t0, 1
    j    1b
2:  li   a0, 0
    ret
3:  addi a0, t0, 1
    ret

# ---------------------------------------------------------------- the tests

# getpid, uptime, yield
t_basic:
    FUNC_ENTER
    call getpid
    CHECK_GT0 a0, "getpid"
    mv   s1, a0
    call getpid
    CHECK_EQR a0, s1, "getpid twice"
    call uptime
    CHECK_GE0 a0, "uptime"
    call yield
    CHECK_EQ a0, 0, "yield"
    j    t_pass

# bad file descriptors
t_badfd:
    FUNC_ENTER
    li   a0, 99
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_EQ a0, -EBADF, "write(99)"
    li   a0, -1
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_EQ a0, -EBADF, "write(-1)"
    li   a0, 15
    la   a1, ubuf
    li   a2, 1
    call read
    CHECK_EQ a0, -EBADF, "read(15)"
    li   a0, 99
    call close
    CHECK_EQ a0, -EBADF, "close(99)"
    li   a0, 50
    la   a1, ustat
    call fstat
    CHECK_EQ a0, -EBADF, "fstat(50)"
    li   a0, 77
    call dup
    CHECK_EQ a0, -EBADF, "dup(77)"
    LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open /README"
    mv   s1, a0
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_NEG a0, "write to a read-only fd"
    mv   a0, s1
    call close
    CHECK_EQ a0, 0, "close"
    mv   a0, s1
    la   a1, ubuf
    li   a2, 1
    call read
    CHECK_EQ a0, -EBADF, "read after close"
    LSTR a0, "/"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open /"
    mv   s1, a0
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_NEG a0, "write to a directory"
    mv   a0, s1
    call close
    la   a0, pipefds
    call pipe
    la   t0, pipefds
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_NEG a0, "write to a pipe's read end"
    la   t0, pipefds
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    CHECK_NEG a0, "read from a pipe's write end"
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    j    t_pass

# pointers into kernel space or unmapped memory, read-only buffers
t_badptr:
    FUNC_ENTER
    li   a0, 1
    li   a1, KADDR
    li   a2, 4
    call write
    CHECK_EQ a0, -EFAULT, "write from kernel memory"
    li   a0, 1
    li   a1, UNMAPPED
    li   a2, 4
    call write
    CHECK_EQ a0, -EFAULT, "write from unmapped memory"
    LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open /README"
    mv   s1, a0
    li   a1, KADDR
    li   a2, 16
    call read
    CHECK_EQ a0, -EFAULT, "read into kernel memory"
    mv   a0, s1
    li   a1, UNMAPPED
    li   a2, 16
    call read
    CHECK_EQ a0, -EFAULT, "read into unmapped memory"
    mv   a0, s1
    la   a1, main               # the text segment: not writable
    li   a2, 16
    call read
    CHECK_EQ a0, -EFAULT, "read into read-only text"
    mv   a0, s1
    li   a1, KADDR
    call fstat
    CHECK_EQ a0, -EFAULT, "fstat into kernel memory"
    mv   a0, s1
    call close
    li   a0, KADDR
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -EFAULT, "open(kernel path)"
    li   a0, UNMAPPED
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -EFAULT, "open(unmapped path)"
    li   a0, KADDR
    call pipe
    CHECK_EQ a0, -EFAULT, "pipe(kernel fds)"
    li   a0, KADDR
    la   a1, echo_argv
    call exec
    CHECK_EQ a0, -EFAULT, "exec(kernel path)"
    LSTR a0, "/echo"
    li   a1, KADDR
    call exec
    CHECK_EQ a0, -EFAULT, "exec(kernel argv)"
    LSTR a0, "/echo"
    la   a1, bad_argv           # argv[1] points into the kernel
    call exec
    CHECK_EQ a0, -EFAULT, "exec(argv with a kernel string)"
    li   a0, 0
    li   a1, KADDR
    call procinfo
    CHECK_EQ a0, -EFAULT, "procinfo into kernel memory"
    li   a0, 0                  # buffers that run off the end of our memory
    call sbrk
    mv   s3, a0                 # the break: the end of the mapped pages
    li   t0, 4095
    and  t0, s3, t0
    bnez t0, 1f                 # (only when it is page-aligned)
    la   a0, pipefds
    call pipe
    la   t0, pipefds
    lw   a0, 4(t0)
    addi a1, s3, -8
    li   a2, 16
    call write
    CHECK_EQ a0, -EFAULT, "write from a buffer running past our memory"
    LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    mv   s4, a0
    addi a1, s3, -8
    li   a2, 16
    call read
    CHECK_EQ a0, -EFAULT, "read into a buffer running past our memory"
    mv   a0, s4
    call close
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
1:
    li   a0, KADDR
    call mkdir
    CHECK_EQ a0, -EFAULT, "mkdir(kernel path)"
    li   a0, KADDR
    call unlink
    CHECK_EQ a0, -EFAULT, "unlink(kernel path)"
    li   a0, UNMAPPED
    call chdir
    CHECK_EQ a0, -EFAULT, "chdir(unmapped path)"
    j    t_pass

# missing files and other path errors
t_paths:
    FUNC_ENTER
    LSTR a0, "/nonexistent"
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -ENOENT, "open missing file"
    LSTR a0, "/nodir/x"
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_EQ a0, -ENOENT, "create in a missing directory"
    LSTR a0, "/README/x"
    li   a1, O_RDONLY
    call open
    CHECK_NEG a0, "open through a file"
    LSTR a0, "/"
    li   a1, O_WRONLY
    call open
    CHECK_EQ a0, -EISDIR, "open / for writing"
    LSTR a0, "/"
    li   a1, O_RDWR
    call open
    CHECK_EQ a0, -EISDIR, "open / read-write"
    LSTR a0, "/nonexistent"
    call unlink
    CHECK_EQ a0, -ENOENT, "unlink missing file"
    LSTR a0, "/README"
    call mkdir
    CHECK_EQ a0, -EEXIST, "mkdir over a file"
    LSTR a0, "/README"
    call chdir
    CHECK_EQ a0, -ENOTDIR, "chdir to a file"
    LSTR a0, "/nonexistent"
    call chdir
    CHECK_EQ a0, -ENOENT, "chdir to a missing directory"
    LSTR a0, "/"
    call unlink
    CHECK_NEG a0, "unlink /"
    LSTR a0, "/nonexistent"
    la   a1, echo_argv
    call exec
    CHECK_EQ a0, -ENOENT, "exec missing file"
    LSTR a0, "/README"
    la   a1, echo_argv
    call exec
    CHECK_EQ a0, -ENOEXEC, "exec a text file"
    LSTR s1, "/ut_elf"          # an ELF header for another machine
    mv   a0, s1
    li   a1, O_CREATE | O_WRONLY | O_TRUNC
    call open
    CHECK_GE0 a0, "create /ut_elf"
    mv   s2, a0
    la   a0, ubuf
    li   a1, 0
    li   a2, 128
    call memset
    la   t0, ubuf
    li   t1, 0x464C457F         # "\x7fELF", 32-bit, little-endian, e_machine 0
    sw   t1, 0(t0)
    li   t1, 0x00010101
    sw   t1, 4(t0)
    mv   a0, s2
    la   a1, ubuf
    li   a2, 128
    call write
    mv   a0, s2
    call close
    mv   a0, s1
    la   a1, echo_argv
    call exec
    CHECK_EQ a0, -ENOEXEC, "exec an ELF for another machine"
    mv   a0, s1
    call unlink
    la   t0, ptrs               # 40 arguments: more than exec takes
    li   t1, 0
1:  li   t2, 40
    bge  t1, t2, 2f
    la   t3, ea0
    sw   t3, 0(t0)
    addi t0, t0, 4
    addi t1, t1, 1
    j    1b
2:  sw   zero, 0(t0)
    LSTR a0, "/echo"
    la   a1, ptrs
    call exec
    CHECK_NEG a0, "exec with 40 arguments"
    la   a0, longpath           # longer than any path the kernel takes
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -ENAMETOOLONG, "open a 300-byte path"
    j    t_pass

# create, write, stat, read back, truncate, unlink (also while open)
t_files:
    FUNC_ENTER
    LSTR s1, "/ut_f"
    mv   a0, s1
    li   a1, O_CREATE | O_RDWR
    call open
    CHECK_GE0 a0, "create"
    mv   s2, a0
    LSTR a1, "hello, file"
    li   a2, 11
    call write
    CHECK_EQ a0, 11, "write"
    mv   a0, s2
    la   a1, ustat
    call fstat
    CHECK_EQ a0, 0, "fstat"
    la   t0, ustat
    lhu  t1, ST_TYPE(t0)
    CHECK_EQ t1, T_FILE, "stat type"
    lhu  t1, ST_NLINK(t0)
    CHECK_EQ t1, 1, "stat nlink"
    lw   t1, ST_SIZE(t0)
    CHECK_EQ t1, 11, "stat size"
    mv   a0, s2
    call close
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "reopen"
    mv   s2, a0
    la   a1, ubuf
    li   a2, 100
    call read
    CHECK_EQ a0, 11, "read back"
    la   a0, ubuf
    LSTR a1, "hello, file"
    li   a2, 11
    call memcmp
    CHECK_EQ a0, 0, "content"
    mv   a0, s2
    la   a1, ubuf
    li   a2, 100
    call read
    CHECK_EQ a0, 0, "read at end of file"
    mv   a0, s2
    call close
    mv   a0, s1
    li   a1, O_WRONLY | O_TRUNC
    call open
    CHECK_GE0 a0, "open O_TRUNC"
    mv   s2, a0
    la   a1, ustat
    call fstat
    la   t0, ustat
    lw   t1, ST_SIZE(t0)
    CHECK_EQ t1, 0, "size after O_TRUNC"
    mv   a0, s2
    call close
    mv   a0, s1
    call unlink
    CHECK_EQ a0, 0, "unlink"
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -ENOENT, "open after unlink"
    mv   a0, s1                 # unlink while open: the inode lives until close
    li   a1, O_CREATE | O_RDWR
    call open
    CHECK_GE0 a0, "create again"
    mv   s2, a0
    LSTR a1, "abcde"
    li   a2, 5
    call write
    mv   a0, s1
    call unlink
    CHECK_EQ a0, 0, "unlink while open"
    mv   a0, s2
    la   a1, ustat
    call fstat
    la   t0, ustat
    lhu  t1, ST_NLINK(t0)
    CHECK_EQ t1, 0, "nlink after unlink"
    mv   a0, s2
    LSTR a1, "fgh"
    li   a2, 3
    call write
    CHECK_EQ a0, 3, "write to an unlinked file"
    mv   a0, s2
    call close
    CHECK_EQ a0, 0, "close an unlinked file"
    j    t_pass

# a file of the maximum size (12 direct + 128 indirect blocks), and one byte more
t_bigfile:
    FUNC_ENTER
    LSTR s1, "/ut_big"
    mv   a0, s1
    li   a1, O_CREATE | O_RDWR | O_TRUNC
    call open
    CHECK_GE0 a0, "create"
    mv   s2, a0
    li   s3, 0                  # block number
1:  li   t0, 140
    bge  s3, t0, 2f
    la   a0, ubuf
    li   a1, 512
    mv   a2, s3
    call fill
    mv   a0, s2
    la   a1, ubuf
    li   a2, 512
    call write
    CHECK_EQ a0, 512, "write a block"
    addi s3, s3, 1
    j    1b
2:  mv   a0, s2
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_EQ a0, -EFBIG, "write past the maximum size"
    mv   a0, s2
    la   a1, ustat
    call fstat
    la   t0, ustat
    lw   t1, ST_SIZE(t0)
    CHECK_EQ t1, 71680, "size"
    mv   a0, s2
    call close
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "reopen"
    mv   s2, a0
    li   s3, 0
3:  li   t0, 140
    bge  s3, t0, 4f
    mv   a0, s2
    la   a1, ubuf
    li   a2, 512
    call read
    CHECK_EQ a0, 512, "read a block"
    la   a0, ubuf
    li   a1, 512
    mv   a2, s3
    call check
    CHECK_EQ a0, 0, "block content"
    addi s3, s3, 1
    j    3b
4:  mv   a0, s2
    la   a1, ubuf
    li   a2, 512
    call read
    CHECK_EQ a0, 0, "read at the end"
    mv   a0, s2
    call close
    mv   a0, s1
    call unlink
    CHECK_EQ a0, 0, "unlink"
    j    t_pass

# mkdir, chdir, relative paths, ENOTEMPTY, a directory longer than one block
t_dirs:
    FUNC_ENTER
    LSTR a0, "/ut_d"
    call mkdir
    CHECK_EQ a0, 0, "mkdir"
    LSTR a0, "/ut_d"
    call mkdir
    CHECK_EQ a0, -EEXIST, "mkdir twice"
    LSTR a0, "/ut_d/a"
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_GE0 a0, "create in the directory"
    call close
    LSTR a0, "/ut_d"
    call chdir
    CHECK_EQ a0, 0, "chdir"
    LSTR a0, "a"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open a relative path"
    call close
    LSTR a0, "sub"
    call mkdir
    CHECK_EQ a0, 0, "mkdir relative"
    LSTR a0, "sub"
    call chdir
    CHECK_EQ a0, 0, "chdir relative"
    LSTR a0, "../a"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open ../a"
    call close
    LSTR a0, "../.."
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open ../.."
    mv   s1, a0
    la   a1, ustat
    call fstat
    mv   a0, s1
    call close
    la   t0, ustat
    lhu  t1, ST_TYPE(t0)
    CHECK_EQ t1, T_DIR, "../.. is a directory"
    lw   t1, ST_INO(t0)
    CHECK_EQ t1, 1, "../.. is the root"
    LSTR a0, "/"
    call chdir
    LSTR a0, "/ut_d"
    call unlink
    CHECK_EQ a0, -ENOTEMPTY, "unlink a non-empty directory"
    LSTR a0, "/ut_d/sub"
    call unlink
    CHECK_EQ a0, 0, "unlink an empty directory"
    LSTR a0, "/ut_d/a"
    call unlink
    CHECK_EQ a0, 0, "unlink a file"
    LSTR a0, "/ut_d"
    call unlink
    CHECK_EQ a0, 0, "unlink the directory"
    LSTR a0, "/ut_d"
    call chdir
    CHECK_EQ a0, -ENOENT, "chdir to the removed directory"
    LSTR a0, "/"                # reading a directory gives its entries
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open /"
    mv   s1, a0
    la   a1, ubuf
    li   a2, 32
    call read
    CHECK_EQ a0, 32, "read 2 entries of /"
    mv   a0, s1
    call close
    la   t0, ubuf
    lhu  t1, 0(t0)
    CHECK_EQ t1, 1, "/'s first entry is inode 1"
    lbu  t1, 2(t0)
    CHECK_EQ t1, '.', "/'s first entry is ."
    lhu  t1, 16(t0)
    CHECK_EQ t1, 1, "/'s .. is inode 1"
    LSTR a0, "/ut_m"            # many entries
    call mkdir
    CHECK_EQ a0, 0, "mkdir /ut_m"
    li   s2, 0
1:  li   t0, NDIRFILES
    bge  s2, t0, 2f
    mv   a0, s2
    call mname
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_GE0 a0, "create one of many"
    call close
    addi s2, s2, 1
    j    1b
2:  LSTR a0, "/ut_m"
    li   a1, O_RDONLY
    call open
    mv   s1, a0
    la   a1, ustat
    call fstat
    mv   a0, s1
    call close
    la   t0, ustat
    lw   t1, ST_SIZE(t0)
    CHECK_EQ t1, (NDIRFILES + 2) * 16, "directory size"
    li   s2, 0
3:  li   t0, NDIRFILES
    bge  s2, t0, 4f
    mv   a0, s2
    call mname
    call unlink
    CHECK_EQ a0, 0, "unlink one of many"
    addi s2, s2, 1
    j    3b
4:  LSTR a0, "/ut_m"
    call unlink
    CHECK_EQ a0, 0, "unlink /ut_m"
    j    t_pass

# mname(i) -> "/ut_m/fNN" (in a static buffer)
mname:
    la   t0, namebuf
    li   t1, 10
    divu t2, a0, t1
    remu t3, a0, t1
    addi t2, t2, '0'
    addi t3, t3, '0'
    la   t4, mname_prefix
    lw   t5, 0(t4)
    sw   t5, 0(t0)
    lw   t5, 4(t4)
    sw   t5, 4(t0)
    sb   t2, 7(t0)
    sb   t3, 8(t0)
    sb   zero, 9(t0)
    mv   a0, t0
    ret

# pipes: a large transfer between two processes, end of file, EPIPE
t_pipe:
    FUNC_ENTER
    li   a0, 65536
    li   a1, 8192
    call pick
    mv   s5, a0                 # bytes to send
    la   a0, pipefds
    call pipe
    CHECK_EQ a0, 0, "pipe"
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 3f
    la   t0, pipefds            # child: send s5 bytes, 97 at a time
    lw   a0, 0(t0)
    call close
    li   s1, 0
1:  bge  s1, s5, 2f
    sub  s2, s5, s1
    li   t0, 97
    ble  s2, t0, 11f
    li   s2, 97
11: la   a0, ubuf
    mv   a1, s2
    mv   a2, s1                 # pattern seeded by the offset
    call fill
    la   t0, pipefds
    lw   a0, 4(t0)
    la   a1, ubuf
    mv   a2, s2
    call write
    bne  a0, s2, 12f
    add  s1, s1, s2
    j    1b
12: li   a0, 1
    call exit
2:  li   a0, 0
    call exit
3:  mv   s4, a0                 # parent: receive and check
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    li   s1, 0
4:  la   t0, pipefds
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1000
    call read
    CHECK_GE0 a0, "read from the pipe"
    beqz a0, 5f
    mv   s2, a0
    la   a0, ubuf
    mv   a1, s2
    mv   a2, s1
    call check_stream
    CHECK_EQ a0, 0, "bytes from the pipe"
    add  s1, s1, s2
    j    4b
5:  CHECK_EQR s1, s5, "bytes through the pipe"
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s4, "wait for the writer"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "writer's status"
    la   a0, pipefds            # no reader left: EPIPE
    call pipe
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 1
    call write
    CHECK_EQ a0, -EPIPE, "write with no reader"
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    j    t_pass

# check_stream(buf, n, offset) -> 0 if buf holds bytes [offset, offset+n) of the
# stream written 97 bytes at a time, each chunk fill()ed with seed = its offset
check_stream:
    li   t0, 0
1:  bge  t0, a1, 2f
    add  t1, a2, t0             # stream position
    li   t2, 97
    remu t3, t1, t2             # index within its chunk
    sub  t4, t1, t3             # the chunk's offset = its seed
    li   t2, 7
    mul  t3, t3, t2
    add  t3, t3, t4
    andi t3, t3, 0xFF
    add  t2, a0, t0
    lbu  t2, 0(t2)
    bne  t2, t3, 3f
    addi t0, t0, 1
    j    1b
2:  li   a0, 0
    ret
3:  addi a0, t0, 1
    ret

# fork many children, collect their exit statuses; ECHILD; wait(0)
t_forkwait:
    FUNC_ENTER
    li   a0, 20
    li   a1, 8
    call pick
    mv   s1, a0                 # children
    li   s2, 0
1:  bge  s2, s1, 2f
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 11f
    addi a0, s2, 1              # child i exits with i + 1
    call exit
11: addi s2, s2, 1
    j    1b
2:  li   s3, 0                  # sum of statuses
    li   s2, 0
3:  bge  s2, s1, 4f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait"
    la   t0, wstatus
    lw   t1, 0(t0)
    add  s3, s3, t1
    addi s2, s2, 1
    j    3b
4:  addi t0, s1, 1              # n (n + 1) / 2
    mul  t0, t0, s1
    srli t0, t0, 1
    CHECK_EQR s3, t0, "sum of exit statuses"
    li   a0, 0
    call wait
    CHECK_EQ a0, -ECHILD, "wait with no children"
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 5f
    li   a0, 0
    call exit
5:  mv   s4, a0
    li   a0, 0
    call wait
    CHECK_EQR a0, s4, "wait(0)"
    j    t_pass

# exec with arguments, output through a pipe
t_exec:
    FUNC_ENTER
    la   a0, pipefds
    call pipe
    CHECK_EQ a0, 0, "pipe"
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 1f
    li   a0, 1
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call dup
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    LSTR a0, "/echo"
    la   a1, echo_argv
    call exec
    li   a0, 99
    call exit
1:  mv   s1, a0
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    li   s2, 0                  # bytes received
2:  la   t0, pipefds
    lw   a0, 0(t0)
    la   a1, ubuf
    add  a1, a1, s2
    li   a2, 100
    call read
    ble  a0, zero, 3f
    add  s2, s2, a0
    j    2b
3:  la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s1, "wait"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "echo's status"
    CHECK_EQ s2, 20, "bytes from echo"
    la   a0, ubuf
    LSTR a1, "exec works, args ok\n"
    li   a2, 20
    call memcmp
    CHECK_EQ a0, 0, "echo's output"
    j    t_pass

# several children exec at once, each writing its own file
t_load:
    FUNC_ENTER
    li   a0, 10
    li   a1, 4
    call pick
    mv   s1, a0
    li   s2, 0
1:  bge  s2, s1, 3f
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 2f
    mv   a0, s2                 # child: echo NAME > NAME
    call lname
    mv   s3, a0
    li   a1, O_CREATE | O_WRONLY | O_TRUNC
    call open
    blt  a0, zero, 12f
    mv   s4, a0
    li   a0, 1
    call close
    mv   a0, s4
    call dup
    mv   a0, s4
    call close
    la   t0, load_argv
    sw   s3, 4(t0)
    LSTR a0, "/echo"
    la   a1, load_argv
    call exec
12: li   a0, 99
    call exit
2:  addi s2, s2, 1
    j    1b
3:  li   s2, 0
4:  bge  s2, s1, 5f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "child status"
    addi s2, s2, 1
    j    4b
5:  li   s2, 0
6:  bge  s2, s1, 7f
    mv   a0, s2
    call lname
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open a child's file"
    mv   s3, a0
    la   a1, ubuf
    li   a2, 100
    call read
    mv   s4, a0
    mv   a0, s3
    call close
    CHECK_EQ s4, 7, "size of a child's file"
    mv   a0, s2
    call lname
    mv   s3, a0
    la   a0, ubuf
    mv   a1, s3
    li   a2, 6
    call memcmp
    CHECK_EQ a0, 0, "content of a child's file"
    mv   a0, s3
    call unlink
    CHECK_EQ a0, 0, "unlink a child's file"
    addi s2, s2, 1
    j    6b
7:  j    t_pass

# lname(i) -> "/ut_lX" with X = 'a' + i (a static buffer per call)
lname:
    la   t0, namebuf
    la   t1, lname_prefix
    lw   t2, 0(t1)
    sw   t2, 0(t0)
    lbu  t2, 4(t1)
    sb   t2, 4(t0)
    addi t2, a0, 'a'
    sb   t2, 5(t0)
    sb   zero, 6(t0)
    mv   a0, t0
    ret

# sbrk: grow, use, shrink (freed memory faults), refuse too much; malloc
t_sbrk:
    FUNC_ENTER
    li   a0, 0
    call sbrk
    CHECK_GT0 a0, "sbrk(0)"
    mv   s1, a0                 # the break
    li   a0, 8192
    call sbrk
    CHECK_EQR a0, s1, "sbrk(8192) returns the old break"
    li   a0, 0
    call sbrk
    addi t0, s1, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    addi t0, t0, 1024
    CHECK_EQR a0, t0, "break after growing"
    li   t0, 0x12345678         # the new memory is usable
    sw   t0, 0(s1)
    li   t1, 4096
    add  t1, s1, t1
    sw   t0, 0(t1)
    li   t1, 8188
    add  t1, s1, t1
    sw   t0, 0(t1)
    lw   t2, 0(t1)
    CHECK_EQR t2, t0, "read back grown memory"
    li   a0, -8192
    call sbrk
    sub  t0, a0, s1
    CHECK_EQ t0, 8192, "sbrk(-8192) returns the old break"
    li   a0, 0
    call sbrk
    CHECK_EQR a0, s1, "break after shrinking"
    la   a0, touch              # the freed pages are gone: a child touching them dies
    li   t0, 4095
    add  a1, s1, t0
    li   t0, ~4095
    and  a1, a1, t0
    addi a1, a1, 16
    call child_status
    CHECK_EQ a0, -1, "touching freed memory"
    li   a0, 8192               # grown again: fresh zeroed pages, not the old data
    call sbrk
    CHECK_EQR a0, s1, "sbrk(8192) again"
    li   t1, 4096
    add  t1, s1, t1
    lw   t2, 0(t1)
    CHECK_EQ t2, 0, "regrown memory is zeroed"
    li   a0, -8192
    call sbrk
    li   a0, 16 * 1024 * 1024   # more than a process may have
    call sbrk
    CHECK_NEG a0, "sbrk(16 MiB)"
    li   a0, 0
    call sbrk
    CHECK_EQR a0, s1, "break after a refused sbrk"
    li   a0, 1024 * 1024        # a large heap, every page touched
    li   a1, 256 * 1024
    call pick
    mv   s2, a0
    call sbrk
    CHECK_EQR a0, s1, "sbrk(large)"
    li   t0, 0
1:  bge  t0, s2, 2f
    add  t1, s1, t0
    sw   t0, 0(t1)
    li   t2, 4096
    add  t0, t0, t2
    j    1b
2:  li   t0, 0
3:  bge  t0, s2, 4f
    add  t1, s1, t0
    lw   t3, 0(t1)
    CHECK_EQR t3, t0, "large heap content"
    li   t2, 4096
    add  t0, t0, t2
    j    3b
4:  neg  a0, s2
    call sbrk
    li   s3, 0                  # malloc: 64 blocks of growing sizes
5:  li   t0, 64
    bge  s3, t0, 6f
    slli a0, s3, 5
    addi a0, a0, 1
    call malloc
    CHECK_NE a0, 0, "malloc"
    la   t0, ptrs
    slli t1, s3, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    slli a1, s3, 5
    addi a1, a1, 1
    mv   a2, s3
    call fill
    addi s3, s3, 1
    j    5b
6:  li   s3, 0
7:  li   t0, 64
    bge  s3, t0, 8f
    la   t0, ptrs
    LOADIDX a0, t0, s3
    slli a1, s3, 5
    addi a1, a1, 1
    mv   a2, s3
    call check
    CHECK_EQ a0, 0, "malloc'd block content"
    la   t0, ptrs
    LOADIDX a0, t0, s3
    call free
    addi s3, s3, 1
    j    7b
8:  li   a0, 100000
    call malloc
    CHECK_NE a0, 0, "malloc(100000)"
    call free
    j    t_pass

# touch(addr): store to addr (used by children that should die)
touch:
    sw   zero, 0(a0)
    ret

# protection faults: each kind kills the child only (status -1)
t_faults:
    FUNC_ENTER
    la   s1, fault_kinds
1:  lw   s2, 0(s1)
    beqz s2, 2f
    mv   a0, s2
    li   a1, 0
    call child_status
    mv   s3, a0
    CHECK_EQ s3, -1, "a faulting child's status"
    addi s1, s1, 4
    j    1b
2:  j    t_pass

f_kstore:
    li   t0, KADDR
    sw   zero, 0(t0)
    ret
f_kload:
    li   t0, 0x80000000
    lw   t0, 0(t0)
    ret
f_kjump:
    li   t0, KADDR
    jr   t0
f_priv:
    csrw status, zero
    ret
f_tlb:
    tlbinv
    ret
f_illegal:
    .word 0xFFFFFFFF
    ret
f_garbage:
    li   t0, UNMAPPED
    jr   t0
f_null:
    lw   t0, 0(zero)
    ret
f_misaligned:
    la   t0, ubuf
    lw   t0, 1(t0)
    ret
f_textstore:
    la   t0, main
    sw   zero, 0(t0)
    ret
f_device:
    li   t0, 0x40000000         # sysctl HALT through useg: not mapped
    sw   zero, 0(t0)
    ret

# fill the process table: fork fails cleanly, every child is reaped, fork works again
t_forkfull:
    FUNC_ENTER
    la   a0, pipefds
    call pipe
    CHECK_EQ a0, 0, "pipe"
    li   s1, 0                  # children
1:  li   t0, 64
    bge  s1, t0, 3f
    call fork
    blt  a0, zero, 3f
    bnez a0, 2f
    la   t0, pipefds            # child: wait for the parent to close the pipe
    lw   a0, 4(t0)
    call close
    la   t0, pipefds
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    call exit                   # status 0 = EOF as expected
2:  addi s1, s1, 1
    j    1b
3:  mv   s2, a0
    CHECK_NEG s2, "fork with a full process table"
    slti t0, s1, 13
    CHECK_EQ t0, 0, "children alive at once"
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
4:  beqz s1, 5f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "reap"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "child status"
    addi s1, s1, -1
    j    4b
5:  li   a0, 0
    call wait
    CHECK_EQ a0, -ECHILD, "all reaped"
    la   a0, t_exit0
    li   a1, 0
    call child_status
    CHECK_EQ a0, 0, "fork after the table emptied"
    j    t_pass

t_exit0:
    ret

# fill the system-wide file table (64): children each open files until an error; at
# least one must see ENFILE (not just EMFILE), and everything is released on exit
.equ NFILE_KIDS, 6
t_nfile:
    FUNC_ENTER
    la   a0, pipefds            # go: closed by the parent when all are ready
    call pipe
    CHECK_EQ a0, 0, "pipe"
    la   a0, pipefds2           # ready: one byte per child
    call pipe
    CHECK_EQ a0, 0, "pipe"
    li   s1, 0
1:  li   t0, NFILE_KIDS
    bge  s1, t0, 4f
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 3f
    la   t0, pipefds            # child
    lw   a0, 4(t0)
    call close
    la   t0, pipefds2
    lw   a0, 0(t0)
    call close
2:  LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    bge  a0, zero, 2b
    neg  s2, a0                 # the error that stopped us
    la   t0, pipefds2
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 1
    call write
    la   t0, pipefds            # hold the files until the parent says go
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    mv   a0, s2
    call exit
3:  addi s1, s1, 1
    j    1b
4:  la   t0, pipefds2           # parent: wait until every child is ready
    lw   a0, 4(t0)
    call close
    li   s1, 0
5:  li   t0, NFILE_KIDS
    bge  s1, t0, 6f
    la   t0, pipefds2
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    CHECK_EQ a0, 1, "a child is ready"
    addi s1, s1, 1
    j    5b
6:  la   t0, pipefds2
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close                  # go
    li   s1, 0
    li   s2, 0                  # children that saw ENFILE
7:  li   t0, NFILE_KIDS
    bge  s1, t0, 8f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait"
    la   t0, wstatus
    lw   t1, 0(t0)
    li   t2, ENFILE
    bne  t1, t2, 71f
    addi s2, s2, 1
    j    72f
71: CHECK_EQ t1, EMFILE, "a child's open error"
72: addi s1, s1, 1
    j    7b
8:  CHECK_GT0 s2, "children that saw ENFILE"
    LSTR a0, "/README"          # all released
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open after the children exited"
    call close
    j    t_pass

# fork copies memory: a child's writes to data, heap and stack, and its sbrk, do not
# reach the parent
t_isolation:
    FUNC_ENTER
    la   s1, iso_word
    li   t0, 1111
    sw   t0, 0(s1)
    li   a0, 64
    call malloc
    CHECK_NE a0, 0, "malloc"
    mv   s2, a0
    li   t0, 2222
    sw   t0, 0(s2)
    li   s3, 3333               # a stack slot in this frame: 44(sp)
    sw   s3, 44(sp)
    li   a0, 0
    call sbrk
    mv   s4, a0
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 1f
    li   t0, -1                 # child: scribble over everything, grow the heap
    sw   t0, 0(s1)
    sw   t0, 0(s2)
    sw   t0, 44(sp)
    li   a0, 65536
    call sbrk
    li   a0, 0
    call exit
1:  la   a0, wstatus
    call wait
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "child status"
    lw   t1, 0(s1)
    CHECK_EQ t1, 1111, "parent's data after the child wrote it"
    lw   t1, 0(s2)
    CHECK_EQ t1, 2222, "parent's heap after the child wrote it"
    lw   t1, 44(sp)
    CHECK_EQ t1, 3333, "parent's stack after the child wrote it"
    li   a0, 0
    call sbrk
    CHECK_EQR a0, s4, "parent's break after the child's sbrk"
    mv   a0, s2
    call free
    j    t_pass

# fork copies the fd table (sharing offsets) and the current directory
t_inherit:
    FUNC_ENTER
    LSTR s1, "/ut_inh"
    mv   a0, s1
    li   a1, O_CREATE | O_RDWR | O_TRUNC
    call open
    CHECK_GE0 a0, "create"
    mv   s2, a0
    LSTR a1, "p1"
    li   a2, 2
    call write
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 1f
    mv   a0, s2
    LSTR a1, "c1"
    li   a2, 2
    call write
    addi a0, a0, -2
    call exit
1:  la   a0, wstatus
    call wait
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "child wrote through the inherited fd"
    mv   a0, s2
    LSTR a1, "p2"
    li   a2, 2
    call write
    mv   a0, s2
    call close
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    mv   s2, a0
    la   a1, ubuf
    li   a2, 20
    call read
    CHECK_EQ a0, 6, "bytes from parent and child"
    mv   a0, s2
    call close
    la   a0, ubuf
    LSTR a1, "p1c1p2"
    li   a2, 6
    call memcmp
    CHECK_EQ a0, 0, "the offset is shared"
    mv   a0, s1
    call unlink
    LSTR a0, "/ut_cwd"
    call mkdir
    CHECK_EQ a0, 0, "mkdir"
    LSTR a0, "/ut_cwd"
    call chdir
    la   a0, t_mkx
    li   a1, 0
    call child_status
    CHECK_EQ a0, 0, "child created a file in the inherited cwd"
    LSTR a0, "/"
    call chdir
    LSTR a0, "/ut_cwd/x"
    call unlink
    CHECK_EQ a0, 0, "the child's file is in /ut_cwd"
    LSTR a0, "/ut_cwd"
    call unlink
    CHECK_EQ a0, 0, "unlink /ut_cwd"
    j    t_pass

# t_mkx(): in a child, create "x" in the current directory (exit 1 on failure)
t_mkx:
    addi sp, sp, -16
    sw   ra, 12(sp)
    LSTR a0, "x"
    li   a1, O_CREATE | O_WRONLY
    call open
    blt  a0, zero, 1f
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret
1:  li   a0, 1
    call exit

# fill the disk with maximum-size files until a write fails with ENOSPC (then mkdir fails
# too, and undoes all it did), then free it all
t_diskfull:
    FUNC_ENTER
    li   s1, 0                  # files created
    li   s3, 0                  # saw ENOSPC?
    la   a0, ubuf
    li   a1, 512
    li   a2, 3
    call fill
1:  li   t0, 99
    bge  s1, t0, 5f
    mv   a0, s1
    call zname
    li   a1, O_CREATE | O_WRONLY | O_TRUNC
    call open
    li   t0, -ENOSPC
    beq  a0, t0, 4f             # no inode or no block for the directory: full too
    CHECK_GE0 a0, "create"
    mv   s2, a0
    addi s1, s1, 1
2:  mv   a0, s2
    la   a1, ubuf
    li   a2, 512
    call write
    li   t0, 512
    beq  a0, t0, 2b
    mv   s4, a0
    mv   a0, s2
    call close
    li   t0, -EFBIG
    beq  s4, t0, 1b             # this file is full: the next one
    CHECK_EQ s4, -ENOSPC, "write on a full disk"
4:  li   s3, 1
5:  CHECK_EQ s3, 1, "the disk filled up"
    LSTR a0, "/"                # a failed mkdir leaves the parent's link count alone
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open /"
    mv   s4, a0
    la   a1, ustat
    call fstat
    la   t0, ustat
    lhu  s5, 2(t0)
    LSTR a0, "/ut_zdir"
    call mkdir
    CHECK_EQ a0, -ENOSPC, "mkdir on a full disk"
    mv   a0, s4
    la   a1, ustat
    call fstat
    mv   a0, s4
    call close
    la   t0, ustat
    lhu  t0, 2(t0)
    CHECK_EQR t0, s5, "the link count of / after a failed mkdir"
6:  beqz s1, 7f                 # free everything
    addi s1, s1, -1
    mv   a0, s1
    call zname
    call unlink
    CHECK_EQ a0, 0, "unlink"
    j    6b
7:  LSTR s1, "/ut_after"        # the space is usable again
    mv   a0, s1
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_GE0 a0, "create after freeing"
    mv   s2, a0
    la   a1, ubuf
    li   a2, 512
    call write
    CHECK_EQ a0, 512, "write after freeing"
    mv   a0, s2
    call close
    mv   a0, s1
    call unlink
    j    t_pass

# zname(i) -> "/ut_zNN" (in a static buffer)
zname:
    la   t0, namebuf
    li   t1, 10
    divu t2, a0, t1
    remu t3, a0, t1
    addi t2, t2, '0'
    addi t3, t3, '0'
    la   t4, zname_prefix
    lw   t5, 0(t4)
    sw   t5, 0(t0)
    lbu  t5, 4(t4)
    sb   t5, 4(t0)
    sb   t2, 5(t0)
    sb   t3, 6(t0)
    sb   zero, 7(t0)
    mv   a0, t0
    ret

# ---------------------------------------------------------------- robustness tests
# (run only when named: `usertests inodes dinodes pipes fsedge`; a kernel must answer
# every exhausted table with an error, never a panic — guests/monolithic/README.md)

# numname(a0 = i < 1000, a1 = prefix "/ut_X") -> "/ut_XNNN" (in namebuf)
numname:
    la   t0, namebuf
    lw   t1, 0(a1)
    sw   t1, 0(t0)
    lbu  t1, 4(a1)
    sb   t1, 4(t0)
    li   t1, 100
    divu t2, a0, t1
    remu a0, a0, t1
    addi t2, t2, '0'
    sb   t2, 5(t0)
    li   t1, 10
    divu t2, a0, t1
    remu t3, a0, t1
    addi t2, t2, '0'
    addi t3, t3, '0'
    sb   t2, 6(t0)
    sb   t3, 7(t0)
    sb   zero, 8(t0)
    mv   a0, t0
    ret

# hold_kids(fn, n) -> a0 = 0, or a failure message (fail_val set). Each of n children
# runs fn(i) -> a0 = the positive errno that stopped it while it still holds all it got,
# says it is ready, holds on until every child is ready, then exits with that status.
# kid_codes[i] = the exit statuses, in the order the children were reaped.
hold_kids:
    FUNC_ENTER
    mv   s6, a0
    mv   s7, a1
    la   a0, pipefds            # go: closed by the parent when all are ready
    call pipe
    CHECK_EQ a0, 0, "pipe"
    la   a0, pipefds2           # ready: one byte per child
    call pipe
    CHECK_EQ a0, 0, "pipe"
    li   s1, 0
1:  bge  s1, s7, 4f
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 3f
    la   t0, pipefds            # child
    lw   a0, 4(t0)
    call close
    la   t0, pipefds2
    lw   a0, 0(t0)
    call close
    mv   a0, s1
    jalr ra, s6, 0
    mv   s2, a0
    la   t0, pipefds2
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 1
    call write
    la   t0, pipefds            # hold on until the parent says go
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    mv   a0, s2
    call exit
3:  addi s1, s1, 1
    j    1b
4:  la   t0, pipefds2           # parent: wait until every child is ready
    lw   a0, 4(t0)
    call close
    li   s1, 0
5:  bge  s1, s7, 6f
    la   t0, pipefds2
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    CHECK_EQ a0, 1, "a child is ready"
    addi s1, s1, 1
    j    5b
6:  la   t0, pipefds2
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close                  # go
    li   s1, 0
7:  bge  s1, s7, 8f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait"
    la   t0, wstatus
    lw   t1, 0(t0)
    la   t0, kid_codes
    slli t2, s1, 2
    add  t0, t0, t2
    sw   t1, 0(t0)
    addi s1, s1, 1
    j    7b
8:  li   a0, 0
    FUNC_RETURN

# count_codes(n, code) -> how many of kid_codes[0..n) equal code
count_codes:
    la   t0, kid_codes
    li   t1, 0
1:  beqz a0, 2f
    lw   t2, 0(t0)
    bne  t2, a1, 3f
    addi t1, t1, 1
3:  addi t0, t0, 4
    addi a0, a0, -1
    j    1b
2:  mv   a0, t1
    ret

# inodes: fill the in-memory inode table (48 in the monolithic kernel): children each
# create and hold open distinct files until an error. A child that sees ENFILE then
# tries mkdir, which needs an in-memory inode but no file: ENFILE again (status 100 if
# not). At least one child must see ENFILE, and everything works once they exit.
.equ INODE_KIDS, 5
t_inodes:
    FUNC_ENTER
    la   a0, ik_child
    li   a1, INODE_KIDS
    call hold_kids
    beqz a0, 1f
    FUNC_RETURN
1:  li   a0, INODE_KIDS
    li   a1, ENFILE
    call count_codes
    CHECK_GT0 a0, "children that saw ENFILE"
    mv   s1, a0
    li   a0, INODE_KIDS
    li   a1, EMFILE
    call count_codes
    add  s1, s1, a0
    CHECK_EQ s1, INODE_KIDS, "every child stopped at ENFILE or EMFILE"
    LSTR a0, "/ut_iafter"       # all released
    call mkdir
    CHECK_EQ a0, 0, "mkdir after the children exited"
    LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open after the children exited"
    call close
    j    t_pass

# ik_child(i) -> the errno of the first failed create
ik_child:
    FUNC_ENTER
    li   s2, 0
    slli s1, a0, 5              # 32 names per child
1:  add  a0, s1, s2
    la   a1, iname_prefix
    call numname
    li   a1, O_CREATE | O_RDWR
    call open
    blt  a0, zero, 2f
    addi s2, s2, 1
    li   t0, 32
    blt  s2, t0, 1b
    li   a0, 0
    FUNC_RETURN
2:  neg  s3, a0
    li   t0, ENFILE
    bne  s3, t0, 3f
    LSTR a0, "/ut_inew"
    call mkdir
    li   t0, -ENFILE
    beq  a0, t0, 3f
    li   s3, 100
3:  mv   a0, s3
    FUNC_RETURN

# dinodes: create empty files until the disk has no free inode: ENOSPC (never a panic),
# mkdir then fails too and leaves the parent's link count alone; unlinking frees them
t_dinodes:
    FUNC_ENTER
    LSTR a0, "/ut_dd"
    call mkdir
    CHECK_EQ a0, 0, "mkdir"
    LSTR a0, "/ut_dd"
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open the directory"
    mv   s4, a0
    li   s1, 0
1:  li   t0, 999
    bge  s1, t0, 2f
    mv   a0, s1
    la   a1, dname_prefix
    call numname
    li   a1, O_CREATE | O_WRONLY
    call open
    blt  a0, zero, 2f
    call close
    addi s1, s1, 1
    j    1b
2:  CHECK_EQ a0, -ENOSPC, "create with no free inode"
    CHECK_GT0 s1, "files created"
    mv   a0, s4
    la   a1, ustat
    call fstat
    la   t0, ustat
    lhu  s5, 2(t0)              # nlink of /ut_dd
    LSTR a0, "/ut_dd/sub"
    call mkdir
    CHECK_EQ a0, -ENOSPC, "mkdir with no free inode"
    mv   a0, s4
    la   a1, ustat
    call fstat
    la   t0, ustat
    lhu  t0, 2(t0)
    CHECK_EQR t0, s5, "the parent's link count after a failed mkdir"
    mv   a0, s4
    call close
3:  beqz s1, 4f                 # free them all
    addi s1, s1, -1
    mv   a0, s1
    la   a1, dname_prefix
    call numname
    call unlink
    CHECK_EQ a0, 0, "unlink"
    j    3b
4:  LSTR a0, "/ut_dd/again"
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_GE0 a0, "create after freeing"
    call close
    j    t_pass

# pipes: a process makes pipes until EMFILE; several children together until ENFILE
.equ PIPE_KIDS, 6
t_pipes:
    FUNC_ENTER
    la   a0, pk_child
    li   a1, PIPE_KIDS
    call hold_kids
    beqz a0, 1f
    FUNC_RETURN
1:  li   a0, PIPE_KIDS
    li   a1, ENFILE
    call count_codes
    CHECK_GT0 a0, "children that saw ENFILE"
    mv   s1, a0
    li   a0, PIPE_KIDS
    li   a1, EMFILE
    call count_codes
    CHECK_GT0 a0, "children that saw EMFILE"
    add  s1, s1, a0
    CHECK_EQ s1, PIPE_KIDS, "every child stopped at ENFILE or EMFILE"
    la   a0, pipefds            # all released
    call pipe
    CHECK_EQ a0, 0, "pipe after the children exited"
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    j    t_pass

# pk_child(i) -> the errno of the first failed pipe
pk_child:
    FUNC_ENTER
1:  la   a0, pipefds3
    call pipe
    beqz a0, 1b
    neg  a0, a0
    FUNC_RETURN

# fsedge: the edges of the file-system calls (issue 19): a directory in use is not
# removed (EBUSY); a path element over 14 bytes is ENAMETOOLONG, never truncated;
# unknown open flags are EINVAL (and do not truncate); open(O_CREATE) with no free fd
# creates nothing; a negative sleep is EINVAL
t_fsedge:
    FUNC_ENTER
    LSTR s1, "/ut_cwd"
    mv   a0, s1
    call mkdir
    CHECK_EQ a0, 0, "mkdir"
    mv   a0, s1
    call chdir
    CHECK_EQ a0, 0, "chdir"
    mv   a0, s1
    call unlink
    CHECK_EQ a0, -EBUSY, "remove the working directory"
    LSTR a0, "/"
    call chdir
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open the directory"
    mv   s2, a0
    mv   a0, s1
    call unlink
    CHECK_EQ a0, -EBUSY, "remove an open directory"
    mv   a0, s2
    call close
    mv   a0, s1
    call unlink
    CHECK_EQ a0, 0, "remove the directory once unused"
    LSTR s1, "/ut_bcdefghijkl"  # 14 bytes: the limit
    mv   a0, s1
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_GE0 a0, "create a 14-byte name"
    call close
    LSTR a0, "/ut_bcdefghijklm" # 15 bytes
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_EQ a0, -ENAMETOOLONG, "create a 15-byte name"
    LSTR a0, "/ut_bcdefghijklm"
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -ENAMETOOLONG, "open a 15-byte name"
    LSTR a0, "/ut_bcdefghijklm/x"
    call mkdir
    CHECK_EQ a0, -ENAMETOOLONG, "mkdir under a 15-byte name"
    LSTR a0, "/ut_bcdefghijklm"
    call unlink
    CHECK_EQ a0, -ENAMETOOLONG, "unlink a 15-byte name"
    mv   a0, s1
    li   a1, O_WRONLY
    call open
    CHECK_GE0 a0, "open"
    mv   s2, a0
    la   a1, ubuf
    li   a2, 5
    call write
    CHECK_EQ a0, 5, "write"
    mv   a0, s2
    call close
    mv   a0, s1
    li   a1, -1
    call open
    CHECK_EQ a0, -EINVAL, "open with every flag bit set"
    mv   a0, s1
    li   a1, 0x800 | O_TRUNC
    call open
    CHECK_EQ a0, -EINVAL, "open with an unknown flag"
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    CHECK_GE0 a0, "open"
    mv   s2, a0
    la   a1, ustat
    call fstat
    la   t0, ustat
    lw   t0, 8(t0)
    CHECK_EQ t0, 5, "size after the bad opens"
    mv   a0, s2
    call close
    li   s3, 0                  # fill the fd table
1:  LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 2f
    mv   s2, a0
    addi s3, s3, 1
    j    1b
2:  CHECK_EQ a0, -EMFILE, "open until the fd table is full"
    LSTR a0, "/ut_emfile"
    li   a1, O_CREATE | O_WRONLY
    call open
    CHECK_EQ a0, -EMFILE, "create with no free fd"
3:  beqz s3, 4f                 # close them again (the highest fds)
    mv   a0, s2
    call close
    addi s2, s2, -1
    addi s3, s3, -1
    j    3b
4:  LSTR a0, "/ut_emfile"
    li   a1, O_RDONLY
    call open
    CHECK_EQ a0, -ENOENT, "the file a failed create left"
    li   a0, -1
    call sleep
    CHECK_EQ a0, -EINVAL, "sleep -1"
    j    t_pass

# pages: children grow their memory with sbrk until ENOMEM (5 x 8 MiB > the RAM). One
# that stops with memory exhausted then tries fork and pipe: each must succeed or fail
# with ENOMEM/ENFILE/EMFILE (status 100 if not). Everything comes back when they exit.
.equ PAGE_KIDS, 5
t_pages:
    FUNC_ENTER
    la   a0, pg_child
    li   a1, PAGE_KIDS
    call hold_kids
    beqz a0, 1f
    FUNC_RETURN
1:  li   a0, PAGE_KIDS
    li   a1, ENOMEM
    call count_codes
    CHECK_EQ a0, PAGE_KIDS, "children that stopped at ENOMEM"
    li   a0, 0x100000           # all released: 1 MiB again, and a fork
    call sbrk
    CHECK_GE0 a0, "sbrk after the children exited"
    li   a0, -0x100000
    call sbrk
    la   a0, t_exit0
    li   a1, 0
    call child_status
    CHECK_EQ a0, 0, "fork after the children exited"
    j    t_pass

# pg_child(i) -> ENOMEM when sbrk failed so, and fork and pipe then behaved (else 100+)
pg_child:
    FUNC_ENTER
1:  li   a0, 0x40000            # 256 KiB at a time
    call sbrk
    bge  a0, zero, 1b
    li   t0, -ENOMEM
    bne  a0, t0, 8f
    call fork                   # no memory to copy us into
    beqz a0, 9f                 # (a child, if it worked: leave at once)
    blt  a0, zero, 2f
    mv   s1, a0
    la   a0, wstatus
    call wait
    j    3f
2:  li   t0, -ENOMEM
    bne  a0, t0, 7f
3:  la   a0, pipefds3           # a pipe needs a page
    call pipe
    bnez a0, 4f
    la   t0, pipefds3
    lw   a0, 0(t0)
    call close
    la   t0, pipefds3
    lw   a0, 4(t0)
    call close
    j    5f
4:  li   t0, -ENOMEM
    beq  a0, t0, 5f
    li   t0, -ENFILE
    beq  a0, t0, 5f
    li   t0, -EMFILE
    bne  a0, t0, 7f
5:  li   a0, ENOMEM
    FUNC_RETURN
7:  li   a0, 101
    FUNC_RETURN
8:  li   a0, 100
    FUNC_RETURN
9:  li   a0, 0
    call exit

# kill: a spinning child, a sleeping child; ESRCH
t_kill:
    FUNC_ENTER
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 2f
1:  j    1b                     # spin in user mode: only preemption stops us
2:  mv   s1, a0
    call yield
    mv   a0, s1
    call kill
    CHECK_EQ a0, 0, "kill a spinning child"
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s1, "wait for the killed child"
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 3f
    li   a0, 100000
    call sleep
    li   a0, 0
    call exit
3:  mv   s1, a0
    call uptime
    mv   s2, a0
    call yield
    mv   a0, s1
    call kill
    CHECK_EQ a0, 0, "kill a sleeping child"
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s1, "wait for the killed sleeper"
    call uptime
    sub  t0, a0, s2
    slti t0, t0, 1000
    CHECK_EQ t0, 1, "the sleeper woke up"
    li   a0, 12345
    call kill
    CHECK_EQ a0, -ESRCH, "kill a missing pid"
    j    t_pass

# sleep and uptime
t_sleep:
    FUNC_ENTER
    call uptime
    mv   s1, a0
    li   a0, 3
    call sleep
    CHECK_EQ a0, 0, "sleep"
    call uptime
    sub  t0, a0, s1
    slti t0, t0, 2
    CHECK_EQ t0, 0, "ticks slept"
    j    t_pass

# halt is for pid 1 only
t_halt:
    FUNC_ENTER
    li   a0, 0
    call halt
    CHECK_EQ a0, -EPERM, "halt from a user process"
    j    t_pass

# procinfo: find ourselves, -EINVAL past the table
t_procinfo:
    FUNC_ENTER
    call getpid
    mv   s1, a0
    li   s2, 0                  # slot
    li   s3, 0                  # found?
    li   s4, 0                  # used slots
1:  mv   a0, s2
    la   a1, pinfo
    call procinfo
    li   t0, -EINVAL
    beq  a0, t0, 3f
    li   t0, -ESRCH
    beq  a0, t0, 2f
    CHECK_EQ a0, 0, "procinfo"
    addi s4, s4, 1
    la   t0, pinfo
    lw   t1, PI_PID(t0)
    bne  t1, s1, 2f
    li   s3, 1
    lw   t1, PI_STATE(t0)
    CHECK_EQ t1, 4, "our state is running"
    lw   t1, PI_PPID(t0)
    CHECK_GT0 t1, "our parent"
    lw   t1, PI_SIZE(t0)
    CHECK_GT0 t1, "our size"
    addi a0, t0, PI_NAME
    LSTR a1, "usertests"
    call strcmp
    CHECK_EQ a0, 0, "our name"
2:  addi s2, s2, 1
    li   t0, 4096
    blt  s2, t0, 1b
3:  CHECK_EQ s3, 1, "found ourselves"
    slti t0, s2, 16
    CHECK_EQ t0, 0, "process table slots"
    slti t0, s4, 3
    CHECK_EQ t0, 0, "processes in use"
    li   a0, 100000
    la   a1, pinfo
    call procinfo
    CHECK_EQ a0, -EINVAL, "procinfo past the table"
    j    t_pass

# ---------------------------------------------------------------- multiprocessor tests
# They pass on any correct kernel; on a multiprocessor that reports CPUs (procinfo's
# cpu field) they also check that the processes really ran on different CPUs.

# mycpu() -> 1 + the CPU this process runs on, or 0 when the kernel does not say
mycpu:
    FUNC_ENTER
    call getpid
    mv   s1, a0
    li   s2, 0
1:  mv   a0, s2
    la   a1, pinfo2
    sw   zero, PI_CPU(a1)
    call procinfo
    li   t0, -EINVAL
    beq  a0, t0, 8f
    bnez a0, 2f
    la   t0, pinfo2
    lw   t1, PI_PID(t0)
    bne  t1, s1, 2f
    lw   a0, PI_CPU(t0)
    FUNC_RETURN
2:  addi s2, s2, 1
    li   t0, 1024
    blt  s2, t0, 1b
8:  li   a0, 0
    FUNC_RETURN

# pidinfo(a0 = pid) -> 0 with pinfo2 filled, or -1 (no such process)
pidinfo:
    FUNC_ENTER
    mv   s1, a0
    li   s2, 0
1:  mv   a0, s2
    la   a1, pinfo2
    sw   zero, PI_CPU(a1)
    call procinfo
    li   t0, -EINVAL
    beq  a0, t0, 8f
    bnez a0, 2f
    la   t0, pinfo2
    lw   t1, PI_PID(t0)
    bne  t1, s1, 2f
    li   a0, 0
    FUNC_RETURN
2:  addi s2, s2, 1
    li   t0, 1024
    blt  s2, t0, 1b
8:  li   a0, -1
    FUNC_RETURN

# cpu_seen(): s5 |= 1 << mycpu() (a smpfork forker's record of its CPUs)
cpu_seen:
    addi sp, sp, -16
    sw   ra, 12(sp)
    call mycpu
    li   t0, 1
    sll  t0, t0, a0
    or   s5, s5, t0
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# spin(a0 = iterations): burn user-mode time
spin:
1:  addi a0, a0, -1
    bgt  a0, zero, 1b
    ret

# smpfork: concurrent forks from several CPUs. Four forkers, let go together, each
# fork children that exit with known statuses and reap them; each forker exits with
# (the CPUs it was seen on) << 8 | failures — a bit 1 << (1 + CPU) per CPU, bit 0 if
# the kernel does not say. The process table must come out whole, and on a
# multiprocessor the forkers together must have run on at least two CPUs.
.equ SMPF_FORKERS, 4
t_smpfork:
    FUNC_ENTER
    la   a0, pipefds            # the starting gate: every forker waits to read a byte
    call pipe
    CHECK_EQ a0, 0, "pipe"
    li   s1, 0
1:  li   t0, SMPF_FORKERS
    bge  s1, t0, 5f
    call fork
    CHECK_GE0 a0, "fork a forker"
    bnez a0, 4f
    la   t0, pipefds            # forker: wait at the gate, then fork
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 1
    call read
    li   s5, 0
    call cpu_seen
    li   a0, 3000
    call spin
    call cpu_seen
    li   a0, 5                  # (4 x 5 children and us: under 32 processes)
    li   a1, 3
    call pick
    mv   s2, a0                 # children
    li   s3, 0
2:  bge  s3, s2, 3f
    call fork
    blt  a0, zero, 31f
    bnez a0, 21f
    addi a0, s3, 1              # child i exits with i + 1
    call exit
21: addi s3, s3, 1
    j    2b
3:  call cpu_seen
    li   s4, 0                  # sum of statuses
    li   s3, 0
32: bge  s3, s2, 33f
    la   a0, wstatus
    call wait
    blt  a0, zero, 31f
    la   t0, wstatus
    lw   t1, 0(t0)
    add  s4, s4, t1
    addi s3, s3, 1
    j    32b
33: call cpu_seen
    addi t0, s2, 1              # n (n + 1) / 2
    mul  t0, t0, s2
    srli t0, t0, 1
    bne  s4, t0, 31f
    slli a0, s5, 8
    call exit
31: slli a0, s5, 8
    ori  a0, a0, 1
    call exit
4:  addi s1, s1, 1
    j    1b
5:  la   t0, pipefds            # open the gate for all of them at once
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, SMPF_FORKERS
    call write
    CHECK_EQ a0, SMPF_FORKERS, "open the gate"
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds
    lw   a0, 4(t0)
    call close
    li   s2, 0                  # bit per CPU seen
    li   s1, 0
6:  li   t0, SMPF_FORKERS
    bge  s1, t0, 7f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait for a forker"
    la   t0, wstatus
    lw   t1, 0(t0)
    andi t2, t1, 0xFF
    CHECK_EQ t2, 0, "a forker's children (sum of statuses)"
    srli t1, t1, 8
    or   s2, s2, t1
    addi s1, s1, 1
    j    6b
7:  li   a0, 0
    call wait
    CHECK_EQ a0, -ECHILD, "every child reaped"
    andi t0, s2, 1              # bit 0: a kernel that does not report CPUs
    bnez t0, t_pass
    li   s1, 0                  # count the CPUs
8:  beqz s2, 9f
    andi t0, s2, 1
    add  s1, s1, t0
    srli s2, s2, 1
    j    8b
9:  slti t0, s1, 2
    CHECK_EQ t0, 0, "forkers on different CPUs (CPUs used)"
    j    t_pass

# smppipe: a pipe between processes on different CPUs. Ping-pong through two pipes:
# the parent sends n, the child answers n + 1 with its CPU in the top byte. The values
# must come back in order; on a multiprocessor the two must have been on different
# CPUs at least once.
t_smppipe:
    FUNC_ENTER
    la   a0, pipefds
    call pipe
    CHECK_EQ a0, 0, "pipe"
    la   a0, pipefds2
    call pipe
    CHECK_EQ a0, 0, "pipe"
    li   a0, 200
    li   a1, 20
    call pick
    mv   s5, a0                 # rounds
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 3f
    la   t0, pipefds            # child: answer every number
    lw   a0, 4(t0)
    call close
    la   t0, pipefds2
    lw   a0, 0(t0)
    call close
    call mycpu
    mv   s2, a0
1:  la   t0, pipefds
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 4
    call read
    li   t0, 4
    bne  a0, t0, 2f
    la   t0, ubuf
    lw   t1, 0(t0)
    addi t1, t1, 1
    slli t2, s2, 24
    or   t1, t1, t2
    sw   t1, 0(t0)
    la   t0, pipefds2
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 4
    call write
    li   t0, 4
    bne  a0, t0, 2f
    andi t0, s5, 15             # look again now and then (we may have moved)
    bnez t0, 11f
    call mycpu
    mv   s2, a0
11: addi s5, s5, -1
    j    1b
2:  li   a0, 0
    call exit
3:  mv   s4, a0
    la   t0, pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pipefds2
    lw   a0, 4(t0)
    call close
    call mycpu
    mv   s6, a0                 # our CPU (0: not reported)
    li   s7, 0                  # seen on different CPUs
    li   s1, 0
4:  bge  s1, s5, 6f
    la   t0, ubuf
    sw   s1, 0(t0)
    la   t0, pipefds
    lw   a0, 4(t0)
    la   a1, ubuf
    li   a2, 4
    call write
    CHECK_EQ a0, 4, "write to the child"
    la   t0, pipefds2
    lw   a0, 0(t0)
    la   a1, ubuf
    li   a2, 4
    call read
    CHECK_EQ a0, 4, "read the answer"
    la   t0, ubuf
    lw   t1, 0(t0)
    li   t2, 0xFFFFFF
    and  t3, t1, t2
    addi t4, s1, 1
    CHECK_EQR t3, t4, "the answer"
    srli t1, t1, 24
    beqz t1, 5f
    beq  t1, s6, 5f
    li   s7, 1
5:  andi t0, s1, 15
    bnez t0, 51f
    call mycpu
    mv   s6, a0
51: addi s1, s1, 1
    j    4b
6:  la   t0, pipefds            # close: the child sees end of file
    lw   a0, 4(t0)
    call close
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s4, "wait for the child"
    la   t0, pipefds2
    lw   a0, 0(t0)
    call close
    beqz s6, t_pass             # no CPUs reported
    CHECK_EQ s7, 1, "the pipe's ends on different CPUs"
    j    t_pass

# smpkill: kill a process that is running on another CPU. The child spins in user
# mode; on a multiprocessor the parent waits until procinfo shows it running on a CPU
# other than its own, then kills it (the kernel interrupts that CPU with an IPI).
t_smpkill:
    FUNC_ENTER
    call fork
    CHECK_GE0 a0, "fork"
    bnez a0, 2f
1:  j    1b                     # spin in user mode
2:  mv   s1, a0
    call mycpu
    beqz a0, 5f                 # no CPUs reported: kill it wherever it is
    li   s2, 0                  # polls
3:  mv   a0, s1
    call pidinfo
    CHECK_EQ a0, 0, "the child in procinfo"
    la   t0, pinfo2
    lw   t1, PI_STATE(t0)
    li   t2, 4
    bne  t1, t2, 4f
    lw   s3, PI_CPU(t0)
    call mycpu
    bne  s3, a0, 6f             # running elsewhere
4:  addi s2, s2, 1
    li   t0, 200
    bge  s2, t0, 7f
    call yield
    j    3b
7:  CHECK_EQ s2, 0, "the child never ran on another CPU (polls)"
5:  call yield
6:  mv   a0, s1
    call kill
    CHECK_EQ a0, 0, "kill the spinning child"
    la   a0, wstatus
    call wait
    CHECK_EQR a0, s1, "wait for it"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, -1, "its status"
    j    t_pass

# smptlb: TLB shootdown under load. Workers on several CPUs grow their memory, fill
# each page with a pattern of their own, yield (and so move between CPUs), check the
# pattern, shrink again — and fork a short-lived child each round (its slot, and so its
# ASID, is reused at once). A CPU that kept a stale TLB entry after a shrink or an
# exit would read or write a page that now belongs to someone else.
.equ SMPT_WORKERS, 3
.equ SMPT_PAGES, 6
t_smptlb:
    FUNC_ENTER
    li   s1, 0
1:  li   t0, SMPT_WORKERS
    bge  s1, t0, 5f
    call fork
    CHECK_GE0 a0, "fork a worker"
    bnez a0, 4f
    li   a0, 24                 # worker
    li   a1, 6
    call pick
    mv   s2, a0                 # rounds
    call tlb_round_all
    call exit                   # a0 = failures
4:  addi s1, s1, 1
    j    1b
5:  li   s1, 0
6:  li   t0, SMPT_WORKERS
    bge  s1, t0, 7f
    la   a0, wstatus
    call wait
    CHECK_GT0 a0, "wait for a worker"
    la   t0, wstatus
    lw   t1, 0(t0)
    CHECK_EQ t1, 0, "a worker's pages (failed rounds)"
    addi s1, s1, 1
    j    6b
7:  j    t_pass

# tlb_round_all(a0 = rounds) -> failed rounds. Each round: grow, fill, fork a child
# that does the same on its own copy, yield, check, reap the child, shrink.
tlb_round_all:
    FUNC_ENTER
    mv   s1, a0
    li   s2, 0                  # failures
    li   s3, 0                  # round
1:  bge  s3, s1, 9f
    mv   a0, s3
    call tlb_fill_check
    add  s2, s2, a0
    call fork
    blt  a0, zero, 8f
    bnez a0, 2f
    addi a0, s3, 100            # child: its own round, then exit with failures
    call tlb_fill_check
    call exit
2:  la   a0, wstatus
    call wait
    blt  a0, zero, 8f
    la   t0, wstatus
    lw   t0, 0(t0)
    add  s2, s2, t0
    addi s3, s3, 1
    j    1b
8:  addi s2, s2, 1
9:  mv   a0, s2
    FUNC_RETURN

# tlb_fill_check(a0 = seed) -> 0, or 1 if a page did not hold what we wrote
tlb_fill_check:
    FUNC_ENTER
    mv   s1, a0
    call getpid
    slli s2, a0, 16
    slli t0, s1, 8
    or   s2, s2, t0             # pattern base: pid << 16 | seed << 8
    li   a0, SMPT_PAGES * 4096
    call sbrk
    blt  a0, zero, 8f
    mv   s3, a0                 # the new pages
    li   s4, 0
1:  li   t0, SMPT_PAGES
    bge  s4, t0, 2f
    slli t0, s4, 12
    add  t0, t0, s3
    or   t1, s2, s4
    sw   t1, 0(t0)
    sw   t1, 2048(t0)
    sw   t1, 4092(t0)
    addi s4, s4, 1
    j    1b
2:  call yield
    li   s5, 0                  # failures
    li   s4, 0
3:  li   t0, SMPT_PAGES
    bge  s4, t0, 4f
    slli t0, s4, 12
    add  t0, t0, s3
    or   t1, s2, s4
    lw   t2, 0(t0)
    bne  t2, t1, 31f
    lw   t2, 2048(t0)
    bne  t2, t1, 31f
    lw   t2, 4092(t0)
    beq  t2, t1, 32f
31: li   s5, 1
32: addi s4, s4, 1
    j    3b
4:  li   a0, -SMPT_PAGES * 4096
    call sbrk
    blt  a0, zero, 8f
    mv   a0, s5
    FUNC_RETURN
8:  li   a0, 1
    FUNC_RETURN

# dup shares the offset; the per-process table fills (EMFILE)
t_dup:
    FUNC_ENTER
    li   a0, 1
    call dup
    slti t0, a0, 3
    CHECK_EQ t0, 0, "dup(1)"
    call close
    CHECK_EQ a0, 0, "close the dup"
    LSTR s1, "/ut_dup"
    mv   a0, s1
    li   a1, O_CREATE | O_RDWR | O_TRUNC
    call open
    CHECK_GE0 a0, "create"
    mv   s2, a0
    LSTR a1, "ab"
    li   a2, 2
    call write
    mv   a0, s2
    call dup
    CHECK_GE0 a0, "dup"
    mv   s3, a0
    LSTR a1, "cd"
    li   a2, 2
    call write
    mv   a0, s2
    call close
    mv   a0, s3
    call close
    mv   a0, s1
    li   a1, O_RDONLY
    call open
    mv   s2, a0
    la   a1, ubuf
    li   a2, 10
    call read
    CHECK_EQ a0, 4, "size written through two fds"
    mv   a0, s2
    call close
    la   a0, ubuf
    LSTR a1, "abcd"
    li   a2, 4
    call memcmp
    CHECK_EQ a0, 0, "dup shares the offset"
    mv   a0, s1
    call unlink
    li   s2, 0                  # open until the table is full
1:  LSTR a0, "/README"
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 2f
    la   t0, ptrs
    slli t1, s2, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    addi s2, s2, 1
    li   t0, 64
    blt  s2, t0, 1b
2:  CHECK_EQ a0, -EMFILE, "open with a full fd table"
    slti t0, s2, 10
    CHECK_EQ t0, 0, "fds available"
3:  beqz s2, 4f
    addi s2, s2, -1
    la   t0, ptrs
    LOADIDX a0, t0, s2
    call close
    j    3b
4:  j    t_pass

.rodata
.align 4
tests:
    .word tn_basic, t_basic
    .word tn_badfd, t_badfd
    .word tn_badptr, t_badptr
    .word tn_paths, t_paths
    .word tn_files, t_files
    .word tn_bigfile, t_bigfile
    .word tn_dirs, t_dirs
    .word tn_pipe, t_pipe
    .word tn_forkwait, t_forkwait
    .word tn_forkfull, t_forkfull
    .word tn_inherit, t_inherit
    .word tn_isolation, t_isolation
    .word tn_nfile, t_nfile
    .word tn_exec, t_exec
    .word tn_load, t_load
    .word tn_sbrk, t_sbrk
    .word tn_faults, t_faults
    .word tn_kill, t_kill
    .word tn_sleep, t_sleep
    .word tn_halt, t_halt
    .word tn_procinfo, t_procinfo
    .word tn_dup, t_dup
    .word tn_smpfork, t_smpfork
    .word tn_smppipe, t_smppipe
    .word tn_smpkill, t_smpkill
    .word tn_smptlb, t_smptlb
    .word 0, 0
named_tests:                    # run only when named
    .word tn_diskfull, t_diskfull
    .word tn_inodes, t_inodes
    .word tn_dinodes, t_dinodes
    .word tn_pipes, t_pipes
    .word tn_fsedge, t_fsedge
    .word tn_pages, t_pages
    .word 0, 0
fault_kinds:
    .word f_kstore, f_kload, f_kjump, f_priv, f_tlb, f_illegal, f_garbage, f_null
    .word f_misaligned, f_textstore, f_device, 0
echo_argv:  .word ea0, ea1, ea2, 0
bad_argv:   .word ea0, KADDR, 0
ea0:        .asciz "echo"
ea1:        .asciz "exec works,"
ea2:        .asciz "args ok"
.align 4
mname_prefix: .ascii "/ut_m/f\0"
lname_prefix: .ascii "/ut_l\0\0\0"
zname_prefix: .ascii "/ut_z\0\0\0"
iname_prefix: .ascii "/ut_i\0\0\0"
dname_prefix: .ascii "/ut_d\0\0\0"
tn_basic:    .asciz "basic"
tn_badfd:    .asciz "badfd"
tn_badptr:   .asciz "badptr"
tn_paths:    .asciz "paths"
tn_files:    .asciz "files"
tn_bigfile:  .asciz "bigfile"
tn_dirs:     .asciz "dirs"
tn_pipe:     .asciz "pipe"
tn_forkwait: .asciz "forkwait"
tn_forkfull: .asciz "forkfull"
tn_inherit:  .asciz "inherit"
tn_isolation: .asciz "isolation"
tn_nfile:    .asciz "nfile"
tn_exec:     .asciz "exec"
tn_load:     .asciz "load"
tn_sbrk:     .asciz "sbrk"
tn_faults:   .asciz "faults"
tn_kill:     .asciz "kill"
tn_sleep:    .asciz "sleep"
tn_halt:     .asciz "halt"
tn_procinfo: .asciz "procinfo"
tn_dup:      .asciz "dup"
tn_smpfork:  .asciz "smpfork"
tn_smppipe:  .asciz "smppipe"
tn_smpkill:  .asciz "smpkill"
tn_smptlb:   .asciz "smptlb"
tn_diskfull: .asciz "diskfull"
tn_inodes:   .asciz "inodes"
tn_dinodes:  .asciz "dinodes"
tn_pipes:    .asciz "pipes"
tn_fsedge:   .asciz "fsedge"
tn_pages:    .asciz "pages"
tn_attacks:  .asciz "attacks"
longpath:    .space 300, 'a'
             .byte 0

.data
.align 4
load_argv:  .word ea0, 0, 0
# the attack set (`usertests attacks`): bad pointers and fds, faults (privileged
# instructions and CSRs, kernel addresses), and every table a user can fill
attacks_argv: .word tn_attacks, tn_badfd, tn_badptr, tn_faults, tn_forkfull, tn_nfile
              .word tn_inodes, tn_pipes, tn_pages, tn_dinodes, tn_fsedge
.equ ATTACKS_ARGC, 11
iso_word:   .word 0

.bss
.align 4
quick:     .space 4
fail_val:  .space 4
wstatus:   .space 4
pipefds:   .space 8
pipefds2:  .space 8
pipefds3:  .space 8
kid_codes: .space 64
ustat:     .space STAT_SIZE
pinfo:     .space PROCINFO_SIZE
pinfo2:    .space PROCINFO_SIZE
ptrs:      .space 256
namebuf:   .space 32
ubuf:      .space 4096
