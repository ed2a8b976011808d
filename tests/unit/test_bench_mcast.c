/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tftpbench's RFC 2090 receiver: the OACK "multicast" value (named hostile
 * rows), the block bitmap and prefix against a naive reference on random
 * arrival orders, wire-to-absolute block numbers across rollover, and the
 * session as listener, late joiner and master driven by crafted packets.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bench/bench_mcast.h"
#include "bench/bench_session.h"
#include "dataplane/proto/tftp_packet.h"
#include "unit.h"

#define SRV_PORT 40000
#define MS 1000000ull
#define GROUP 0xefff0100u	/* 239.255.1.0 */

static uint8_t ref[1 << 16];

/* ---- the OACK value ---- */

struct value_row {
	const char *name;
	const char *val;
	enum bench_mc_err err;
	uint32_t group;
	uint16_t port;
	bool master;
};

static const struct value_row value_rows[] = {
	{ "pxeline master", "239.255.1.0,1758,1", BENCH_MC_OK, GROUP, 1758, true },
	{ "pxeline listener", "239.255.1.7,1758,0", BENCH_MC_OK, GROUP + 7, 1758, false },
	{ "224.0.0.1 lowest group", "224.0.0.1,1,0", BENCH_MC_OK, 0xe0000001u, 1, false },
	{ "RFC 2090 later OACK, no addr/port", ",,1", BENCH_MC_OK, 0, 0, true },
	{ "unicast address", "192.0.2.1,1758,1", BENCH_MC_ERR_ADDR, 0, 0, false },
	{ "240/4 is not multicast", "240.0.0.1,1758,1", BENCH_MC_ERR_ADDR, 0, 0, false },
	{ "octet 256", "239.256.1.0,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "three octets", "239.255.1,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "five octets", "239.255.1.0.1,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "empty octet", "239..1.0,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "signed octet", "239.+255.1.0,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "octet with 4 digits", "239.0255.1.0,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "space in address", "239.255.1.0 ,1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "port 0", "239.255.1.0,0,1", BENCH_MC_ERR_PORT, 0, 0, false },
	{ "port 65536", "239.255.1.0,65536,1", BENCH_MC_ERR_PORT, 0, 0, false },
	{ "port overflow digits", "239.255.1.0,99999999999,1", BENCH_MC_ERR_PORT, 0, 0, false },
	{ "negative port", "239.255.1.0,-1,1", BENCH_MC_ERR_PORT, 0, 0, false },
	{ "mc 2", "239.255.1.0,1758,2", BENCH_MC_ERR_FLAG, 0, 0, false },
	{ "mc empty", "239.255.1.0,1758,", BENCH_MC_ERR_FLAG, 0, 0, false },
	{ "mc 01 still 1", "239.255.1.0,1758,01", BENCH_MC_OK, GROUP, 1758, true },
	{ "mc with junk", "239.255.1.0,1758,1x", BENCH_MC_ERR_FLAG, 0, 0, false },
	{ "no commas", "239.255.1.0", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "one comma", "239.255.1.0,1758", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "three commas", "239.255.1.0,1758,1,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "address without port", "239.255.1.0,,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "port without address", ",1758,1", BENCH_MC_ERR_SYNTAX, 0, 0, false },
	{ "empty value (a client's)", "", BENCH_MC_ERR_SYNTAX, 0, 0, false },
};

static void
test_value_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(value_rows) / sizeof(value_rows[0]); i++) {
		const struct value_row *r = &value_rows[i];
		struct bench_mc_oack o;
		enum bench_mc_err e = bench_mc_parse_value(r->val, strlen(r->val), &o);

		if (e != r->err)
			fprintf(stderr, "\n  row '%s': got %s, want %s\n", r->name,
				bench_mc_strerror(e), bench_mc_strerror(r->err));
		CU_ASSERT_EQUAL(e, r->err);
		if (e != BENCH_MC_OK || r->err != BENCH_MC_OK)
			continue;
		CU_ASSERT_EQUAL(o.group, r->group);
		CU_ASSERT_EQUAL(o.port, r->port);
		CU_ASSERT_EQUAL(o.master, r->master);
	}
}

/* The value is bounded by its length, not a NUL: "1" of "12" is not "12". */
static void
test_value_length_bound(void)
{
	struct bench_mc_oack o;

	CU_ASSERT_EQUAL(bench_mc_parse_value("239.255.1.0,1758,1X", 18, &o), BENCH_MC_OK);
	CU_ASSERT_TRUE(o.master);
	CU_ASSERT_EQUAL(bench_mc_parse_value("239.255.1.0,1758,12", 18, &o), BENCH_MC_OK);
	CU_ASSERT_EQUAL(o.port, 1758);
}

#define B(s) (const uint8_t *)(s), sizeof(s) - 1

static void
test_parse_oack(void)
{
	struct bench_mc_oack o;

	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6blksize\0" "1428\0tsize\0" "9\0"
					      "multicast\0" "239.255.1.3,1758,0\0"), &o),
			BENCH_MC_OK);
	CU_ASSERT_EQUAL(o.group, GROUP + 3);
	CU_ASSERT_FALSE(o.master);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6MultiCast\0" "239.255.1.0,1758,1\0"), &o),
			BENCH_MC_OK);
	CU_ASSERT_TRUE(o.master);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6blksize\0" "1428\0"), &o),
			BENCH_MC_ERR_ABSENT);
	/* "multicastx" is another option, and the value may look like ours. */
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicastx\0" "239.255.1.0,1758,1\0"), &o),
			BENCH_MC_ERR_ABSENT);
	/* An option whose value is the word "multicast" is not the option. */
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6x\0multicast\0"), &o), BENCH_MC_ERR_ABSENT);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\3\0\1data"), &o), BENCH_MC_ERR_NOT_OACK);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0"), &o), BENCH_MC_ERR_NOT_OACK);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicast\0" "239.255.1.0,1758,1"), &o),
			BENCH_MC_ERR_NOT_OACK);	/* value without NUL */
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicast"), &o), BENCH_MC_ERR_NOT_OACK);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicast\0"), &o), BENCH_MC_ERR_NOT_OACK);
	/* Padding NULs after the last option end the list. */
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicast\0" ",,0\0\0\0"), &o), BENCH_MC_OK);
	CU_ASSERT_EQUAL(bench_mc_parse_oack(B("\0\6multicast\0" "10.0.0.1,69,1\0"), &o),
			BENCH_MC_ERR_ADDR);
}

/* ---- the bitmap ---- */

static uint64_t
rnd(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random arrival orders with duplicates; prefix and count against a bool array. */
static void
test_rx_random_vs_naive(void)
{
	enum { N = 3000 };
	static bool naive[N + 2];
	uint64_t st = 42, k;
	int round;

	for (round = 0; round < 20; round++) {
		struct bench_mc_rx rx;
		uint64_t have = 0, prefix = 0, last = 1 + rnd(&st) % N;
		bool fresh;

		memset(naive, 0, sizeof(naive));
		/* Half the rounds learn the size late, as without tsize. */
		CU_ASSERT_EQUAL_FATAL(bench_mc_rx_init(&rx, round % 2 ? last : 0), BENCH_MC_OK);
		for (k = 0; k < 4 * last && !bench_mc_rx_complete(&rx); k++) {
			uint64_t n = 1 + rnd(&st) % last;

			CU_ASSERT_EQUAL_FATAL(bench_mc_rx_add(&rx, n, &fresh), BENCH_MC_OK);
			CU_ASSERT_EQUAL(fresh, !naive[n]);
			if (!naive[n])
				have++;
			naive[n] = true;
			while (naive[prefix + 1])
				prefix++;
			CU_ASSERT_EQUAL(rx.have, have);
			CU_ASSERT_EQUAL(rx.prefix, prefix);
			CU_ASSERT_TRUE(bench_mc_rx_has(&rx, n));
			if (n == last && !rx.last)
				CU_ASSERT_EQUAL(bench_mc_rx_set_last(&rx, last), BENCH_MC_OK);
		}
		/* Then the holes in order, as a master pulls them. */
		while (!bench_mc_rx_complete(&rx)) {
			uint64_t n = rx.prefix + 1;

			CU_ASSERT_FALSE_FATAL(bench_mc_rx_has(&rx, n));
			CU_ASSERT_EQUAL_FATAL(bench_mc_rx_add(&rx, n, &fresh), BENCH_MC_OK);
			if (n == last && !rx.last)
				CU_ASSERT_EQUAL(bench_mc_rx_set_last(&rx, last), BENCH_MC_OK);
		}
		CU_ASSERT_EQUAL(rx.have, last);
		CU_ASSERT_EQUAL(rx.prefix, last);
		bench_mc_rx_free(&rx);
	}
}

static void
test_rx_edges(void)
{
	struct bench_mc_rx rx;
	bool fresh;

	CU_ASSERT_EQUAL(bench_mc_rx_init(&rx, 10), BENCH_MC_OK);
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 0, &fresh), BENCH_MC_ERR_RANGE);
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 11, &fresh), BENCH_MC_ERR_RANGE);
	CU_ASSERT_FALSE(fresh);
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 10, &fresh), BENCH_MC_OK);
	CU_ASSERT_TRUE(fresh);
	CU_ASSERT_EQUAL(rx.prefix, 0);	/* a late joiner's first block */
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 10, &fresh), BENCH_MC_OK);
	CU_ASSERT_FALSE(fresh);
	CU_ASSERT_EQUAL(rx.have, 1);
	CU_ASSERT_FALSE(bench_mc_rx_complete(&rx));
	/* A different end than the size said is refused. */
	CU_ASSERT_EQUAL(bench_mc_rx_set_last(&rx, 9), BENCH_MC_ERR_RANGE);
	bench_mc_rx_free(&rx);

	/* Size unknown: the bitmap grows; a short block cannot end the file
	 * before a block already held. */
	CU_ASSERT_EQUAL(bench_mc_rx_init(&rx, 0), BENCH_MC_OK);
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 200000, &fresh), BENCH_MC_OK);
	CU_ASSERT_TRUE(rx.cap >= 200000);
	CU_ASSERT_TRUE(bench_mc_rx_has(&rx, 200000));
	CU_ASSERT_FALSE(bench_mc_rx_has(&rx, 199999));
	CU_ASSERT_FALSE(bench_mc_rx_has(&rx, 200001));
	CU_ASSERT_EQUAL(bench_mc_rx_set_last(&rx, 100), BENCH_MC_ERR_RANGE);
	CU_ASSERT_EQUAL(bench_mc_rx_set_last(&rx, 200000), BENCH_MC_OK);
	CU_ASSERT_EQUAL(bench_mc_rx_add(&rx, 200001, &fresh), BENCH_MC_ERR_RANGE);
	bench_mc_rx_free(&rx);

	/* An empty file is one empty block. */
	CU_ASSERT_EQUAL(bench_mc_last_block(0, 512), 1);
	CU_ASSERT_EQUAL(bench_mc_last_block(512, 512), 2);
	CU_ASSERT_EQUAL(bench_mc_last_block(513, 512), 2);
	CU_ASSERT_EQUAL(bench_mc_last_block(40 * 1048576, 1428), 29372);
}

/* ---- wire numbers ---- */

struct abs_row {
	const char *name;
	uint64_t last;		/* 0: unknown */
	uint64_t hold_first;	/* blocks held before: [hold_first, hold_last] */
	uint64_t hold_last;
	uint64_t recent;	/* block added last */
	uint16_t wire;
	bool ok;
	uint64_t want;
};

static const struct abs_row abs_rows[] = {
	{ "small file: the only candidate", 100, 0, 0, 0, 42, true, 42 },
	{ "beyond a small file's end", 100, 0, 0, 0, 101, false, 0 },
	{ "wire 0 in a small file", 100, 0, 0, 0, 0, false, 0 },
	{ "rollover: 65535 then 0", 200000, 1, 65535, 65535, 0, true, 65536 },
	{ "after rollover the stream goes on", 200000, 1, 65540, 65540, 5, true, 65541 },
	{ "late joiner's repair pulls block 1", 200000, 70000, 70010, 70010, 1, true, 1 },
	{ "all candidates held: nearest the stream", 200000, 1, 70000, 70000, 3, true, 65539 },
	{ "far back beats far ahead: a master from the start", 200000, 131072, 140000,
	  140000, 100, true, 100 },
	{ "stream on the third lap", 200000, 131072, 140000, 140000, (uint16_t)140001, true,
	  140001 },
	{ "unknown size: within one period", 0, 1, 10, 10, 11, true, 11 },
	{ "unknown size: wire 0 right after 65535", 0, 1, 65535, 65535, 0, true, 65536 },
};

static void
test_abs_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(abs_rows) / sizeof(abs_rows[0]); i++) {
		const struct abs_row *r = &abs_rows[i];
		struct bench_mc_rx rx;
		uint64_t n, got = 0;
		bool fresh, ok;

		CU_ASSERT_EQUAL_FATAL(bench_mc_rx_init(&rx, r->last), BENCH_MC_OK);
		if (r->hold_first)
			for (n = r->hold_first; n <= r->hold_last; n++)
				CU_ASSERT_EQUAL_FATAL(bench_mc_rx_add(&rx, n, &fresh), BENCH_MC_OK);
		if (r->recent)
			rx.recent = r->recent;
		ok = bench_mc_rx_abs(&rx, r->wire, &got);
		if (ok != r->ok || (ok && got != r->want))
			fprintf(stderr, "\n  row '%s': got %d %llu, want %d %llu\n", r->name,
				ok, (unsigned long long)got, r->ok, (unsigned long long)r->want);
		CU_ASSERT_EQUAL(ok, r->ok);
		if (ok && r->ok)
			CU_ASSERT_EQUAL(got, r->want);
		bench_mc_rx_free(&rx);
	}
}

/* A straight stream over three wire periods maps back to itself. */
static void
test_abs_stream(void)
{
	struct bench_mc_rx rx;
	uint64_t n, got;
	bool fresh;

	CU_ASSERT_EQUAL_FATAL(bench_mc_rx_init(&rx, 3 * 65536 + 7), BENCH_MC_OK);
	for (n = 1; n <= 3 * 65536 + 7; n++) {
		if (!bench_mc_rx_abs(&rx, (uint16_t)n, &got) || got != n) {
			CU_FAIL("stream block mapped wrong");
			break;
		}
		CU_ASSERT_EQUAL_FATAL(bench_mc_rx_add(&rx, got, &fresh), BENCH_MC_OK);
	}
	CU_ASSERT_TRUE(bench_mc_rx_complete(&rx));
	bench_mc_rx_free(&rx);
}

/* ---- the session in a group ---- */

static struct bench_request
mk_req(uint64_t size)
{
	struct bench_request r;

	memset(&r, 0, sizeof(r));
	r.filename = "big.bin";
	r.server_port = 69;
	r.blksize = 512;
	r.tsize = true;
	r.multicast = true;
	r.rto_ns = 100 * MS;
	r.ref = ref;
	r.ref_len = size;
	return r;
}

static size_t
mk_oack(uint8_t *buf, size_t cap, uint64_t size, const char *mc)
{
	struct tftp_options g;
	size_t len;

	memset(&g, 0, sizeof(g));
	g.present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE;
	g.blksize = 512;
	g.tsize = size;
	len = tftp_build_oack(buf, cap, &g);
	CU_ASSERT_FATAL(len > 0);
	if (mc) {
		CU_ASSERT_FATAL(len + sizeof("multicast") + strlen(mc) + 1 <= cap);
		memcpy(buf + len, "multicast", sizeof("multicast"));
		len += sizeof("multicast");
		memcpy(buf + len, mc, strlen(mc) + 1);
		len += strlen(mc) + 1;
	}
	return len;
}

static bool
oack(struct bench_session *s, uint64_t size, const char *mc)
{
	uint8_t buf[256];

	return bench_session_on_packet(s, 1 * MS, SRV_PORT, buf,
				       mk_oack(buf, sizeof(buf), size, mc));
}

/* Block n of ref to the group (or alone when unicast). */
static bool
data(struct bench_session *s, uint64_t n, uint64_t size, bool unicast)
{
	static uint8_t buf[600];
	uint64_t off = (n - 1) * 512;
	size_t len = size - off < 512 ? size - off : 512;

	CU_ASSERT_FATAL(tftp_build_data_header(buf, sizeof(buf), (uint16_t)n) == 4);
	memcpy(buf + 4, ref + off, len);
	if (unicast)
		return bench_session_on_packet(s, 2 * MS, SRV_PORT, buf, 4 + len);
	return bench_session_on_group(s, 2 * MS, SRV_PORT, buf, 4 + len);
}

/* The ACK block number in s->tx. */
static int
acked(const struct bench_session *s)
{
	struct tftp_packet p;

	if (tftp_parse(s->tx, s->tx_len, &p) != TFTP_OK || p.opcode != TFTP_OP_ACK)
		return -1;
	return p.u.ack.block;
}

static void
test_session_rrq_asks_multicast(void)
{
	struct bench_request r = mk_req(5000);
	struct bench_session s;
	struct tftp_packet p;

	bench_session_init(&s, &r);
	CU_ASSERT_TRUE(bench_session_start(&s, 0));
	CU_ASSERT_EQUAL_FATAL(tftp_parse(s.tx, s.tx_len, &p), TFTP_OK);
	CU_ASSERT_TRUE(p.u.req.opts.present & TFTP_OPT_MULTICAST);
	r.multicast = false;
	bench_session_init(&s, &r);
	CU_ASSERT_TRUE(bench_session_start(&s, 0));
	CU_ASSERT_EQUAL_FATAL(tftp_parse(s.tx, s.tx_len, &p), TFTP_OK);
	CU_ASSERT_FALSE(p.u.req.opts.present & TFTP_OPT_MULTICAST);
	bench_session_release(&s);
}

/* A listener joins late, never ACKs, holds everything, and ends only as
 * master with the ACK of the last block; the hole is pulled from 1 on. */
static void
test_session_late_listener(void)
{
	const uint64_t size = 10 * 512 + 100;	/* blocks 1..11 */
	struct bench_request r = mk_req(size);
	struct bench_session s;
	uint64_t n;

	bench_session_init(&s, &r);
	CU_ASSERT_TRUE(bench_session_start(&s, 0));
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	CU_ASSERT_TRUE(s.mc);
	CU_ASSERT_FALSE(s.mc_master);
	CU_ASSERT_EQUAL(s.mc_group, GROUP);
	CU_ASSERT_EQUAL(s.mc_port, 1758);
	for (n = 6; n <= 11; n++)
		CU_ASSERT_FALSE(data(&s, n, size, false));	/* listeners are silent */
	CU_ASSERT_EQUAL(s.mc_rx.prefix, 0);
	CU_ASSERT_EQUAL(s.gaps, 1);
	/* Named master: it asks from its first hole. */
	CU_ASSERT_TRUE(oack(&s, size, "239.255.1.0,1758,1"));
	CU_ASSERT_EQUAL(acked(&s), 0);
	CU_ASSERT_EQUAL(s.mc_turns, 1);
	for (n = 1; n <= 4; n++) {
		CU_ASSERT_TRUE(data(&s, n, size, false));
		CU_ASSERT_EQUAL(acked(&s), (int)n);
	}
	/* A duplicate changes nothing and sends nothing. */
	CU_ASSERT_FALSE(data(&s, 3, size, false));
	CU_ASSERT_EQUAL(s.dup_blocks, 1);
	/* Block 5 closes the hole: the prefix jumps to the end, done. */
	CU_ASSERT_TRUE(data(&s, 5, size, false));
	CU_ASSERT_EQUAL(acked(&s), 11);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_DONE);
	CU_ASSERT_EQUAL(s.err, BENCH_OK);
	CU_ASSERT_EQUAL(s.bytes, size);
	CU_ASSERT_EQUAL(s.mc_group_bytes, size + 512);	/* one duplicate */
	bench_session_release(&s);
}

/* Complete as a listener: waits (no ACK) until named master. */
static void
test_session_complete_listener_waits(void)
{
	const uint64_t size = 3 * 512;	/* blocks 1..4, the last empty */
	struct bench_request r = mk_req(size);
	struct bench_session s;
	uint64_t n;

	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	for (n = 1; n <= 4; n++)
		CU_ASSERT_FALSE(data(&s, n, size, false));
	CU_ASSERT_TRUE(bench_mc_rx_complete(&s.mc_rx));
	CU_ASSERT_FALSE(bench_session_finished(&s));
	/* Timeouts as a listener send nothing. */
	CU_ASSERT_FALSE(bench_session_on_timeout(&s, 500 * MS));
	CU_ASSERT_FALSE(bench_session_finished(&s));
	/* A later OACK without address names us master. */
	CU_ASSERT_TRUE(oack(&s, size, ",,1"));
	CU_ASSERT_EQUAL(acked(&s), 4);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_DONE);
	bench_session_release(&s);
}

/* The first receiver is master from its OACK on: ACK 0, then each block. */
static void
test_session_master_from_start(void)
{
	const uint64_t size = 2 * 512 + 1;
	struct bench_request r = mk_req(size);
	struct bench_session s;

	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(oack(&s, size, "239.255.1.0,1758,1"));
	CU_ASSERT_EQUAL(acked(&s), 0);
	/* Block 2 before 1 (reordered): no new prefix, no ACK. */
	CU_ASSERT_FALSE(data(&s, 2, size, false));
	/* The timer resends the prefix. */
	CU_ASSERT_TRUE(bench_session_on_timeout(&s, 200 * MS));
	CU_ASSERT_EQUAL(acked(&s), 0);
	CU_ASSERT_EQUAL(s.retransmits, 1);
	/* Block 1 alone (unicast DATA is accepted too): prefix 2. */
	CU_ASSERT_TRUE(data(&s, 1, size, true));
	CU_ASSERT_EQUAL(acked(&s), 2);
	CU_ASSERT_EQUAL(s.mc_unicast_bytes, 512);
	CU_ASSERT_TRUE(data(&s, 3, size, false));
	CU_ASSERT_EQUAL(acked(&s), 3);
	CU_ASSERT_EQUAL(s.state, BENCH_ST_DONE);
	bench_session_release(&s);
}

static void
test_session_fallbacks_and_failures(void)
{
	const uint64_t size = 2 * 512 + 1;
	struct bench_request r = mk_req(size);
	struct bench_session s;
	struct tftp_packet p;
	uint8_t bad[600];

	/* No multicast in the OACK: served alone, the unicast machine. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(oack(&s, size, NULL));
	CU_ASSERT_FALSE(s.mc);
	CU_ASSERT_EQUAL(acked(&s), 0);
	CU_ASSERT_FALSE(data(&s, 1, size, false));	/* group DATA: not ours */
	CU_ASSERT_TRUE(data(&s, 1, size, true));
	CU_ASSERT_EQUAL(acked(&s), 1);
	bench_session_release(&s);

	/* Granted without being asked. */
	r.multicast = false;
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(oack(&s, size, "239.255.1.0,1758,1"));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_OACK);
	bench_session_release(&s);
	r.multicast = true;

	/* The first OACK must name the group. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(oack(&s, size, ",,1"));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_OACK);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(s.tx, s.tx_len, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_ERROR);
	bench_session_release(&s);

	/* Moved to another group mid-way. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	CU_ASSERT_TRUE(oack(&s, size, "239.255.1.9,1758,1"));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_OACK);
	bench_session_release(&s);

	/* A group block that differs from the reference. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	tftp_build_data_header(bad, sizeof(bad), 2);
	memcpy(bad + 4, ref + 512, 512);
	bad[4 + 17] ^= 1;
	CU_ASSERT_TRUE(bench_session_on_group(&s, 3 * MS, SRV_PORT, bad, 4 + 512));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_VERIFY);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.errmsg, "byte 529"));
	bench_session_release(&s);

	/* A short block that is not the last; a full one where the last is short. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	tftp_build_data_header(bad, sizeof(bad), 1);
	memcpy(bad + 4, ref, 100);
	CU_ASSERT_TRUE(bench_session_on_group(&s, 3 * MS, SRV_PORT, bad, 4 + 100));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_SIZE);
	bench_session_release(&s);
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	tftp_build_data_header(bad, sizeof(bad), 3);
	memcpy(bad + 4, ref + 1024, 512);
	CU_ASSERT_TRUE(bench_session_on_group(&s, 3 * MS, SRV_PORT, bad, 4 + 512));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_SIZE);
	bench_session_release(&s);

	/* Block 4 of a 3-block file is beyond the end. */
	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	tftp_build_data_header(bad, sizeof(bad), 4);
	CU_ASSERT_TRUE(bench_session_on_group(&s, 3 * MS, SRV_PORT, bad, 4));
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_PROTO);
	bench_session_release(&s);
}

/* Group traffic from another TID, or not DATA, is ignored. */
static void
test_session_group_noise(void)
{
	const uint64_t size = 2 * 512 + 1;
	struct bench_request r = mk_req(size);
	struct bench_session s;
	uint8_t buf[600];
	size_t len;

	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	len = tftp_build_data_header(buf, sizeof(buf), 1);
	memcpy(buf + len, ref, 512);
	CU_ASSERT_FALSE(bench_session_on_group(&s, 3 * MS, SRV_PORT + 1, buf, len + 512));
	CU_ASSERT_EQUAL(s.wrong_tid, 1);
	len = tftp_build_ack(buf, sizeof(buf), 1);
	CU_ASSERT_FALSE(bench_session_on_group(&s, 3 * MS, SRV_PORT, buf, len));
	CU_ASSERT_FALSE(bench_session_on_group(&s, 3 * MS, SRV_PORT, buf, 1));
	CU_ASSERT_EQUAL(s.mc_rx.have, 0);
	CU_ASSERT_FALSE(bench_session_finished(&s));
	bench_session_release(&s);
}

/* A silent group: a listener waits BENCH_MC_LISTEN_TIMEOUTS RTOs, a
 * master resends its ACK BENCH_MAX_TIMEOUTS - 1 times. */
static void
test_session_timeouts(void)
{
	const uint64_t size = 2 * 512 + 1;
	struct bench_request r = mk_req(size);
	struct bench_session s;
	uint32_t k, sent = 0;

	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_FALSE(oack(&s, size, "239.255.1.0,1758,0"));
	for (k = 1; k <= BENCH_MC_LISTEN_TIMEOUTS; k++) {
		sent += bench_session_on_timeout(&s, k * 100 * MS);
		if (k < BENCH_MC_LISTEN_TIMEOUTS)
			CU_ASSERT_FALSE(bench_session_finished(&s));
	}
	CU_ASSERT_EQUAL(sent, 0);
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_TIMEOUT);
	bench_session_release(&s);

	bench_session_init(&s, &r);
	bench_session_start(&s, 0);
	CU_ASSERT_TRUE(oack(&s, size, "239.255.1.0,1758,1"));
	for (k = 1, sent = 0; k <= BENCH_MAX_TIMEOUTS; k++)
		sent += bench_session_on_timeout(&s, k * 100 * MS);
	CU_ASSERT_EQUAL(sent, BENCH_MAX_TIMEOUTS - 1);
	CU_ASSERT_EQUAL(s.err, BENCH_ERR_TIMEOUT);
	bench_session_release(&s);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "OACK value table", test_value_table },
		{ "OACK value bounded by its length", test_value_length_bound },
		{ "OACK option search", test_parse_oack },
		{ "bitmap vs naive, random orders", test_rx_random_vs_naive },
		{ "bitmap edges", test_rx_edges },
		{ "wire to absolute table", test_abs_table },
		{ "wire to absolute, straight stream", test_abs_stream },
		{ "RRQ asks multicast", test_session_rrq_asks_multicast },
		{ "late listener, then master", test_session_late_listener },
		{ "complete listener waits for its turn", test_session_complete_listener_waits },
		{ "master from the start", test_session_master_from_start },
		{ "fallbacks and failures", test_session_fallbacks_and_failures },
		{ "group noise ignored", test_session_group_noise },
		{ "timeouts: listener vs master", test_session_timeouts },
		{ NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + 1);
	return unit_run("bench_mcast", tests);
}
