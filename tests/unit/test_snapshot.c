/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy snapshot the workers answer from (dataplane/dhcp/snapshot.c)
 * and the answer made from it (dataplane/dhcp/answer.c): lookups by MAC
 * and UUID, UUID winning, the ignore list, the grace, the one-shot handed
 * to the control thread, once_until = "file:NAME". Pure: no EAL, no SQLite.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/dhcp/answer.h"
#include "dataplane/dhcp/snapshot.h"
#include "dataplane/proto/dhcp.h"
#include "unit.h"
#include "unit_host.h"

#define OUR_IP 0xc0000202u	/* 192.0.2.2 */

static struct pxeline_config cfg;
static const uint32_t server_ip[1] = { OUR_IP };

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t mac_none[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
static const uint8_t uuid_b[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t uuid_u[16] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };

static void
profile(struct cfg_profile *p, const char *name, const char *bios, const char *abort_file,
	const char *until)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->bios, sizeof(p->bios), "%s", bios);
	snprintf(p->abort, sizeof(p->abort), "%s", abort_file);
	snprintf(p->once_until_file, sizeof(p->once_until_file), "%s", until);
}

static void
config(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg_defaults(&cfg);
	profile(&cfg.profiles[0], "default", "undionly.kpxe", "abortpxe.com", "");
	profile(&cfg.profiles[1], "reimage", "reimage.kpxe", "abort.kpxe", "");
	profile(&cfg.profiles[2], "winpe", "pxeboot.com", "abort.kpxe", "sources/boot.wim");
	cfg.n_profiles = 3;
	cfg.unknown_action = CFG_UNKNOWN_BOOT;
	snprintf(cfg.unknown_profile, sizeof(cfg.unknown_profile), "default");
	cfg.dhcp.port67 = true;
}

static struct dhcp_snap_host
host(int64_t id, const uint8_t *mac, const uint8_t *uuid, enum boot_action a, const char *prof)
{
	char name[32];
	struct hostdb_host h;

	snprintf(name, sizeof(name), "host%lld", (long long)id);
	h = unit_host(mac, uuid, a, prof, name);
	h.h.id = id;
	return hostdb_snap_host(&h, 0);
}

/* A snapshot of cfg with these records, in this (unsorted) order. */
static struct dhcp_snapshot *
snap_of(const struct dhcp_snap_host *hosts, int n)
{
	struct dhcp_snapshot *s;
	int i;

	CU_ASSERT_EQUAL_FATAL(dhcp_snap_create(&cfg, server_ip, 1, &s), DHCP_SNAP_OK);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL_FATAL(dhcp_snap_add_host(s, &hosts[i]), DHCP_SNAP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_seal(s), DHCP_SNAP_OK);
	return s;
}

/* A parsed PXE request as a worker holds it. */
static void
request(struct dhcp_ring_req *r, uint8_t type, const uint8_t mac[6], const uint8_t *uuid,
	uint16_t dst_port)
{
	uint8_t b[DHCP_MIN_LEN + 128];
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";
	size_t n = DHCP_FIXED_LEN;

	memset(r, 0, sizeof(*r));
	memset(b, 0, sizeof(b));
	b[0] = DHCP_OP_REQUEST; b[1] = DHCP_HTYPE_ETHER; b[2] = 6;
	b[4] = 0xca; b[5] = 0xfe; b[6] = 0; b[7] = 1;
	memcpy(b + 28, mac, 6);
	b[n++] = 99; b[n++] = 130; b[n++] = 83; b[n++] = 99;
	b[n++] = DHCP_OPT_MSG_TYPE; b[n++] = 1; b[n++] = type;
	b[n++] = DHCP_OPT_VENDOR_CLASS; b[n++] = sizeof(vc) - 1;
	memcpy(b + n, vc, sizeof(vc) - 1);
	n += sizeof(vc) - 1;
	b[n++] = DHCP_OPT_CLIENT_ARCH; b[n++] = 2; b[n++] = 0; b[n++] = 0;
	if (uuid) {
		b[n++] = DHCP_OPT_CLIENT_UUID; b[n++] = 17; b[n++] = 0;
		memcpy(b + n, uuid, 16);
		n += 16;
	}
	b[n++] = DHCP_OPT_END;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, n < DHCP_MIN_LEN ? DHCP_MIN_LEN : n, &r->msg), DHCP_OK);
	r->dst_port = dst_port;
	r->src_port = dst_port == DHCP_PORT_PXE ? DHCP_PORT_PXE : DHCP_PORT_CLIENT;
	r->src_ip = dst_port == DHCP_PORT_PXE ? 0xc0000232u : 0;
	memcpy(r->src_mac, mac, 6);
}

static struct dhcp_answer ans;
static struct log_dhcp tr;
static struct dhcp_ring_req req;

static enum dhcp_outcome
answer(const struct dhcp_snapshot *s, const uint8_t mac[6], const uint8_t *uuid,
       uint64_t now_ns)
{
	request(&req, DHCP_DISCOVER, mac, uuid, DHCP_PORT_SERVER);
	return dhcp_answer(s, &req, now_ns, NULL, &ans, &tr);
}

static const char *
file_of(void)
{
	static struct dhcp_msg m;

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(ans.reply.payload, ans.reply.len, &m), DHCP_OK);
	return m.file;
}

/* Lookups by MAC and UUID; records without a MAC are found by UUID. */
static void
test_lookup(void)
{
	const struct dhcp_snap_host hosts[] = {
		host(3, mac_c, NULL, BOOT_ACTION_BOOT, "default"),
		host(1, mac_a, NULL, BOOT_ACTION_BOOT, "default"),
		host(4, NULL, uuid_u, BOOT_ACTION_ABORT, "reimage"),
		host(2, mac_b, uuid_b, BOOT_ACTION_BOOT, "reimage"),
	};
	struct dhcp_snapshot *s = snap_of(hosts, 4);

	CU_ASSERT_EQUAL(s->n_hosts, 4);
	CU_ASSERT_EQUAL(s->n_by_mac, 3);
	CU_ASSERT_EQUAL(s->n_by_uuid, 2);
	CU_ASSERT_EQUAL(dhcp_snap_by_mac(s, mac_a)->h.id, 1);
	CU_ASSERT_EQUAL(dhcp_snap_by_mac(s, mac_b)->h.id, 2);
	CU_ASSERT_EQUAL(dhcp_snap_by_mac(s, mac_c)->h.id, 3);
	CU_ASSERT_PTR_NULL(dhcp_snap_by_mac(s, mac_none));
	CU_ASSERT_EQUAL(dhcp_snap_by_uuid(s, uuid_b)->h.id, 2);
	CU_ASSERT_EQUAL(dhcp_snap_by_uuid(s, uuid_u)->h.id, 4);
	CU_ASSERT_EQUAL(dhcp_snap_by_id(s, 4)->h.id, 4);
	CU_ASSERT_PTR_NULL(dhcp_snap_by_id(s, 99));
	CU_ASSERT_PTR_NOT_NULL(dhcp_snap_profile(s, "winpe"));
	CU_ASSERT_PTR_NULL(dhcp_snap_profile(s, "retired"));
	dhcp_snap_free(s);

	/* Many records: every one found, none invented. */
	{
		static struct dhcp_snap_host many[1000];
		uint8_t m[6] = { 0x52, 0x54, 0, 0, 0, 0 }, u[16] = { 0x42 };
		int i, bad = 0;

		for (i = 0; i < 1000; i++) {
			m[4] = (uint8_t)((i * 7919) >> 8);
			m[5] = (uint8_t)(i * 7919);
			u[14] = m[4];
			u[15] = m[5];
			many[i] = host(i + 1, m, u, BOOT_ACTION_BOOT, "default");
		}
		s = snap_of(many, 1000);
		for (i = 0; i < 1000; i++) {
			const struct dhcp_snap_host *a = dhcp_snap_by_mac(s, many[i].mac);
			const struct dhcp_snap_host *b = dhcp_snap_by_uuid(s, many[i].uuid);

			bad += !a || a->h.id != i + 1 || !b || b->h.id != i + 1;
		}
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_PTR_NULL(dhcp_snap_by_mac(s, mac_none));
		dhcp_snap_free(s);
	}
}

/* The answers: MAC record, UUID over MAC, unknown, ignore list, port 67. */
static void
test_answers(void)
{
	const struct dhcp_snap_host hosts[] = {
		host(1, mac_a, NULL, BOOT_ACTION_BOOT, "default"),
		host(2, NULL, uuid_b, BOOT_ACTION_BOOT, "reimage"),
	};
	struct dhcp_snapshot *s;

	memcpy(cfg.dhcp.ignore_macs[0], mac_c, 6);
	cfg.dhcp.n_ignore = 1;
	s = snap_of(hosts, 2);
	CU_ASSERT_EQUAL(answer(s, mac_a, NULL, 1), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "undionly.kpxe");
	CU_ASSERT_EQUAL(tr.host_id, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.reason, "known by MAC as host1"));
	CU_ASSERT_EQUAL(tr.reply_ip, 0xffffffffu);
	CU_ASSERT_EQUAL(tr.server_ip, OUR_IP);
	CU_ASSERT_STRING_EQUAL(tr.file, "undionly.kpxe");
	CU_ASSERT_EQUAL(tr.seen, DHCP_SEEN_BOOT);

	/* UUID wins over a different MAC record. */
	CU_ASSERT_EQUAL(answer(s, mac_a, uuid_b, 1), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "reimage.kpxe");
	CU_ASSERT_EQUAL(tr.host_id, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.reason, "known by UUID (MAC matches another record)"));

	/* An all-zero UUID names no machine. */
	{
		static const uint8_t zero[16];

		CU_ASSERT_EQUAL(answer(s, mac_none, zero, 1), DHCP_OUT_REPLY);
		CU_ASSERT_EQUAL(tr.host_id, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(tr.reason, "unknown computer: policy boot"));
	}

	/* The ignore list, sorted in the snapshot. */
	CU_ASSERT_TRUE(dhcp_snap_ignored(s, mac_c));
	CU_ASSERT_FALSE(dhcp_snap_ignored(s, mac_a));
	CU_ASSERT_EQUAL(answer(s, mac_c, NULL, 1), DHCP_OUT_IGNORED_MAC);
	dhcp_snap_free(s);

	/* port67 off: 67 unanswered, 4011 answered back to its source. */
	cfg.dhcp.port67 = false;
	cfg.dhcp.n_ignore = 0;
	s = snap_of(hosts, 2);
	CU_ASSERT_EQUAL(answer(s, mac_a, NULL, 1), DHCP_OUT_PORT67_OFF);
	request(&req, DHCP_REQUEST, mac_a, NULL, DHCP_PORT_PXE);
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 1, NULL, &ans, &tr), DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(ans.reply.dst_ip, 0xc0000232u);
	CU_ASSERT_EQUAL(ans.reply.src_port, DHCP_PORT_PXE);
	CU_ASSERT_EQUAL(tr.reply_type, DHCP_ACK);
	/* Unknown interface. */
	req.port_idx = 1;
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 1, NULL, &ans, &tr), DHCP_OUT_BAD_PORT);
	cfg.dhcp.port67 = true;
	dhcp_snap_free(s);
}

/*
 * An armed one-shot is never taken by the snapshot: it goes to the control
 * thread. A taken one within its grace answers as armed; after it, abort.
 */
static void
test_once_and_grace(void)
{
	struct dhcp_snap_host hosts[] = {
		host(7, mac_a, NULL, BOOT_ACTION_ONCE, "reimage"),
	};
	struct dhcp_snapshot *s = snap_of(hosts, 1);

	CU_ASSERT_EQUAL(answer(s, mac_a, NULL, 1000), DHCP_OUT_CONSUME);
	CU_ASSERT_TRUE(ans.d.consume_once);
	CU_ASSERT_EQUAL(ans.d.host->id, 7);
	/* The control thread's compare-and-set lost: decided again as consumed. */
	dhcp_answer_redecide_taken(&ans, s);
	CU_ASSERT_EQUAL(dhcp_answer_finish(&ans, s, &req), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "abort.kpxe");
	CU_ASSERT(tr.notes & DHCP_NOTE_WAS_TAKEN);
	CU_ASSERT_EQUAL(tr.seen, DHCP_SEEN_ABORT);
	dhcp_snap_free(s);

	/* Taken (not armed), grace until t=5000. */
	hosts[0].h.once_armed = false;
	hosts[0].grace_until_ns = 5000;
	s = snap_of(hosts, 1);
	CU_ASSERT_EQUAL(answer(s, mac_a, NULL, 4999), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "reimage.kpxe");
	CU_ASSERT(tr.notes & DHCP_NOTE_GRACE);
	CU_ASSERT_FALSE(ans.d.consume_once);
	CU_ASSERT_EQUAL(answer(s, mac_a, NULL, 5000), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "abort.kpxe");
	CU_ASSERT_FALSE(tr.notes & DHCP_NOTE_GRACE);
	dhcp_snap_free(s);
}

/* A fleet of two where another engine owns mac_a: its armed one-shot is
 * held (never handed to the control thread to take) until the client is
 * still asking after dhcp.standby_delay_ms; a request to our address is
 * ours at once. */
static void
test_fleet_holds_once(void)
{
	static const char *const names[] = { "eng-a", "eng-b" };
	struct dhcp_snap_host hosts[] = {
		host(7, mac_a, NULL, BOOT_ACTION_ONCE, "reimage"),
	};
	static struct dhcp_standby sb;
	struct dhcp_snapshot *s = snap_of(hosts, 1);
	struct dhcp_fleet f;
	const char *self;

	CU_ASSERT_EQUAL(s->fleet.n, 0);
	CU_ASSERT_EQUAL(s->fleet.standby_delay_ms, 1500);	/* cfg's default */
	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, NULL), 0);
	self = names[dhcp_fleet_owner(&f, mac_a) == 0 ? 1 : 0];	/* not the owner */
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, self), 0);
	dhcp_snap_set_fleet(s, &f);
	CU_ASSERT_EQUAL(s->fleet.standby_delay_ms, 1500);
	memset(&sb, 0, sizeof(sb));

	request(&req, DHCP_DISCOVER, mac_a, NULL, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 0, &sb, &ans, &tr), DHCP_OUT_HELD);
	CU_ASSERT_EQUAL(tr.outcome, DHCP_OUT_HELD);
	CU_ASSERT_STRING_NOT_EQUAL(tr.owner, self);
	CU_ASSERT_STRING_EQUAL(tr.owner, f.names[dhcp_fleet_owner(&f, mac_a)]);
	/* The control thread (no table) is never asked to hold. */
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 0, NULL, &ans, &tr), DHCP_OUT_CONSUME);
	/* The retransmission 4 s on: now ours to take. */
	req.msg.secs = 4;
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 4000000000ull, &sb, &ans, &tr), DHCP_OUT_CONSUME);
	CU_ASSERT(tr.notes & DHCP_NOTE_STANDBY);
	CU_ASSERT_EQUAL(tr.silent_ms, 4000);
	/* Unicast to our address on 4011: the client chose us. */
	request(&req, DHCP_REQUEST, mac_a, NULL, DHCP_PORT_PXE);
	req.msg.xid = 99;
	req.dst_ip = OUR_IP;
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 0, &sb, &ans, &tr), DHCP_OUT_CONSUME);
	CU_ASSERT(tr.notes & DHCP_NOTE_CHOSEN);
	/* Broadcast to 4011: not a choice. */
	req.msg.xid = 100;
	req.broadcast = 1;
	req.dst_ip = 0xffffffffu;
	CU_ASSERT_EQUAL(dhcp_answer(s, &req, 0, &sb, &ans, &tr), DHCP_OUT_HELD);
	dhcp_snap_free(s);
}

/* once_until = "file:NAME": answered from the snapshot, kept armed; the
 * rule says which served file ends it. */
static void
test_until_file(void)
{
	const struct dhcp_snap_host hosts[] = {
		host(9, mac_b, NULL, BOOT_ACTION_ONCE, "winpe"),
	};
	struct dhcp_snapshot *s = snap_of(hosts, 1);
	const struct cfg_profile *p = dhcp_snap_profile(s, "winpe");

	CU_ASSERT_EQUAL(answer(s, mac_b, NULL, 1), DHCP_OUT_REPLY);
	CU_ASSERT_STRING_EQUAL(file_of(), "pxeboot.com");
	CU_ASSERT_FALSE(ans.d.consume_once);
	CU_ASSERT_PTR_NOT_NULL(ans.d.consume_on_file);
	CU_ASSERT(tr.notes & DHCP_NOTE_UNTIL_FILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.reason, "kept armed until sources/boot.wim"));
	CU_ASSERT_TRUE(boot_once_file_done(p, "sources/boot.wim", false));
	CU_ASSERT_TRUE(boot_once_file_done(p, "/sources/boot.wim", false));
	CU_ASSERT_TRUE(boot_once_file_done(p, "\\sources\\boot.wim", false));
	CU_ASSERT_TRUE(boot_once_file_done(p, "Sources/BOOT.WIM", true));
	CU_ASSERT_FALSE(boot_once_file_done(p, "Sources/BOOT.WIM", false));
	CU_ASSERT_FALSE(boot_once_file_done(p, "pxeboot.com", true));
	CU_ASSERT_FALSE(boot_once_file_done(p, "boot.wim", true));
	CU_ASSERT_FALSE(boot_once_file_done(dhcp_snap_profile(s, "reimage"), "reimage.kpxe",
					    true));
	dhcp_snap_free(s);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "lookup by MAC, UUID, id", test_lookup },
		{ "answers: MAC, UUID wins, ignore, port67", test_answers },
		{ "one-shot to control, grace", test_once_and_grace },
		{ "once_until = file", test_until_file },
		{ "a fleet holds another engine's one-shot", test_fleet_holds_once },
		{ NULL, NULL },
	};

	config();
	return unit_run("snapshot", tests);
}
