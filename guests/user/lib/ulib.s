# ulib.s — the user library, included whole by every program in guests/user/
# (`.include "lib/ulib.s"`; there is no linker, so the library is assembled into each
# program). Programs define `main(argc, argv)`; crt0's _start calls it and exits with
# its result. Nothing here names a kernel structure: the system calls are the stub
# library's (`usys.s`), which the structure chooses by the include path.
#
#   abi.inc    ABI constants: SYS_*, O_*, errno values, struct offsets (generated from
#              guests/abi.toml; found in guests/lib)
#   macros.inc FUNC_ENTER / FUNC_RETURN (save ra, fp, s1-s11), LOADIDX
#   crt0.s     _start
#   usys.s     one stub per system call: lib/trap/usys.s (generated) traps into the
#              kernel; a structure may put another usys.s first on the include path
#   errstr.s   errstr(err): the message of an errno value (generated)
#   string.s   strlen strcmp strncmp strcpy strcat strchr memset memmove memcpy memcmp atoi
#   printf.s   printf fprintf vfprintf (%d %i %u %x %p %s %c %%, '-', '0', width)
#   io.s       fputs puts fputc readline gets
#   malloc.s   malloc free (K&R first fit on sbrk)
#   args.s     for_each_arg: call a function on each argument (or a default)

.include "abi.inc"
.include "macros.inc"
.include "crt0.s"
.include "usys.s"
.include "errstr.s"
.include "base/string.s"
.include "printf.s"
.include "io.s"
.include "malloc.s"
.include "args.s"
.text
