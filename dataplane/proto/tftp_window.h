/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sending side of one TFTP transfer, as a plain state machine.
 *
 * Blocks are numbered absolutely (1 .. last) inside; only the wire number
 * wraps (after 65535 to 0, or to 1 with tftpd-hpa's "rollover=1"). The
 * window is RFC 7440's: send up to windowsize blocks, wait for an ACK; an
 * ACK of block k means "all up to k arrived", so sending resumes at k+1
 * (go-back on loss). Duplicate and stale ACKs never trigger a resend: only
 * the timer does (Sorcerer's Apprentice, RFC 1123 4.2.3.1).
 *
 * Functions take an event and fill a plan: what the caller must send now.
 *
 * An ACK's 16-bit number is read against the blocks already sent: a block in
 * (acked, sent_max] is progress, acked itself or a block shortly before it
 * is a duplicate or stale ACK (ignored), anything else was never sent
 * (BAD_ACK). The values of the 16-bit space not covered by [acked,
 * sent_max] are split in half between "stale" and "never sent", the stale
 * half getting the odd one: a wrong "stale" only costs a timeout, a wrong
 * "never sent" ends the transfer. windowsize is kept below the wire period
 * (65535 with rollover 0, 65534 with rollover 1) so that the range in
 * flight is never ambiguous. The price of a window that wide: a stale ACK
 * is only known as stale within half of what is not in flight, so
 * negotiation should cap windowsize far lower (real clients ask 4..64).
 */
#ifndef PXELINE_PROTO_TFTP_WINDOW_H
#define PXELINE_PROTO_TFTP_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

struct tftp_window {
	uint64_t size;		/* file size in bytes */
	uint64_t last;		/* absolute number of the final (short) block */
	uint64_t acked;		/* highest block acknowledged; 0 = none/OACK */
	uint64_t next;		/* next block to send */
	uint64_t sent_max;	/* highest block ever sent; ACKs above it are bad */
	uint64_t known_max;	/* ...unless at most this: blocks the client may
				 * hold from elsewhere (a multicast group) */
	uint32_t blksize;	/* payload bytes per block */
	uint32_t windowsize;	/* blocks per window now (msftwindow may change it) */
	uint32_t windowsize_max;/* ceiling for msftwindow requests */
	uint8_t rollover;	/* wire block after 65535: 0 or 1 */
	bool oack_pending;	/* an OACK was sent and ACK 0 has not come */
	bool done;		/* the final block was acknowledged */
};

enum tftp_win_event {
	TFTP_WIN_SEND,		/* send plan blocks (and/or the OACK) */
	TFTP_WIN_IGNORE,	/* duplicate or stale ACK: send nothing */
	TFTP_WIN_DONE,		/* the final block was acknowledged */
	TFTP_WIN_BAD_ACK,	/* ACK for a block never sent: protocol error */
	TFTP_WIN__MAX,
};

const char *tftp_win_strevent(enum tftp_win_event e);

/* What to send now: the OACK and/or blocks [first, first + count). */
struct tftp_win_plan {
	bool send_oack;
	uint64_t first;
	uint32_t count;
	uint32_t resent;	/* how many of those were sent before */
};

/* Sets up a transfer; with_oack when options were granted. */
void tftp_window_init(struct tftp_window *w, uint64_t size, uint32_t blksize,
		      uint32_t windowsize, uint8_t rollover, bool with_oack);

/* The first thing to send: the OACK, or the first window. */
enum tftp_win_event tftp_window_start(struct tftp_window *w, struct tftp_win_plan *plan);

/*
 * An ACK arrived with this wire block number. While the OACK is pending only
 * ACK 0 is valid (RFC 2347); any other number is BAD_ACK. After DONE every
 * ACK is IGNORE. With msftwindow, call tftp_window_set_size() with the ACK's
 * extra byte first: the window this ACK opens then has the asked size.
 */
enum tftp_win_event tftp_window_on_ack(struct tftp_window *w, uint16_t wire_block,
				       struct tftp_win_plan *plan);

/*
 * Continues a transfer the client already holds blocks 1..acked of (a
 * receiver leaving a multicast group, with no OACK): the next plan starts
 * at acked + 1, and ACKs up to known_max count as progress even though this
 * window never sent those blocks. Call after tftp_window_init.
 */
void tftp_window_resume(struct tftp_window *w, uint64_t acked, uint64_t known_max);

/* The retransmission timer fired: resend from the first unacknowledged block. */
enum tftp_win_event tftp_window_on_timeout(struct tftp_window *w, struct tftp_win_plan *plan);

/*
 * Wait before the next retransmission when the server's own timer is in
 * use: base_ms doubled per consecutive timeout, at most TFTP_RTO_BACKOFF_MAX
 * times. Clients that restart their wait on every duplicate DATA (busybox)
 * only re-send a lost ACK once our interval outgrows their own backoff.
 */
#define TFTP_RTO_BACKOFF_MAX 8u
uint32_t tftp_rto_backoff(uint32_t base_ms, unsigned int timeouts);

/* msftwindow: the client asked for n blocks in the next window (clamped). */
void tftp_window_set_size(struct tftp_window *w, uint32_t n);

/* Raises (or lowers) the ceiling for msftwindow; clamped to 1..period-1. */
void tftp_window_set_max(struct tftp_window *w, uint32_t max);

/* Wire block number of absolute block n. */
uint16_t tftp_window_wire_block(const struct tftp_window *w, uint64_t n);

/* Byte offset and length of absolute block n's payload; (size, 0) outside 1..last. */
void tftp_window_block_span(const struct tftp_window *w, uint64_t n,
			    uint64_t *ret_offset, uint32_t *ret_len);

#endif /* PXELINE_PROTO_TFTP_WINDOW_H */
