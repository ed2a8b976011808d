/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 6298 in integer microseconds: alpha = 1/8, beta = 1/4, K = 4. Each
 * update is one rounded-down division of the weighted sum, so a constant
 * RTT converges to itself and RTTVAR decays to 0 (then G sets the margin).
 */
#include "dataplane/proto/tftp_rtt.h"
#include "dataplane/proto/tftp_window.h"

void
tftp_rtt_init(struct tftp_rtt *r, uint32_t initial_ms, uint32_t min_ms)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->max_ms = initial_ms;
	r->min_ms = min_ms < initial_ms ? min_ms : initial_ms;
	r->backoff = 0;
	r->has_sample = false;
	tftp_rtt_forget(r);
}

void
tftp_rtt_forget(struct tftp_rtt *r)
{
	r->timed_block = TFTP_RTT_NONE;
	r->stamped = false;
	r->sent_us = 0;
}

void
tftp_rtt_plan(struct tftp_rtt *r, uint64_t first, uint32_t count, uint32_t resent,
	      bool send_oack)
{
	tftp_rtt_forget(r);
	if (count > resent)
		r->timed_block = first + count - 1;
	else if (send_oack && count == 0)
		r->timed_block = 0;
}

void
tftp_rtt_sent(struct tftp_rtt *r, uint64_t n, uint64_t now_us)
{
	/* Stamped once: a second send of it would be a resend, and forgets. */
	if (n == r->timed_block && !r->stamped) {
		r->stamped = true;
		r->sent_us = now_us;
	}
}

bool
tftp_rtt_acked(struct tftp_rtt *r, uint64_t acked, uint64_t now_us)
{
	uint64_t us;

	if (!r->stamped || acked < r->timed_block)
		return false;
	us = now_us >= r->sent_us ? now_us - r->sent_us : 0;
	tftp_rtt_sample(r, us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
	tftp_rtt_forget(r);
	return true;
}

void
tftp_rtt_sample(struct tftp_rtt *r, uint32_t rtt_us)
{
	uint32_t delta;

	if (!r->has_sample) {
		/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2. */
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->has_sample = true;
	} else {
		/* 2.3: RTTVAR first, from the SRTT before this sample. */
		delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us : rtt_us - r->srtt_us;
		r->rttvar_us = (uint32_t)(((uint64_t)r->rttvar_us * 3 + delta) / 4);
		r->srtt_us = (uint32_t)(((uint64_t)r->srtt_us * 7 + rtt_us) / 8);
	}
	r->backoff = 0;
}

void
tftp_rtt_timeout(struct tftp_rtt *r)
{
	tftp_rtt_forget(r);
	/* Past the cap more doublings change nothing; keep the shift small. */
	if (tftp_rtt_rto_ms(r) < (uint64_t)r->max_ms * TFTP_RTO_BACKOFF_MAX && r->backoff < 32)
		r->backoff++;
}

/* SRTT + max(G, 4 * RTTVAR) in ms, rounded up, within [min_ms, max_ms]. */
static uint32_t
tftp_rtt_base_ms(const struct tftp_rtt *r)
{
	uint64_t var, us, ms;

	if (!r->has_sample)
		return r->max_ms;
	var = (uint64_t)r->rttvar_us * 4;
	us = r->srtt_us + (var > TFTP_RTT_G_US ? var : TFTP_RTT_G_US);
	ms = (us + 999) / 1000;
	if (ms < r->min_ms)
		return r->min_ms;
	return ms > r->max_ms ? r->max_ms : (uint32_t)ms;
}

uint32_t
tftp_rtt_rto_ms(const struct tftp_rtt *r)
{
	uint64_t cap = (uint64_t)r->max_ms * TFTP_RTO_BACKOFF_MAX;
	uint64_t ms = tftp_rtt_base_ms(r);
	unsigned int i;

	if (r->backoff >= TFTP_RTT_QUICK_TRIES)
		ms = cap;
	for (i = 0; i < r->backoff && ms < cap; i++)
		ms *= 2;
	if (ms > cap)
		ms = cap;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

uint64_t
tftp_rtt_giveup_ms(uint32_t ceiling_ms, unsigned int retries)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i <= retries; i++)
		total += tftp_rto_backoff(ceiling_ms, i);
	return total;
}
