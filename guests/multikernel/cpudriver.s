# cpudriver.s — what one CPU driver is made of: the list of its sources. main.s (the
# boot CPU's driver, BSP = 1) and ap.s (every other CPU's, BSP = 0) include it after
# their boot code; each is assembled at its own address, so each CPU has its own copy
# of all of it (README.md, "One kernel per CPU").
#
# Concept: Barrelfish's CPU driver plus its monitor (seed: the OS-structure slides,
# "Barrelfish structure": a kernel per core; Baumann et al., §4.3–4.4) built, OSKit
# fashion, from the monolithic kernel's own sources (processes, virtual memory, exec,
# files, pipes, the system-call table, its locks: unchanged, as the hybrid kernel does) and the
# shared components of guests/lib, with the multikernel's files for what is new: the
# channels, the monitor, the agreement, the replicas. The boot CPU's driver also holds
# the services every CPU reaches by messages (file system, console); the others hold
# proxies with the same names (rfs.s, rcons.s).

.include "mm/tlbrefill.s"
.include "../monolithic/spinlock.s"     # the monolithic kernel's locks and struct cpu:
.include "../monolithic/smp.s"          # one CPU's worth (ONE_CPU, smp_init_one)
.include "trap.s"
.include "../monolithic/syscall.s"
.include "../monolithic/proc.s"
.include "../monolithic/vm.s"
.include "../monolithic/exec.s"
.include "../monolithic/file.s"
.include "../monolithic/pipe.s"
.include "../monolithic/sysfile.s"
.include "../monolithic/systable.s"
.include "../monolithic/env.s"
.include "base/kprint.s"
.include "base/string.s"
.include "mm/kalloc.s"
.include "trap/swtch.s"
.include "msg/urpc.s"
.include "chan.s"
.include "monitor.s"
.include "agree.s"
.include "replica.s"
.include "spawn.s"
.include "uchan.s"
.include "mksys.s"
.include "boot.s"
# Which services are local: by default the boot CPU's driver holds the console and the
# file system and every other one reaches them by messages; the disaggregated kernel
# sets FS_LOCAL / CONS_LOCAL itself (its storage component holds the file system, its
# process component the console).
.ifndef FS_LOCAL
.equ FS_LOCAL, BSP
.endif
.ifndef CONS_LOCAL
.equ CONS_LOCAL, BSP
.endif
.if CONS_LOCAL
.include "dev/console.s"
.else
.include "rcons.s"
.endif
.if FS_LOCAL
.include "dev/disk.s"
.include "fs/bio.s"
.include "fs/fs.s"
.include "svc.s"
.include "fsserv.s"
.else
.include "rfs.s"
.endif
