# spin.s — spins forever in ring 3 (only the timer can take the CPU back).
.text
_start:
1:  j 1b
