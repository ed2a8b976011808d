/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tftpbench: the client session driven by crafted server packets, the
 * percentile against a naive sort, the CSV row formatter and the loss
 * impairment's statistics (fixed seed, no timing).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bench/bench_impair.h"
#include "bench/bench_session.h"
#include "bench/bench_stats.h"
#include "dataplane/proto/tftp_packet.h"
#include "unit.h"

#define SRV_PORT 40000	/* the server's TID in these tests */
#define MS 1000000ull

static uint8_t ref[1 << 20];	/* reference content, filled by main */

/* ---- helpers: crafted server packets ---- */

static size_t
mk_data(uint8_t *buf, size_t cap, uint16_t block, const uint8_t *p, size_t len)
{
	size_t h = tftp_build_data_header(buf, cap, block);

	CU_ASSERT_FATAL(h == 4 && h + len <= cap);
	memcpy(buf + h, p, len);
	return h + len;
}

/* Sends DATA for absolute block n of ref (blksize bs) from port. */
static bool
feed_block(struct bench_session *s, uint16_t port, uint64_t n, uint32_t bs,
	   uint64_t size)
{
	static uint8_t buf[70000];
	uint64_t off = (n - 1) * bs;
	size_t len = off >= size ? 0 : (size - off < bs ? size - off : bs);

	/* Past the reference the content does not matter (no --verify). */
	const uint8_t *src = off + len <= sizeof(ref) ? ref + off : ref;

	return bench_session_on_packet(s, 1000 * MS, port,
				       buf, mk_data(buf, sizeof(buf),
						    (uint16_t)n, src, len));
}

static bool
feed_oack(struct bench_session *s, uint16_t port, const struct tftp_options *g)
{
	uint8_t buf[512];
	size_t len = tftp_build_oack(buf, sizeof(buf), g);

	CU_ASSERT_FATAL(len > 0);
	return bench_session_on_packet(s, 1 * MS, port, buf, len);
}

/* The ACK the session wants sent: its block, and the msftwindow byte. */
static int
tx_ack(const struct bench_session *s, uint16_t *ret_block, int *ret_next_window)
{
	struct tftp_packet p;

	if (tftp_parse(s->tx, s->tx_len, &p) != TFTP_OK || p.opcode != TFTP_OP_ACK)
		return -1;
	*ret_block = p.u.ack.block;
	*ret_next_window = p.u.ack.has_next_window ? p.u.ack.next_window : -1;
	return 0;
}

static uint16_t
tx_ack_block(const struct bench_session *s)
{
	uint16_t b = 0xdead;
	int nw;

	CU_ASSERT_EQUAL(tx_ack(s, &b, &nw), 0);
	return b;
}

static int
tx_error_code(const struct bench_session *s)
{
	struct tftp_packet p;

	if (tftp_parse(s->tx, s->tx_len, &p) != TFTP_OK || p.opcode != TFTP_OP_ERROR)
		return -1;
	return p.u.error.code;
}

static void
req_init(struct bench_request *r, uint32_t bs, uint32_t ws, bool tsize)
{
	memset(r, 0, sizeof(*r));
	r->filename = "boot/file.bin";
	r->server_port = 69;
	r->blksize = bs;
	r->windowsize = ws;
	r->tsize = tsize;
	r->rto_ns = 1000 * MS;
}

/* Starts a session and answers its RRQ with an OACK granting what it asked. */
static void
start_with_oack(struct bench_session *s, const struct bench_request *r, uint64_t tsize)
{
	struct tftp_options g;

	bench_session_init(s, r);
	CU_ASSERT_TRUE_FATAL(bench_session_start(s, 0));
	memset(&g, 0, sizeof(g));
	if (r->blksize) {
		g.present |= TFTP_OPT_BLKSIZE;
		g.blksize = r->blksize;
	}
	if (r->windowsize) {
		g.present |= TFTP_OPT_WINDOWSIZE;
		g.windowsize = r->windowsize;
	}
	if (r->tsize) {
		g.present |= TFTP_OPT_TSIZE;
		g.tsize = tsize;
	}
	CU_ASSERT_TRUE_FATAL(feed_oack(s, SRV_PORT, &g));
	CU_ASSERT_EQUAL_FATAL(s->state, BENCH_ST_RECEIVING);
	CU_ASSERT_EQUAL(tx_ack_block(s), 0);
}

/* ---- session tests ---- */

static void
test_rrq_options_only_when_given(void)
{
	static const struct {
		const char *name;
		uint32_t bs, ws, to;
		bool tsize, msft;
		uint32_t want;
	} rows[] = {
		{ "lock-step ROM, no options", 0, 0, 0, false, false, 0 },
		{ "blksize only", 1432, 0, 0, false, false, TFTP_OPT_BLKSIZE },
		{ "UEFI-like", 1468, 4, 0, true, false,
		  TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TSIZE },
		{ "bootmgr msftwindow", 1456, 0, 0, false, true,
		  TFTP_OPT_BLKSIZE | TFTP_OPT_MSFTWINDOW },
		{ "timeout", 0, 0, 3, false, false, TFTP_OPT_TIMEOUT },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_request r;
		struct bench_session s;
		struct tftp_packet p;

		req_init(&r, rows[i].bs, rows[i].ws, rows[i].tsize);
		r.timeout_s = rows[i].to;
		r.msftwindow = rows[i].msft;
		bench_session_init(&s, &r);
		CU_ASSERT_TRUE(bench_session_start(&s, 5));
		CU_ASSERT_EQUAL(tftp_parse(s.tx, s.tx_len, &p), TFTP_OK);
		CU_ASSERT_EQUAL(p.opcode, TFTP_OP_RRQ);
		CU_ASSERT_STRING_EQUAL(p.u.req.filename, "boot/file.bin");
		if (p.u.req.opts.present != rows[i].want)
			fprintf(stderr, "row '%s': options 0x%x\n", rows[i].name,
				p.u.req.opts.present);
		CU_ASSERT_EQUAL(p.u.req.opts.present, rows[i].want);
		if (rows[i].bs)
			CU_ASSERT_EQUAL(p.u.req.opts.blksize, rows[i].bs);
		if (rows[i].msft)
			CU_ASSERT_EQUAL(p.u.req.opts.msftwindow, TFTP_MSFT_WINDOW_ASK);
		CU_ASSERT_EQUAL(s.state, BENCH_ST_WAIT_FIRST);
		CU_ASSERT_EQUAL(bench_session_dest_port(&s), 69);
	}
}

static void
test_oack_accepted(void)
{
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 1456, 8, true);
	start_with_oack(&s, &r, 12345);
	CU_ASSERT_EQUAL(s.peer_port, SRV_PORT);
	CU_ASSERT_EQUAL(bench_session_dest_port(&s), SRV_PORT);
	CU_ASSERT_EQUAL(s.blksize, 1456);
	CU_ASSERT_EQUAL(s.windowsize, 8);
	CU_ASSERT_TRUE(s.has_tsize);
	CU_ASSERT_EQUAL(s.tsize, 12345);
	CU_ASSERT_EQUAL(s.tx_len, 4);	/* no msftwindow byte */
}

static void
test_oack_partial_grant(void)
{
	/* The server may grant less: smaller blksize, no windowsize. */
	struct bench_request r;
	struct bench_session s;
	struct tftp_options g = { .present = TFTP_OPT_BLKSIZE, .blksize = 1024 };

	req_init(&r, 1456, 8, false);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(feed_oack(&s, SRV_PORT, &g));
	CU_ASSERT_EQUAL(s.blksize, 1024);
	CU_ASSERT_EQUAL(s.windowsize, 1);
	CU_ASSERT_EQUAL(tx_ack_block(&s), 0);
}

static void
test_oack_hostile(void)
{
	static const struct {
		const char *name;
		uint32_t present;
		uint32_t blksize, windowsize;
		uint64_t tsize;
		enum bench_err want;
		int code;
	} rows[] = {
		{ "blksize above asked", TFTP_OPT_BLKSIZE, 2048, 0, 0, BENCH_ERR_OACK, 8 },
		{ "blksize below 8", TFTP_OPT_BLKSIZE, 4, 0, 0, BENCH_ERR_OACK, 8 },
		{ "windowsize above asked", TFTP_OPT_WINDOWSIZE, 0, 9, 0, BENCH_ERR_OACK, 8 },
		{ "windowsize zero", TFTP_OPT_WINDOWSIZE, 0, 0, 0, BENCH_ERR_OACK, 8 },
		{ "timeout never asked", TFTP_OPT_TIMEOUT, 0, 0, 0, BENCH_ERR_OACK, 8 },
		{ "tsize differs from reference", TFTP_OPT_TSIZE, 0, 0, 999, BENCH_ERR_SIZE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_request r;
		struct bench_session s;
		struct tftp_options g;

		req_init(&r, 1456, 8, true);
		r.ref = ref;
		r.ref_len = 5000;
		memset(&g, 0, sizeof(g));
		g.present = rows[i].present;
		g.blksize = rows[i].blksize;
		g.windowsize = rows[i].windowsize;
		g.timeout = 3;
		g.tsize = rows[i].tsize;
		bench_session_init(&s, &r);
		bench_session_start(&s, 0);
		CU_ASSERT_TRUE(feed_oack(&s, SRV_PORT, &g));	/* sends ERROR */
		if (s.err != rows[i].want)
			fprintf(stderr, "row '%s': %s\n", rows[i].name,
				bench_strerror(s.err));
		CU_ASSERT_EQUAL(s.state, BENCH_ST_FAILED);
		CU_ASSERT_EQUAL(s.err, rows[i].want);
		CU_ASSERT_EQUAL(tx_error_code(&s), rows[i].code);
	}
}

static void
test_oack_resent_reacked(void)
{
	/* Our ACK 0 was lost: the server sends its OACK again. */
	struct bench_request r;
	struct bench_session s;
	struct tftp_options g = { .present = TFTP_OPT_BLKSIZE, .blksize = 1456 };

	req_init(&r, 1456, 0, false);
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(feed_oack(&s, SRV_PORT, &g));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 0);
	CU_ASSERT_EQUAL(s.retransmits, 1);
	/* Once data flowed, a stray OACK is no reason to ACK 0. */
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 1456, 100000));
	CU_ASSERT_FALSE(feed_oack(&s, SRV_PORT, &g));
	CU_ASSERT_EQUAL(s.state, BENCH_ST_RECEIVING);
}

static void
test_no_oack_lockstep(void)
{
	/* A server that ignores options answers the RRQ with DATA 1 at 512. */
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 1456, 4, false);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 1300));
	CU_ASSERT_EQUAL(s.peer_port, SRV_PORT);
	CU_ASSERT_EQUAL(tx_ack_block(&s), 1);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 2, 512, 1300));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 2);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 3, 512, 1300));	/* 276 bytes */
	CU_ASSERT_EQUAL(tx_ack_block(&s), 3);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_DONE);
	CU_ASSERT_EQUAL(s.bytes, 1300);
}

static void
test_window_ack_timing(void)
{
	struct bench_request r;
	struct bench_session s;
	uint64_t n;

	req_init(&r, 512, 4, false);
	start_with_oack(&s, &r, 0);
	for (n = 1; n <= 12; n++) {
		bool sent = feed_block(&s, SRV_PORT, n, 512, 100000);

		/* ACK only at the end of each window of 4. */
		CU_ASSERT_EQUAL(sent, n % 4 == 0);
		if (sent)
			CU_ASSERT_EQUAL(tx_ack_block(&s), n);
	}
	CU_ASSERT_EQUAL(s.next, 13);
	CU_ASSERT_EQUAL(s.bytes, 12 * 512);
	CU_ASSERT_EQUAL(s.retransmits, 0);
}

static void
test_window_gap(void)
{
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 512, 4, false);
	start_with_oack(&s, &r, 0);
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	/* Block 2 lost: 3 shows the gap, ACK the last in-order block once. */
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 3, 512, 100000));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 1);
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 4, 512, 100000));
	CU_ASSERT_EQUAL(s.gaps, 1);
	CU_ASSERT_EQUAL(s.bytes, 512);
	/* The server goes back to 2 and sends a fresh window 2..5. */
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 2, 512, 100000));
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 3, 512, 100000));
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 4, 512, 100000));
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 5, 512, 100000));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 5);
	/* A second gap later is ACKed again. */
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 7, 512, 100000));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 5);
	CU_ASSERT_EQUAL(s.gaps, 2);
}

static void
test_duplicate_reacked(void)
{
	/* Lock-step: our ACK 2 was lost, the server resends DATA 2. */
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 512, 0, true);
	start_with_oack(&s, &r, 100000);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 2, 512, 100000));
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 2, 512, 100000));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 2);
	CU_ASSERT_EQUAL(s.dup_blocks, 1);
	CU_ASSERT_EQUAL(s.retransmits, 1);
	/* An older block is not the last one: no ACK storm. */
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	CU_ASSERT_EQUAL(s.bytes, 1024);
}

static void
test_wrong_tid_ignored(void)
{
	struct bench_request r;
	struct bench_session s;
	static const uint8_t err[] = { 0, 5, 0, 1, 'x', 0 };

	req_init(&r, 512, 0, false);
	start_with_oack(&s, &r, 0);
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT + 1, 1, 512, 100000));
	CU_ASSERT_FALSE(bench_session_on_packet(&s, 0, 69, err, sizeof(err)));
	CU_ASSERT_EQUAL(s.wrong_tid, 2);
	CU_ASSERT_EQUAL(s.next, 1);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_RECEIVING);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	CU_ASSERT_EQUAL(s.next, 2);
}

static void
test_stale_first_answer_ignored(void)
{
	/* A reused client port: the last owner's server resends its final
	 * block, or says "unknown transfer ID", before our answer comes. */
	struct bench_request r;
	struct bench_session s;
	static const uint8_t err5[] = { 0, 5, 0, 5, 'x', 0 };

	req_init(&r, 512, 0, false);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT + 7, 2048, 512, 4 << 20));
	CU_ASSERT_FALSE(bench_session_on_packet(&s, 0, SRV_PORT + 7, err5, sizeof(err5)));
	CU_ASSERT_EQUAL(s.wrong_tid, 2);
	CU_ASSERT_EQUAL(s.peer_port, 0);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_WAIT_FIRST);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	CU_ASSERT_EQUAL(s.peer_port, SRV_PORT);
	CU_ASSERT_EQUAL(s.next, 2);
}

static void
test_error_from_server(void)
{
	static const struct {
		const char *name;
		bool after_oack;
		uint16_t code;
		const char *msg;
		const char *want;
	} rows[] = {
		{ "not found on RRQ", false, 1, "File not found",
		  "server error 1: File not found" },
		{ "abort mid transfer", true, 0, "TFTP Aborted",
		  "server error 0: TFTP Aborted" },
		{ "no message", true, 3, "", "server error 3: " },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_request r;
		struct bench_session s;
		uint8_t buf[128];
		size_t len = tftp_build_error(buf, sizeof(buf), rows[i].code, rows[i].msg);

		req_init(&r, 512, 0, false);
		if (rows[i].after_oack) {
			start_with_oack(&s, &r, 0);
		} else {
			bench_session_init(&s, &r);
			bench_session_start(&s, 0);
		}
		CU_ASSERT_FALSE(bench_session_on_packet(&s, 2, SRV_PORT, buf, len));
		CU_ASSERT_EQUAL(s.state, BENCH_ST_FAILED);
		CU_ASSERT_EQUAL(s.err, BENCH_ERR_SERVER);
		CU_ASSERT_STRING_EQUAL(s.errmsg, rows[i].want);
		/* Nothing more is accepted once ended. */
		CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 1, 512, 100000));
	}
}

static void
test_final_block(void)
{
	static const struct {
		const char *name;
		uint64_t size;		/* what the server sends */
		uint64_t ref_len;	/* the reference, 0 = no --verify */
		enum bench_state want;
		enum bench_err err;
	} rows[] = {
		{ "short final", 1000, 1000, BENCH_ST_DONE, BENCH_OK },
		{ "exact multiple: empty final", 1024, 1024, BENCH_ST_DONE, BENCH_OK },
		{ "empty file", 0, 0, BENCH_ST_DONE, BENCH_OK },
		{ "final one byte short of blksize", 1023, 1023, BENCH_ST_DONE, BENCH_OK },
		{ "no verify", 700, 0, BENCH_ST_DONE, BENCH_OK },
		{ "shorter than reference", 1000, 1500, BENCH_ST_FAILED, BENCH_ERR_SIZE },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_request r;
		struct bench_session s;
		uint64_t n, last = rows[i].size / 512 + 1;

		req_init(&r, 512, 2, false);
		if (rows[i].ref_len || rows[i].err == BENCH_OK) {
			r.ref = ref;
			r.ref_len = rows[i].ref_len ? rows[i].ref_len : rows[i].size;
		}
		if (!strcmp(rows[i].name, "no verify"))
			r.ref = NULL;
		start_with_oack(&s, &r, 0);
		for (n = 1; n <= last; n++) {
			bool sent = feed_block(&s, SRV_PORT, n, 512, rows[i].size);

			/* Window of 2, and always on the final block. */
			CU_ASSERT_EQUAL(sent, n % 2 == 0 || n == last);
		}
		if (s.state != rows[i].want)
			fprintf(stderr, "row '%s': state %d\n", rows[i].name, s.state);
		CU_ASSERT_EQUAL(s.state, rows[i].want);
		CU_ASSERT_EQUAL(s.err, rows[i].err);
		CU_ASSERT_EQUAL(tx_ack_block(&s), last);
		CU_ASSERT_EQUAL(s.bytes, rows[i].size);
	}
}

static void
test_verify_mismatch(void)
{
	struct bench_request r;
	struct bench_session s;
	uint8_t bad[512], buf[600];

	req_init(&r, 512, 0, false);
	r.ref = ref;
	r.ref_len = 2000;
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 2000));
	memcpy(bad, ref + 512, 512);
	bad[100] ^= 0x40;
	CU_ASSERT_TRUE(bench_session_on_packet(&s, 3, SRV_PORT, buf,
					       mk_data(buf, sizeof(buf), 2, bad, 512)));
	CU_ASSERT_EQUAL(s.state, BENCH_ST_FAILED);
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_VERIFY);
	CU_ASSERT_STRING_EQUAL(s.errmsg, "mismatch at byte 612");
	CU_ASSERT_EQUAL(tx_error_code(&s), 0);	/* tell the server to stop */
	CU_ASSERT_EQUAL(s.bytes, 512);
}

static void
test_data_longer_than_reference(void)
{
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 512, 0, false);
	r.ref = ref;
	r.ref_len = 600;
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 512, 5000));
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 2, 512, 5000));	/* 1024 > 600 */
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_SIZE);
}

static void
test_block_larger_than_blksize(void)
{
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 512, 0, false);
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 1, 513, 5000));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_PROTO);
	CU_ASSERT_EQUAL(tx_error_code(&s), 0);
}

static void
test_rollover(void)
{
	/* 70000 blocks of 8 bytes: wire numbers wrap 65535 -> 0. */
	static uint8_t big[70000 * 8 + 3];
	struct bench_request r;
	struct bench_session s;
	uint8_t buf[16];
	uint64_t n, last = 70001;
	size_t i;
	int acks_at_zero = 0;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + (i >> 9));
	req_init(&r, 8, 0, false);
	r.ref = big;
	r.ref_len = sizeof(big);
	start_with_oack(&s, &r, 0);
	for (n = 1; n <= last; n++) {
		uint64_t off = (n - 1) * 8;
		size_t len = n == last ? 3 : 8;

		if (!bench_session_on_packet(&s, 5, SRV_PORT, buf,
					     mk_data(buf, sizeof(buf), (uint16_t)n,
						     big + off, len))) {
			CU_FAIL("block not ACKed");
			break;
		}
		if (tx_ack_block(&s) != (uint16_t)n) {
			CU_FAIL("ACK number is not the wire block");
			break;
		}
		acks_at_zero += (uint16_t)n == 0;
	}
	CU_ASSERT_EQUAL(acks_at_zero, 1);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_DONE);
	CU_ASSERT_EQUAL(s.bytes, sizeof(big));
	CU_ASSERT_EQUAL(s.dup_blocks, 0);
}

static void
test_rollover_old_block_is_dup(void)
{
	/* After the wrap, block 65535 is old (not a gap of 65535 blocks). */
	struct bench_request r;
	struct bench_session s;
	uint64_t n;

	req_init(&r, 8, 0, false);
	start_with_oack(&s, &r, 0);
	for (n = 1; n <= 65537; n++)
		feed_block(&s, SRV_PORT, n, 8, 1000000);
	CU_ASSERT_EQUAL(s.next, 65538);	/* wire 1 */
	CU_ASSERT_FALSE(feed_block(&s, SRV_PORT, 65535, 8, 1000000));
	CU_ASSERT_EQUAL(s.dup_blocks, 1);
	CU_ASSERT_EQUAL(s.gaps, 0);
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, 65537, 8, 1000000));	/* wire 1 */
	CU_ASSERT_EQUAL(tx_ack_block(&s), 1);
}

static void
test_abort(void)
{
	struct bench_request r;
	struct bench_session s;

	/* Before the server answered there is nobody to tell. */
	req_init(&r, 512, 0, false);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(bench_session_abort(&s, 7, BENCH_ERR_DURATION, "limit"));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_DURATION);
	CU_ASSERT_EQUAL(s.end_ns, 7);
	/* Mid-transfer the server gets ERROR 0 on its TID. */
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(bench_session_abort(&s, 8, BENCH_ERR_DURATION, "limit"));
	CU_ASSERT_EQUAL(tx_error_code(&s), 0);
	CU_ASSERT_EQUAL(bench_session_dest_port(&s), SRV_PORT);
	CU_ASSERT_STRING_EQUAL(s.errmsg, "limit");
	/* Ending twice keeps the first reason. */
	CU_ASSERT_FALSE(bench_session_abort(&s, 9, BENCH_ERR_SOCKET, "x"));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_DURATION);
	CU_ASSERT_EQUAL(s.end_ns, 8);
}

static void
test_timeouts(void)
{
	struct bench_request r;
	struct bench_session s;
	struct tftp_packet p;
	int i;

	req_init(&r, 512, 0, false);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	/* The RRQ is resent on each timeout, then the client gives up. */
	for (i = 1; i < BENCH_MAX_TIMEOUTS; i++) {
		CU_ASSERT_TRUE(bench_session_on_timeout(&s, (uint64_t)i * 1000 * MS));
		CU_ASSERT_EQUAL(tftp_parse(s.tx, s.tx_len, &p), TFTP_OK);
		CU_ASSERT_EQUAL(p.opcode, TFTP_OP_RRQ);
		CU_ASSERT_EQUAL(s.deadline_ns, (uint64_t)(i + 1) * 1000 * MS);
	}
	CU_ASSERT_FALSE(bench_session_on_timeout(&s, 9000 * MS));
	CU_ASSERT_EQUAL(s.state, BENCH_ST_FAILED);
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_TIMEOUT);
	CU_ASSERT_EQUAL(s.timeouts, BENCH_MAX_TIMEOUTS);

	/* Mid-transfer: re-ACK the last in-order block; progress resets the count. */
	req_init(&r, 512, 4, false);
	start_with_oack(&s, &r, 0);
	feed_block(&s, SRV_PORT, 1, 512, 100000);
	feed_block(&s, SRV_PORT, 2, 512, 100000);
	CU_ASSERT_TRUE(bench_session_on_timeout(&s, 5000 * MS));
	CU_ASSERT_EQUAL(tx_ack_block(&s), 2);
	CU_ASSERT_EQUAL(s.in_window, 0);
	CU_ASSERT_EQUAL(s.timeouts_row, 1);
	feed_block(&s, SRV_PORT, 3, 512, 100000);
	CU_ASSERT_EQUAL(s.timeouts_row, 0);
}

static void
test_msftwindow(void)
{
	struct bench_request r;
	struct bench_session s;
	struct tftp_options g = {
		.present = TFTP_OPT_BLKSIZE | TFTP_OPT_MSFTWINDOW,
		.blksize = 512, .msftwindow = TFTP_MSFT_WINDOW_GRANT,
	};
	uint16_t b;
	int nw;
	uint64_t n = 1;
	uint32_t w;

	req_init(&r, 512, 0, false);
	r.msftwindow = true;
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(feed_oack(&s, SRV_PORT, &g));
	CU_ASSERT_TRUE(s.msft);
	/* ACK 0 carries the first window. */
	CU_ASSERT_EQUAL(tx_ack(&s, &b, &nw), 0);
	CU_ASSERT_EQUAL(b, 0);
	CU_ASSERT_EQUAL(nw, BENCH_MSFT_WINDOW_START);
	CU_ASSERT_EQUAL(s.tx_len, 5);
	/* Clean windows grow it by one each time, ACKed at the window's end. */
	for (w = BENCH_MSFT_WINDOW_START; w < BENCH_MSFT_WINDOW_START + 3; w++) {
		uint32_t k;

		for (k = 1; k <= w; k++, n++)
			CU_ASSERT_EQUAL(feed_block(&s, SRV_PORT, n, 512, 1000000), k == w);
		CU_ASSERT_EQUAL(tx_ack(&s, &b, &nw), 0);
		CU_ASSERT_EQUAL(b, (uint16_t)(n - 1));
		CU_ASSERT_EQUAL(nw, (int)w + 1);
	}
	/* A gap halves it, and the gap ACK says so. */
	w = s.windowsize;
	CU_ASSERT_TRUE(feed_block(&s, SRV_PORT, n + 1, 512, 1000000));
	CU_ASSERT_EQUAL(tx_ack(&s, &b, &nw), 0);
	CU_ASSERT_EQUAL(b, (uint16_t)(n - 1));
	CU_ASSERT_EQUAL(nw, (int)(w / 2));
	/* The window after a loss is not "clean": no growth at its end. */
	w = s.windowsize;
	for (uint32_t k = 1; k <= w; k++, n++)
		feed_block(&s, SRV_PORT, n, 512, 1000000);
	CU_ASSERT_EQUAL(tx_ack(&s, &b, &nw), 0);
	CU_ASSERT_EQUAL(nw, (int)w);
	/* Capped at 64 after many clean windows. */
	for (int rounds = 0; rounds < 100; rounds++) {
		w = s.windowsize;
		for (uint32_t k = 1; k <= w; k++, n++)
			feed_block(&s, SRV_PORT, n, 512, 100000000);
	}
	CU_ASSERT_EQUAL(s.windowsize, BENCH_MSFT_WINDOW_MAX);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_RECEIVING);
}

static void
test_msftwindow_not_granted(void)
{
	/* The server ignores msftwindow: plain ACKs, no extra byte. */
	struct bench_request r;
	struct bench_session s;
	struct tftp_options g = { .present = TFTP_OPT_BLKSIZE, .blksize = 512 };

	req_init(&r, 512, 0, false);
	r.msftwindow = true;
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(feed_oack(&s, SRV_PORT, &g));
	CU_ASSERT_FALSE(s.msft);
	CU_ASSERT_EQUAL(s.tx_len, 4);
}

static void
test_garbage_fails(void)
{
	static const uint8_t junk[] = { 0, 9, 1, 2 };
	static const uint8_t ack[] = { 0, 4, 0, 1 };
	struct bench_request r;
	struct bench_session s;

	req_init(&r, 512, 0, false);
	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(bench_session_on_packet(&s, 1, SRV_PORT, junk, sizeof(junk)));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_PROTO);
	CU_ASSERT_EQUAL(tx_error_code(&s), TFTP_EBADOP);

	start_with_oack(&s, &r, 0);
	CU_ASSERT_TRUE(bench_session_on_packet(&s, 1, SRV_PORT, ack, sizeof(ack)));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_PROTO);
}

/* ---- stats ---- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
naive_percentile(const double *v, size_t n, double p)
{
	double *c = malloc(n * sizeof(*c));
	size_t k = 0, i;
	double r;

	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	/* Smallest value with at least p % of the values <= it. */
	for (i = 0; i < n; i++) {
		if ((double)(i + 1) * 100.0 >= p * (double)n) {
			k = i;
			break;
		}
	}
	r = c[k];
	free(c);
	return r;
}

static void
test_percentile_vs_sort(void)
{
	static const double ps[] = { 0, 1, 25, 50, 90, 99, 99.9, 100 };
	static const size_t ns[] = { 1, 2, 3, 7, 100, 101, 1000, 4099 };
	struct bench_impair im;
	size_t a, b, i, trial;

	bench_impair_init(&im, 42, 0, false, false, 0);
	for (trial = 0; trial < 4; trial++)
		for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
			for (b = 0; b < sizeof(ps) / sizeof(ps[0]); b++) {
				size_t n = ns[a];
				double *v = malloc(n * sizeof(*v));
				double want, got;

				for (i = 0; i < n; i++) {
					uint64_t x = bench_impair_rand(&im);

					/* trial 1 and 3: many duplicates */
					v[i] = trial & 1 ? (double)(x % 5) :
						(double)(x >> 11) / 9007199254740992.0;
				}
				want = naive_percentile(v, n, ps[b]);
				got = bench_percentile(v, n, ps[b]);
				if (want != got)
					fprintf(stderr, "n %zu p %g: %g != %g\n", n,
						ps[b], got, want);
				CU_ASSERT_EQUAL(got, want);
				free(v);
			}
	CU_ASSERT_EQUAL(bench_percentile(NULL, 0, 50), 0);
}

static void
test_percentile_sorted_inputs(void)
{
	/* Sorted, reversed and constant inputs: quickselect's bad cases. */
	double v[1000];
	size_t i;

	for (i = 0; i < 1000; i++)
		v[i] = (double)i;
	CU_ASSERT_EQUAL(bench_percentile(v, 1000, 50), 499);
	for (i = 0; i < 1000; i++)
		v[i] = (double)(1000 - i);
	CU_ASSERT_EQUAL(bench_percentile(v, 1000, 99), 990);
	for (i = 0; i < 1000; i++)
		v[i] = 3.5;
	CU_ASSERT_EQUAL(bench_percentile(v, 1000, 99), 3.5);
}

static void
test_summary(void)
{
	struct bench_result r[3];
	struct bench_summary s;

	memset(r, 0, sizeof(r));
	r[0].ok = 1;
	r[0].bytes = 1000000;
	r[0].seconds = 1;
	r[0].retransmits = 2;
	r[1].ok = 1;
	r[1].bytes = 1000000;
	r[1].seconds = 3;
	r[2].ok = 0;
	r[2].bytes = 5000000;	/* a failed transfer's bytes are not goodput */
	r[2].timeouts = 5;
	bench_summarize(r, 3, 2.0, &s);
	CU_ASSERT_EQUAL(s.ok, 2);
	CU_ASSERT_EQUAL(s.failed, 1);
	CU_ASSERT_EQUAL(s.bytes_ok, 2000000);
	CU_ASSERT_DOUBLE_EQUAL(s.goodput_mbps, 8.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s.mibps, 2000000.0 / 1048576.0 / 2.0, 1e-9);
	CU_ASSERT_EQUAL(s.p50_s, 1);
	CU_ASSERT_EQUAL(s.p99_s, 3);
	CU_ASSERT_EQUAL(s.retransmits, 2);
	CU_ASSERT_EQUAL(s.timeouts, 5);
}

static void
test_csv_rows(void)
{
	static const struct {
		const char *name;
		const char *file;
		const char *errmsg;
		const char *want;
	} rows[] = {
		{ "plain", "boot.wim", "",
		  "7,192.0.2.1,boot.wim,1456,4,1048576,2.000000,0.500,3,1,ok,\n" },
		{ "comma in name", "a,b", "",
		  "7,192.0.2.1,\"a,b\",1456,4,1048576,2.000000,0.500,3,1,ok,\n" },
		{ "quotes in message", "f", "server error 1: \"x\"",
		  "7,192.0.2.1,f,1456,4,1048576,2.000000,0.500,3,1,ok,"
		  "\"server error 1: \"\"x\"\"\"\n" },
		{ "newline in message", "f", "a\nb",
		  "7,192.0.2.1,f,1456,4,1048576,2.000000,0.500,3,1,ok,\"a\nb\"\n" },
		{ "windows path", "\\Boot\\BCD", "",
		  "7,192.0.2.1,\\Boot\\BCD,1456,4,1048576,2.000000,0.500,3,1,ok,\n" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_result r = {
			.id = 7, .server = "192.0.2.1", .file = rows[i].file,
			.blksize = 1456, .windowsize = 4, .bytes = 1048576,
			.seconds = 2.0, .retransmits = 3, .timeouts = 1, .ok = 1,
			.result = "ok", .errmsg = rows[i].errmsg,
		};
		size_t len = bench_csv_row(buf, sizeof(buf), &r);

		CU_ASSERT_EQUAL(len, strlen(rows[i].want));
		if (strcmp(buf, rows[i].want) != 0)
			fprintf(stderr, "row '%s': %s", rows[i].name, buf);
		CU_ASSERT_STRING_EQUAL(buf, rows[i].want);
	}
}

static void
test_csv_small_buffer(void)
{
	struct bench_result r = {
		.id = 1, .server = "s", .file = "f", .result = "ok", .errmsg = "",
	};
	char buf[64];
	size_t full = bench_csv_row(buf, sizeof(buf), &r);
	size_t cap;

	CU_ASSERT_TRUE(full > 0);
	/* Every cap that cannot hold the row (and its NUL) yields 0 and "". */
	for (cap = 1; cap <= full; cap++) {
		memset(buf, 'Z', sizeof(buf));
		CU_ASSERT_EQUAL(bench_csv_row(buf, cap, &r), 0);
		CU_ASSERT_EQUAL(buf[0], '\0');
		CU_ASSERT_EQUAL(buf[cap], 'Z');	/* nothing written past cap */
	}
	CU_ASSERT_EQUAL(bench_csv_row(buf, full + 1, &r), full);
	CU_ASSERT_EQUAL(bench_csv_row(buf, 0, &r), 0);
	/* The header names as many columns as a row has. */
	{
		const char *h = bench_csv_header();
		int commas_h = 0, commas_r = 0;

		for (; *h; h++)
			commas_h += *h == ',';
		bench_csv_row(buf, sizeof(buf), &r);
		for (h = buf; *h; h++)
			commas_r += *h == ',';
		CU_ASSERT_EQUAL(commas_h, commas_r);
	}
}

/* ---- impairments ---- */

static void
test_loss_statistics(void)
{
	static const struct {
		const char *name;
		double pct;
		uint64_t lo, hi;	/* drops out of 100000, broad bounds */
	} rows[] = {
		{ "none", 0, 0, 0 },
		{ "1 %", 1, 700, 1300 },
		{ "5 %", 5, 4500, 5500 },
		{ "50 %", 50, 48500, 51500 },
		{ "all", 100, 100000, 100000 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_impair im;
		uint64_t drops = 0;
		int k;

		bench_impair_init(&im, 12345, rows[i].pct, true, true, 0);
		for (k = 0; k < 100000; k++)
			drops += bench_impair_drop_rx(&im);
		if (drops < rows[i].lo || drops > rows[i].hi)
			fprintf(stderr, "row '%s': %llu drops\n", rows[i].name,
				(unsigned long long)drops);
		CU_ASSERT_TRUE(drops >= rows[i].lo && drops <= rows[i].hi);
		CU_ASSERT_EQUAL(im.dropped_rx, drops);
		CU_ASSERT_EQUAL(im.dropped_tx, 0);
	}
}

static void
test_loss_direction_and_seed(void)
{
	struct bench_impair a, b;
	int k, same = 1, drops_tx = 0;

	bench_impair_init(&a, 7, 20, true, false, 0);
	for (k = 0; k < 10000; k++)
		drops_tx += bench_impair_drop_tx(&a);
	CU_ASSERT_EQUAL(drops_tx, 0);	/* rx-only loss never drops what we send */

	/* The same seed gives the same losses; another seed does not. */
	bench_impair_init(&a, 99, 10, true, true, 0);
	bench_impair_init(&b, 99, 10, true, true, 0);
	for (k = 0; k < 1000; k++)
		same &= bench_impair_drop_rx(&a) == bench_impair_drop_rx(&b);
	CU_ASSERT_TRUE(same);
	bench_impair_init(&b, 100, 10, true, true, 0);
	bench_impair_init(&a, 99, 10, true, true, 0);
	same = 1;
	for (k = 0; k < 1000; k++)
		same &= bench_impair_drop_rx(&a) == bench_impair_drop_rx(&b);
	CU_ASSERT_FALSE(same);
}

static void
test_delay_queue(void)
{
	struct bench_delay_queue q;
	struct bench_delayed *d;
	static const uint8_t p1[] = "first", p2[] = "second", p3[100] = { 0 };

	bench_delay_init(&q, 64);
	CU_ASSERT_TRUE(bench_delay_push(&q, 10, 1, 1, 0, 100, p1, sizeof(p1)));
	CU_ASSERT_TRUE(bench_delay_push(&q, 20, 2, 1, 0, 200, p2, sizeof(p2)));
	CU_ASSERT_FALSE(bench_delay_push(&q, 30, 3, 1, 0, 300, p3, sizeof(p3)));
	CU_ASSERT_EQUAL(q.overflow, 1);
	CU_ASSERT_PTR_NULL(bench_delay_peek_due(&q, 9));
	d = bench_delay_peek_due(&q, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->session, 1);
	CU_ASSERT_EQUAL(d->src_port, 100);
	CU_ASSERT_EQUAL(memcmp(d->data, p1, sizeof(p1)), 0);
	bench_delay_pop(&q);
	bench_delay_free(d);
	CU_ASSERT_PTR_NULL(bench_delay_peek_due(&q, 15));
	d = bench_delay_peek_due(&q, 25);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->len, sizeof(p2));
	bench_delay_pop(&q);
	bench_delay_free(d);
	CU_ASSERT_EQUAL(q.bytes, 0);
	CU_ASSERT_PTR_NULL(q.head);
	CU_ASSERT_PTR_NULL(q.tail);
	CU_ASSERT_TRUE(bench_delay_push(&q, 40, 4, 1, 0, 400, p1, sizeof(p1)));
	bench_delay_clear(&q);
	CU_ASSERT_PTR_NULL(q.head);
}

static void
test_strerror_table(void)
{
	int e;

	for (e = 0; e < BENCH_ERR__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(bench_strerror(e));
		CU_ASSERT_STRING_NOT_EQUAL(bench_strerror(e), "unknown");
	}
	CU_ASSERT_STRING_EQUAL(bench_strerror(BENCH_ERR__MAX), "unknown");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "RRQ carries only the options given", test_rrq_options_only_when_given },
		{ "OACK accepted, ACK 0", test_oack_accepted },
		{ "OACK grants less", test_oack_partial_grant },
		{ "OACK hostile rows", test_oack_hostile },
		{ "OACK resent is re-ACKed", test_oack_resent_reacked },
		{ "no OACK: lock-step at 512", test_no_oack_lockstep },
		{ "window ACK timing", test_window_ack_timing },
		{ "gap ACKs the last in-order block once", test_window_gap },
		{ "duplicate block re-ACKed", test_duplicate_reacked },
		{ "wrong TID ignored", test_wrong_tid_ignored },
		{ "stale answer to a reused port ignored", test_stale_first_answer_ignored },
		{ "ERROR from server", test_error_from_server },
		{ "final block rows", test_final_block },
		{ "verify mismatch", test_verify_mismatch },
		{ "longer than reference", test_data_longer_than_reference },
		{ "block larger than blksize", test_block_larger_than_blksize },
		{ "rollover 65535 -> 0", test_rollover },
		{ "old block after rollover", test_rollover_old_block_is_dup },
		{ "timeouts and give-up", test_timeouts },
		{ "abort from outside", test_abort },
		{ "msftwindow adaptive window", test_msftwindow },
		{ "msftwindow not granted", test_msftwindow_not_granted },
		{ "garbage and wrong opcodes fail", test_garbage_fails },
		{ "percentile vs naive sort", test_percentile_vs_sort },
		{ "percentile sorted inputs", test_percentile_sorted_inputs },
		{ "summary totals", test_summary },
		{ "CSV rows", test_csv_rows },
		{ "CSV small buffer", test_csv_small_buffer },
		{ "loss statistics", test_loss_statistics },
		{ "loss direction and seed", test_loss_direction_and_seed },
		{ "delay queue", test_delay_queue },
		{ "error strings", test_strerror_table },
		{ NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 131 + (i >> 8));
	return unit_run("bench", tests);
}
