# crt0.s — program entry. The kernel's exec starts a program at e_entry (_start) with
# a0 = argc, a1 = argv and sp 16-byte aligned below the argument strings
# (guests/monolithic/README.md, "Processes and memory"). _start calls main(argc, argv)
# and passes its return value to exit, so `ret` from main ends the process.

.text
.global _start
_start:
    li   fp, 0                  # outermost frame: backtraces stop here
    call main
    call exit                   # a0 = main's result
1:  j    1b                     # exit does not return
