/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcpbench's pure part: the DISCOVER read back by pxeline's own frame
 * classifier and DHCP parser, an OFFER built by pxeline's reply builder
 * recognised (and anything else refused), the in-flight table and the
 * histogram's percentiles.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bench/bench_dhcp.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/frame.h"
#include "unit.h"

#define SERVER 0xc0000202u	/* 192.0.2.2 */

static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* The DISCOVER of client 70000 as the engine's worker would parse it. */
static void
parse_discover(uint8_t *f, size_t *len, struct frame_info *fi, struct dhcp_msg *m)
{
	struct frame_local local = { .ip = SERVER, .netmask = 0xffffff00u };

	memcpy(local.mac, server_mac, 6);
	*len = bench_dhcp_build_discover(f, BENCH_DHCP_FRAME_MAX, 70000, 0xdeadbeef);
	CU_ASSERT_FATAL(*len > 0);
	CU_ASSERT_EQUAL_FATAL(frame_classify(f, *len, &local, 0, fi), FRAME_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi->payload, fi->payload_len, m), DHCP_OK);
}

static void
test_discover(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[BENCH_DHCP_FRAME_MAX], mac[6];
	struct frame_info fi;
	struct dhcp_msg m;
	size_t len;

	parse_discover(f, &len, &fi, &m);
	bench_dhcp_mac(70000, mac);
	CU_ASSERT_EQUAL(mac[0], 0x02);
	CU_ASSERT_EQUAL(mac[3], 0x01);	/* 70000 = 0x011170 */
	CU_ASSERT_EQUAL(mac[4], 0x11);
	CU_ASSERT_EQUAL(mac[5], 0x70);
	CU_ASSERT_EQUAL(memcmp(fi.src_mac, mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(fi.dst_mac, bcast, 6), 0);
	CU_ASSERT(fi.ip_broadcast);
	CU_ASSERT_EQUAL(fi.src_ip, 0);
	CU_ASSERT_EQUAL(fi.src_port, DHCP_PORT_CLIENT);
	CU_ASSERT_EQUAL(fi.dst_port, DHCP_PORT_SERVER);
	CU_ASSERT(fi.payload_len >= 300);
	CU_ASSERT_EQUAL(m.xid, 0xdeadbeef);
	CU_ASSERT_EQUAL(m.op, DHCP_OP_REQUEST);
	CU_ASSERT_EQUAL(m.msg_type, DHCP_DISCOVER);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, mac, 6), 0);
	CU_ASSERT(m.is_pxeclient);
	CU_ASSERT_STRING_EQUAL(m.vendor_class, BENCH_DHCP_VENDOR_CLASS);
	CU_ASSERT(dhcp_is_pxe_request(&m));
	CU_ASSERT_EQUAL(dhcp_reply_type(&m), DHCP_OFFER);
	CU_ASSERT_EQUAL(dhcp_msg_arch(&m), DHCP_ARCH_BIOS);
	CU_ASSERT(dhcp_has(&m, DHCP_OPT_CLIENT_NDI));
	CU_ASSERT_EQUAL(m.ndi[0], 1);
	CU_ASSERT_EQUAL(m.ndi[1], 2);
	CU_ASSERT_EQUAL(m.ndi[2], 1);
	CU_ASSERT(dhcp_has(&m, DHCP_OPT_CLIENT_UUID));
	CU_ASSERT_EQUAL(m.uuid[0], 0x4c);
	CU_ASSERT_EQUAL(m.uuid[13], 0x01);
	CU_ASSERT_EQUAL(m.uuid[15], 0x70);
	CU_ASSERT_EQUAL(m.max_size, 1260);
	/* A corrupted byte fails the UDP checksum: the sum is really there. */
	f[len - 1] ^= 0x55;
	{
		struct frame_local local = { .ip = SERVER, .netmask = 0xffffff00u };

		CU_ASSERT_EQUAL(frame_classify(f, len, &local, 0, &fi), FRAME_ERR_UDP_CSUM);
	}
}

/* pxeline's OFFER for the parsed DISCOVER, in a frame to dst. */
static size_t
build_offer(uint8_t *f, size_t cap, const struct dhcp_msg *req, uint32_t dst,
	    const uint8_t dst_mac[6], uint8_t type)
{
	struct dhcp_reply_params p = { .req = req, .msg_type = type,
				       .server_addr = SERVER, .boot_file = "undionly.kpxe" };
	struct frame_udp_tx t = { .src_ip = SERVER, .dst_ip = dst,
				  .src_port = DHCP_PORT_SERVER, .dst_port = DHCP_PORT_CLIENT,
				  .ttl = 64 };
	uint8_t payload[DHCP_REPLY_MAX_CAP];
	size_t plen, hlen;

	memcpy(t.src_mac, server_mac, 6);
	memcpy(t.dst_mac, dst_mac, 6);
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(payload, sizeof(payload), &p, &plen),
			      DHCP_OK);
	hlen = frame_udp_header_len(&t);
	CU_ASSERT_FATAL(hlen + plen <= cap);
	CU_ASSERT_EQUAL_FATAL(frame_build_udp_header(f, cap, &t, plen,
						     frame_udp_csum(&t, payload, plen)), hlen);
	memcpy(f + hlen, payload, plen);
	return hlen + plen;
}

static void
test_offer(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t d[BENCH_DHCP_FRAME_MAX], f[1600], mac[6], want[6];
	struct frame_info fi;
	struct dhcp_msg m;
	uint32_t xid = 0;
	size_t dlen, len;

	parse_discover(d, &dlen, &fi, &m);
	bench_dhcp_mac(70000, want);
	len = build_offer(f, sizeof(f), &m, 0xffffffffu, bcast, DHCP_OFFER);
	CU_ASSERT(bench_dhcp_offer(f, len, &xid, mac));
	CU_ASSERT_EQUAL(xid, 0xdeadbeef);
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	/* Unicast to some address and MAC: still the client's OFFER. */
	xid = 0;
	len = build_offer(f, sizeof(f), &m, 0xc0000264u, want, DHCP_OFFER);
	CU_ASSERT(bench_dhcp_offer(f, len, &xid, mac));
	CU_ASSERT_EQUAL(xid, 0xdeadbeef);
	/* An ACK is not an OFFER; the DISCOVER itself is not one either. */
	len = build_offer(f, sizeof(f), &m, 0xffffffffu, bcast, DHCP_ACK);
	CU_ASSERT_FALSE(bench_dhcp_offer(f, len, &xid, mac));
	CU_ASSERT_FALSE(bench_dhcp_offer(d, dlen, &xid, mac));
	/* A truncated OFFER is refused by the classifier. */
	len = build_offer(f, sizeof(f), &m, 0xffffffffu, bcast, DHCP_OFFER);
	CU_ASSERT_FALSE(bench_dhcp_offer(f, len - 40, &xid, mac));
}

static void
test_pending(void)
{
	struct bench_dhcp_pending p;

	CU_ASSERT_EQUAL(bench_dhcp_pending_init(&p, 3), -22);
	CU_ASSERT_EQUAL_FATAL(bench_dhcp_pending_init(&p, 4), 0);
	CU_ASSERT_FALSE(bench_dhcp_pending_add(&p, 100, 5000));
	CU_ASSERT_FALSE(bench_dhcp_pending_add(&p, 101, 6000));
	CU_ASSERT_EQUAL(bench_dhcp_pending_take(&p, 100), 5000);
	CU_ASSERT_EQUAL(bench_dhcp_pending_take(&p, 100), 0);	/* a duplicate */
	CU_ASSERT_EQUAL(bench_dhcp_pending_take(&p, 116), 0);	/* same slot, other xid */
	CU_ASSERT(bench_dhcp_pending_add(&p, 117, 7000));	/* 101 never answered */
	CU_ASSERT_EQUAL(bench_dhcp_pending_take(&p, 101), 0);
	CU_ASSERT_EQUAL(bench_dhcp_pending_take(&p, 117), 7000);
	bench_dhcp_pending_free(&p);
}

static void
test_hist(void)
{
	static struct bench_dhcp_hist h;
	unsigned i;

	bench_dhcp_hist_reset(&h);
	CU_ASSERT_EQUAL(bench_dhcp_hist_pct_us(&h, 99), 0);
	/* 98 answers in 10-11 us, one in 500 us, one past the last bucket. */
	for (i = 0; i < 98; i++)
		bench_dhcp_hist_add(&h, 10400);
	bench_dhcp_hist_add(&h, 500200);
	bench_dhcp_hist_add(&h, 250000000);
	CU_ASSERT_EQUAL(h.count, 100);
	CU_ASSERT_EQUAL(h.max_ns, 250000000);
	CU_ASSERT_DOUBLE_EQUAL(bench_dhcp_hist_pct_us(&h, 50), 11, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(bench_dhcp_hist_pct_us(&h, 98), 11, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(bench_dhcp_hist_pct_us(&h, 99), 501, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(bench_dhcp_hist_pct_us(&h, 100), 250000, 1e-9);
	/* A lone answer: the percentile is never above the maximum seen. */
	bench_dhcp_hist_reset(&h);
	bench_dhcp_hist_add(&h, 3200);
	CU_ASSERT_DOUBLE_EQUAL(bench_dhcp_hist_pct_us(&h, 99), 3.2, 1e-9);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "DISCOVER read by pxeline's parser", test_discover },
		{ "OFFER recognised, others refused", test_offer },
		{ "in-flight table by xid", test_pending },
		{ "answer-time percentiles", test_hist },
		{ NULL, NULL },
	};

	return unit_run("bench_dhcp", tests);
}
