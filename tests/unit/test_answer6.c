/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/dhcp/answer6.c: DHCPv6 requests (parsed from bytes by
 * proto/dhcp6.c) answered from a real policy snapshot: the profile's EFI
 * file as tftp://[ADDRESS6]/FILE, the MAC from the frame, option 79 or the
 * DUID, the UUID from DUID-UUID winning over the MAC, the ignore list,
 * another server's Request, a one-shot left to IPv4, addressing of direct,
 * relayed and 4011 replies. Pure: no EAL, no SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/dhcp/answer6.h"
#include "dataplane/dhcp/snapshot.h"
#include "unit.h"

static struct pxeline_config cfg;
static const uint32_t server_ip[1] = { 0xc0000202u };
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t client_ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0xf1,
				       0x00, 0x02 };
static const uint8_t relay6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, [15] = 1 };
static const uint8_t all_dhcp[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
static const uint8_t ovmf_mac[6] = { 0x52, 0x54, 0x00, 0xf1, 0x00, 0x02 };
static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0x77, 0x77, 0x77 };
/* OVMF's SMBIOS UUID as its DUID-UUID carries it (test_dhcp6.c's capture). */
static const uint8_t ovmf_uuid[16] = { 0x4e, 0x4b, 0x4e, 0x6a, 0x2d, 0x1c, 0x5f, 0x4e,
				       0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b };

/* OVMF's captured Solicit (test_dhcp6.c has its story). */
static const char ovmf_solicit_hex[] =
	"017eab49" "00010012 0004 4e4b4e6a2d1c5f4e8a9b0c1d2e3f4a5b" "00080002 0000"
	"0003000c f3d65e5a ffffffff ffffffff" "00060008 003b 003c 0017 0010"
	"003e0003 010300" "003d0002 0007" "00100026 00000157 0020"
	"505845436c69656e743a417263683a30303030373a554e44493a303033303030";

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	for (; *hex; hex++) {
		if (*hex == ' ')
			continue;
		if (n == cap || sscanf(hex, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		hex++;
	}
	return n;
}

static void
config(void)
{
	struct cfg_profile *p = &cfg.profiles[0];

	memset(&cfg, 0, sizeof(cfg));
	cfg_defaults(&cfg);
	snprintf(p->name, sizeof(p->name), "default");
	snprintf(p->bios, sizeof(p->bios), "undionly.kpxe");
	snprintf(p->efi_x64, sizeof(p->efi_x64), "efi/boot x64.efi");
	snprintf(p->arm64, sizeof(p->arm64), "efi/bootaa64.efi");
	snprintf(p->ipxe, sizeof(p->ipxe), "boot.ipxe");
	snprintf(cfg.profiles[1].name, sizeof(cfg.profiles[1].name), "reimage");
	snprintf(cfg.profiles[1].efi_x64, sizeof(cfg.profiles[1].efi_x64), "reimage.efi");
	cfg.n_profiles = 2;
	cfg.unknown_action = CFG_UNKNOWN_BOOT;
	snprintf(cfg.unknown_profile, sizeof(cfg.unknown_profile), "default");
	cfg.dhcp.n_ignore = 1;
	memcpy(cfg.dhcp.ignore_macs[0], other_mac, 6);
}

static struct dhcp_snapshot *
snap(enum boot_action uuid_action)
{
	struct dhcp_snapshot *s;
	struct dhcp_snap_host h;

	config();
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_create(&cfg, server_ip, 1, &s), DHCP_SNAP_OK);
	memset(&h, 0, sizeof(h));
	h.h.id = 7;
	h.h.action = uuid_action;
	h.h.once_armed = uuid_action == BOOT_ACTION_ONCE;
	snprintf(h.h.profile, sizeof(h.h.profile), "reimage");
	h.has_uuid = true;
	memcpy(h.uuid, ovmf_uuid, 16);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_add_host(s, &h), DHCP_SNAP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_seal(s), DHCP_SNAP_OK);
	return s;
}

static void
ctx_direct(struct dhcp6_rx_ctx *c, const uint8_t *src_mac)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->src_mac, src_mac, 6);
	memcpy(c->src, client_ll, 16);
	memcpy(c->dst, all_dhcp, 16);
	c->src_port = DHCP6_PORT_CLIENT;
	c->dst_port = DHCP6_PORT_SERVER;
	memcpy(c->our_mac, our_mac, 6);
	c->has_addr6 = true;
	memcpy(c->addr6, our6, 16);
}

#define NOW_NS 1000	/* the monotonic clock of every answer */

static struct dhcp6_answer ans;
static struct log_dhcp t;
static struct dhcp6_msg m;

static enum dhcp_outcome
answer(const struct dhcp_snapshot *s, const uint8_t *pkt, size_t n, const struct dhcp6_rx_ctx *c)
{
	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	return dhcp6_answer(s, &m, c, NOW_NS, NULL, &ans, &t);
}

/* The boot file URL in the reply's message (at off), or "". */
static void
reply_url(size_t off, char *buf, size_t cap)
{
	const uint8_t *p = ans.tx.payload + off;
	size_t len = ans.tx.len - off, i = 4, olen;

	buf[0] = '\0';
	while (i + 4 <= len) {
		olen = (size_t)(p[i + 2] << 8 | p[i + 3]);
		if ((p[i] << 8 | p[i + 1]) == DHCP6_OPT_BOOTFILE_URL && olen < cap) {
			memcpy(buf, p + i + 4, olen);
			buf[olen] = '\0';
		}
		i += 4 + olen;
	}
}

/* EDK2's Request to our 4011 (xid, our DUID-LL as our Advertise gave it,
 * option 16 "PXEClient:Arch:000NN" with arch_hex its last hex digits, no
 * option 61) into buf; c then addresses it as sent from 4011 to 4011. */
static size_t
boot_request(uint8_t *buf, size_t cap, const char *xid_hex, const char *arch_hex,
	     struct dhcp6_rx_ctx *c)
{
	char hex[160];
	uint8_t duid[10];
	size_t n, dn;

	snprintf(hex, sizeof(hex), "03%s 00010004 0099 0102 0002000a", xid_hex);
	n = unhex(hex, buf, cap);
	dn = dhcp6_duid_ll(our_mac, duid);
	memcpy(buf + n, duid, dn);
	n += dn;
	snprintf(hex, sizeof(hex), "0010001a 00000157 0014 505845436c69656e743a417263683a3030303%s",
		 arch_hex);
	n += unhex(hex, buf + n, cap - n);
	c->dst_port = DHCP6_PORT_BOOT_SERVICE;
	c->src_port = DHCP6_PORT_BOOT_SERVICE;
	return n;
}

/* OVMF's Solicit, no record of its UUID: the default profile's EFI file. */
static void
test_ovmf_default(void)
{
	struct dhcp_snapshot *s = snap(BOOT_ACTION_BOOT);
	struct dhcp6_rx_ctx c;
	uint8_t pkt[512];
	char url[256];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));

	pkt[20] ^= 1;	/* another UUID: no record */
	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL_FATAL(answer(s, pkt, n, &c), DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(ans.tx.payload[0], DHCP6_ADVERTISE);
	reply_url(0, url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "tftp://[2001:db8::2]/efi/boot%20x64.efi");
	CU_ASSERT_STRING_EQUAL(t.file, url);
	CU_ASSERT_EQUAL(memcmp(ans.tx.dst, client_ll, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ans.tx.dst_mac, ovmf_mac, 6), 0);
	CU_ASSERT_EQUAL(ans.tx.src_port, DHCP6_PORT_SERVER);
	CU_ASSERT_EQUAL(ans.tx.dst_port, DHCP6_PORT_CLIENT);
	CU_ASSERT_EQUAL(t.v6, 1);
	CU_ASSERT_EQUAL(t.mac_from, DHCP6_MAC_ETHERNET);
	CU_ASSERT_EQUAL(memcmp(t.mac, ovmf_mac, 6), 0);
	CU_ASSERT_EQUAL(t.arch, DHCP_ARCH_EFI_X64);
	CU_ASSERT_EQUAL(t.arch_code, 7);
	CU_ASSERT_STRING_EQUAL(t.profile, "default");
	CU_ASSERT_EQUAL(t.duid_type, DHCP6_DUID_UUID);
	dhcp_snap_free(s);
}

/* The DUID-UUID finds the record: its profile, over the MAC's default. */
static void
test_uuid_record(void)
{
	struct dhcp_snapshot *s = snap(BOOT_ACTION_BOOT);
	struct dhcp6_rx_ctx c;
	uint8_t pkt[512];
	char url[256];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));

	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL_FATAL(answer(s, pkt, n, &c), DHCP_OUT_REPLY);
	reply_url(0, url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "tftp://[2001:db8::2]/reimage.efi");
	CU_ASSERT_EQUAL(t.host_id, 7);
	CU_ASSERT_STRING_EQUAL(t.profile, "reimage");
	dhcp_snap_free(s);
}

/* An armed one-shot is the control thread's to take: silent now. */
static void
test_once_taking(void)
{
	struct dhcp_snapshot *s = snap(BOOT_ACTION_ONCE);
	struct dhcp6_rx_ctx c;
	uint8_t pkt[512];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));

	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_ONCE_TAKING);
	CU_ASSERT_EQUAL(t.outcome, DHCP_OUT_ONCE_TAKING);
	CU_ASSERT_EQUAL(t.host_id, 7);
	dhcp_snap_free(s);
}

/* Taken by the control thread, the snapshot has the host in its grace:
 * the retransmission gets the one-shot's answer, nothing left to take. */
static void
test_once_grace(void)
{
	struct dhcp_snapshot *s;
	struct dhcp_snap_host h;
	struct dhcp6_rx_ctx c;
	uint8_t pkt[512];
	char url[256];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));

	config();
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_create(&cfg, server_ip, 1, &s), DHCP_SNAP_OK);
	memset(&h, 0, sizeof(h));
	h.h.id = 7;
	h.h.action = BOOT_ACTION_ONCE;
	h.h.once_armed = false;
	h.grace_until_ns = NOW_NS + 1;
	snprintf(h.h.profile, sizeof(h.h.profile), "reimage");
	h.has_uuid = true;
	memcpy(h.uuid, ovmf_uuid, 16);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_add_host(s, &h), DHCP_SNAP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_seal(s), DHCP_SNAP_OK);
	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL_FATAL(answer(s, pkt, n, &c), DHCP_OUT_REPLY);
	reply_url(0, url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "tftp://[2001:db8::2]/reimage.efi");
	CU_ASSERT_TRUE(t.notes & DHCP_NOTE_GRACE);
	CU_ASSERT_FALSE(ans.a.d.consume_once);
	dhcp_snap_free(s);
}

static void
test_refusals(void)
{
	struct dhcp_snapshot *s = snap(BOOT_ACTION_BOOT);
	struct dhcp6_rx_ctx c;
	uint8_t pkt[512];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt));
	/* A Request naming another server, one naming us, one naming none. */
	static const char req_other[] = "03000001 00010004 0099 0102 00020004 0001 0102"
					"00100010 00000157 000a 505845436c69656e743a";
	uint8_t req_ours[128];
	size_t rn;

	ctx_direct(&c, other_mac);
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_IGNORED_MAC);
	ctx_direct(&c, ovmf_mac);
	c.has_addr6 = false;
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_NO_ADDRESS);
	ctx_direct(&c, ovmf_mac);
	c.port_idx = 3;
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_BAD_PORT);
	ctx_direct(&c, ovmf_mac);
	n = unhex(req_other, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_OTHER_SERVER);
	/* Ours. No option 61: the architecture from option 16's "Arch:" (arm64). */
	rn = boot_request(req_ours, sizeof(req_ours), "000002", "131", &c);
	CU_ASSERT_EQUAL(answer(s, req_ours, rn, &c), DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(ans.tx.payload[0], DHCP6_REPLY);
	/* EDK2 reads the answer on 4011 from 4011. */
	CU_ASSERT_EQUAL(ans.tx.src_port, DHCP6_PORT_BOOT_SERVICE);
	CU_ASSERT_EQUAL(ans.tx.dst_port, DHCP6_PORT_BOOT_SERVICE);
	CU_ASSERT_EQUAL(t.arch, DHCP_ARCH_ARM64);
	CU_ASSERT_STRING_EQUAL(t.file, "tftp://[2001:db8::2]/efi/bootaa64.efi");
	/* A Request without option 2 is nobody's. */
	n = unhex("03000003 00010004 0099 0102 00100010 00000157 000a 505845436c69656e743a",
		  pkt, sizeof(pkt));
	CU_ASSERT_EQUAL(answer(s, pkt, n, &c), DHCP_OUT_NOT_OWED);
	dhcp_snap_free(s);
}

/* A fleet of two where the other engine owns OVMF's MAC: its Solicit is
 * held, the same Solicit (same xid) heard again past
 * dhcp.standby_delay_ms is answered as standby, the rest of that exchange
 * at once; its Request to our 4011 (it chose our URL) is answered at
 * once; as the owner we answer at once. */
static void
test_fleet(void)
{
	static const char *const names[] = { "eng-a", "eng-b" };
	static struct dhcp_standby sb;
	struct dhcp_snapshot *s = snap(BOOT_ACTION_BOOT);
	struct dhcp6_rx_ctx c;
	struct dhcp_fleet f;
	uint8_t pkt[512], req[128];
	size_t n = unhex(ovmf_solicit_hex, pkt, sizeof(pkt)), rn;
	const char *self, *owner;

	pkt[20] ^= 1;	/* no record: the unknown policy's answer */
	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, NULL), 0);
	owner = names[dhcp_fleet_owner(&f, ovmf_mac)];
	self = names[dhcp_fleet_owner(&f, ovmf_mac) == 0 ? 1 : 0];
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, self), 0);
	dhcp_snap_set_fleet(s, &f);
	memset(&sb, 0, sizeof(sb));
	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 0, &sb, &ans, &t), DHCP_OUT_HELD);
	CU_ASSERT_STRING_EQUAL(t.owner, owner);
	/* Without the worker's table (NULL) no fleet rule applies. */
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 0, NULL, &ans, &t), DHCP_OUT_REPLY);
	/* 1 s on, still within the 1.5 s: held. */
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 1000000000ull, &sb, &ans, &t), DHCP_OUT_HELD);
	CU_ASSERT_EQUAL(t.silent_ms, 1000);
	/* EDK2's retransmission 4 s on: the owner was silent, we answer. */
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 4000000000ull, &sb, &ans, &t), DHCP_OUT_REPLY);
	CU_ASSERT(t.notes & DHCP_NOTE_STANDBY);
	CU_ASSERT_EQUAL(t.silent_ms, 4000);
	CU_ASSERT_EQUAL(ans.tx.payload[0], DHCP6_ADVERTISE);
	/* Its Request to our 4011, another xid: chosen, answered at once. */
	rn = boot_request(req, sizeof(req), "000077", "037", &c);
	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(req, rn, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 4100000000ull, &sb, &ans, &t), DHCP_OUT_REPLY);
	CU_ASSERT(t.notes & DHCP_NOTE_CHOSEN);
	CU_ASSERT_EQUAL(ans.tx.payload[0], DHCP6_REPLY);
	/* As the owner: the Solicit at once, no note. */
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, owner), 0);
	dhcp_snap_set_fleet(s, &f);
	ctx_direct(&c, ovmf_mac);
	CU_ASSERT_EQUAL_FATAL(dhcp6_parse(pkt, n, &m), DHCP6_OK);
	CU_ASSERT_EQUAL(dhcp6_answer(s, &m, &c, 0, &sb, &ans, &t), DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(t.notes & (DHCP_NOTE_STANDBY | DHCP_NOTE_CHOSEN), 0);
	dhcp_snap_free(s);
}

/* Relayed: MAC from option 79, reply to the relay on 547. */
static void
test_relayed(void)
{
	struct dhcp_snapshot *s = snap(BOOT_ACTION_BOOT);
	struct dhcp6_rx_ctx c;
	uint8_t inner[512], pkt[1024];
	size_t n = unhex(ovmf_solicit_hex, inner, sizeof(inner)), k = 0;
	static const uint8_t relay_mac[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	char url[256];

	inner[20] ^= 1;
	pkt[k++] = DHCP6_RELAY_FORW;
	pkt[k++] = 0;
	memcpy(pkt + k, relay6, 16), k += 16;
	memcpy(pkt + k, client_ll, 16), k += 16;
	k += unhex("004f0008 0001 525400f10002", pkt + k, sizeof(pkt) - k);
	pkt[k++] = 0, pkt[k++] = DHCP6_OPT_RELAY_MSG;
	pkt[k++] = (uint8_t)(n >> 8), pkt[k++] = (uint8_t)n;
	memcpy(pkt + k, inner, n), k += n;
	ctx_direct(&c, relay_mac);
	memcpy(c.src, relay6, 16);
	memcpy(c.dst, our6, 16);
	c.src_port = DHCP6_PORT_SERVER;
	CU_ASSERT_EQUAL_FATAL(answer(s, pkt, k, &c), DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(t.mac_from, DHCP6_MAC_OPTION79);
	CU_ASSERT_EQUAL(memcmp(t.mac, ovmf_mac, 6), 0);
	CU_ASSERT_EQUAL(t.n_relays, 1);
	CU_ASSERT_EQUAL(memcmp(t.peer6, client_ll, 16), 0);
	CU_ASSERT_EQUAL(ans.tx.payload[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(memcmp(ans.tx.dst, relay6, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ans.tx.dst_mac, relay_mac, 6), 0);
	CU_ASSERT_EQUAL(ans.tx.dst_port, DHCP6_PORT_SERVER);
	/* Relay-Repl header (34) + option 9 header (4), then the Advertise. */
	CU_ASSERT_EQUAL(ans.tx.payload[38], DHCP6_ADVERTISE);
	reply_url(38, url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "tftp://[2001:db8::2]/efi/boot%20x64.efi");
	dhcp_snap_free(s);
}

static void
test_boot_url(void)
{
	char buf[64];

	CU_ASSERT(dhcp6_boot_url(buf, sizeof(buf), our6, "/pxe\\grub.efi"));
	CU_ASSERT_STRING_EQUAL(buf, "tftp://[2001:db8::2]/pxe/grub.efi");
	CU_ASSERT_FALSE(dhcp6_boot_url(buf, sizeof(buf), our6, ""));
	CU_ASSERT_FALSE(dhcp6_boot_url(buf, 24, our6, "grub.efi"));
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "OVMF Solicit: default profile's EFI file", test_ovmf_default },
		{ "DUID-UUID finds the record", test_uuid_record },
		{ "one-shot passed to be taken", test_once_taking },
		{ "one-shot in its grace: the reimage answer", test_once_grace },
		{ "ignored, no address, other server, 4011 Request", test_refusals },
		{ "relayed: option 79, Relay-Repl to the relay", test_relayed },
		{ "a fleet: held, standby, chosen on 4011, owner", test_fleet },
		{ "boot file URL", test_boot_url },
		{ NULL, NULL },
	};

	return unit_run("answer6", tests);
}
