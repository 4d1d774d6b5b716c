# args.s — walking a program's arguments: the loop cat, wc, ls and grep share.

# for_each_arg(a0 = argc, a1 = argv, a2 = fn, a3 = when_none) -> a0 = 1 if any call
#   failed, else 0. Calls fn(a0 = argv[i]) for i = 1 .. argc-1 in order, or, with no
#   arguments, fn(a0 = when_none) once. fn returns 0 on success, anything else on
#   failure (it reports the failure itself).
.text
.global for_each_arg
for_each_arg:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0                  # failed?
    li   s5, 1                  # next argument
    bgt  s1, s5, 2f
    mv   a0, a3
    jalr ra, s3, 0
    snez s4, a0
    j    3f
1:  LOADIDX a0, s2, s5
    jalr ra, s3, 0
    snez t0, a0
    or   s4, s4, t0
    addi s5, s5, 1
2:  blt  s5, s1, 1b
3:  mv   a0, s4
    FUNC_RETURN
