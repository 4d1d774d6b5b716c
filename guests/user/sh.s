# sh.s — the shell. Reads a line after the prompt "$ " (on fd 2), splits it into
# commands separated by ';' (or '&': run in the background, the shell prints "[pid]"
# and does not wait; "[pid] done" when a later wait collects it), each a pipeline of
# stages separated by '|', each stage
# words plus '<' FILE / '>' FILE redirections. Words may be quoted with "..." or '...'.
# A command without '/' runs /NAME. Builtins: cd [DIR], exit [STATUS]. A pipeline
# whose last stage exits non-zero is reported as "sh: NAME: exit STATUS". At end of
# input the shell exits with status 0 (init then powers the machine off).
#
# Concept: fork + exec + wait, and pipes/redirection built from close + dup in the
# child between fork and exec (the Unix process model; xv6's sh.c in assembly).

.include "lib/ulib.s"

.equ LINE_MAX, 256
.equ MAXTOK, 64
.equ TK_WORD, 1
.equ TK_PIPE, 2
.equ TK_SEMI, 3
.equ TK_LT, 4
.equ TK_GT, 5
.equ TK_AMP, 6
.equ NOT_FOUND_STATUS, 127       # the child could not exec; it already said why

.text
.global main
main:
    FUNC_ENTER
sh_loop:
    li   a0, 2
    la   a1, sh_prompt
    call fputs
    la   a0, sh_line
    li   a1, LINE_MAX
    call gets
    ble  a0, zero, sh_eof
    call sh_tokenize
    blt  a0, zero, sh_loop      # error already reported
    mv   s2, a0                 # number of tokens
    li   s3, 0                  # start of the current command
sh_cmdloop:
    bge  s3, s2, sh_loop
    mv   s4, s3
    li   s5, 0                  # background?
1:  bge  s4, s2, 2f             # find the ';' or '&' (or the end)
    la   t0, tok_type
    LOADIDX t1, t0, s4
    li   t2, TK_SEMI
    beq  t1, t2, 2f
    li   t2, TK_AMP
    bne  t1, t2, 11f
    li   s5, 1
    j    2f
11: addi s4, s4, 1
    j    1b
2:  bge  s3, s4, 3f             # empty command
    mv   a0, s3
    mv   a1, s4
    mv   a2, s5
    call sh_pipeline
3:  addi s3, s4, 1
    j    sh_cmdloop
sh_eof:
    li   a0, 0
    call exit

# sh_tokenize() -> number of tokens in tok_type/tok_ptr, or -1 (message printed)
sh_tokenize:
    FUNC_ENTER
    la   s1, sh_line            # read pointer
    la   s2, sh_words           # where word bytes go
    li   s3, 0                  # tokens
tk_loop:
    lbu  t0, 0(s1)
    beqz t0, tk_done
    li   t1, ' '
    beq  t0, t1, tk_skip
    li   t1, '\t'
    beq  t0, t1, tk_skip
    li   t1, '\n'
    beq  t0, t1, tk_skip
    li   t1, '\r'
    beq  t0, t1, tk_skip
    li   a0, TK_PIPE
    li   t1, '|'
    beq  t0, t1, tk_special
    li   a0, TK_SEMI
    li   t1, ';'
    beq  t0, t1, tk_special
    li   a0, TK_LT
    li   t1, '<'
    beq  t0, t1, tk_special
    li   a0, TK_GT
    li   t1, '>'
    beq  t0, t1, tk_special
    li   a0, TK_AMP
    li   t1, '&'
    beq  t0, t1, tk_special
    li   a0, TK_WORD            # a word: copy it to sh_words
    mv   a1, s2
    call tok_push
    blt  a0, zero, tk_toomany
tk_word:
    lbu  t0, 0(s1)
    beqz t0, tk_wend
    li   t1, ' '
    beq  t0, t1, tk_wend
    li   t1, '\t'
    beq  t0, t1, tk_wend
    li   t1, '\n'
    beq  t0, t1, tk_wend
    li   t1, '\r'
    beq  t0, t1, tk_wend
    li   t1, '|'
    beq  t0, t1, tk_wend
    li   t1, ';'
    beq  t0, t1, tk_wend
    li   t1, '<'
    beq  t0, t1, tk_wend
    li   t1, '>'
    beq  t0, t1, tk_wend
    li   t1, '&'
    beq  t0, t1, tk_wend
    li   t1, '"'
    beq  t0, t1, tk_quote
    li   t1, '\''
    beq  t0, t1, tk_quote
    sb   t0, 0(s2)
    addi s2, s2, 1
    addi s1, s1, 1
    j    tk_word
tk_quote:                       # t0 = the quote: copy up to the matching one
    addi s1, s1, 1
1:  lbu  t1, 0(s1)
    beqz t1, tk_unterminated
    beq  t1, t0, 2f
    sb   t1, 0(s2)
    addi s2, s2, 1
    addi s1, s1, 1
    j    1b
2:  addi s1, s1, 1
    j    tk_word
tk_wend:
    sb   zero, 0(s2)
    addi s2, s2, 1
    j    tk_loop
tk_special:
    li   a1, 0
    call tok_push
    blt  a0, zero, tk_toomany
tk_skip:
    addi s1, s1, 1
    j    tk_loop
tk_done:
    mv   a0, s3
    FUNC_RETURN
tk_toomany:
    la   a1, sh_msg_toomany
    j    1f
tk_unterminated:
    la   a1, sh_msg_quote
1:  li   a0, 2
    call fputs
    li   a0, -1
    FUNC_RETURN

# tok_push(type, ptr): append a token (s3 = count, updated) -> 0, or -1 if full
tok_push:
    li   t0, MAXTOK
    bge  s3, t0, 1f
    slli t1, s3, 2
    la   t0, tok_type
    add  t0, t0, t1
    sw   a0, 0(t0)
    la   t0, tok_ptr
    add  t0, t0, t1
    sw   a1, 0(t0)
    addi s3, s3, 1
    li   a0, 0
    ret
1:  li   a0, -1
    ret

# stage_parse(start, end) -> argc (argv in sh_argv, NULL-terminated; redir_in /
# redir_out set or 0), or -1 for a syntax error
stage_parse:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s3, 0                  # argc
    la   t0, redir_in
    sw   zero, 0(t0)
    la   t0, redir_out
    sw   zero, 0(t0)
sp_loop:
    bge  s1, s2, sp_end
    la   t0, tok_type
    LOADIDX t1, t0, s1
    la   t0, tok_ptr
    LOADIDX t2, t0, s1
    addi s1, s1, 1
    li   t3, TK_WORD
    beq  t1, t3, sp_word
    li   t3, TK_LT
    la   t4, redir_in
    beq  t1, t3, sp_redir
    li   t3, TK_GT
    la   t4, redir_out
    beq  t1, t3, sp_redir
    j    sp_bad                 # '|' or ';' inside a stage cannot happen; be safe
sp_redir:                       # the next token must be a word: the file
    bge  s1, s2, sp_bad
    la   t0, tok_type
    LOADIDX t1, t0, s1
    li   t3, TK_WORD
    bne  t1, t3, sp_bad
    la   t0, tok_ptr
    LOADIDX t2, t0, s1
    sw   t2, 0(t4)
    addi s1, s1, 1
    j    sp_loop
sp_word:
    li   t3, MAXARG - 1
    bge  s3, t3, sp_bad
    la   t0, sh_argv
    slli t1, s3, 2
    add  t0, t0, t1
    sw   t2, 0(t0)
    addi s3, s3, 1
    j    sp_loop
sp_end:
    beqz s3, sp_bad             # a stage needs a command
    la   t0, sh_argv
    slli t1, s3, 2
    add  t0, t0, t1
    sw   zero, 0(t0)
    mv   a0, s3
    FUNC_RETURN
sp_bad:
    li   a0, -1
    FUNC_RETURN

# sh_pipeline(start, end, background): run the tokens [start, end) as a pipeline and
# wait for it (unless background)
sh_pipeline:
    FUNC_ENTER
    mv   s1, a0                 # stage start
    mv   s2, a1                 # end of the command
    mv   s11, a2                # background?
    li   s3, 0                  # pids recorded in pl_pids
    li   s4, -1                 # read end of the previous pipe
    li   s5, 0                  # children started
    li   s6, 0                  # pid of the last stage
    li   s9, 0                  # name of the last stage
pl_stage:
    mv   s7, s1                 # find the end of this stage
1:  bge  s7, s2, 2f
    la   t0, tok_type
    LOADIDX t1, t0, s7
    li   t2, TK_PIPE
    beq  t1, t2, 2f
    addi s7, s7, 1
    j    1b
2:  mv   a0, s1
    mv   a1, s7
    call stage_parse
    blt  a0, zero, pl_syntax
    la   t0, sh_argv
    lw   s9, 0(t0)
    seqz s8, s5                 # s8 = 1: the only stage so far
    bne  s7, s2, pl_notbuiltin
    beqz s8, pl_notbuiltin
    mv   a1, a0                 # a single command: maybe a builtin
    call sh_builtin
    bnez a0, pl_ret             # it was one
pl_notbuiltin:
    li   s8, 0                  # s8 = 1: not the last stage (needs a pipe)
    beq  s7, s2, 3f
    li   s8, 1
    la   a0, pl_pipefds
    call pipe
    blt  a0, zero, pl_pipe_err
3:  call fork
    blt  a0, zero, pl_fork_err
    beqz a0, pl_child
    la   t0, pl_pids
    slli t1, s3, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    addi s3, s3, 1
    addi s5, s5, 1
    mv   s6, a0
    blt  s4, zero, 4f
    mv   a0, s4
    call close
    li   s4, -1
4:  beqz s8, pl_last
    la   t0, pl_pipefds
    lw   a0, 4(t0)
    call close
    la   t0, pl_pipefds
    lw   s4, 0(t0)
    addi s1, s7, 1
    j    pl_stage

pl_child:                       # wire up fds 0/1, then exec
    blt  s4, zero, 1f
    li   a0, 0
    call close
    mv   a0, s4
    call dup
    mv   a0, s4
    call close
1:  beqz s8, 2f
    li   a0, 1
    call close
    la   t0, pl_pipefds
    lw   a0, 4(t0)
    call dup
    la   t0, pl_pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pl_pipefds
    lw   a0, 4(t0)
    call close
2:  la   t0, redir_in
    lw   a0, 0(t0)
    beqz a0, 3f
    li   a1, O_RDONLY
    li   a2, 0
    call sh_redirect
3:  la   t0, redir_out
    lw   a0, 0(t0)
    beqz a0, 4f
    li   a1, O_WRONLY | O_CREATE | O_TRUNC
    li   a2, 1
    call sh_redirect
4:  la   a0, sh_argv
    call sh_exec                # does not return

pl_syntax:
    li   a0, 2
    la   a1, sh_msg_syntax
    call fputs
    j    pl_cleanup
pl_pipe_err:
    li   s8, 0                  # no pipe to close
    la   a2, sh_pipe
    j    1f
pl_fork_err:
    la   a2, sh_fork
1:  mv   s10, a2
    call errstr
    mv   a3, a0
    mv   a2, s10
    la   a1, sh_msg_err
    li   a0, 2
    call fprintf
    beqz s8, pl_cleanup         # a pipe made for the failed stage
    la   t0, pl_pipefds
    lw   a0, 0(t0)
    call close
    la   t0, pl_pipefds
    lw   a0, 4(t0)
    call close
pl_last:
    beqz s11, pl_wait
    li   a0, 2                  # background: say which pid, do not wait
    la   a1, sh_msg_bg
    mv   a2, s6
    call fprintf
    j    pl_ret
pl_cleanup:                     # stop the pipeline: close our end, reap who started
    blt  s4, zero, 1f
    mv   a0, s4
    call close
1:  li   s6, 0
pl_wait:
    li   s10, 0                 # status of the last stage
1:  beqz s5, 2f
    la   a0, pl_status
    call wait
    blt  a0, zero, 2f
    li   t1, 0                  # one of ours?
5:  bge  t1, s3, 7f
    la   t0, pl_pids
    slli t2, t1, 2
    add  t0, t0, t2
    lw   t2, 0(t0)
    beq  t2, a0, 6f
    addi t1, t1, 1
    j    5b
7:  mv   a2, a0                 # no: a background job ended
    li   a0, 2
    la   a1, sh_msg_done
    call fprintf
    j    1b
6:  sw   zero, 0(t0)
    addi s5, s5, -1
    bne  a0, s6, 1b
    la   t0, pl_status
    lw   s10, 0(t0)
    j    1b
2:  beqz s6, pl_ret
    beqz s10, pl_ret
    li   t0, NOT_FOUND_STATUS
    beq  s10, t0, pl_ret
    li   a0, 2
    la   a1, sh_msg_status
    mv   a2, s9
    mv   a3, s10
    call fprintf
pl_ret:
    FUNC_RETURN

# sh_redirect(path, flags, fd): in the child, make fd refer to path (or exit 1)
sh_redirect:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a2
    call open
    blt  a0, zero, 2f
    beq  a0, s2, 1f
    mv   s3, a0
    mv   a0, s2
    call close
    mv   a0, s3
    call dup
    mv   a0, s3
    call close
1:  FUNC_RETURN
2:  call errstr
    mv   a3, a0
    mv   a2, s1
    la   a1, sh_msg_err
    li   a0, 2
    call fprintf
    li   a0, 1
    call exit

# sh_exec(argv): exec argv[0] (as /NAME when it has no '/'); on failure say why and
# exit NOT_FOUND_STATUS
sh_exec:
    FUNC_ENTER
    mv   s1, a0
    lw   s2, 0(s1)
    mv   a0, s2
    li   a1, '/'
    call strchr
    bnez a0, 4f                 # a path: as it is
    mv   a0, s2
    call strlen
    li   t0, 120
    bgeu a0, t0, 2f
    la   t0, sh_path
    li   t1, '/'
    sb   t1, 0(t0)
    addi a0, t0, 1
    mv   a1, s2
    call strcpy
    la   a0, sh_path
    j    1f
4:  mv   a0, s2
1:  mv   a1, s1
    call exec
    j    3f
2:  li   a0, -ENAMETOOLONG
3:  call errstr
    mv   a3, a0
    mv   a2, s2
    la   a1, sh_msg_err
    li   a0, 2
    call fprintf
    li   a0, NOT_FOUND_STATUS
    call exit

# sh_builtin(argv = sh_argv, argc) -> 1 if it was a builtin (and ran), else 0
sh_builtin:
    FUNC_ENTER
    mv   s2, a1
    la   s1, sh_argv
    lw   a0, 0(s1)
    la   a1, sh_cd
    call strcmp
    beqz a0, bi_cd
    lw   a0, 0(s1)
    la   a1, sh_exit
    call strcmp
    beqz a0, bi_exit
    li   a0, 0
    FUNC_RETURN
bi_cd:
    la   a0, sh_root
    li   t0, 2
    blt  s2, t0, 1f
    lw   a0, 4(s1)
1:  mv   s3, a0
    call chdir
    bge  a0, zero, 2f
    call errstr
    mv   a3, a0
    mv   a2, s3
    la   a1, sh_msg_cd
    li   a0, 2
    call fprintf
2:  li   a0, 1
    FUNC_RETURN
bi_exit:
    li   a0, 0
    li   t0, 2
    blt  s2, t0, 1f
    lw   a0, 4(s1)
    call atoi
1:  call exit

.rodata
sh_prompt:      .asciz "$ "
sh_msg_status:  .asciz "sh: %s: exit %d\n"
sh_msg_err:     .asciz "sh: %s: %s\n"
sh_msg_cd:      .asciz "sh: cd: %s: %s\n"
sh_msg_syntax:  .asciz "sh: syntax error\n"
sh_msg_bg:      .asciz "[%d]\n"
sh_msg_done:    .asciz "[%d] done\n"
sh_msg_toomany: .asciz "sh: too many words\n"
sh_msg_quote:   .asciz "sh: unterminated quote\n"
sh_pipe:        .asciz "pipe"
sh_fork:        .asciz "fork"
sh_cd:          .asciz "cd"
sh_exit:        .asciz "exit"
sh_root:        .asciz "/"

.bss
.align 4
tok_type:   .space MAXTOK * 4
tok_ptr:    .space MAXTOK * 4
sh_argv:    .space MAXARG * 4
redir_in:   .space 4
redir_out:  .space 4
pl_pipefds: .space 8
pl_status:  .space 4
pl_pids:    .space MAXTOK * 4
sh_line:    .space LINE_MAX
sh_words:   .space LINE_MAX * 2
sh_path:    .space 128
