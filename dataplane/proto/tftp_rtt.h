/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The retransmission timer of one unicast transfer, measured: an RFC 6298
 * estimator (SRTT, RTTVAR, RTO = SRTT + max(G, 4 * RTTVAR)) bounded by a
 * floor and a ceiling, with exponential backoff on timeouts.
 *
 * One block per window is timed: the window's last block, when it is sent
 * for the first time (or a first OACK), from its send time to the ACK that
 * covers it. Karn's rule: a block sent again never gives a sample (the ACK
 * could be for either copy), so a timeout or a resend drops the pending
 * measurement, and a plan made by a timeout times nothing. The backoff
 * stays until a valid sample arrives (RFC 6298 5.7): otherwise an RTO
 * below the real RTT would retransmit every window and never measure.
 *
 * Times are in microseconds for samples (a LAN RTT is ~100 us, under the
 * 1 ms tick of the worker's clock) and in milliseconds for the RTO the
 * timer wheel is armed with. No clock here: the caller passes its time in
 * microseconds (any origin, monotonic).
 */
#ifndef PXELINE_PROTO_TFTP_RTT_H
#define PXELINE_PROTO_TFTP_RTT_H

#include <stdbool.h>
#include <stdint.h>

/* G, the clock granularity of RFC 6298: the timer wheel's 1 ms tick. */
#define TFTP_RTT_G_US 1000u
/* timed_block when no ACK is being timed. */
#define TFTP_RTT_NONE UINT64_MAX

struct tftp_rtt {
	uint32_t srtt_us;	/* smoothed RTT, once has_sample */
	uint32_t rttvar_us;	/* its mean deviation */
	uint32_t min_ms;	/* floor of the RTO (tftp.rto_min_ms) */
	uint32_t max_ms;	/* ceiling, and the RTO before any sample (tftp.timeout_ms) */
	uint8_t backoff;	/* doublings since the last valid sample */
	bool has_sample;
	bool stamped;		/* timed_block went out, at sent_us */
	uint64_t timed_block;	/* block whose ACK is timed (0: the OACK's ACK 0) */
	uint64_t sent_us;
};

/*
 * initial_ms is the RTO until the first sample and the ceiling after it;
 * a floor above it is lowered to it.
 */
void tftp_rtt_init(struct tftp_rtt *r, uint32_t initial_ms, uint32_t min_ms);

/* One valid measurement into the estimator; ends any backoff. */
void tftp_rtt_sample(struct tftp_rtt *r, uint32_t rtt_us);

/*
 * A plan an ACK (or the start) made, before it is sent: blocks [first,
 * first + count), resent of them sent before, and/or the OACK. Its last
 * block is timed if new; a plan of only resent blocks times nothing.
 */
void tftp_rtt_plan(struct tftp_rtt *r, uint64_t first, uint32_t count, uint32_t resent,
		   bool send_oack);

/* Block n (0: the OACK) went out at now_us; stamps it if it is the timed one. */
void tftp_rtt_sent(struct tftp_rtt *r, uint64_t n, uint64_t now_us);

/*
 * The window moved: the client acknowledged up to block acked at now_us.
 * Covers the timed block: one sample, and true. Call before tftp_rtt_plan
 * for the window the ACK opens.
 */
bool tftp_rtt_acked(struct tftp_rtt *r, uint64_t acked, uint64_t now_us);

/* Karn: what is timed will be sent again (a repeated RRQ resends the OACK). */
void tftp_rtt_forget(struct tftp_rtt *r);

/* The timer fired: no sample from this window, the next RTO doubled (5.5). */
void tftp_rtt_timeout(struct tftp_rtt *r);

/*
 * The RTO to arm now, in ms: the estimate clamped to [min_ms, max_ms],
 * doubled per consecutive timeout (RFC 6298 5.5) for TFTP_RTT_QUICK_TRIES
 * of them, then max_ms * TFTP_RTO_BACKOFF_MAX, the longest wait the fixed
 * timer ever had. Quick tries cover a lost DATA and the clients that
 * re-ACK a duplicate. When they all go unanswered the client most likely
 * holds the window and ignores duplicates until its own timer fires, which
 * each of our retransmissions restarts: busybox (first wait 100 ms) sends
 * no ACK for a duplicate, atftp one extra ACK only, then waits its 5 s. A
 * quiet line lets that timer fire: doubling on from 20 ms would still be
 * resending every 2.5 s when atftp needs 5 s of silence (10 s stalls).
 * Before any sample the base is max_ms and the steps are the fixed timer's
 * (1, 2, 4, 8 s at 1000 ms).
 */
#define TFTP_RTT_QUICK_TRIES 3u
uint32_t tftp_rtt_rto_ms(const struct tftp_rtt *r);

/*
 * How long a silent client is given before the transfer is abandoned: what
 * the fixed timer of ceiling_ms spent on `retries` backed-off retransmissions
 * (1000 ms and 5: 1 + 2 + 4 + 8 + 8 + 8 = 31 s). A short measured RTO
 * retransmits sooner and more often inside that time, never for longer.
 */
uint64_t tftp_rtt_giveup_ms(uint32_t ceiling_ms, unsigned int retries);

#endif /* PXELINE_PROTO_TFTP_RTT_H */
