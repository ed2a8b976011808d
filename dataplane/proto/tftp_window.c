/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sending side of a TFTP transfer: which blocks go out after an ACK or
 * a timeout. Absolute block numbers are 64-bit, so a 2^40-byte file at
 * blksize 8 is fine; only tftp_window_wire_block() and the ACK reader deal
 * with the 16-bit wire number.
 */
#include <stddef.h>

#include "dataplane/proto/tftp_window.h"

#define TFTP_WIN_BLKSIZE_DEFAULT 512	/* RFC 1350 */

static const char *const tftp_win_event_str[] = {
	[TFTP_WIN_SEND] = "send",
	[TFTP_WIN_IGNORE] = "duplicate or stale ack ignored",
	[TFTP_WIN_DONE] = "final block acknowledged",
	[TFTP_WIN_BAD_ACK] = "ack for a block never sent",
};
_Static_assert(sizeof(tftp_win_event_str) / sizeof(tftp_win_event_str[0]) == TFTP_WIN__MAX, "tftp_win_event_str out of step with its enum");

const char *
tftp_win_strevent(enum tftp_win_event e)
{
	if ((unsigned int)e >= TFTP_WIN__MAX)
		return "unknown event";
	return tftp_win_event_str[e];
}

/*
 * How many wire numbers a block cycles through: 0..65535 with rollover 0,
 * 1..65535 with rollover 1 (wire 0 is then only ever block 0, the OACK's).
 */
static uint32_t
tftp_window_period(const struct tftp_window *w)
{
	return w->rollover ? 65535u : 65536u;
}

static uint32_t
tftp_window_clamp(const struct tftp_window *w, uint32_t n, uint32_t max)
{
	uint32_t limit = tftp_window_period(w) - 1;

	if (max > limit)
		max = limit;
	if (max == 0)
		max = 1;
	if (n < 1)
		return 1;
	return n > max ? max : n;
}

static void
tftp_plan_clear(struct tftp_win_plan *plan)
{
	plan->send_oack = false;
	plan->first = 0;
	plan->count = 0;
	plan->resent = 0;
}

void
tftp_window_init(struct tftp_window *w, uint64_t size, uint32_t blksize,
		 uint32_t windowsize, uint8_t rollover, bool with_oack)
{
	/* Negotiation never grants blksize 0; guard the division anyway. */
	if (blksize == 0)
		blksize = TFTP_WIN_BLKSIZE_DEFAULT;
	w->size = size;
	w->blksize = blksize;
	/* The final block is always short, 0 bytes for an exact multiple. */
	w->last = size / blksize + 1;
	w->acked = 0;
	w->next = 1;
	w->sent_max = 0;
	w->known_max = 0;
	w->rollover = rollover ? 1 : 0;
	w->windowsize_max = tftp_window_clamp(w, windowsize, UINT32_MAX);
	w->windowsize = w->windowsize_max;
	w->oack_pending = with_oack;
	w->done = false;
}

void
tftp_window_set_size(struct tftp_window *w, uint32_t n)
{
	w->windowsize = tftp_window_clamp(w, n, w->windowsize_max);
}

void
tftp_window_set_max(struct tftp_window *w, uint32_t max)
{
	w->windowsize_max = tftp_window_clamp(w, max, UINT32_MAX);
	if (w->windowsize > w->windowsize_max)
		w->windowsize = w->windowsize_max;
}

uint16_t
tftp_window_wire_block(const struct tftp_window *w, uint64_t n)
{
	if (n == 0)
		return 0;
	if (w->rollover)
		return (uint16_t)((n - 1) % 65535 + 1);
	return (uint16_t)n;
}

void
tftp_window_block_span(const struct tftp_window *w, uint64_t n,
		       uint64_t *ret_offset, uint32_t *ret_len)
{
	uint64_t off, left;

	/* Outside 1..last there is nothing to send: an empty span at EOF. */
	if (n == 0 || n > w->last) {
		*ret_offset = w->size;
		*ret_len = 0;
		return;
	}
	off = (n - 1) * w->blksize;
	left = w->size - off;
	*ret_offset = off;
	*ret_len = left < w->blksize ? (uint32_t)left : w->blksize;
}

/*
 * The smallest block >= from whose wire number is wb. With rollover 1,
 * wire 0 is block 0 only.
 */
static bool
tftp_wire_at_or_after(const struct tftp_window *w, uint64_t from, uint16_t wb,
		      uint64_t *ret_n)
{
	uint64_t f, pos;

	if (!w->rollover) {
		*ret_n = from + (uint16_t)(wb - (uint16_t)from);
		return true;
	}
	if (wb == 0) {
		*ret_n = 0;
		return from == 0;
	}
	f = from ? from : 1;
	pos = (f - 1) % 65535;
	*ret_n = f + ((uint64_t)(wb - 1) + 65535 - pos) % 65535;
	return true;
}

/* The largest block < from whose wire number is wb, if there is one. */
static bool
tftp_wire_before(const struct tftp_window *w, uint64_t from, uint16_t wb,
		 uint64_t *ret_n)
{
	uint64_t g, d;

	if (from == 0)
		return false;
	if (!w->rollover) {
		d = (uint16_t)((uint16_t)from - wb);
		if (d == 0)
			d = 65536;
		if (d > from)
			return false;
		*ret_n = from - d;
		return true;
	}
	if (wb == 0) {
		*ret_n = 0;
		return true;
	}
	if (from == 1)
		return false;
	g = from - 1;
	d = ((g - 1) % 65535 + 65535 - (uint64_t)(wb - 1)) % 65535;
	if (d > g - 1)
		return false;
	*ret_n = g - d;
	return true;
}

/* Puts blocks [first, first + count) in the plan and moves the cursor. */
static void
tftp_window_send(struct tftp_window *w, uint64_t first, struct tftp_win_plan *plan)
{
	uint64_t left = w->last - first + 1;
	uint32_t count = left < w->windowsize ? (uint32_t)left : w->windowsize;
	uint64_t end = first + count - 1;

	plan->first = first;
	plan->count = count;
	/* Blocks at or below the high-water mark went out before. */
	if (first <= w->sent_max)
		plan->resent = (uint32_t)((end < w->sent_max ? end : w->sent_max) - first + 1);
	w->next = end + 1;
	if (end > w->sent_max)
		w->sent_max = end;
}

enum tftp_win_event
tftp_window_start(struct tftp_window *w, struct tftp_win_plan *plan)
{
	tftp_plan_clear(plan);
	if (w->oack_pending) {
		plan->send_oack = true;
		return TFTP_WIN_SEND;
	}
	tftp_window_send(w, 1, plan);
	return TFTP_WIN_SEND;
}

enum tftp_win_event
tftp_window_on_ack(struct tftp_window *w, uint16_t wire_block,
		   struct tftp_win_plan *plan)
{
	uint64_t n, span, rest, stale_max;

	tftp_plan_clear(plan);
	/* The client may repeat its final ACK while we linger. */
	if (w->done)
		return TFTP_WIN_IGNORE;

	if (tftp_wire_at_or_after(w, w->acked, wire_block, &n) &&
	    (n <= w->sent_max || n <= w->known_max)) {
		if (n == w->acked) {
			/* RFC 2347: a read's OACK is acknowledged with ACK 0. */
			if (w->oack_pending) {
				w->oack_pending = false;
				tftp_window_send(w, 1, plan);
				return TFTP_WIN_SEND;
			}
			return TFTP_WIN_IGNORE;
		}
		w->acked = n;
		if (n == w->last) {
			w->done = true;
			w->next = n + 1;
			return TFTP_WIN_DONE;
		}
		tftp_window_send(w, n + 1, plan);
		return TFTP_WIN_SEND;
	}

	/*
	 * Not in flight. While the OACK is pending nothing else was sent, so
	 * any other number is bad (RFC 2347 requires ACK 0 first). Otherwise
	 * share the rest of the wire space between stale and never-sent.
	 */
	if (w->oack_pending)
		return TFTP_WIN_BAD_ACK;
	span = w->sent_max - w->acked;
	rest = tftp_window_period(w) - 1 - span;
	stale_max = rest - rest / 2;
	if (tftp_wire_before(w, w->acked, wire_block, &n) &&
	    w->acked - n <= stale_max)
		return TFTP_WIN_IGNORE;
	return TFTP_WIN_BAD_ACK;
}

void
tftp_window_resume(struct tftp_window *w, uint64_t acked, uint64_t known_max)
{
	/* The final block is always ours to send: the client must ACK it. */
	if (acked >= w->last)
		acked = w->last - 1;
	w->acked = acked;
	w->next = acked + 1;
	w->sent_max = acked;
	w->known_max = known_max < w->last ? known_max : w->last;
	w->oack_pending = false;
}

enum tftp_win_event
tftp_window_on_timeout(struct tftp_window *w, struct tftp_win_plan *plan)
{
	tftp_plan_clear(plan);
	if (w->done)
		return TFTP_WIN_IGNORE;
	if (w->oack_pending) {
		plan->send_oack = true;
		return TFTP_WIN_SEND;
	}
	tftp_window_send(w, w->acked + 1, plan);
	return TFTP_WIN_SEND;
}

uint32_t
tftp_rto_backoff(uint32_t base_ms, unsigned int timeouts)
{
	uint64_t ms = base_ms;

	/* The cap is a power of two: doubling lands on it exactly. */
	for (; timeouts > 0 && ms < (uint64_t)base_ms * TFTP_RTO_BACKOFF_MAX; timeouts--)
		ms *= 2;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}
