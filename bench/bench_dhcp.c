/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DISCOVER is what a BIOS PXE ROM broadcasts (the options perfdhcp is
 * given in bench/dhcp.sh, plus 55 and 57 as ROMs send them); the OFFER is
 * read with pxeline's own dhcp_parse so that a malformed answer is not
 * counted as one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_dhcp.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/wire.h"

#define BOOTP_LEN_MIN 300
#define DHCP_MAX_MSG 1260	/* option 57, what UNDI ROMs say */

void
bench_dhcp_mac(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x50;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* The BOOTREQUEST itself, padded to the BOOTP minimum. */
static size_t
build_payload(uint8_t *out, size_t cap, const uint8_t mac[6], uint32_t i, uint32_t xid)
{
	static const uint8_t params[] = { 1, 3, 43, 54, 60, 66, 67, 97, 128, 129,
					  130, 131, 132, 133, 134, 135 };
	struct wire w = wire_writer(out, cap);
	uint8_t chaddr[16] = { 0 }, zero[DHCP_SNAME_LEN + DHCP_FILE_LEN] = { 0 };
	uint8_t uuid[16] = { 0x4c, 0x4c, 0x45, 0x44 };

	memcpy(chaddr, mac, 6);
	uuid[12] = (uint8_t)(i >> 24);
	uuid[13] = (uint8_t)(i >> 16);
	uuid[14] = (uint8_t)(i >> 8);
	uuid[15] = (uint8_t)i;
	wire_put_u8(&w, DHCP_OP_REQUEST);
	wire_put_u8(&w, DHCP_HTYPE_ETHER);
	wire_put_u8(&w, 6);
	wire_put_u8(&w, 0);		/* hops */
	wire_put_be32(&w, xid);
	wire_put_be16(&w, 0);		/* secs */
	wire_put_be16(&w, DHCP_FLAG_BROADCAST);
	wire_put_be32(&w, 0);		/* ciaddr, yiaddr, siaddr, giaddr */
	wire_put_be32(&w, 0);
	wire_put_be32(&w, 0);
	wire_put_be32(&w, 0);
	wire_put_bytes(&w, chaddr, sizeof(chaddr));
	wire_put_bytes(&w, zero, sizeof(zero));	/* sname, file */
	wire_put_be32(&w, DHCP_COOKIE);
	wire_put_u8(&w, DHCP_OPT_MSG_TYPE);
	wire_put_u8(&w, 1);
	wire_put_u8(&w, DHCP_DISCOVER);
	wire_put_u8(&w, DHCP_OPT_PARAM_LIST);
	wire_put_u8(&w, sizeof(params));
	wire_put_bytes(&w, params, sizeof(params));
	wire_put_u8(&w, DHCP_OPT_MAX_SIZE);
	wire_put_u8(&w, 2);
	wire_put_be16(&w, DHCP_MAX_MSG);
	wire_put_u8(&w, DHCP_OPT_VENDOR_CLASS);
	wire_put_u8(&w, sizeof(BENCH_DHCP_VENDOR_CLASS) - 1);
	wire_put_bytes(&w, BENCH_DHCP_VENDOR_CLASS, sizeof(BENCH_DHCP_VENDOR_CLASS) - 1);
	wire_put_u8(&w, DHCP_OPT_CLIENT_ARCH);
	wire_put_u8(&w, 2);
	wire_put_be16(&w, 0);		/* x86 BIOS */
	wire_put_u8(&w, DHCP_OPT_CLIENT_NDI);
	wire_put_u8(&w, 3);
	wire_put_u8(&w, 1);		/* UNDI 2.1 */
	wire_put_u8(&w, 2);
	wire_put_u8(&w, 1);
	wire_put_u8(&w, DHCP_OPT_CLIENT_UUID);
	wire_put_u8(&w, 17);
	wire_put_u8(&w, 0);		/* type 0: a GUID follows */
	wire_put_bytes(&w, uuid, sizeof(uuid));
	wire_put_u8(&w, DHCP_OPT_END);
	while (wire_ok(&w) && w.pos < BOOTP_LEN_MIN)
		wire_put_u8(&w, DHCP_OPT_PAD);
	return wire_ok(&w) ? w.pos : 0;
}

size_t
bench_dhcp_build_discover(uint8_t *out, size_t cap, uint32_t i, uint32_t xid)
{
	struct frame_udp_tx t;
	size_t hlen, plen;

	memset(&t, 0, sizeof(t));
	bench_dhcp_mac(i, t.src_mac);
	memset(t.dst_mac, 0xff, 6);
	t.src_ip = 0;
	t.dst_ip = 0xffffffffu;
	t.src_port = DHCP_PORT_CLIENT;
	t.dst_port = DHCP_PORT_SERVER;
	t.ttl = 64;
	t.ip_id = (uint16_t)xid;
	hlen = frame_udp_header_len(&t);
	if (cap < hlen)
		return 0;
	plen = build_payload(out + hlen, cap - hlen, t.src_mac, i, xid);
	if (plen == 0 || frame_build_udp_header(out, hlen, &t, plen,
						frame_udp_csum(&t, out + hlen, plen)) != hlen)
		return 0;
	return hlen + plen;
}

bool
bench_dhcp_offer(const uint8_t *frame, size_t len, uint32_t *ret_xid, uint8_t ret_mac[6])
{
	struct frame_local local;
	struct frame_info fi;
	struct dhcp_msg m;
	enum frame_err e;

	/* First as nobody (a broadcast gets through); a unicast OFFER comes
	 * back as not for us with its addresses read: then as its receiver. */
	memset(&local, 0, sizeof(local));
	e = frame_classify(frame, len, &local, 0, &fi);
	if (e == FRAME_ERR_NOT_FOR_US) {
		local.ip = fi.dst_ip;
		memcpy(local.mac, fi.dst_mac, 6);
		e = frame_classify(frame, len, &local, 0, &fi);
	}
	if (e != FRAME_OK || fi.kind != FRAME_UDP || fi.dst_port != DHCP_PORT_CLIENT)
		return false;
	if (dhcp_parse(fi.payload, fi.payload_len, &m) != DHCP_OK ||
	    m.op != DHCP_OP_REPLY || m.msg_type != DHCP_OFFER)
		return false;
	*ret_xid = m.xid;
	memcpy(ret_mac, m.chaddr, 6);
	return true;
}

int
bench_dhcp_pending_init(struct bench_dhcp_pending *p, unsigned size_log2)
{
	size_t n = (size_t)1 << size_log2;

	memset(p, 0, sizeof(*p));
	if (size_log2 < 4 || size_log2 > 26)
		return -EINVAL;
	p->xid = calloc(n, sizeof(*p->xid));
	p->sent = calloc(n, sizeof(*p->sent));
	if (!p->xid || !p->sent) {
		bench_dhcp_pending_free(p);
		return -ENOMEM;
	}
	p->mask = (uint32_t)(n - 1);
	return 0;
}

void
bench_dhcp_pending_free(struct bench_dhcp_pending *p)
{
	free(p->xid);
	free(p->sent);
	memset(p, 0, sizeof(*p));
}

bool
bench_dhcp_pending_add(struct bench_dhcp_pending *p, uint32_t xid, uint64_t t)
{
	uint32_t k = xid & p->mask;
	bool overwrote = p->sent[k] != 0;

	p->xid[k] = xid;
	p->sent[k] = t;
	return overwrote;
}

uint64_t
bench_dhcp_pending_take(struct bench_dhcp_pending *p, uint32_t xid)
{
	uint32_t k = xid & p->mask;
	uint64_t t = p->sent[k];

	if (t == 0 || p->xid[k] != xid)
		return 0;
	p->sent[k] = 0;
	return t;
}

void
bench_dhcp_hist_reset(struct bench_dhcp_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
bench_dhcp_hist_add(struct bench_dhcp_hist *h, uint64_t ns)
{
	uint64_t us = ns / 1000;

	h->bucket[us < BENCH_DHCP_HIST_US ? us : BENCH_DHCP_HIST_US]++;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

double
bench_dhcp_hist_pct_us(const struct bench_dhcp_hist *h, double p)
{
	double max_us = (double)h->max_ns / 1000.0, edge;
	uint64_t rank, seen = 0;
	uint32_t b;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(p / 100.0 * (double)h->count + 0.999999);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < BENCH_DHCP_HIST_US; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			edge = (double)b + 1.0;
			return edge < max_us ? edge : max_us;
		}
	}
	return max_us;
}
