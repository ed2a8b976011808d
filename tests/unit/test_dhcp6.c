/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/dhcp6: parse client messages as firmware sends them (bytes of real
 * Solicits), Relay-Forw nesting and its limits, hostile lengths, and the
 * Advertise/Reply/Relay-Repl builder read back by a walker written here,
 * not by the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/dhcp6.h"
#include "unit.h"

static unsigned
be16_at(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*hex) {
		if (*hex == ' ' || *hex == '\n') {
			hex++;
			continue;
		}
		if (n == cap || sscanf(hex, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/*
 * OVMF's Solicit, captured (tcpdump) from Debian 12's ovmf
 * (OVMF_CODE_4M.fd) in QEMU/TCG, virtio-net 52:54:00:f1:00:02, -smbios
 * type=1,uuid=6a4e4b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b, from fe80::5054:ff:fef1:2
 * to ff02::1:2: client ID DUID-UUID (the SMBIOS UUID as the firmware reads
 * it: first three fields little-endian, like its IPv4 option 97), elapsed
 * time, IA_NA (T1/T2 infinite), ORO 59/60/23/16, NII 62 = UNDI 3.0, arch
 * 61 = 7, vendor class 16 = 343 "PXEClient:Arch:00007:UNDI:003000".
 */
static const char ovmf_solicit_hex[] =
	"017eab49"
	"00010012 0004 4e4b4e6a2d1c5f4e8a9b0c1d2e3f4a5b"
	"00080002 0000"
	"0003000c f3d65e5a ffffffff ffffffff"
	"00060008 003b 003c 0017 0010"
	"003e0003 010300"
	"003d0002 0007"
	"00100026 00000157 0020"
	"505845436c69656e743a417263683a30303030373a554e44493a303033303030";

/* iPXE's Solicit: DUID-LL of its MAC, IA_NA, ORO, user class "iPXE", elapsed. */
static const char ipxe_solicit_hex[] =
	"01 a1 b2 c3"
	"0001 000a 0003 0001 525400f10003"
	"0003 000c 12345678 00000000 00000000"
	"0006 0008 0017 0018 003b 003c"
	"000f 0006 0004 69505845"
	"0008 0002 0000";

static void
test_ovmf_solicit(void)
{
	static const uint8_t uuid[16] = { 0x4e, 0x4b, 0x4e, 0x6a, 0x2d, 0x1c, 0x5f, 0x4e,
					  0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b };
	uint8_t pkt[512], mac[6];
	struct dhcp6_msg m;
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(m.msg_type, DHCP6_SOLICIT);
	CU_ASSERT_EQUAL(m.xid, 0x7eab49);
	CU_ASSERT_EQUAL(m.n_relays, 0);
	CU_ASSERT_EQUAL(m.duid_type, DHCP6_DUID_UUID);
	CU_ASSERT(m.has_uuid);
	CU_ASSERT_EQUAL(memcmp(m.uuid, uuid, 16), 0);
	CU_ASSERT_FALSE(m.duid_has_mac);
	CU_ASSERT_EQUAL(dhcp6_msg_mac(&m, mac), DHCP6_MAC_NONE);
	CU_ASSERT_EQUAL(m.client_id_len, 18);
	CU_ASSERT(m.has_ia_na);
	CU_ASSERT_EQUAL(m.ia_na_iaid, 0xf3d65e5a);
	CU_ASSERT_EQUAL(m.n_oro, 4);
	CU_ASSERT_EQUAL(m.oro[0], DHCP6_OPT_BOOTFILE_URL);
	CU_ASSERT_EQUAL(m.oro[1], DHCP6_OPT_BOOTFILE_PARAM);
	CU_ASSERT_EQUAL(m.arch_code, 7);
	CU_ASSERT_EQUAL(m.n_arch, 1);
	CU_ASSERT_EQUAL(m.nii[0], 1);
	CU_ASSERT_EQUAL(m.nii[1], 3);
	CU_ASSERT_EQUAL(m.nii[2], 0);
	CU_ASSERT_EQUAL(m.oro[3], DHCP6_OPT_VENDOR_CLASS);
	CU_ASSERT_EQUAL(m.vendor_enterprise, 343);
	CU_ASSERT_STRING_EQUAL(m.vendor_class, "PXEClient:Arch:00007:UNDI:003000");
	CU_ASSERT(m.is_pxeclient);
	CU_ASSERT_FALSE(m.is_ipxe);
	CU_ASSERT(dhcp6_is_pxe_request(&m));
	CU_ASSERT_EQUAL(dhcp6_reply_type(&m), DHCP6_ADVERTISE);
	CU_ASSERT(dhcp6_has(&m, DHCP6_OPT_ELAPSED_TIME));
	CU_ASSERT_FALSE(dhcp6_has(&m, DHCP6_OPT_SERVERID));
}

static void
test_ipxe_solicit(void)
{
	static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0xf1, 0x00, 0x03 };
	uint8_t pkt[512], mac[6];
	struct dhcp6_msg m;
	size_t n = unhex(ipxe_solicit_hex, pkt, sizeof(pkt));

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(m.duid_type, DHCP6_DUID_LL);
	CU_ASSERT(m.duid_has_mac);
	CU_ASSERT_EQUAL(dhcp6_msg_mac(&m, mac), DHCP6_MAC_DUID);
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	CU_ASSERT(m.is_ipxe);
	CU_ASSERT_FALSE(m.is_pxeclient);
	CU_ASSERT(dhcp6_is_pxe_request(&m));
	CU_ASSERT_FALSE(dhcp6_has(&m, DHCP6_OPT_CLIENT_ARCH));
}

/* DUID-LLT of an Ethernet MAC gives the MAC; of another hardware type, not. */
static void
test_duid_kinds(void)
{
	static const struct {
		const char *name, *hex;
		enum dhcp6_err want;
		bool has_mac, has_uuid;
	} rows[] = {
		{ "LLT ether", "01000001 0001000e 0001 0001 2c3d4e5f 525400aabbcc", DHCP6_OK, true, false },
		{ "LLT token ring", "01000001 0001000e 0001 0006 2c3d4e5f 525400aabbcc", DHCP6_OK, false, false },
		{ "LLT short", "01000001 00010006 0001 0001 2c3d", DHCP6_ERR_DUID, false, false },
		{ "LL ether", "01000001 0001000a 0003 0001 525400aabbcc", DHCP6_OK, true, false },
		{ "LL 8-byte", "01000001 0001000c 0003 0001 525400aabbccddee", DHCP6_OK, false, false },
		{ "EN", "01000001 00010008 0002 00000009 01 02", DHCP6_OK, false, false },
		{ "EN short", "01000001 00010005 0002 000000", DHCP6_ERR_DUID, false, false },
		{ "UUID", "01000001 00010012 0004 00112233445566778899aabbccddeeff", DHCP6_OK, false, true },
		{ "UUID short", "01000001 00010011 0004 00112233445566778899aabbccddee", DHCP6_ERR_DUID, false, false },
		{ "unknown type", "01000001 00010004 0099 0102", DHCP6_OK, false, false },
		{ "two bytes", "01000001 00010002 0003", DHCP6_ERR_DUID, false, false },
		{ "no client id", "01000001 00080002 0000", DHCP6_ERR_NO_CLIENTID, false, false },
		{ "client id twice", "01000001 00010004 0099 0102 00010004 0099 0102", DHCP6_ERR_DUP_OPT, false, false },
		{ "server id twice", "03000001 00010004 0099 0102 00020004 0001 0102 00020004 0001 0102", DHCP6_ERR_DUP_OPT, false, false },
	};
	uint8_t pkt[256];
	struct dhcp6_msg m;
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = unhex(rows[i].hex, pkt, sizeof(pkt));
		ROW_ASSERT(dhcp6_parse(pkt, n, &m) == rows[i].want, rows[i].name);
		if (rows[i].want != DHCP6_OK)
			continue;
		ROW_ASSERT(m.duid_has_mac == rows[i].has_mac, rows[i].name);
		ROW_ASSERT(m.has_uuid == rows[i].has_uuid, rows[i].name);
	}
}

/* Hostile lengths and types, each refused for its own reason. */
static void
test_hostile(void)
{
	static const struct {
		const char *name, *hex;
		enum dhcp6_err want;
	} rows[] = {
		{ "empty", "", DHCP6_ERR_SHORT },
		{ "3 bytes", "010000", DHCP6_ERR_SHORT },
		{ "advertise", "02000001 00010004 0099 0102", DHCP6_ERR_TYPE },
		{ "reply", "07000001 00010004 0099 0102", DHCP6_ERR_TYPE },
		{ "relay-repl", "0d00" "00000000000000000000000000000000"
				"00000000000000000000000000000000", DHCP6_ERR_TYPE },
		{ "type 0", "00000001 00010004 0099 0102", DHCP6_ERR_TYPE },
		{ "option header cut", "01000001 0001", DHCP6_ERR_OPT_TRUNC },
		{ "option past end", "01000001 00010010 0099 0102", DHCP6_ERR_OPT_TRUNC },
		{ "elapsed 3 bytes", "01000001 00010004 0099 0102 00080003 000000", DHCP6_ERR_OPT_LEN },
		{ "ORO odd", "01000001 00010004 0099 0102 00060003 003b00", DHCP6_ERR_OPT_LEN },
		{ "arch empty", "01000001 00010004 0099 0102 003d0000", DHCP6_ERR_OPT_LEN },
		{ "NII 2 bytes", "01000001 00010004 0099 0102 003e0002 0103", DHCP6_ERR_OPT_LEN },
		{ "IA_NA short", "01000001 00010004 0099 0102 00030008 0000000100000000", DHCP6_ERR_OPT_LEN },
		{ "vendor no enterprise", "01000001 00010004 0099 0102 00100002 0000", DHCP6_ERR_CLASS },
		{ "vendor item past option", "01000001 00010004 0099 0102 00100008 00000157 00090050", DHCP6_ERR_CLASS },
		{ "user class item past option", "01000001 00010004 0099 0102 000f0004 00106950", DHCP6_ERR_CLASS },
		{ "relay 33 bytes", "0c00" "00000000000000000000000000000000"
				    "000000000000000000000000000000", DHCP6_ERR_SHORT },
		{ "relay without message", "0c00" "00000000000000000000000000000000"
					   "00000000000000000000000000000000", DHCP6_ERR_RELAY_MSG },
		{ "relay two messages", "0c00" "00000000000000000000000000000000"
					"00000000000000000000000000000000"
					"00090008 01000001 00010000"
					"00090008 01000001 00010000", DHCP6_ERR_RELAY_MSG },
		{ "relay hop count 9", "0c09" "00000000000000000000000000000000"
				       "00000000000000000000000000000000"
				       "0009000c 01000001 00010004 00990102", DHCP6_ERR_RELAY_HOPS },
		{ "relay ifid too long", "0c00" "00000000000000000000000000000000"
					 "00000000000000000000000000000000"
					 "00120041" "00000000000000000000000000000000" "00000000000000000000000000000000"
					 "00000000000000000000000000000000" "00000000000000000000000000000000" "00"
					 "0009000c 01000001 00010004 00990102", DHCP6_ERR_OPT_LEN },
		{ "relay option 79 short", "0c00" "00000000000000000000000000000000"
					   "00000000000000000000000000000000"
					   "004f0002 0001"
					   "0009000c 01000001 00010004 00990102", DHCP6_ERR_OPT_LEN },
	};
	uint8_t pkt[512];
	struct dhcp6_msg m;
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = unhex(rows[i].hex, pkt, sizeof(pkt));
		ROW_ASSERT(dhcp6_parse(pkt, n, &m) == rows[i].want, rows[i].name);
	}
}

/* Every prefix of a valid message parses only where an option ends, and
 * is never read past (exact-size copies: ASan sees an overread). */
static void
test_truncation_sweep(void)
{
	uint8_t pkt[512], *copy;
	bool boundary[512] = { false };
	struct dhcp6_msg m;
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt)), i;
	enum dhcp6_err e;

	/* After the client ID (the first option) every option end is a
	 * whole message. */
	for (i = 4; i + 4 <= n; i += 4 + be16_at(pkt + i + 2))
		boundary[i + 4 + be16_at(pkt + i + 2)] = true;
	for (i = 0; i < n; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, pkt, i);
		e = dhcp6_parse(copy, i, &m);
		ROW_ASSERT((e == DHCP6_OK) == boundary[i], "prefix");
		free(copy);
	}
	CU_ASSERT_EQUAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
}

/* Wraps msg (len bytes) in a Relay-Forw with hop count hops at out. */
static size_t
wrap_relay(uint8_t *out, uint8_t hops, const uint8_t link[16], const uint8_t peer[16],
	   const uint8_t *ifid, size_t ifid_len, const uint8_t *mac, const uint8_t *msg,
	   size_t len)
{
	size_t n = 0;

	out[n++] = DHCP6_RELAY_FORW;
	out[n++] = hops;
	memcpy(out + n, link, 16);
	n += 16;
	memcpy(out + n, peer, 16);
	n += 16;
	if (ifid) {
		out[n++] = 0;
		out[n++] = DHCP6_OPT_INTERFACE_ID;
		out[n++] = (uint8_t)(ifid_len >> 8);
		out[n++] = (uint8_t)ifid_len;
		memcpy(out + n, ifid, ifid_len);
		n += ifid_len;
	}
	if (mac) {
		static const uint8_t hdr[] = { 0, DHCP6_OPT_CLIENT_LINKLAYER, 0, 8, 0, 1 };

		memcpy(out + n, hdr, sizeof(hdr));
		n += sizeof(hdr);
		memcpy(out + n, mac, 6);
		n += 6;
	}
	out[n++] = 0;
	out[n++] = DHCP6_OPT_RELAY_MSG;
	out[n++] = (uint8_t)(len >> 8);
	out[n++] = (uint8_t)len;
	memmove(out + n, msg, len);
	return n + len;
}

static const uint8_t link_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, [15] = 1 };
static const uint8_t link_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, [15] = 1 };
static const uint8_t peer_ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0xf1, 0, 2 };
static const uint8_t peer_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, [15] = 2 };
static const uint8_t relay_mac[6] = { 0x52, 0x54, 0x00, 0xf1, 0x00, 0x02 };

/* Two relays: the inner one (next to the client) adds option 79 and an
 * interface-id, the outer one another interface-id. */
static size_t
two_relays(uint8_t *buf, size_t cap)
{
	uint8_t inner[512], mid[768];
	size_t n = unhex(ovmf_solicit_hex, inner, sizeof(inner));

	CU_ASSERT_FATAL(cap >= 1024);
	n = wrap_relay(mid, 0, link_a, peer_ll, (const uint8_t *)"eth1", 4, relay_mac, inner, n);
	return wrap_relay(buf, 1, link_b, peer_b, (const uint8_t *)"ge-0/0/7.0", 10, NULL, mid, n);
}

static void
test_relay_nesting(void)
{
	uint8_t pkt[1024], mac[6];
	struct dhcp6_msg m;
	size_t n = two_relays(pkt, sizeof(pkt));

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(m.n_relays, 2);
	CU_ASSERT_EQUAL(m.relay[0].hop_count, 1);
	CU_ASSERT_EQUAL(memcmp(m.relay[0].link, link_b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(m.relay[0].peer, peer_b, 16), 0);
	CU_ASSERT(m.relay[0].has_ifid);
	CU_ASSERT_EQUAL(m.relay[0].ifid_len, 10);
	CU_ASSERT_FALSE(m.relay[0].has_lladdr);
	CU_ASSERT_EQUAL(m.relay[1].hop_count, 0);
	CU_ASSERT_EQUAL(memcmp(m.relay[1].peer, peer_ll, 16), 0);
	CU_ASSERT(m.relay[1].has_lladdr);
	CU_ASSERT_EQUAL(m.relay[1].lladdr_type, DHCP6_HTYPE_ETHER);
	CU_ASSERT_EQUAL(m.msg_type, DHCP6_SOLICIT);
	CU_ASSERT(m.is_pxeclient);
	/* The UUID DUID names no MAC: option 79 of the inner relay does. */
	CU_ASSERT_EQUAL(dhcp6_msg_mac(&m, mac), DHCP6_MAC_OPTION79);
	CU_ASSERT_EQUAL(memcmp(mac, relay_mac, 6), 0);
}

/* Nine levels (hop counts 8 .. 0) parse; a tenth is refused. */
static void
test_relay_depth(void)
{
	uint8_t a[2048], b[2048], *cur = a, *other = b, *t;
	struct dhcp6_msg m;
	size_t n = unhex(ipxe_solicit_hex, a, sizeof(a));
	int level;

	for (level = 0; level < DHCP6_RELAY_MAX; level++) {
		n = wrap_relay(other, (uint8_t)level, link_a, peer_b, NULL, 0, NULL, cur, n);
		t = cur, cur = other, other = t;
	}
	CU_ASSERT_EQUAL(dhcp6_parse(cur, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(m.n_relays, DHCP6_RELAY_MAX);
	CU_ASSERT_EQUAL(m.relay[0].hop_count, DHCP6_HOP_COUNT_LIMIT);
	n = wrap_relay(other, DHCP6_HOP_COUNT_LIMIT, link_a, peer_b, NULL, 0, NULL, cur, n);
	CU_ASSERT_EQUAL(dhcp6_parse(other, n, &m), DHCP6_ERR_RELAY_HOPS);
}

/* ---- reading a built reply back, independently ---- */

/* The data of option code in opts (len bytes), or NULL; its length in ret. */
static const uint8_t *
find_opt(const uint8_t *opts, size_t len, unsigned code, size_t *ret)
{
	size_t i = 0;

	while (i + 4 <= len) {
		size_t olen = be16_at(opts + i + 2);

		CU_ASSERT_FATAL(i + 4 + olen <= len);
		if (be16_at(opts + i) == code) {
			*ret = olen;
			return opts + i + 4;
		}
		i += 4 + olen;
	}
	CU_ASSERT_EQUAL(i, len);
	return NULL;
}

static const uint8_t server_duid[10] = { 0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01 };

static void
check_message(const uint8_t *p, size_t len, const struct dhcp6_msg *req, uint8_t type,
	      const char *url)
{
	const uint8_t *o;
	size_t ol;

	CU_ASSERT_FATAL(len >= 4);
	CU_ASSERT_EQUAL(p[0], type);
	CU_ASSERT_EQUAL((uint32_t)(p[1] << 16 | p[2] << 8 | p[3]), req->xid);
	o = find_opt(p + 4, len - 4, DHCP6_OPT_SERVERID, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, sizeof(server_duid));
	CU_ASSERT_EQUAL(memcmp(o, server_duid, ol), 0);
	o = find_opt(p + 4, len - 4, DHCP6_OPT_CLIENTID, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, req->client_id_len);
	CU_ASSERT_EQUAL(memcmp(o, req->client_id, ol), 0);
	/* What EDK2 checks: length >= 13, enterprise 343, "PXEClient" at byte 6. */
	o = find_opt(p + 4, len - 4, DHCP6_OPT_VENDOR_CLASS, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT(ol >= 13);
	CU_ASSERT_EQUAL(be16_at(o) << 16 | be16_at(o + 2), 343);
	CU_ASSERT_EQUAL(be16_at(o + 4), 9);
	CU_ASSERT_EQUAL(memcmp(o + 6, "PXEClient", 9), 0);
	o = find_opt(p + 4, len - 4, DHCP6_OPT_BOOTFILE_URL, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, strlen(url));
	CU_ASSERT_EQUAL(memcmp(o, url, ol), 0);
	CU_ASSERT_PTR_NULL(find_opt(p + 4, len - 4, DHCP6_OPT_IA_NA, &ol));
	CU_ASSERT_PTR_NULL(find_opt(p + 4, len - 4, DHCP6_OPT_STATUS_CODE, &ol));
	CU_ASSERT_PTR_NULL(find_opt(p + 4, len - 4, DHCP6_OPT_PREFERENCE, &ol));
}

static const char url[] = "tftp://[2001:db8::2]/efi/bootx64.efi";

static struct dhcp6_reply_params
params(const struct dhcp6_msg *m)
{
	struct dhcp6_reply_params p = {
		.req = m,
		.server_id = server_duid,
		.server_id_len = sizeof(server_duid),
		.boot_url = url,
		.vendor_class = "PXEClient",
	};
	return p;
}

static void
test_build_direct(void)
{
	uint8_t pkt[512], out[1024];
	struct dhcp6_msg m;
	struct dhcp6_reply_params p;
	const uint8_t *o;
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt)), len, ol, cap;

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	p = params(&m);
	CU_ASSERT_EQUAL_FATAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_OK);
	check_message(out, len, &m, DHCP6_ADVERTISE, url);
	CU_ASSERT_PTR_NULL(find_opt(out + 4, len - 4, DHCP6_OPT_BOOTFILE_PARAM, &ol));
	/* 4 + (4+10) + (4+18) + (4+15) + (4+36) */
	CU_ASSERT_EQUAL(len, 99);

	p.boot_param = "root=/dev/nfs";
	p.msg_type = DHCP6_REPLY;
	CU_ASSERT_EQUAL_FATAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_OK);
	check_message(out, len, &m, DHCP6_REPLY, url);
	o = find_opt(out + 4, len - 4, DHCP6_OPT_BOOTFILE_PARAM, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, 2 + 13);
	CU_ASSERT_EQUAL(be16_at(o), 13);
	CU_ASSERT_EQUAL(memcmp(o + 2, "root=/dev/nfs", 13), 0);

	/* Every capacity below the length is refused, none written past. */
	for (cap = 0; cap < len; cap++) {
		memset(out, 0xa5, sizeof(out));
		CU_ASSERT_EQUAL(dhcp6_build_reply(out, cap, &p, &n), DHCP6_ERR_NO_SPACE);
		CU_ASSERT_EQUAL(out[cap], 0xa5);
	}
}

static void
test_build_relayed(void)
{
	uint8_t pkt[1024], out[1024];
	struct dhcp6_msg m;
	struct dhcp6_reply_params p;
	const uint8_t *o, *inner;
	size_t n = two_relays(pkt, sizeof(pkt)), len, ol, il;

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	p = params(&m);
	CU_ASSERT_EQUAL_FATAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_OK);
	/* Outer Relay-Repl: the outer relay's fields and interface-id. */
	CU_ASSERT_EQUAL(out[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(out[1], 1);
	CU_ASSERT_EQUAL(memcmp(out + 2, link_b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(out + 18, peer_b, 16), 0);
	o = find_opt(out + 34, len - 34, DHCP6_OPT_INTERFACE_ID, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, 10);
	CU_ASSERT_EQUAL(memcmp(o, "ge-0/0/7.0", 10), 0);
	CU_ASSERT_PTR_NULL(find_opt(out + 34, len - 34, DHCP6_OPT_CLIENT_LINKLAYER, &ol));
	inner = find_opt(out + 34, len - 34, DHCP6_OPT_RELAY_MSG, &il);
	CU_ASSERT_FATAL(inner != NULL);
	CU_ASSERT_EQUAL(inner + il, out + len);
	/* Inner Relay-Repl, to the relay next to the client. */
	CU_ASSERT_FATAL(il >= 34);
	CU_ASSERT_EQUAL(inner[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(inner[1], 0);
	CU_ASSERT_EQUAL(memcmp(inner + 2, link_a, 16), 0);
	CU_ASSERT_EQUAL(memcmp(inner + 18, peer_ll, 16), 0);
	o = find_opt(inner + 34, il - 34, DHCP6_OPT_INTERFACE_ID, &ol);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(ol, 4);
	CU_ASSERT_EQUAL(memcmp(o, "eth1", 4), 0);
	o = find_opt(inner + 34, il - 34, DHCP6_OPT_RELAY_MSG, &ol);
	CU_ASSERT_FATAL(o != NULL);
	check_message(o, ol, &m, DHCP6_ADVERTISE, url);
}

static void
test_build_params(void)
{
	uint8_t pkt[512], out[1024];
	struct dhcp6_msg m;
	struct dhcp6_reply_params p;
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt)), len;
	static char huge[70000];

	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	p = params(&m);
	p.boot_url = "";
	CU_ASSERT_EQUAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_ERR_PARAM);
	p = params(&m);
	p.server_id_len = 2;
	CU_ASSERT_EQUAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_ERR_PARAM);
	p = params(&m);
	p.msg_type = DHCP6_SOLICIT;
	CU_ASSERT_EQUAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_ERR_PARAM);
	/* A Confirm is owed nothing: no type to default to. */
	m.msg_type = DHCP6_CONFIRM;
	p = params(&m);
	CU_ASSERT_EQUAL(dhcp6_reply_type(&m), 0);
	CU_ASSERT_EQUAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_ERR_PARAM);
	m.msg_type = DHCP6_SOLICIT;
	memset(huge, 'a', sizeof(huge) - 1);
	p = params(&m);
	p.boot_url = huge;
	CU_ASSERT_EQUAL(dhcp6_build_reply(out, sizeof(out), &p, &len), DHCP6_ERR_NO_SPACE);
}

static void
test_reply_types(void)
{
	static const struct {
		uint8_t type, want;
	} rows[] = {
		{ DHCP6_SOLICIT, DHCP6_ADVERTISE }, { DHCP6_REQUEST, DHCP6_REPLY },
		{ DHCP6_INFORMATION_REQUEST, DHCP6_REPLY }, { DHCP6_CONFIRM, 0 },
		{ DHCP6_RENEW, 0 }, { DHCP6_REBIND, 0 }, { DHCP6_RELEASE, 0 }, { DHCP6_DECLINE, 0 },
	};
	struct dhcp6_msg m;
	size_t i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		m.msg_type = rows[i].type;
		CU_ASSERT_EQUAL(dhcp6_reply_type(&m), rows[i].want);
	}
}

static void
test_duid_ll(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t want[10] = { 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t out[10];

	CU_ASSERT_EQUAL(dhcp6_duid_ll(mac, out), 10);
	CU_ASSERT_EQUAL(memcmp(out, want, 10), 0);
}

static void
test_strerror(void)
{
	int i, j;

	for (i = 0; i < DHCP6_ERR__MAX; i++) {
		CU_ASSERT_NOT_EQUAL(strcmp(dhcp6_strerror(i), "unknown dhcp6 error"), 0);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(strcmp(dhcp6_strerror(i), dhcp6_strerror(j)), 0);
	}
	CU_ASSERT_STRING_EQUAL(dhcp6_strerror(DHCP6_ERR__MAX), "unknown dhcp6 error");
	CU_ASSERT_STRING_EQUAL(dhcp6_type_name(DHCP6_INFORMATION_REQUEST), "INFORMATION-REQUEST");
	CU_ASSERT_STRING_EQUAL(dhcp6_type_name(99), "type?");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "parse: OVMF Solicit (DUID-UUID, 3/6/16/61/62)", test_ovmf_solicit },
		{ "parse: iPXE Solicit (DUID-LL, user class)", test_ipxe_solicit },
		{ "parse: DUID kinds", test_duid_kinds },
		{ "parse: hostile table", test_hostile },
		{ "parse: truncation sweep", test_truncation_sweep },
		{ "relay: two levels, option 79, interface-ids", test_relay_nesting },
		{ "relay: depth limit", test_relay_depth },
		{ "build: direct Advertise and Reply", test_build_direct },
		{ "build: Relay-Repl nesting", test_build_relayed },
		{ "build: bad parameters", test_build_params },
		{ "reply types", test_reply_types },
		{ "DUID-LL", test_duid_ll },
		{ "strerror", test_strerror },
		{ NULL, NULL },
	};

	return unit_run("dhcp6", tests);
}
