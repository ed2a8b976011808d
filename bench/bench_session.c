/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiving side of one TFTP transfer, driven by the engine.
 *
 * Blocks are counted absolutely (s->next); only the wire number wraps, to 0
 * after 65535 (the default of tftpd-hpa, pxeline and every PXE ROM we know).
 * An ACK is sent at the end of each window, once per gap (the last in-order
 * block, RFC 7440 section 4), when an old block shows our ACK was lost, and
 * on timeout.
 */
#include <stdio.h>
#include <string.h>

#include "bench/bench_session.h"
#include "dataplane/proto/tftp_packet.h"

static const char *const bench_err_str[] = {
	[BENCH_OK] = "ok",
	[BENCH_ERR_RUNNING] = "running",
	[BENCH_ERR_SERVER] = "server error",
	[BENCH_ERR_TIMEOUT] = "timeout",
	[BENCH_ERR_VERIFY] = "content mismatch",
	[BENCH_ERR_SIZE] = "size mismatch",
	[BENCH_ERR_OACK] = "bad OACK",
	[BENCH_ERR_PROTO] = "protocol error",
	[BENCH_ERR_DURATION] = "duration limit",
	[BENCH_ERR_SOCKET] = "socket error",
};
_Static_assert(sizeof(bench_err_str) / sizeof(bench_err_str[0]) == BENCH_ERR__MAX, "bench_err_str out of step with its enum");

const char *
bench_strerror(enum bench_err e)
{
	if ((unsigned int)e >= BENCH_ERR__MAX)
		return "unknown";
	return bench_err_str[e];
}

void
bench_session_init(struct bench_session *s, const struct bench_request *req)
{
	memset(s, 0, sizeof(*s));
	s->req = req;
	s->state = BENCH_ST_IDLE;
	s->err = BENCH_ERR_RUNNING;
	s->blksize = TFTP_BLKSIZE_DEFAULT;
	s->windowsize = 1;
	s->next = 1;
}

void
bench_session_release(struct bench_session *s)
{
	bench_mc_rx_free(&s->mc_rx);
}

static void
session_set_state(struct bench_session *s, enum bench_state st)
{
	s->state = st;
}

/* The one way out: every ending comes through here. */
static void
session_end(struct bench_session *s, uint64_t now_ns, enum bench_err err,
	    const char *msg)
{
	if (bench_session_finished(s))
		return;
	s->err = err;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s", msg ? msg : "");
	s->end_ns = now_ns;
	session_set_state(s, err == BENCH_OK ? BENCH_ST_DONE : BENCH_ST_FAILED);
}

/* Aborting toward the server too, so it stops sending (RFC 1350). */
static bool
session_fail_tell(struct bench_session *s, uint64_t now_ns, enum bench_err err,
		  uint16_t code, const char *msg)
{
	session_end(s, now_ns, err, msg);
	s->tx_len = tftp_build_error(s->tx, sizeof(s->tx), code, msg);
	return s->tx_len > 0;
}

static void
session_arm(struct bench_session *s, uint64_t now_ns)
{
	s->deadline_ns = now_ns + s->req->rto_ns;
}

/* ACK of the last in-order block; with msftwindow, plus the next window. */
static bool
session_ack(struct bench_session *s, uint64_t now_ns)
{
	s->tx_len = tftp_build_ack(s->tx, sizeof(s->tx), (uint16_t)(s->next - 1));
	if (s->tx_len == 0)
		return false;
	if (s->msft)
		s->tx[s->tx_len++] = (uint8_t)s->windowsize;
	s->in_window = 0;
	session_arm(s, now_ns);
	return true;
}

/* Windows boot manager style: grow by one per clean window, halve on loss. */
static void
session_window_loss(struct bench_session *s)
{
	if (!s->msft)
		return;
	s->windowsize = s->windowsize > 1 ? s->windowsize / 2 : 1;
	s->window_clean = false;
}

static void
session_window_clean(struct bench_session *s)
{
	if (!s->msft)
		return;
	if (s->window_clean && s->windowsize < BENCH_MSFT_WINDOW_MAX)
		s->windowsize++;
	s->window_clean = true;
}

bool
bench_session_start(struct bench_session *s, uint64_t now_ns)
{
	const struct bench_request *r = s->req;
	struct tftp_options o;

	memset(&o, 0, sizeof(o));
	if (r->blksize) {
		o.present |= TFTP_OPT_BLKSIZE;
		o.blksize = r->blksize;
	}
	if (r->windowsize) {
		o.present |= TFTP_OPT_WINDOWSIZE;
		o.windowsize = r->windowsize;
	}
	if (r->timeout_s) {
		o.present |= TFTP_OPT_TIMEOUT;
		o.timeout = r->timeout_s;
	}
	if (r->tsize) {
		o.present |= TFTP_OPT_TSIZE;
		o.tsize = 0;
	}
	if (r->msftwindow) {
		o.present |= TFTP_OPT_MSFTWINDOW;
		o.msftwindow = TFTP_MSFT_WINDOW_ASK;
	}
	if (r->multicast)
		o.present |= TFTP_OPT_MULTICAST;
	s->start_ns = now_ns;
	s->tx_len = tftp_build_rrq(s->tx, sizeof(s->tx), r->filename, "octet", &o);
	if (s->tx_len == 0) {
		session_end(s, now_ns, BENCH_ERR_PROTO, "RRQ does not fit");
		return false;
	}
	session_set_state(s, BENCH_ST_WAIT_FIRST);
	session_arm(s, now_ns);
	return true;
}

static bool session_mc_join(struct bench_session *s, uint64_t now_ns,
			    const uint8_t *buf, size_t len);
static bool session_mc_on_oack(struct bench_session *s, uint64_t now_ns,
			       const uint8_t *buf, size_t len);

/* Checks what the OACK granted against what we asked (RFC 2347). */
static bool
session_on_oack(struct bench_session *s, uint64_t now_ns,
		const struct tftp_options *g, const uint8_t *buf, size_t len)
{
	const struct bench_request *r = s->req;
	char msg[BENCH_ERRMSG_MAX];

	if (s->mc)	/* a group names its next master with an OACK */
		return session_mc_on_oack(s, now_ns, buf, len);
	if (s->state != BENCH_ST_WAIT_FIRST) {
		/* Our ACK 0 was lost and the server resent its OACK. */
		if (s->oack_seen && s->next == 1) {
			s->retransmits++;
			return session_ack(s, now_ns);
		}
		s->dup_blocks++;
		return false;
	}
	if (((g->present & TFTP_OPT_BLKSIZE) &&
	     (!r->blksize || g->blksize < TFTP_BLKSIZE_MIN || g->blksize > r->blksize)) ||
	    ((g->present & TFTP_OPT_WINDOWSIZE) &&
	     (!r->windowsize || g->windowsize < 1 || g->windowsize > r->windowsize)) ||
	    ((g->present & TFTP_OPT_TIMEOUT) && !r->timeout_s) ||
	    ((g->present & TFTP_OPT_TSIZE) && !r->tsize) ||
	    ((g->present & TFTP_OPT_MSFTWINDOW) && !r->msftwindow) ||
	    ((g->present & TFTP_OPT_MULTICAST) && !r->multicast)) {
		snprintf(msg, sizeof(msg),
			 "OACK grants an option not asked or out of range (0x%x)",
			 g->present);
		return session_fail_tell(s, now_ns, BENCH_ERR_OACK, TFTP_EOPTNEG, msg);
	}
	s->oack_seen = true;
	if (g->present & TFTP_OPT_BLKSIZE)
		s->blksize = g->blksize;
	if (g->present & TFTP_OPT_WINDOWSIZE)
		s->windowsize = g->windowsize;
	if (g->present & TFTP_OPT_TSIZE) {
		s->has_tsize = true;
		s->tsize = g->tsize;
		if (r->ref && g->tsize != r->ref_len) {
			snprintf(msg, sizeof(msg), "tsize %llu != reference %llu",
				 (unsigned long long)g->tsize,
				 (unsigned long long)r->ref_len);
			return session_fail_tell(s, now_ns, BENCH_ERR_SIZE,
						 TFTP_EUNDEF, msg);
		}
	}
	if ((g->present & TFTP_OPT_MSFTWINDOW) &&
	    g->msftwindow == TFTP_MSFT_WINDOW_GRANT) {
		s->msft = true;
		if (!(g->present & TFTP_OPT_WINDOWSIZE))
			s->windowsize = BENCH_MSFT_WINDOW_START;
		if (s->windowsize > BENCH_MSFT_WINDOW_MAX)
			s->windowsize = BENCH_MSFT_WINDOW_MAX;
		s->window_clean = true;
	}
	session_set_state(s, BENCH_ST_RECEIVING);
	/* Without "multicast" in the OACK the server serves us alone. */
	if (g->present & TFTP_OPT_MULTICAST)
		return session_mc_join(s, now_ns, buf, len);
	return session_ack(s, now_ns);	/* ACK 0 */
}

static bool
session_on_data(struct bench_session *s, uint64_t now_ns, uint16_t block,
		const uint8_t *data, size_t len)
{
	const struct bench_request *r = s->req;
	uint16_t d = (uint16_t)(block - (uint16_t)s->next);
	char msg[BENCH_ERRMSG_MAX];
	bool final;

	if (s->state == BENCH_ST_WAIT_FIRST)	/* no OACK: RFC 1350 defaults */
		session_set_state(s, BENCH_ST_RECEIVING);

	if (d != 0) {
		if (d < 0x8000) {
			/* A gap: ACK the last in-order block once, then wait
			 * for the server to go back (RFC 7440). */
			if (s->gap_acked)
				return false;
			s->gaps++;
			s->gap_acked = true;
			session_window_loss(s);
			return session_ack(s, now_ns);
		}
		/* An old block: the server missed our ACK. Re-ACK on the
		 * last one we have, once per resent window. */
		s->dup_blocks++;
		if (block == (uint16_t)(s->next - 1)) {
			s->retransmits++;
			return session_ack(s, now_ns);
		}
		return false;
	}

	if (len > s->blksize) {
		snprintf(msg, sizeof(msg), "block %u has %zu bytes > blksize %u",
			 block, len, s->blksize);
		return session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EUNDEF, msg);
	}
	if (r->ref) {
		if (s->bytes + len > r->ref_len) {
			snprintf(msg, sizeof(msg), "longer than reference (%llu bytes)",
				 (unsigned long long)r->ref_len);
			return session_fail_tell(s, now_ns, BENCH_ERR_SIZE,
						 TFTP_EUNDEF, msg);
		}
		if (len && memcmp(r->ref + s->bytes, data, len) != 0) {
			size_t i = 0;

			while (r->ref[s->bytes + i] == data[i])
				i++;
			snprintf(msg, sizeof(msg), "mismatch at byte %llu",
				 (unsigned long long)(s->bytes + i));
			return session_fail_tell(s, now_ns, BENCH_ERR_VERIFY,
						 TFTP_EUNDEF, msg);
		}
	}
	s->bytes += len;
	s->next++;
	s->in_window++;
	s->gap_acked = false;
	s->timeouts_row = 0;
	session_arm(s, now_ns);

	final = len < s->blksize;
	if (!final && s->in_window < s->windowsize)
		return false;
	if (!final)
		session_window_clean(s);
	/* The final block is ACKed even when the size is wrong: the server's
	 * side of the transfer was fine. */
	if (!session_ack(s, now_ns))
		return false;
	if (!final)
		return true;
	if (r->ref && s->bytes != r->ref_len) {
		snprintf(msg, sizeof(msg), "got %llu bytes, reference has %llu",
			 (unsigned long long)s->bytes, (unsigned long long)r->ref_len);
		session_end(s, now_ns, BENCH_ERR_SIZE, msg);
	} else if (s->has_tsize && s->bytes != s->tsize) {
		snprintf(msg, sizeof(msg), "got %llu bytes, tsize said %llu",
			 (unsigned long long)s->bytes, (unsigned long long)s->tsize);
		session_end(s, now_ns, BENCH_ERR_SIZE, msg);
	} else {
		session_end(s, now_ns, BENCH_OK, NULL);
	}
	return true;
}

/* ---- RFC 2090: one receiver of a group ---- */

/* The master ACKs its prefix: "I have 1..a, a+1 is missing". */
static bool
session_mc_ack(struct bench_session *s, uint64_t now_ns)
{
	s->tx_len = tftp_build_ack(s->tx, sizeof(s->tx),
				   (uint16_t)(s->mc_rx.prefix % BENCH_MC_WIRE_PERIOD));
	session_arm(s, now_ns);
	return s->tx_len > 0;
}

/* Holding every block: the size checks, then done. */
static void
session_mc_finish(struct bench_session *s, uint64_t now_ns)
{
	const struct bench_request *r = s->req;
	char msg[BENCH_ERRMSG_MAX];

	if (r->ref && s->bytes != r->ref_len) {
		snprintf(msg, sizeof(msg), "got %llu bytes, reference has %llu",
			 (unsigned long long)s->bytes, (unsigned long long)r->ref_len);
		session_end(s, now_ns, BENCH_ERR_SIZE, msg);
	} else if (s->has_tsize && s->bytes != s->tsize) {
		snprintf(msg, sizeof(msg), "got %llu bytes, tsize said %llu",
			 (unsigned long long)s->bytes, (unsigned long long)s->tsize);
		session_end(s, now_ns, BENCH_ERR_SIZE, msg);
	} else {
		session_end(s, now_ns, BENCH_OK, NULL);
	}
}

/*
 * What a receiver sends after a change: nothing as a listener; as master
 * its prefix, and with the last block ACKed it leaves the group (pxeline
 * and atftp end a receiver only then, so a complete listener waits for
 * its turn as master).
 */
static bool
session_mc_answer(struct bench_session *s, uint64_t now_ns)
{
	if (!s->mc_master) {
		session_arm(s, now_ns);
		return false;
	}
	if (!session_mc_ack(s, now_ns))
		return false;
	if (bench_mc_rx_complete(&s->mc_rx))
		session_mc_finish(s, now_ns);
	return true;
}

static bool
session_mc_set_master(struct bench_session *s, uint64_t now_ns,
		      const struct bench_mc_oack *o)
{
	if (o->master && !s->mc_master)
		s->mc_turns++;
	s->mc_master = o->master;
	s->timeouts_row = 0;
	if (!s->mc_master) {
		session_arm(s, now_ns);
		return false;
	}
	return session_mc_answer(s, now_ns);	/* a fresh master always ACKs */
}

/* The first OACK named a group: join it. */
static bool
session_mc_join(struct bench_session *s, uint64_t now_ns, const uint8_t *buf,
		size_t len)
{
	const struct bench_request *r = s->req;
	struct bench_mc_oack o;
	enum bench_mc_err e;
	char msg[BENCH_ERRMSG_MAX];

	e = bench_mc_parse_oack(buf, len, &o);
	if (e == BENCH_MC_OK && (!o.group || !o.port))
		e = BENCH_MC_ERR_SYNTAX;	/* the first OACK must name the group */
	if (e != BENCH_MC_OK) {
		snprintf(msg, sizeof(msg), "OACK multicast: %s", bench_mc_strerror(e));
		return session_fail_tell(s, now_ns, BENCH_ERR_OACK, TFTP_EOPTNEG, msg);
	}
	s->mc_size = r->ref ? r->ref_len : s->has_tsize ? s->tsize : 0;
	e = bench_mc_rx_init(&s->mc_rx, r->ref || s->has_tsize ?
			     bench_mc_last_block(s->mc_size, s->blksize) : 0);
	if (e != BENCH_MC_OK) {
		snprintf(msg, sizeof(msg), "multicast: %s", bench_mc_strerror(e));
		return session_fail_tell(s, now_ns, BENCH_ERR_SOCKET, TFTP_EUNDEF, msg);
	}
	s->mc = true;
	s->mc_group = o.group;
	s->mc_port = o.port;
	return session_mc_set_master(s, now_ns, &o);
}

/* A later OACK: a new master named (or our own OACK again). */
static bool
session_mc_on_oack(struct bench_session *s, uint64_t now_ns, const uint8_t *buf,
		   size_t len)
{
	struct bench_mc_oack o;
	enum bench_mc_err e;
	char msg[BENCH_ERRMSG_MAX];

	e = bench_mc_parse_oack(buf, len, &o);
	if (e == BENCH_MC_OK && o.group && (o.group != s->mc_group || o.port != s->mc_port))
		e = BENCH_MC_ERR_ADDR;	/* moving a receiver is not in RFC 2090 */
	if (e != BENCH_MC_OK) {
		snprintf(msg, sizeof(msg), "later OACK multicast: %s", bench_mc_strerror(e));
		return session_fail_tell(s, now_ns, BENCH_ERR_OACK, TFTP_EOPTNEG, msg);
	}
	return session_mc_set_master(s, now_ns, &o);
}

/* Block n of len bytes must fit the file: full, or the short last one.
 * false when it does not (failed, the ERROR in tx). */
static bool
session_mc_check(struct bench_session *s, uint64_t now_ns, uint64_t n,
		 const uint8_t *data, size_t len)
{
	const struct bench_request *r = s->req;
	struct bench_mc_rx *rx = &s->mc_rx;
	uint64_t off = (n - 1) * s->blksize;
	char msg[BENCH_ERRMSG_MAX];
	enum bench_mc_err e;

	/* With the size known (reference, tsize) each length is exact. */
	if (len > s->blksize || (len < s->blksize && rx->last && n != rx->last) ||
	    (len == s->blksize && rx->last && n == rx->last) ||
	    ((r->ref || s->has_tsize) && off + len > s->mc_size) ||
	    ((r->ref || s->has_tsize) && n == rx->last && off + len != s->mc_size)) {
		snprintf(msg, sizeof(msg), "block %llu has %zu bytes (blksize %u, last %llu)",
			 (unsigned long long)n, len, s->blksize,
			 (unsigned long long)rx->last);
		(void)session_fail_tell(s, now_ns, r->ref ? BENCH_ERR_SIZE : BENCH_ERR_PROTO,
					TFTP_EUNDEF, msg);
		return false;
	}
	if (len < s->blksize && !rx->last) {
		e = bench_mc_rx_set_last(rx, n);
		if (e != BENCH_MC_OK) {
			snprintf(msg, sizeof(msg), "short block %llu: %s",
				 (unsigned long long)n, bench_mc_strerror(e));
			(void)session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EUNDEF, msg);
			return false;
		}
	}
	if (r->ref && len && memcmp(r->ref + off, data, len) != 0) {
		size_t i = 0;

		while (r->ref[off + i] == data[i])
			i++;
		snprintf(msg, sizeof(msg), "mismatch at byte %llu (block %llu)",
			 (unsigned long long)(off + i), (unsigned long long)n);
		(void)session_fail_tell(s, now_ns, BENCH_ERR_VERIFY, TFTP_EUNDEF, msg);
		return false;
	}
	return true;
}

static bool
session_mc_on_data(struct bench_session *s, uint64_t now_ns, uint16_t block,
		   const uint8_t *data, size_t len)
{
	struct bench_mc_rx *rx = &s->mc_rx;
	uint64_t prefix = rx->prefix, n;
	char msg[BENCH_ERRMSG_MAX];
	enum bench_mc_err e;
	bool fresh;

	s->timeouts_row = 0;	/* the group is alive */
	if (!bench_mc_rx_abs(rx, block, &n)) {
		snprintf(msg, sizeof(msg), "block %u beyond the last (%llu)", block,
			 (unsigned long long)rx->last);
		return session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EUNDEF, msg);
	}
	if (bench_mc_rx_has(rx, n)) {
		s->dup_blocks++;
		rx->recent = n;
		session_arm(s, now_ns);
		return false;
	}
	if (!session_mc_check(s, now_ns, n, data, len))
		return s->tx_len > 0;	/* failed: the ERROR is in tx */
	if (n > prefix + 1 && !bench_mc_rx_has(rx, n - 1))
		s->gaps++;	/* a run that starts after a hole */
	e = bench_mc_rx_add(rx, n, &fresh);
	if (e != BENCH_MC_OK) {
		snprintf(msg, sizeof(msg), "block %llu: %s", (unsigned long long)n,
			 bench_mc_strerror(e));
		return session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EUNDEF, msg);
	}
	s->bytes += len;
	/* A master ACKs only a new prefix: pxeline takes a repeated ACK as
	 * nothing new (the Sorcerer's Apprentice), its timer resends. */
	if (rx->prefix == prefix) {
		session_arm(s, now_ns);
		return false;
	}
	return session_mc_answer(s, now_ns);
}

static bool
session_mc_on_timeout(struct bench_session *s, uint64_t now_ns)
{
	uint32_t limit = s->mc_master ? BENCH_MAX_TIMEOUTS : BENCH_MC_LISTEN_TIMEOUTS;

	if (++s->timeouts_row >= limit) {
		session_end(s, now_ns, BENCH_ERR_TIMEOUT, s->mc_master ?
			    "multicast master: no answer after retries" :
			    "multicast listener: no group traffic");
		return false;
	}
	if (!s->mc_master) {
		session_arm(s, now_ns);
		return false;
	}
	s->retransmits++;
	return session_mc_ack(s, now_ns);
}

bool
bench_session_on_group(struct bench_session *s, uint64_t now_ns, uint16_t src_port,
		       const uint8_t *buf, size_t len)
{
	struct tftp_packet p;

	if (!s->mc || s->state != BENCH_ST_RECEIVING)
		return false;
	if (src_port != s->peer_port) {
		s->wrong_tid++;
		return false;
	}
	/* Only DATA belongs on a group; anything else there is someone's noise. */
	if (tftp_parse(buf, len, &p) != TFTP_OK || p.opcode != TFTP_OP_DATA)
		return false;
	s->mc_group_bytes += p.u.data.len;
	return session_mc_on_data(s, now_ns, p.u.data.block, p.u.data.data, p.u.data.len);
}

bool
bench_session_on_packet(struct bench_session *s, uint64_t now_ns,
			uint16_t src_port, const uint8_t *buf, size_t len)
{
	struct tftp_packet p;
	enum tftp_err e;
	char msg[BENCH_ERRMSG_MAX];

	if (s->state != BENCH_ST_WAIT_FIRST && s->state != BENCH_ST_RECEIVING)
		return false;
	/* RFC 1350: once the TID is set, other ports are someone else. */
	if (s->peer_port && src_port != s->peer_port) {
		s->wrong_tid++;
		return false;
	}
	e = tftp_parse(buf, len, &p);
	if (e != TFTP_OK) {
		snprintf(msg, sizeof(msg), "unparseable packet: %s", tftp_strerror(e));
		return session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EBADOP, msg);
	}
	/*
	 * Before the TID is set, a DATA other than block 1 or an ERROR 5 is
	 * for the last owner of our port (the kernel reuses ephemeral ports:
	 * a server still resending a finished transfer's last block). Locking
	 * onto it would tie this transfer to a dead session.
	 */
	if (!s->peer_port &&
	    ((p.opcode == TFTP_OP_DATA && p.u.data.block != 1) ||
	     (p.opcode == TFTP_OP_ERROR && p.u.error.code == TFTP_EBADID))) {
		s->wrong_tid++;
		return false;
	}
	if (p.opcode == TFTP_OP_ERROR) {
		snprintf(msg, sizeof(msg), "server error %u: %s", p.u.error.code,
			 p.u.error.msg);
		session_end(s, now_ns, BENCH_ERR_SERVER, msg);
		return false;
	}
	if (p.opcode != TFTP_OP_DATA && p.opcode != TFTP_OP_OACK) {
		snprintf(msg, sizeof(msg), "unexpected opcode %d", (int)p.opcode);
		return session_fail_tell(s, now_ns, BENCH_ERR_PROTO, TFTP_EBADOP, msg);
	}
	if (!s->peer_port)
		s->peer_port = src_port;
	if (p.opcode == TFTP_OP_OACK)
		return session_on_oack(s, now_ns, &p.u.req.opts, buf, len);
	if (s->mc) {
		s->mc_unicast_bytes += p.u.data.len;
		return session_mc_on_data(s, now_ns, p.u.data.block, p.u.data.data,
					  p.u.data.len);
	}
	return session_on_data(s, now_ns, p.u.data.block, p.u.data.data,
			       p.u.data.len);
}

bool
bench_session_on_timeout(struct bench_session *s, uint64_t now_ns)
{
	if (s->state != BENCH_ST_WAIT_FIRST && s->state != BENCH_ST_RECEIVING)
		return false;
	s->timeouts++;
	if (!s->mc && ++s->timeouts_row >= BENCH_MAX_TIMEOUTS) {
		session_end(s, now_ns, BENCH_ERR_TIMEOUT, "no answer after retries");
		return false;
	}
	if (s->mc)
		return session_mc_on_timeout(s, now_ns);
	s->retransmits++;
	if (s->state == BENCH_ST_WAIT_FIRST) {
		session_arm(s, now_ns);	/* the RRQ is still in tx */
		return true;
	}
	session_window_loss(s);
	s->gap_acked = false;
	return session_ack(s, now_ns);
}

bool
bench_session_abort(struct bench_session *s, uint64_t now_ns,
		    enum bench_err err, const char *msg)
{
	bool running = !bench_session_finished(s);

	/* Tell a server that already answered, so it stops resending. */
	if (running && s->peer_port)
		return session_fail_tell(s, now_ns, err, TFTP_EUNDEF, msg);
	session_end(s, now_ns, err, msg);
	return false;
}
