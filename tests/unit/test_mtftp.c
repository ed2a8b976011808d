/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PXE MTFTP: the group address of a file, the RRQ decision, and whole
 * transfers driven the way pxeline runs them (a tftp_mcast group whose one
 * receiver is the requester, lock-step ACKs of the block just received, as
 * atftp --mget sends them) with loss, rollover and a listener that heard
 * only the second half.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/mtftp.h"
#include "dataplane/proto/tftp_mcast.h"
#include "unit.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void
test_group_ip_rows(void)
{
	static const struct {
		const char *name;
		const char *path;
		uint32_t base;
		uint8_t prefix;
		uint32_t lo, hi;	/* the answer is inside [lo, hi] */
	} rows[] = {
		{ "/32 is the base itself", "boot.wim", 0xefff0201u, 32, 0xefff0201u, 0xefff0201u },
		{ "/24 stays inside", "boot.wim", 0xefff0200u, 24, 0xefff0200u, 0xefff02ffu },
		{ "/31 two addresses", "x", 0xefff0200u, 31, 0xefff0200u, 0xefff0201u },
		{ "empty path", "", 0xefff0000u, 16, 0xefff0000u, 0xefffffffu },
		{ "long path", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/0/1/2/3",
		  0xe0000000u, 4, 0xe0000000u, 0xefffffffu },
		{ "high bytes", "\xff\xfe\x80", 0xefff0100u, 24, 0xefff0100u, 0xefff01ffu },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t ip = mtftp_group_ip(rows[i].path, rows[i].base, rows[i].prefix);

		if (ip < rows[i].lo || ip > rows[i].hi)
			printf("\n  row '%s': %08x outside", rows[i].name, ip);
		CU_ASSERT(ip >= rows[i].lo && ip <= rows[i].hi);
		/* The control thread and the worker must agree: same input, same address. */
		CU_ASSERT_EQUAL(ip, mtftp_group_ip(rows[i].path, rows[i].base, rows[i].prefix));
	}
	/* Paths differing in one byte differ in address (FNV mixes the last byte). */
	CU_ASSERT_NOT_EQUAL(mtftp_group_ip("boot.wim", 0xefff0200u, 24),
			    mtftp_group_ip("boot.win", 0xefff0200u, 24));
}

/* 2000 paths over a /24: every address used is in range and they spread. */
static void
test_group_ip_spread(void)
{
	static uint8_t seen[256];
	char path[64];
	int i, distinct = 0, out = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2000; i++) {
		uint32_t ip;

		snprintf(path, sizeof(path), "images/host%d/boot.wim", i);
		ip = mtftp_group_ip(path, 0xefff0200u, 24);
		if ((ip & 0xffffff00u) != 0xefff0200u) {
			out++;
			continue;
		}
		if (!seen[ip & 0xff]++)
			distinct++;
	}
	CU_ASSERT_EQUAL(out, 0);
	/* 2000 throws into 256 bins leave ~0 empty; 240 is a loose floor. */
	CU_ASSERT(distinct >= 240);
}

static void
test_decide_rows(void)
{
	static const struct mtftp_running run[] = {
		{ "boot.wim", 0xefff0201u },
		{ "pxelinux.0", 0xefff0202u },
	};
	static const struct {
		const char *name;
		size_t n;
		const char *path;
		uint32_t ip;
		enum mtftp_verdict want;
	} rows[] = {
		{ "nothing running", 0, "boot.wim", 0xefff0201u, MTFTP_V_START },
		{ "same file streams", 2, "boot.wim", 0xefff0201u, MTFTP_V_STREAMING },
		{ "same file, other address (config changed)", 2, "boot.wim", 0xefff0209u,
		  MTFTP_V_STREAMING },
		{ "other file on a busy address", 2, "other.efi", 0xefff0202u, MTFTP_V_CLASH },
		{ "prefix of a streaming name", 2, "boot.wi", 0xefff0203u, MTFTP_V_START },
		{ "streaming name is a prefix", 2, "boot.wim.bak", 0xefff0203u, MTFTP_V_START },
		{ "free address, new file", 2, "grub.efi", 0xefff0203u, MTFTP_V_START },
		{ "only the first counted", 1, "pxelinux.0", 0xefff0202u, MTFTP_V_START },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum mtftp_verdict v = mtftp_decide(run, rows[i].n, rows[i].path, rows[i].ip);

		if (v != rows[i].want)
			printf("\n  row '%s': %s", rows[i].name, mtftp_strverdict(v));
		CU_ASSERT_EQUAL(v, rows[i].want);
	}
	CU_ASSERT_STRING_EQUAL(mtftp_strverdict(MTFTP_V__MAX), "unknown MTFTP verdict");
	CU_ASSERT_STRING_EQUAL(mtftp_strverdict((enum mtftp_verdict)-1), "unknown MTFTP verdict");
}

/*
 * One MTFTP transfer of size bytes: the requester ACKs the wire number of
 * each block it gets (lock-step); loss_pct of the group's DATA is lost to
 * it, and then only the server's timer resends. A listener starts hearing
 * at block listen_from. Returns the blocks the group sent.
 */
static uint64_t
run_transfer(uint64_t size, unsigned loss_pct, uint64_t listen_from, uint64_t seed,
	     bool *ret_req_ok, bool *ret_listener_has_tail)
{
	static struct tftp_mcast_rcv slots[4];
	static uint8_t got[200000], heard[200000];
	struct tftp_mcast_limits lim = { 1000000, 1u << 30, 0 };
	struct tftp_mcast_group g;
	struct tftp_mcast_plan p;
	uint64_t last, b, rounds = 0, expect = 1, i;
	int32_t slot;
	bool order_ok = true;

	tftp_mcast_init(&g, slots, 4, size, MTFTP_BLKSIZE, &lim);
	last = g.last;
	memset(got, 0, last + 1);
	memset(heard, 0, last + 1);
	CU_ASSERT_EQUAL_FATAL(tftp_mcast_join(&g, 0xc0000215u, 2001, 0, &slot), TFTP_MCJ_JOINED);
	CU_ASSERT_EQUAL(slot, g.master);
	/* No OACK in MTFTP: the glue reads the RRQ as the master's ACK 0. */
	CU_ASSERT_EQUAL_FATAL(tftp_mcast_on_ack(&g, slot, 0, &p), TFTP_MCEV_ACT);
	CU_ASSERT_EQUAL(p.block, 1);
	CU_ASSERT_EQUAL(p.oack_to, -1);
	b = p.block;
	while (b && rounds++ < 4 * last + 1000) {
		uint64_t off;
		uint32_t len;

		tftp_mcast_block_span(&g, b, &off, &len);
		tftp_mcast_sent(&g, b, len);
		if (b >= listen_from)
			heard[b] = 1;
		if (loss_pct && rnd(&seed) % 100 < loss_pct) {
			/* Lost: the requester is silent, the timer fires. */
			if (tftp_mcast_on_timeout(&g, &p) != TFTP_MCEV_ACT)
				break;
			b = p.block;
			continue;
		}
		if (b != expect && b != expect - 1)
			order_ok = false;
		got[b] = 1;
		if (b == expect)
			expect++;
		if (tftp_mcast_on_ack(&g, slot, tftp_mcast_wire_block(b), &p) != TFTP_MCEV_ACT) {
			/* A duplicate ACK: the server waits for its timer. */
			if (tftp_mcast_on_timeout(&g, &p) != TFTP_MCEV_ACT)
				break;
		}
		if (p.ended) {
			CU_ASSERT_EQUAL(p.why, TFTP_MCE_DONE);
			break;
		}
		b = p.block;
	}
	for (i = 1; i <= last; i++)
		if (!got[i])
			order_ok = false;
	*ret_req_ok = order_ok && g.completed == 1 && g.n_rcv == 0;
	*ret_listener_has_tail = true;
	for (i = listen_from ? listen_from : 1; i <= last; i++)
		if (!heard[i])
			*ret_listener_has_tail = false;
	return g.blocks_sent;
}

static void
test_transfer_clean(void)
{
	bool ok, tail;
	uint64_t size = 1000 * MTFTP_BLKSIZE + 17, sent;

	sent = run_transfer(size, 0, 500, 1, &ok, &tail);
	CU_ASSERT(ok);
	CU_ASSERT(tail);
	/* Lock-step without loss: each block once, the short last one too. */
	CU_ASSERT_EQUAL(sent, 1001);
}

static void
test_transfer_exact_multiple(void)
{
	bool ok, tail;

	/* 512 x k bytes end with an empty block k+1 (RFC 1350). */
	CU_ASSERT_EQUAL(run_transfer(64 * MTFTP_BLKSIZE, 0, 1, 2, &ok, &tail), 65);
	CU_ASSERT(ok);
	CU_ASSERT(tail);
	CU_ASSERT_EQUAL(run_transfer(0, 0, 1, 2, &ok, &tail), 1);	/* empty file: one empty block */
	CU_ASSERT(ok);
}

static void
test_transfer_loss(void)
{
	bool ok, tail;
	uint64_t sent;

	sent = run_transfer(3000 * MTFTP_BLKSIZE + 100, 10, 1, 0x1234567ull, &ok, &tail);
	CU_ASSERT(ok);
	CU_ASSERT(tail);
	/* 10 % loss resends about a tenth again; never less than one copy. */
	CU_ASSERT(sent > 3001 && sent < 3001 * 13 / 10);
}

/* Past 65535 blocks the wire number rolls over to 0 and ACKs still read right. */
static void
test_transfer_rollover(void)
{
	bool ok, tail;
	uint64_t size = (uint64_t)140000 * MTFTP_BLKSIZE + 3;

	CU_ASSERT(size > MTFTP_MAX_PLAIN_SIZE);
	CU_ASSERT_EQUAL(run_transfer(size, 0, 70000, 7, &ok, &tail), 140001);
	CU_ASSERT(ok);
	CU_ASSERT(tail);
	CU_ASSERT(run_transfer(size, 3, 1, 9, &ok, &tail) >= 140001);
	CU_ASSERT(ok);
}

static void
test_limits(void)
{
	/* atftp --mget: blocks 1..65535 of 512 bytes, the last one short. */
	CU_ASSERT_EQUAL(MTFTP_MAX_PLAIN_SIZE / MTFTP_BLKSIZE + 1, 65535);
	CU_ASSERT_EQUAL((MTFTP_MAX_PLAIN_SIZE + 1) / MTFTP_BLKSIZE + 1, 65536);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "group address rows", test_group_ip_rows },
		{ "group addresses spread", test_group_ip_spread },
		{ "RRQ decision rows", test_decide_rows },
		{ "lock-step transfer", test_transfer_clean },
		{ "exact multiple and empty file", test_transfer_exact_multiple },
		{ "10 % loss", test_transfer_loss },
		{ "rollover past 65535", test_transfer_rollover },
		{ "16-bit limit", test_limits },
		{ NULL, NULL },
	};

	return unit_run("mtftp", tests);
}
