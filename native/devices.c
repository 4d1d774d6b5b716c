/* ringvm native engine: the devices in C and the timed events.
 *
 * Contract: dev_access() is one 32-bit register access at a host-physical device
 * address (ISA.md §9): the system controller (halt, RAM size, CPU count), the console
 * UART (host-side RX/TX buffers), the per-CPU timer, the IPI mailbox (send, ack, start
 * a stopped CPU). A page registered by rv_set_pydev belongs to a Python device: the
 * access returns DEV_MMIO and rv_run stops so Python can perform it. Device state
 * changes that may raise an interrupt mark the CPU with irq_dirty().
 *
 * Timed events (the timer compare and lines scheduled by Python) are kept out of the
 * hot loop: recompute_next_event() folds them into the CPU's next_event/limit, so
 * cpu_run pays one compare per step; fire_events() latches whatever is due when it is
 * reached. The rv_console_* / rv_uart_* / line and event functions are the Python
 * side of the same devices.
 */
#include <stdlib.h>
#include "internal.h"

/* ------------------------------------------------------------------ timed events */

void recompute_next_event(struct machine *m, struct rv_cpu *c) {
    uint64_t ne = UINT64_MAX;
    if (c->ten) ne = c->tcmp;
    for (int i = 0; i < m->nev; i++)
        if (m->ev[i].cpu == c->index && m->ev[i].at < ne) ne = m->ev[i].at;
    c->next_event = ne;
    c->limit = ne < c->end ? ne : c->end;
}

NOINLINE void fire_events(struct machine *m, struct rv_cpu *c) {
    uint64_t now = c->cycle;
    if (c->ten && now >= c->tcmp) {
        if (!(c->ipend & (1u << IRQ_TIMER))) m->timer_fires++;   /* latches, not re-checks */
        c->ipend |= 1u << IRQ_TIMER;
        if (c->tint > 0) {
            c->tcmp += c->tint;
            if (c->tcmp <= now) c->tcmp = now + c->tint;
        }
        irq_dirty(c);
    }
    int j = 0;
    for (int i = 0; i < m->nev; i++) {
        struct rv_event *e = &m->ev[i];
        if (e->cpu == c->index && e->at <= now) {
            if (e->line >= 0 && e->line < 32) c->ipend |= 1u << e->line;
            irq_dirty(c);
        } else {
            m->ev[j++] = *e;
        }
    }
    m->nev = j;
    recompute_next_event(m, c);
}

/* ------------------------------------------------------------------ devices */

static void tx_put(struct machine *m, uint8_t b) {
    if (m->tx_len == m->tx_cap) {
        size_t cap = m->tx_cap ? m->tx_cap * 2 : 256;
        uint8_t *p = realloc(m->tx, cap);
        if (!p) return;   /* out of host memory: drop the byte */
        m->tx = p; m->tx_cap = cap;
    }
    m->tx[m->tx_len++] = b;
}

static int is_pydev(struct machine *m, uint32_t page) {
    for (int i = 0; i < m->npydev; i++)
        if (m->pydev[i] == page) return 1;
    return 0;
}

static void start_cpu(struct machine *m, struct rv_cpu *t) {
    t->mode = RV_RUNNING;
    t->pc = m->start_pc;
    t->ring = RING_KERNEL;
    t->v = 0;
    H(t, STATUS) &= ~STATUS_IE_MASK;
    tc_select(t);
    irq_dirty(t);
    set_attn(m, t);
    tl_ctx(t, t->cycle);
}

/* A 32-bit device register access at host-physical pa (word aligned). */
int dev_access(struct machine *m, struct rv_cpu *c, uint32_t pa, int write, uint32_t *val) {
    uint32_t page = pa & ~PAGE_MASK, off = pa & PAGE_MASK;
    if (is_pydev(m, page)) return DEV_MMIO;
    uint32_t v = write ? *val : 0, r = 0;
    switch (page) {
    case DEV_SYSCTL_BASE:
        switch (off) {
        case DEV_SYSCTL_HALT:
            if (write) { m->halted = 1; m->exit_code = v; m->halt_cpu = c->index; return DEV_HALT; }
            break;
        case DEV_SYSCTL_RAMSIZE: r = m->ram_size; break;
        case DEV_SYSCTL_NCPUS: r = (uint32_t)m->ncpus; break;
        default: return DEV_BUS;
        }
        break;
    case DEV_CONSOLE_BASE:
        switch (off) {
        case DEV_CONSOLE_DATA:
            if (write) { tx_put(m, (uint8_t)v); m->console_tx_bytes++; }
            else if (m->rx_len > 0) {
                r = m->rx[m->rx_head++]; m->rx_len--; m->console_rx_bytes++;
                if (m->rx_len == 0) m->rx_head = 0;
                irq_dirty(&m->cpus[0]);
            } else r = DEV_CONSOLE_DATA_NONE;
            break;
        case DEV_CONSOLE_STATUS:
            r = DEV_CONSOLE_STATUS_TXREADY | (m->rx_len > 0 ? DEV_CONSOLE_STATUS_RXREADY : 0) |
                (m->eof && m->rx_len == 0 ? DEV_CONSOLE_STATUS_EOF : 0);
            break;
        case DEV_CONSOLE_CTRL:
            if (write) { m->uart_ctrl = v & (DEV_CONSOLE_CTRL_RXIE | DEV_CONSOLE_CTRL_TXIE); irq_dirty(&m->cpus[0]); }
            else r = m->uart_ctrl;
            break;
        default: return DEV_BUS;
        }
        break;
    case DEV_TIMER_BASE:
        switch (off) {
        case DEV_TIMER_TIMELO: r = (uint32_t)c->cycle; break;
        case DEV_TIMER_TIMEHI: r = (uint32_t)(c->cycle >> 32); break;
        case DEV_TIMER_CMPLO:
            if (write) { c->tcmp = (c->tcmp & 0xFFFFFFFF00000000ull) | v; recompute_next_event(m, c); }
            else r = (uint32_t)c->tcmp;
            break;
        case DEV_TIMER_CMPHI:
            if (write) { c->tcmp = (c->tcmp & 0xFFFFFFFFull) | ((uint64_t)v << 32); recompute_next_event(m, c); }
            else r = (uint32_t)(c->tcmp >> 32);
            break;
        case DEV_TIMER_INTERVAL:
            if (write) {
                c->tint = v;
                if (v > 0) c->tcmp = c->cycle + v;
                recompute_next_event(m, c);
            } else r = c->tint;
            break;
        case DEV_TIMER_CTRL:
            if (write) { c->ten = (v & DEV_TIMER_CTRL_ENABLE) ? 1 : 0; recompute_next_event(m, c); }
            else r = c->ten ? DEV_TIMER_CTRL_ENABLE : 0;
            break;
        case DEV_TIMER_ACK:
            if (write) { c->ipend &= ~(1u << IRQ_TIMER); irq_dirty(c); }
            break;
        default: return DEV_BUS;
        }
        break;
    case DEV_IPI_BASE:
        switch (off) {
        case DEV_IPI_SEND:
            if (write && v < (uint32_t)m->ncpus) {
                m->cpus[v].ipend |= 1u << IRQ_IPI;
                irq_dirty(&m->cpus[v]);
                m->ipis_sent++;
                TL_EVENT(c, RV_TL_IPI, v, 0);
            }
            break;
        case DEV_IPI_ACK:
            if (write) { c->ipend &= ~(1u << IRQ_IPI); irq_dirty(c); }
            break;
        case DEV_IPI_START_PC:
            if (write) m->start_pc = v; else r = m->start_pc;
            break;
        case DEV_IPI_START:
            if (write && v < (uint32_t)m->ncpus && m->cpus[v].mode == RV_STOPPED)
                start_cpu(m, &m->cpus[v]);
            break;
        case DEV_IPI_SELF: r = (uint32_t)c->index; break;
        default: return DEV_BUS;
        }
        break;
    default:
        return DEV_BUS;
    }
    if (!write) *val = r;
    return DEV_OK;
}

/* ------------------------------------------------------------------ API: console */

void rv_console_input(struct machine *m, const uint8_t *data, size_t n) {
    if (m->rx_head > 0) {
        memmove(m->rx, m->rx + m->rx_head, m->rx_len);
        m->rx_head = 0;
    }
    if (m->rx_len + n > m->rx_cap) {
        size_t cap = m->rx_cap ? m->rx_cap : 256;
        while (cap < m->rx_len + n) cap *= 2;
        uint8_t *p = realloc(m->rx, cap);
        if (!p) return;
        m->rx = p; m->rx_cap = cap;
    }
    memcpy(m->rx + m->rx_len, data, n);
    m->rx_len += n;
    irq_dirty(&m->cpus[0]);
}

void rv_console_eof(struct machine *m) {
    m->eof = 1;
    irq_dirty(&m->cpus[0]);
}

size_t rv_console_take(struct machine *m, uint8_t *buf, size_t cap) {
    size_t n = m->tx_len < cap ? m->tx_len : cap;
    memcpy(buf, m->tx, n);
    memmove(m->tx, m->tx + n, m->tx_len - n);
    m->tx_len -= n;
    return n;
}

void rv_uart_reset(struct machine *m) {
    m->rx_head = m->rx_len = 0;
    m->tx_len = 0;
    m->eof = 0;
    m->uart_ctrl = 0;
    irq_dirty(&m->cpus[0]);
}

void rv_uart_set_tx(struct machine *m, const uint8_t *data, size_t n) {
    m->tx_len = 0;
    for (size_t i = 0; i < n; i++) tx_put(m, data[i]);
}

/* ------------------------------------------------------------------ API: lines and events */

void rv_raise_line(struct machine *m, int cpu, int line) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    m->cpus[cpu].ipend |= 1u << line;
    irq_dirty(&m->cpus[cpu]);
}

void rv_clear_line(struct machine *m, int cpu, int line) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    m->cpus[cpu].ipend &= ~(1u << line);
    irq_dirty(&m->cpus[cpu]);
}

void rv_add_event(struct machine *m, int cpu, int line, uint64_t at) {
    if (cpu < 0 || cpu >= m->ncpus || line < 0 || line >= 32) return;
    if (m->nev == m->evcap) {
        int cap = m->evcap ? m->evcap * 2 : 16;
        struct rv_event *p = realloc(m->ev, sizeof(struct rv_event) * (size_t)cap);
        if (!p) return;
        m->ev = p; m->evcap = cap;
    }
    m->ev[m->nev].cpu = cpu;
    m->ev[m->nev].line = line;
    m->ev[m->nev].at = at;
    m->nev++;
    recompute_next_event(m, &m->cpus[cpu]);
}

void rv_schedule_line(struct machine *m, int cpu, int line, uint64_t at) {
    if (cpu < 0 || cpu >= m->ncpus) return;
    if (at < m->cpus[cpu].cycle) rv_raise_line(m, cpu, line);
    else rv_add_event(m, cpu, line, at);
}

void rv_clear_events(struct machine *m) {
    m->nev = 0;
    for (int i = 0; i < m->ncpus; i++) recompute_next_event(m, &m->cpus[i]);
}
