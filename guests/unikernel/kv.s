# kv.s — the unikernel's one application: a key-value store served on the console,
# kept on the virtual disk.
#
# Concept (MirageOS: the application *is* the kernel; seed: kernel structures,
# unikernels): the commands are read with the console frontend's console_read, the
# table lives in one sector of the virtual block device and every change writes it back
# through the block frontend (disk_rw) — so the values survive `xl destroy` and a new
# `xl create` of the same image. It also shows the grant table from the inside:
# `grants` lists this domain's grants (the hypervisor marks those Dom0 has mapped),
# `revoke N` tries to take one back (a grant still mapped cannot be: -XEN_EBUSY).
#
#   put KEY VALUE | get KEY | del KEY | list | stats | grants | revoke GREF | halt | help

.equ KV_MAGIC, 0x31564B55              # "UKV1"
.equ KV_KEY, 12                         # bytes of a key (NUL included)
.equ KV_VAL, 20                         # bytes of a value
.equ KV_ENTRY, 32
.equ KV_N, 15                           # entries: a 32-byte header + 15 * 32 = 512
.equ KV_LINE, 80

# kv_main: load the table, then serve commands until the end of input or `halt`.
kv_main:
    li   a0, 0                          # the table: sector 0 of the virtual disk
    la   a1, kv_sector
    li   a2, 1
    li   a3, 0
    call disk_rw
    la   t0, kv_sector
    bnez a0, 1f                         # no disk: an empty table in memory
    lw   t1, 0(t0)
    li   t2, KV_MAGIC
    beq  t1, t2, 2f
1:  mv   a0, t0                         # a fresh table
    li   a1, 0
    li   a2, SECTOR_SIZE
    call memset
    la   t0, kv_sector
    li   t1, KV_MAGIC
    sw   t1, 0(t0)
2:  la   a0, s_ready                    # "uni: N keys on disk"
    call kputs
    call kv_count
    call kputdec
    la   a0, s_ready2
    call kputs
kv_loop:
    la   a0, s_prompt
    call kputs
    call console_flush
    la   a0, kv_line
    li   a1, KV_LINE - 1
    li   a2, 0
    call console_read
    bge  zero, a0, kv_eof
    la   t0, kv_line                    # the line, without its newline
    add  t0, t0, a0
    sb   zero, 0(t0)
    lbu  t1, -1(t0)
    li   t2, '\n'
    bne  t1, t2, 1f
    sb   zero, -1(t0)
1:  la   a0, kv_line
    call kv_command
    j    kv_loop
kv_eof:
    la   a0, s_eof
    call kputs
    li   a0, 0
    call khalt

# kv_command(a0 = line)
kv_command:
    PROLOGUE
    call kv_word                        # a0 = the command, a1 = the rest
    mv   s1, a0
    mv   s2, a1
    lbu  t0, 0(s1)
    beqz t0, 9f                         # an empty line
    la   s3, kv_cmds
1:  lw   a1, 0(s3)
    beqz a1, 8f
    mv   a0, s1
    call strcmp
    beqz a0, 2f
    addi s3, s3, 8
    j    1b
2:  lw   t0, 4(s3)
    mv   a0, s2
    jalr ra, t0, 0
    j    9f
8:  la   a0, s_unknown
    call kputs
9:  EPILOGUE

# kv_word(a0 = text) -> a0 = its first word (NUL-terminated in place), a1 = the rest
# (spaces skipped). Leaf.
kv_word:
1:  lbu  t0, 0(a0)
    li   t1, ' '
    bne  t0, t1, 2f
    addi a0, a0, 1
    j    1b
2:  mv   a1, a0
3:  lbu  t0, 0(a1)
    beqz t0, 5f
    li   t1, ' '
    beq  t0, t1, 4f
    addi a1, a1, 1
    j    3b
4:  sb   zero, 0(a1)
    addi a1, a1, 1
41: lbu  t0, 0(a1)
    li   t1, ' '
    bne  t0, t1, 5f
    addi a1, a1, 1
    j    41b
5:  ret

# kv_find(a0 = key) -> a0 = its entry, or 0.
kv_find:
    PROLOGUE
    mv   s1, a0
    la   s2, kv_sector + KV_ENTRY
    li   s3, KV_N
1:  lbu  t0, 0(s2)
    beqz t0, 2f
    mv   a0, s2
    mv   a1, s1
    call strcmp
    beqz a0, 9f
2:  addi s2, s2, KV_ENTRY
    addi s3, s3, -1
    bnez s3, 1b
    li   s2, 0
9:  mv   a0, s2
    EPILOGUE

# kv_count() -> a0 = keys in the table. Leaf.
kv_count:
    la   t0, kv_sector + KV_ENTRY
    li   t1, KV_N
    li   a0, 0
1:  lbu  t2, 0(t0)
    beqz t2, 2f
    addi a0, a0, 1
2:  addi t0, t0, KV_ENTRY
    addi t1, t1, -1
    bnez t1, 1b
    ret

# kv_sync() -> a0 = 0 / -1: the table back to the disk.
kv_sync:
    PROLOGUE
    la   t0, kv_writes
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   a0, 0
    la   a1, kv_sector
    li   a2, 1
    li   a3, 1
    call disk_rw
    EPILOGUE

# put KEY VALUE
kv_put:
    PROLOGUE
    call kv_word
    mv   s1, a0
    mv   s2, a1
    lbu  t0, 0(s1)
    beqz t0, 8f
    mv   a0, s1
    call strlen
    li   t0, KV_KEY
    bgeu a0, t0, 7f
    mv   a0, s2
    call strlen
    li   t0, KV_VAL
    bgeu a0, t0, 7f
    mv   a0, s1
    call kv_find
    bnez a0, 2f
    la   a0, kv_sector + KV_ENTRY       # a free entry
    li   t1, KV_N
1:  lbu  t0, 0(a0)
    beqz t0, 2f
    addi a0, a0, KV_ENTRY
    addi t1, t1, -1
    bnez t1, 1b
    la   a0, s_full
    call kputs
    j    9f
2:  mv   s3, a0
    mv   a1, s1
    li   a2, KV_KEY
    call strlcpy
    addi a0, s3, KV_KEY
    mv   a1, s2
    li   a2, KV_VAL
    call strlcpy
    la   t0, kv_puts
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call kv_sync
    bnez a0, 6f
    la   a0, s_ok
    call kputs
    j    9f
6:  la   a0, s_ioerr
    call kputs
    j    9f
7:  la   a0, s_toolong
    call kputs
    j    9f
8:  la   a0, s_putusage
    call kputs
9:  EPILOGUE

# get KEY
kv_get:
    PROLOGUE
    call kv_word
    la   t0, kv_gets
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call kv_find
    beqz a0, 8f
    addi a0, a0, KV_KEY
    call kputs
    li   a0, '\n'
    call kputc
    EPILOGUE
8:  la   a0, s_none
    call kputs
    EPILOGUE

# del KEY
kv_del:
    PROLOGUE
    call kv_word
    call kv_find
    beqz a0, 8f
    li   a1, 0
    li   a2, KV_ENTRY
    call memset
    call kv_sync
    la   a0, s_ok
    call kputs
    EPILOGUE
8:  la   a0, s_none
    call kputs
    EPILOGUE

# list
kv_list:
    PROLOGUE
    la   s1, kv_sector + KV_ENTRY
    li   s2, KV_N
1:  lbu  t0, 0(s1)
    beqz t0, 2f
    mv   a0, s1
    call kputs
    la   a0, s_eq
    call kputs
    addi a0, s1, KV_KEY
    call kputs
    li   a0, '\n'
    call kputc
2:  addi s1, s1, KV_ENTRY
    addi s2, s2, -1
    bnez s2, 1b
    call kv_count
    call kputdec
    la   a0, s_keys
    call kputs
    EPILOGUE

# stats
kv_stats:
    PROLOGUE
    la   a0, s_st1
    call kputs
    la   t0, kv_puts
    lw   a0, 0(t0)
    call kputdec
    la   a0, s_st2
    call kputs
    la   t0, kv_gets
    lw   a0, 0(t0)
    call kputdec
    la   a0, s_st3
    call kputs
    la   t0, kv_writes
    lw   a0, 0(t0)
    call kputdec
    la   a0, s_st4
    call kputs
    EPILOGUE

# grants: this domain's grant table, as the hypervisor sees it
kv_grants:
    PROLOGUE
    li   s1, 1
1:  li   t0, GNT_ENTRIES
    bgeu s1, t0, 9f
    slli t0, s1, 3
    la   t1, gnttab_table
    add  s2, t0, t1
    lw   t0, 0(s2)
    beqz t0, 5f
    la   a0, s_gref                     # "gref 1: dom 0, frame 0x00000005, rw, mapped rw"
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, s_gdom
    call kputs
    lhu  a0, XGE_DOMID(s2)
    call kputdec
    la   a0, s_gframe
    call kputs
    lw   a0, XGE_FRAME(s2)
    call kputhex
    lhu  s3, XGE_FLAGS(s2)
    la   a0, s_grw
    andi t0, s3, GTF_READONLY
    beqz t0, 2f
    la   a0, s_gro
2:  call kputs
    andi t0, s3, GTF_WRITING
    beqz t0, 3f
    la   a0, s_gmapw
    call kputs
    j    4f
3:  andi t0, s3, GTF_READING
    beqz t0, 4f
    la   a0, s_gmapr
    call kputs
4:  li   a0, '\n'
    call kputc
5:  addi s1, s1, 1
    j    1b
9:  EPILOGUE

# revoke GREF: take a grant back (refused while the backend has it mapped)
kv_revoke:
    PROLOGUE
    call kv_word
    call atoi
    mv   s1, a0
    call gnttab_end
    mv   s2, a0
    la   a0, s_revoke
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, s_revoked
    beqz s2, 1f
    la   a0, s_ebusy
    li   t0, -XEN_EBUSY
    beq  s2, t0, 1f
    la   a0, s_einval
1:  call kputs
    EPILOGUE

# halt
kv_halt:
    li   a0, 0
    call khalt

# help
kv_help:
    PROLOGUE
    la   a0, s_help
    call kputs
    EPILOGUE

.rodata
    .balign 4
kv_cmds:
    .word c_put, kv_put, c_get, kv_get, c_del, kv_del, c_list, kv_list
    .word c_stats, kv_stats, c_grants, kv_grants, c_revoke, kv_revoke, c_halt, kv_halt
    .word c_help, kv_help, 0, 0
c_put:     .asciz "put"
c_get:     .asciz "get"
c_del:     .asciz "del"
c_list:    .asciz "list"
c_stats:   .asciz "stats"
c_grants:  .asciz "grants"
c_revoke:  .asciz "revoke"
c_halt:    .asciz "halt"
c_help:    .asciz "help"
s_ready:   .asciz "uni: "
s_ready2:  .asciz " keys on disk\n"
s_prompt:  .asciz "uni> "
s_eof:     .asciz "uni: end of input\n"
s_unknown: .asciz "uni: unknown command (help lists them)\n"
s_ok:      .asciz "ok\n"
s_none:    .asciz "(none)\n"
s_full:    .asciz "uni: the table is full\n"
s_ioerr:   .asciz "uni: disk error: not saved\n"
s_toolong: .asciz "uni: key or value too long\n"
s_putusage: .asciz "usage: put KEY VALUE\n"
s_eq:      .asciz " = "
s_keys:    .asciz " keys\n"
s_st1:     .asciz "puts "
s_st2:     .asciz ", gets "
s_st3:     .asciz ", disk writes "
s_st4:     .asciz "\n"
s_gref:    .asciz "gref "
s_gdom:    .asciz ": dom "
s_gframe:  .asciz ", frame "
s_grw:     .asciz ", read-write"
s_gro:     .asciz ", read-only"
s_gmapw:   .asciz ", mapped writable"
s_gmapr:   .asciz ", mapped read-only"
s_revoke:  .asciz "revoke gref "
s_revoked: .asciz ": revoked\n"
s_ebusy:   .asciz ": EBUSY: still mapped by the backend\n"
s_einval:  .asciz ": no such grant\n"
s_help:    .asciz "put KEY VALUE | get KEY | del KEY | list | stats | grants | revoke GREF | halt\n"
.data
    .balign 4
kv_puts:   .word 0
kv_gets:   .word 0
kv_writes: .word 0
.bss
    .balign 16
kv_sector: .space SECTOR_SIZE
kv_line:   .space KV_LINE
.text
