/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcp_control_handle(): crafted PXE requests in (built byte by byte here),
 * replies with their addressing and the trace out, against a real SQLite
 * inventory in a temp dir. No EAL, no rings. Each request is answered from
 * a snapshot rebuilt from the inventory first (as pxectl's changes rebuild
 * it in the engine): the same answer a worker makes, plus the control
 * thread's compare-and-set for a one-shot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "control/dhcp_control.h"
#include "control/hostdb.h"
#include "control/log.h"
#include "dataplane/proto/dhcp.h"
#include "unit.h"
#include "unit_host.h"
#include "unit_tmpdir.h"

/* The engine's log.c is not linked: warnings land here. */
void
log_msg(enum cfg_log_level lvl, const char *fmt, ...)
{
	(void)lvl;
	(void)fmt;
}

#define OUR_IP 0xc0000202u	/* 192.0.2.2 */
#define SITE_DHCP 0xc0000201u	/* 192.0.2.1 */
#define CLIENT_IP 0xc0000232u	/* 192.0.2.50 */
#define RELAY_IP 0xc6336401u	/* 198.51.100.1 */

static char tmpdir[256];
static struct pxeline_config cfg;
static struct hostdb *db;
static struct dhcp_handler hd;
static const uint32_t server_ips[1] = { OUR_IP };

static const uint8_t mac_bios[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_efi[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x07 };
static const uint8_t mac_once[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x01 };
static const uint8_t mac_unknown[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
static const uint8_t mac_relay[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t uuid_efi[16] = { 0x4c, 0x4c, 0x45, 0x44, 0x00, 0x10, 0x80, 0x31,
				      0x80, 0x53, 0xb4, 0xc0, 0x4f, 0x4e, 0x39, 0x32 };

/* Trace capture ----------------------------------------------------------- */

static char trace_buf[16384];
static int trace_lines;

static void
capture(void *arg, const char *line)
{
	size_t n = strlen(trace_buf);

	(void)arg;
	snprintf(trace_buf + n, sizeof(trace_buf) - n, "%s\n", line);
	trace_lines++;
}

static void
trace_reset(void)
{
	trace_buf[0] = '\0';
	trace_lines = 0;
}

/* Every line of the trace names the client: `grep MAC` is its story. */
static bool
trace_all_lines_have(const char *mac)
{
	char pfx[40];
	const char *p = trace_buf;

	snprintf(pfx, sizeof(pfx), "dhcp %s ", mac);
	while (*p) {
		if (strncmp(p, pfx, strlen(pfx)) != 0)
			return false;
		p = strchr(p, '\n');
		if (!p)
			return false;
		p++;
	}
	return true;
}

#define TRACE_HAS(s) do { \
	if (!strstr(trace_buf, (s))) \
		fprintf(stderr, "\ntrace lacks \"%s\":\n%s", (s), trace_buf); \
	CU_ASSERT_PTR_NOT_NULL(strstr(trace_buf, (s))); \
} while (0)

/* Request builder --------------------------------------------------------- */

struct req_spec {
	uint8_t type;			/* option 53 */
	const uint8_t *mac;		/* chaddr */
	int arch;			/* option 93, -1 = absent */
	const char *vendor;		/* option 60; NULL = default PXEClient string */
	const uint8_t *uuid;		/* option 97 */
	bool ipxe;			/* option 77 "iPXE" */
	uint32_t server_id;		/* option 54, 0 = absent */
	uint32_t giaddr, ciaddr;
	bool relay_opt;			/* option 82 */
	/* how it arrived */
	uint16_t dst_port;
	uint32_t src_ip;
	uint16_t src_port;
	const uint8_t *src_mac;		/* NULL = mac */
};

/* The request as a worker hands it over: built on the wire, parsed once. */
static void
build_req(const struct req_spec *s, struct dhcp_ring_req *r)
{
	uint8_t b[DHCP_MIN_LEN + 256];
	size_t n = DHCP_FIXED_LEN;
	char vc[64];

	memset(r, 0, sizeof(*r));
	memset(b, 0, sizeof(b));
	b[0] = DHCP_OP_REQUEST;
	b[1] = DHCP_HTYPE_ETHER;
	b[2] = 6;
	b[3] = s->giaddr ? 1 : 0;
	b[4] = 0x12; b[5] = 0x34; b[6] = 0x56; b[7] = 0x78;	/* xid */
	b[10] = 0x80;		/* broadcast flag, as PXE ROMs set it */
	b[12] = s->ciaddr >> 24; b[13] = s->ciaddr >> 16; b[14] = s->ciaddr >> 8; b[15] = s->ciaddr;
	b[24] = s->giaddr >> 24; b[25] = s->giaddr >> 16; b[26] = s->giaddr >> 8; b[27] = s->giaddr;
	memcpy(b + 28, s->mac, 6);
	b[n++] = 99; b[n++] = 130; b[n++] = 83; b[n++] = 99;
	b[n++] = DHCP_OPT_MSG_TYPE; b[n++] = 1; b[n++] = s->type;
	if (s->vendor)
		snprintf(vc, sizeof(vc), "%s", s->vendor);
	else
		snprintf(vc, sizeof(vc), "PXEClient:Arch:%05d:UNDI:002001",
			 s->arch < 0 ? 0 : s->arch);
	b[n++] = DHCP_OPT_VENDOR_CLASS; b[n++] = (uint8_t)strlen(vc);
	memcpy(b + n, vc, strlen(vc));
	n += strlen(vc);
	if (s->arch >= 0) {
		b[n++] = DHCP_OPT_CLIENT_ARCH; b[n++] = 2;
		b[n++] = (uint8_t)(s->arch >> 8); b[n++] = (uint8_t)s->arch;
	}
	b[n++] = DHCP_OPT_CLIENT_NDI; b[n++] = 3; b[n++] = 1; b[n++] = 2; b[n++] = 1;
	if (s->uuid) {
		b[n++] = DHCP_OPT_CLIENT_UUID; b[n++] = 17; b[n++] = 0;
		memcpy(b + n, s->uuid, 16);
		n += 16;
	}
	if (s->ipxe) {
		b[n++] = DHCP_OPT_USER_CLASS; b[n++] = 4;
		memcpy(b + n, "iPXE", 4);
		n += 4;
	}
	if (s->server_id) {
		b[n++] = DHCP_OPT_SERVER_ID; b[n++] = 4;
		b[n++] = s->server_id >> 24; b[n++] = s->server_id >> 16;
		b[n++] = s->server_id >> 8; b[n++] = s->server_id;
	}
	if (s->relay_opt) {
		/* circuit id "eth1/7" */
		b[n++] = DHCP_OPT_RELAY_AGENT; b[n++] = 8; b[n++] = 1; b[n++] = 6;
		memcpy(b + n, "eth1/7", 6);
		n += 6;
	}
	b[n++] = DHCP_OPT_END;
	while (n < DHCP_MIN_LEN)
		b[n++] = 0;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, n, &r->msg), DHCP_OK);
	r->worker = 1;
	r->port_idx = 0;
	r->dst_port = s->dst_port ? s->dst_port : DHCP_PORT_SERVER;
	r->src_ip = s->src_ip;
	r->src_port = s->src_port ? s->src_port : DHCP_PORT_CLIENT;
	r->dst_ip = r->dst_port == DHCP_PORT_PXE ? OUR_IP : 0xffffffffu;
	r->broadcast = r->dst_port != DHCP_PORT_PXE;
	memcpy(r->src_mac, s->src_mac ? s->src_mac : s->mac, 6);
}

static struct dhcp_ring_req req;
static struct dhcp_ring_reply rep;
static struct dhcp_msg got;

/* Runs one request at time now; parses the reply into `got`. */
static bool
run(const struct req_spec *s, uint64_t now)
{
	bool r;

	build_req(s, &req);
	trace_reset();
	memset(&rep, 0xa5, sizeof(rep));
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, now), 0);
	r = dhcp_control_handle(&hd, &req, now, &rep);
	if (r) {
		CU_ASSERT(rep.len >= DHCP_MIN_LEN && rep.len <= sizeof(rep.payload));
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(rep.payload, rep.len, &got), DHCP_OK);
		CU_ASSERT_EQUAL(got.op, DHCP_OP_REPLY);
		CU_ASSERT_EQUAL(got.xid, 0x12345678u);
		CU_ASSERT_EQUAL(memcmp(got.chaddr, s->mac, 6), 0);
		CU_ASSERT_EQUAL(got.yiaddr, 0);	/* proxyDHCP never hands out addresses */
		CU_ASSERT_EQUAL(got.siaddr, OUR_IP);
		CU_ASSERT_EQUAL(got.server_id, OUR_IP);
		CU_ASSERT_EQUAL(rep.port_idx, 0);
	}
	CU_ASSERT(trace_lines > 0);
	return r;
}

/* The boot file of the parsed reply: the file field or option 67. */
static const char *
reply_file(void)
{
	return got.file;
}

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Fixture ------------------------------------------------------------------ */

static void
add_host(const uint8_t *mac, const uint8_t *uuid, enum boot_action a, const char *profile,
	const char *name, int64_t *ret_id)
{
	struct hostdb_host h = unit_host(mac, uuid, a, profile, name);

	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, ret_id), HOSTDB_OK);
}

static void
set_profile(struct cfg_profile *p, const char *name, const char *bios, const char *x64,
	const char *abort_file, const char *ipxe)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->bios, sizeof(p->bios), "%s", bios);
	snprintf(p->efi_x64, sizeof(p->efi_x64), "%s", x64);
	snprintf(p->abort, sizeof(p->abort), "%s", abort_file);
	snprintf(p->ipxe, sizeof(p->ipxe), "%s", ipxe);
}

static int64_t id_once;
static char dbpath[512];

static void
handler_reset(void)
{
	dhcp_handler_fini(&hd);
	memset(&hd, 0, sizeof(hd));
	hd.cfg = &cfg;
	hd.db = db;
	hd.server_ip = server_ips;
	hd.n_ports = 1;
	hd.trace = capture;
}

static int
suite_init(void)
{
	if (unit_tmpdir_make(tmpdir, sizeof(tmpdir), "test_dhcp_control") != 0)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", tmpdir);
	if (hostdb_open(dbpath, &db) != HOSTDB_OK)
		return -1;
	cfg_defaults(&cfg);
	set_profile(&cfg.profiles[0], "default", "undionly.kpxe", "ipxe.efi", "abortpxe.com",
		    "http://192.0.2.2/boot.ipxe");
	set_profile(&cfg.profiles[1], "reimage", "boot/pxeboot.com", "boot/bootmgfw.efi",
		    "boot/abortpxe.com", "");
	set_profile(&cfg.profiles[2], "unk", "unknown.kpxe", "", "abort-unknown.com", "");
	cfg.n_profiles = 3;
	cfg.unknown_action = CFG_UNKNOWN_ABORT;
	snprintf(cfg.unknown_profile, sizeof(cfg.unknown_profile), "unk");
	cfg.dhcp.port67 = true;
	handler_reset();
	return 0;
}

static int
suite_fini(void)
{
	dhcp_handler_fini(&hd);
	hostdb_close(db);
	return unit_tmpdir_remove(tmpdir);
}

/* Tests --------------------------------------------------------------------- */

static void
test_setup_hosts(void)
{
	add_host(mac_bios, NULL, BOOT_ACTION_BOOT, "default", "rack1-07", NULL);
	add_host(mac_efi, uuid_efi, BOOT_ACTION_BOOT, "default", "ovmf", NULL);
	add_host(mac_once, NULL, BOOT_ACTION_ONCE, "reimage", "lab7", &id_once);
}

/* A BIOS PXE ROM's DISCOVER on 67: OFFER broadcast to 68 with the bios file. */
static void
test_bios_discover(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_bios, .arch = 0 };
	struct hostdb_host h;

	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_EQUAL(got.msg_type, DHCP_OFFER);
	CU_ASSERT_STRING_EQUAL(reply_file(), "undionly.kpxe");
	CU_ASSERT_STRING_EQUAL(got.vendor_class, "PXEClient");
	CU_ASSERT_EQUAL(rep.dst_ip, 0xffffffffu);
	CU_ASSERT_EQUAL(rep.dst_port, DHCP_PORT_CLIENT);
	CU_ASSERT_EQUAL(rep.src_port, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(memcmp(rep.dst_mac, bcast_mac, 6), 0);
	TRACE_HAS("DISCOVER via 67");
	TRACE_HAS("arch=bios(0)");
	TRACE_HAS("relay=none");
	TRACE_HAS("known by MAC as rack1-07");
	TRACE_HAS("-> OFFER file=undionly.kpxe next-server=192.0.2.2 to 255.255.255.255:68");
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:12:34:56"));
	/* last seen is recorded */
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac_bios, &h), HOSTDB_OK);
	CU_ASSERT(h.last_seen > 0);
	CU_ASSERT_STRING_EQUAL(h.last_file, "undionly.kpxe");
	CU_ASSERT_STRING_EQUAL(h.last_action, "boot");
}

/* OVMF's REQUEST to 4011 (arch 7): ACK unicast back, from 4011. */
static void
test_ovmf_request_4011(void)
{
	struct req_spec s = { .type = DHCP_REQUEST, .mac = mac_efi, .arch = 7,
			      .uuid = uuid_efi, .dst_port = DHCP_PORT_PXE,
			      .src_ip = CLIENT_IP, .src_port = DHCP_PORT_PXE,
			      .server_id = SITE_DHCP };

	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_EQUAL(got.msg_type, DHCP_ACK);
	CU_ASSERT_STRING_EQUAL(reply_file(), "ipxe.efi");
	CU_ASSERT_EQUAL(rep.dst_ip, CLIENT_IP);
	CU_ASSERT_EQUAL(rep.dst_port, DHCP_PORT_PXE);
	CU_ASSERT_EQUAL(rep.src_port, DHCP_PORT_PXE);
	CU_ASSERT_EQUAL(memcmp(rep.dst_mac, mac_efi, 6), 0);
	/* 97 echoed */
	CU_ASSERT_TRUE(dhcp_has(&got, DHCP_OPT_CLIENT_UUID));
	CU_ASSERT_EQUAL(memcmp(got.uuid, uuid_efi, 16), 0);
	TRACE_HAS("REQUEST via 4011 from 192.0.2.50:4011");
	TRACE_HAS("uuid=4c4c4544-0010-8031-8053-b4c04f4e3932");
	TRACE_HAS("arch=efi-x64(7)");
	TRACE_HAS("known by MAC and UUID");
	TRACE_HAS("-> ACK file=ipxe.efi");
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:00:00:07"));

	/* From port 68 (some firmware): back to 68, still from 4011. */
	s.src_port = DHCP_PORT_CLIENT;
	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_EQUAL(rep.dst_port, DHCP_PORT_CLIENT);
	CU_ASSERT_EQUAL(rep.src_port, DHCP_PORT_PXE);
}

/* Through an IP helper: to the relay on 67, via its MAC, 82 echoed. */
static void
test_relayed(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_bios, .arch = 0,
			      .giaddr = RELAY_IP, .relay_opt = true, .src_ip = RELAY_IP,
			      .src_port = DHCP_PORT_SERVER, .src_mac = mac_relay };

	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_EQUAL(got.msg_type, DHCP_OFFER);
	CU_ASSERT_EQUAL(rep.dst_ip, RELAY_IP);
	CU_ASSERT_EQUAL(rep.dst_port, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(rep.src_port, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(memcmp(rep.dst_mac, mac_relay, 6), 0);
	CU_ASSERT_EQUAL(got.giaddr, RELAY_IP);
	CU_ASSERT_TRUE(dhcp_has(&got, DHCP_OPT_RELAY_AGENT));
	CU_ASSERT_EQUAL(got.relay_len, 8);
	CU_ASSERT_EQUAL(memcmp(got.relay + 2, "eth1/7", 6), 0);
	TRACE_HAS("relay=198.51.100.1");
	/* The trace names the client (chaddr), not the relay. */
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:12:34:56"));
}

/* A client that has its address (ciaddr): unicast to it on 68. */
static void
test_ciaddr_unicast(void)
{
	struct req_spec s = { .type = DHCP_REQUEST, .mac = mac_bios, .arch = 0,
			      .ciaddr = CLIENT_IP, .src_ip = CLIENT_IP };

	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_EQUAL(got.msg_type, DHCP_ACK);
	CU_ASSERT_EQUAL(rep.dst_ip, CLIENT_IP);
	CU_ASSERT_EQUAL(rep.dst_port, DHCP_PORT_CLIENT);
	CU_ASSERT_EQUAL(memcmp(rep.dst_mac, mac_bios, 6), 0);
}

/*
 * One-shot: the first request takes it (committed), the rest of that boot
 * (REQUEST to 4011, iPXE's own DHCP) gets the same profile, a later boot
 * gets the abort file, and so does the first boot after a restart.
 */
static void
test_once(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_once, .arch = 0 };
	struct req_spec r4011 = { .type = DHCP_REQUEST, .mac = mac_once, .arch = 0,
				  .dst_port = DHCP_PORT_PXE, .src_ip = CLIENT_IP,
				  .src_port = DHCP_PORT_PXE };
	struct hostdb_host h;
	struct hostdb *other;
	uint64_t t0 = 5000000000ull;

	CU_ASSERT_TRUE_FATAL(run(&s, t0));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
	TRACE_HAS("action once (armed)");
	TRACE_HAS("one-shot consumed and committed");
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 1);
	/* On disk, seen from another connection, before anything else happens. */
	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &other), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_get(other, id_once, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	CU_ASSERT_STRING_EQUAL(h.last_action, "once");
	hostdb_close(other);

	/* Same boot, the REQUEST to 4011 two seconds later: same answer. */
	CU_ASSERT_TRUE_FATAL(run(&r4011, t0 + 2000000000ull));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
	TRACE_HAS("one-shot taken earlier in this boot");
	CU_ASSERT_EQUAL(hd.stats.once_grace, 1);
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 1);

	/* The next boot, after the grace: the abort file. */
	CU_ASSERT_TRUE_FATAL(run(&s, t0 + DHCP_ONCE_GRACE_NS + 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	TRACE_HAS("action once (consumed)");
	CU_ASSERT_PTR_NULL(strstr(trace_buf, "one-shot consumed and committed"));

	/* Restart (grace memory lost) right after taking it: abort at once. */
	CU_ASSERT_EQUAL(hostdb_get(db, id_once, &h), HOSTDB_OK);
	h.h.once_armed = true;
	CU_ASSERT_EQUAL(hostdb_set(db, &h), HOSTDB_OK);
	CU_ASSERT_TRUE_FATAL(run(&s, t0));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
	handler_reset();
	CU_ASSERT_TRUE_FATAL(run(&r4011, t0 + 1000));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:00:0e:01"));
}

/*
 * A one-shot taken before a restart (the new handler remembers no grace) is
 * answered as consumed, for EFI too.
 */
static void
test_once_lost_race(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x02 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac, .arch = 7 };
	bool consumed;
	int64_t id;

	add_host(mac, NULL, BOOT_ACTION_ONCE, "reimage", "", &id);
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/bootmgfw.efi");
	/* Already consumed in the DB but remembered armed nowhere: a fresh handler. */
	handler_reset();
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
}

/* Snapshots a publisher would still hold: a lagging worker's view. */
static struct dhcp_snapshot *kept[8];
static int n_kept;

static void
keep_snapshot(void *arg, struct dhcp_snapshot *snap)
{
	(void)arg;
	if (n_kept < 8)
		kept[n_kept++] = snap;
}

/*
 * Copies of one boot's request that all reached the control thread from a
 * snapshot still saying "armed" (workers had not seen the new one): the
 * one-shot is taken once; the other copies are in its grace, same answer.
 * One taken by another connection meanwhile is answered as consumed.
 */
static void
test_once_copies(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x03 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac, .arch = 0 };
	struct dhcp_snapshot *stale;
	struct hostdb *other;
	bool consumed;
	int64_t id;
	int i;

	add_host(mac, NULL, BOOT_ACTION_ONCE, "reimage", "copies", &id);
	handler_reset();
	hd.publish = keep_snapshot;
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 10), 0);
	stale = hd.snap;
	build_req(&s, &req);
	CU_ASSERT_TRUE(dhcp_snap_by_mac(stale, mac)->h.once_armed);
	for (i = 0; i < 3; i++) {
		hd.snap = stale;	/* what the lagging workers answered from */
		trace_reset();
		CU_ASSERT_TRUE_FATAL(dhcp_control_handle(&hd, &req, 20 + i, &rep));
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(rep.payload, rep.len, &got), DHCP_OK);
		CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
		if (i == 0)
			TRACE_HAS("one-shot consumed and committed");
		else
			TRACE_HAS("one-shot taken earlier in this boot");
	}
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 1);
	CU_ASSERT_EQUAL(hd.stats.once_grace, 2);
	/* The handler's own snapshot now says taken, with the grace. */
	CU_ASSERT_FALSE(dhcp_snap_by_mac(hd.snap, mac)->h.once_armed);
	CU_ASSERT(dhcp_snap_by_mac(hd.snap, mac)->grace_until_ns > 20);

	/* Re-armed, then taken behind the handler's back: consumed answer. */
	CU_ASSERT_EQUAL(hostdb_open(dbpath, &other), HOSTDB_OK);
	{
		struct hostdb_host h;

		CU_ASSERT_EQUAL(hostdb_get(other, id, &h), HOSTDB_OK);
		h.h.once_armed = true;
		CU_ASSERT_EQUAL(hostdb_set(other, &h), HOSTDB_OK);
	}
	handler_reset();
	hd.publish = keep_snapshot;
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 30), 0);
	CU_ASSERT_EQUAL(hostdb_consume_once(other, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	hostdb_close(other);
	trace_reset();
	CU_ASSERT_TRUE_FATAL(dhcp_control_handle(&hd, &req, 30, &rep));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(rep.payload, rep.len, &got), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	TRACE_HAS("one-shot already consumed");
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 0);
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:00:0e:03"));
	hd.publish = NULL;
	for (i = 0; i < n_kept; i++)
		if (kept[i] != hd.snap)
			dhcp_snap_free(kept[i]);
	n_kept = 0;
}

/*
 * A DHCPv6 boot's one-shot (the worker's TAKE6 request, three copies):
 * taken once, no reply built; the snapshot then carries the grace the
 * worker answers the retransmission from. Without a grace (another
 * connection took it meanwhile) the stale snapshot is rebuilt.
 */
static void
test_once_take6(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x06 };
	const struct dhcp_snap_host *sh;
	uint64_t built;
	int64_t id;
	int i;

	add_host(mac, NULL, BOOT_ACTION_ONCE, "reimage", "take6", &id);
	handler_reset();
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 10), 0);
	memset(&req, 0, sizeof(req));
	req.kind = DHCP_REQ_TAKE6;
	req.take6.v6 = 1;
	req.take6.msg_type = DHCP6_SOLICIT;
	req.take6.host_id = id;
	memcpy(req.take6.mac, mac, 6);
	trace_reset();
	for (i = 0; i < 3; i++) {
		built = hd.stats.snapshots;
		CU_ASSERT_FALSE(dhcp_control_handle(&hd, &req, 20 + i, &rep));
		/* The first publishes the grace; the copies find it: no rebuild. */
		CU_ASSERT_EQUAL(hd.stats.snapshots, built + (i == 0));
	}
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 1);
	CU_ASSERT_EQUAL(trace_lines, 1);
	TRACE_HAS("dhcp 52:54:00:00:0e:06 one-shot consumed and committed (host id");
	TRACE_HAS("for a DHCPv6 SOLICIT: answered on its retransmission");
	sh = dhcp_snap_by_mac(hd.snap, mac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	CU_ASSERT_FALSE(sh->h.once_armed);
	CU_ASSERT(sh->grace_until_ns > 20);
	/* A new handler (restart: no grace): taken already, the snapshot rebuilt. */
	handler_reset();
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 10), 0);
	built = hd.stats.snapshots;
	trace_reset();
	CU_ASSERT_FALSE(dhcp_control_handle(&hd, &req, 30, &rep));
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 0);
	CU_ASSERT_EQUAL(hd.stats.snapshots, built + 1);
	CU_ASSERT_EQUAL(trace_lines, 0);
	handler_reset();
}

/* The fleet after each heartbeat: a new snapshot only when the live
 * engines (or which one we are) changed; the snapshot carries them and the
 * configured standby delay; a bad list changes nothing. */
static void
test_set_fleet(void)
{
	static const char *const two[] = { "eng-b", "eng-a" };
	static const char *const same[] = { "eng-a", "eng-b" };
	static const char *const three[] = { "eng-a", "eng-b", "eng-c" };
	static const char *const bad[] = { "" };
	uint64_t built;

	handler_reset();
	cfg.dhcp.standby_delay_ms = 2500;
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 1), 0);
	CU_ASSERT_EQUAL(hd.snap->fleet.n, 0);
	built = hd.stats.snapshots;
	CU_ASSERT_EQUAL(dhcp_handler_set_fleet(&hd, two, 2, "eng-a", 2), 1);
	CU_ASSERT_EQUAL(hd.stats.snapshots, built + 1);
	CU_ASSERT_EQUAL(hd.snap->fleet.n, 2);
	CU_ASSERT_STRING_EQUAL(hd.snap->fleet.names[hd.snap->fleet.self], "eng-a");
	CU_ASSERT_EQUAL(hd.snap->fleet.standby_delay_ms, 2500);
	CU_ASSERT_EQUAL(dhcp_handler_set_fleet(&hd, same, 2, "eng-a", 3), 0);
	CU_ASSERT_EQUAL(hd.stats.snapshots, built + 1);
	CU_ASSERT_EQUAL(dhcp_handler_set_fleet(&hd, three, 3, "eng-a", 4), 1);
	CU_ASSERT_EQUAL(hd.snap->fleet.n, 3);
	CU_ASSERT_EQUAL(dhcp_handler_set_fleet(&hd, bad, 1, "eng-a", 5), -1);
	CU_ASSERT_EQUAL(hd.snap->fleet.n, 3);
	CU_ASSERT_EQUAL(hd.stats.snapshots, built + 2);
	/* A rebuild for another reason (a host added) keeps the fleet. */
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hd, 6), 0);
	CU_ASSERT_EQUAL(hd.snap->fleet.n, 3);
	cfg.dhcp.standby_delay_ms = 1500;
	handler_reset();
}

/* The compare-and-set itself: two connections race, exactly one wins. */
static void
test_cas_two_consumers(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x04 };
	struct hostdb *a, *b;
	bool ca = false, cb = false;
	int64_t id;

	add_host(mac, NULL, BOOT_ACTION_ONCE, "reimage", "race", &id);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &a), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &b), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(a, id, true, &ca, NULL), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(b, id, true, &cb, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(ca != cb);
	CU_ASSERT_TRUE(ca);
	CU_ASSERT_EQUAL(hostdb_consume_once(a, id, true, &ca, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(ca);
	hostdb_close(a);
	hostdb_close(b);
}

/*
 * Two engines on one store (engine-a, engine-b): a boot's copies that reach
 * b after a took the one-shot are in its grace too (the shared consumed_at),
 * whether b's snapshot was stale (the compare-and-set lost) or rebuilt after
 * (the grace comes with the record); past the grace, the consumed answer.
 */
static void
test_grace_across_engines(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x08 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac, .arch = 0 };
	struct dhcp_handler hb;
	struct hostdb *a, *b;
	int64_t id;

	add_host(mac, NULL, BOOT_ACTION_ONCE, "reimage", "fleet", &id);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &a), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &b), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_heartbeat(a, "engine-a"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_heartbeat(b, "engine-b"), HOSTDB_OK);
	memset(&hb, 0, sizeof(hb));
	hb.cfg = &cfg;
	hb.db = b;
	hb.server_ip = server_ips;
	hb.n_ports = 1;
	hb.trace = capture;
	/* b's snapshot from before the taking: armed. */
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hb, 1000), 0);
	CU_ASSERT_TRUE(dhcp_snap_by_mac(hb.snap, mac)->h.once_armed);

	handler_reset();
	hd.db = a;
	CU_ASSERT_TRUE_FATAL(run(&s, 1000));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
	TRACE_HAS("one-shot consumed and committed");

	/* A copy at b: the CAS loses to engine-a's boot, the answer is the same. */
	build_req(&s, &req);
	trace_reset();
	CU_ASSERT_TRUE_FATAL(dhcp_control_handle(&hb, &req, 2000, &rep));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(rep.payload, rep.len, &got), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.com");
	TRACE_HAS("one-shot taken earlier in this boot");
	CU_ASSERT_EQUAL(hb.stats.once_consumed, 0);
	CU_ASSERT_EQUAL(hb.stats.once_grace, 1);

	/* b rebuilt from the store alone (a fresh engine): the grace is in it. */
	dhcp_handler_fini(&hb);
	memset(hb.grace, 0, sizeof(hb.grace));
	CU_ASSERT_EQUAL_FATAL(dhcp_handler_rebuild(&hb, 5000), 0);
	CU_ASSERT_FALSE(dhcp_snap_by_mac(hb.snap, mac)->h.once_armed);
	CU_ASSERT_TRUE(dhcp_snap_by_mac(hb.snap, mac)->grace_until_ns > 5000);
	CU_ASSERT_TRUE(dhcp_snap_by_mac(hb.snap, mac)->grace_until_ns <=
		       5000 + DHCP_ONCE_GRACE_NS);
	/* Past it: the profile's abort file, as for any consumed one-shot. */
	trace_reset();
	CU_ASSERT_TRUE_FATAL(dhcp_control_handle(&hb, &req, 5000 + DHCP_ONCE_GRACE_NS, &rep));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(rep.payload, rep.len, &got), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	dhcp_handler_fini(&hb);
	handler_reset();
	hostdb_close(a);
	hostdb_close(b);
}

/*
 * once_until = "file:NAME": answers keep the profile (kept armed, no
 * commit) until the drain reports NAME served completely to that MAC;
 * another file, or another MAC, takes nothing.
 */
static void
test_once_until_file(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x05 };
	static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x0e, 0x06 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac, .arch = 0 };
	struct hostdb_host h;
	int64_t id;

	set_profile(&cfg.profiles[3], "winpe", "boot/pxeboot.n12", "", "boot/abortpxe.com", "");
	snprintf(cfg.profiles[3].once_until_file, sizeof(cfg.profiles[3].once_until_file),
		 "sources/boot.wim");
	cfg.n_profiles = 4;
	add_host(mac, NULL, BOOT_ACTION_ONCE, "winpe", "wim", &id);
	handler_reset();
	CU_ASSERT_TRUE_FATAL(run(&s, 100));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.n12");
	TRACE_HAS("kept armed until sources/boot.wim is served");
	CU_ASSERT_PTR_NULL(strstr(trace_buf, "one-shot consumed"));
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 0);
	/* The download failed: the next boot is offered the same. */
	CU_ASSERT_TRUE_FATAL(run(&s, 200));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.n12");
	CU_ASSERT_FALSE(dhcp_handler_file_done(&hd, mac, "boot/pxeboot.n12", 300));
	CU_ASSERT_FALSE(dhcp_handler_file_done(&hd, other_mac, "sources/boot.wim", 300));
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_OK);
	CU_ASSERT_TRUE(h.h.once_armed);
	/* Served completely: taken, committed; a second report takes nothing. */
	trace_reset();
	CU_ASSERT_TRUE(dhcp_handler_file_done(&hd, mac, "/Sources/boot.wim", 300));
	TRACE_HAS("one-shot consumed and committed");
	TRACE_HAS("/Sources/boot.wim served completely");
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	CU_ASSERT_FALSE(dhcp_handler_file_done(&hd, mac, "sources/boot.wim", 400));
	CU_ASSERT_EQUAL(hd.stats.once_consumed, 1);
	/* The rest of that boot: same answer; after the grace: abort. */
	CU_ASSERT_TRUE_FATAL(run(&s, 500));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/pxeboot.n12");
	CU_ASSERT_TRUE_FATAL(run(&s, 300 + DHCP_ONCE_GRACE_NS));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	cfg.n_profiles = 3;
}

static void
test_ignore_list(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_bios, .arch = 0 };

	memcpy(cfg.dhcp.ignore_macs[0], mac_unknown, 6);
	memcpy(cfg.dhcp.ignore_macs[1], mac_bios, 6);
	cfg.dhcp.n_ignore = 2;
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("ignored: MAC on ignore list");
	CU_ASSERT_EQUAL(hd.stats.ignored_mac, 1);
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:12:34:56"));
	cfg.dhcp.n_ignore = 0;
	CU_ASSERT_TRUE(run(&s, 1));
}

/* dhcp.port67 = false: beside a DHCP server that sends option 60 itself. */
static void
test_port67_off(void)
{
	struct req_spec d = { .type = DHCP_DISCOVER, .mac = mac_efi, .arch = 7 };
	struct req_spec r = { .type = DHCP_REQUEST, .mac = mac_efi, .arch = 7,
			      .dst_port = DHCP_PORT_PXE, .src_ip = CLIENT_IP,
			      .src_port = DHCP_PORT_PXE };

	cfg.dhcp.port67 = false;
	CU_ASSERT_FALSE(run(&d, 1));
	TRACE_HAS("dhcp.port67 = false");
	CU_ASSERT_EQUAL(hd.stats.ignored_port67, 1);
	CU_ASSERT_TRUE(run(&r, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "ipxe.efi");
	cfg.dhcp.port67 = true;
}

/* A REQUEST on 67 is for whoever option 54 names. */
static void
test_request_other_server(void)
{
	struct req_spec s = { .type = DHCP_REQUEST, .mac = mac_bios, .arch = 0,
			      .server_id = SITE_DHCP };

	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("ignored: REQUEST for DHCP server 192.0.2.1, not us");
	s.server_id = OUR_IP;
	CU_ASSERT_TRUE(run(&s, 1));
	CU_ASSERT_EQUAL(got.msg_type, DHCP_ACK);
	s.server_id = 0;	/* none named: ours to answer */
	CU_ASSERT_TRUE(run(&s, 1));
}

static void
test_unknown_policy(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_unknown, .arch = 0 };

	cfg.unknown_action = CFG_UNKNOWN_ABORT;
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "abort-unknown.com");
	TRACE_HAS("unknown computer: policy abort");
	TRACE_HAS("file=abort-unknown.com");

	cfg.unknown_action = CFG_UNKNOWN_IGNORE;
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("unknown computer: policy ignore");
	TRACE_HAS("-> no answer");

	cfg.unknown_action = CFG_UNKNOWN_BOOT;
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "unknown.kpxe");

	/* The unknown profile has no x64 file: PXE-E53, named in the trace. */
	s.arch = 7;
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("PXE-E53");
	TRACE_HAS("has no efi-x64 file");
	CU_ASSERT_TRUE(trace_all_lines_have("52:54:00:99:99:99"));
	cfg.unknown_action = CFG_UNKNOWN_ABORT;
}

/* A client already running iPXE gets the script, not iPXE again. */
static void
test_ipxe_user_class(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_efi, .arch = 7,
			      .uuid = uuid_efi, .ipxe = true };

	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "http://192.0.2.2/boot.ipxe");
	TRACE_HAS(" ipxe ");
}

/* UUID wins over a different MAC record (ConfigMgr's rule). */
static void
test_uuid_over_mac(void)
{
	static const uint8_t uuid2[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_bios, .arch = 0,
			      .uuid = uuid2 };

	add_host(NULL, uuid2, BOOT_ACTION_ABORT, "reimage", "by-uuid", NULL);
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_EQUAL(reply_file(), "boot/abortpxe.com");
	TRACE_HAS("known by UUID (MAC matches another record)");
}

/* QEMU sends an all-zero SMBIOS UUID: it must not match a record that
 * happens to hold one (it names no machine). */
static void
test_zero_uuid_is_absent(void)
{
	static const uint8_t zero[16];
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_unknown, .arch = 0,
			      .uuid = zero };

	add_host(NULL, zero, BOOT_ACTION_ABORT, "reimage", "zero-uuid", NULL);
	CU_ASSERT_TRUE_FATAL(run(&s, 1));
	CU_ASSERT_STRING_NOT_EQUAL(reply_file(), "boot/abortpxe.com");
	TRACE_HAS("unknown computer");
}

/* Hostile or odd requests: no reply, counted, never a crash. */
static void
test_hostile(void)
{
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac_bios, .arch = 0 };
	uint64_t bad;

	/* Unparsable and truncated requests never reach the control thread:
	 * the worker drops them (tests/eal: dhcp_bad). */
	/* not a PXE client */
	s.vendor = "MSFT 5.0";
	build_req(&s, &req);
	bad = hd.stats.not_pxe;
	CU_ASSERT_FALSE(dhcp_control_handle(&hd, &req, 1, &rep));
	CU_ASSERT_EQUAL(hd.stats.not_pxe, bad + 1);
	s.vendor = NULL;

	/* RELEASE: nothing owed */
	s.type = DHCP_RELEASE;
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("no proxy reply owed to a RELEASE");
	s.type = DHCP_DISCOVER;

	/* unknown interface */
	build_req(&s, &req);
	req.port_idx = 3;
	trace_reset();
	CU_ASSERT_FALSE(dhcp_control_handle(&hd, &req, 1, &rep));
	TRACE_HAS("unknown interface");

	/* to 4011 without a source address: nowhere to answer */
	s.type = DHCP_REQUEST;
	s.dst_port = DHCP_PORT_PXE;
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("PXE-E55");
}

/* A host record whose profile was removed from the config. */
static void
test_missing_profile(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x0d, 0xe1, 0x00 };
	struct req_spec s = { .type = DHCP_DISCOVER, .mac = mac, .arch = 0 };

	add_host(mac, NULL, BOOT_ACTION_BOOT, "retired", "", NULL);
	CU_ASSERT_FALSE(run(&s, 1));
	TRACE_HAS("profile \"retired\" is not configured");
	TRACE_HAS("PXE-E53");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "hosts", test_setup_hosts },
		{ "BIOS DISCOVER -> broadcast OFFER", test_bios_discover },
		{ "OVMF REQUEST to 4011 -> ACK from 4011", test_ovmf_request_4011 },
		{ "relayed -> giaddr:67 with 82", test_relayed },
		{ "ciaddr -> unicast", test_ciaddr_unicast },
		{ "one-shot", test_once },
		{ "one-shot taken before restart, EFI", test_once_lost_race },
		{ "one-shot: copies from a stale snapshot", test_once_copies },
		{ "one-shot: compare-and-set, two consumers", test_cas_two_consumers },
		{ "one-shot of a DHCPv6 boot: taken once, no reply", test_once_take6 },
		{ "one-shot: grace across engines", test_grace_across_engines },
		{ "one-shot until a file is served", test_once_until_file },
		{ "ignore list", test_ignore_list },
		{ "port67 off", test_port67_off },
		{ "REQUEST for another server", test_request_other_server },
		{ "unknown policy", test_unknown_policy },
		{ "iPXE gets the script", test_ipxe_user_class },
		{ "UUID over MAC", test_uuid_over_mac },
		{ "all-zero UUID is no UUID", test_zero_uuid_is_absent },
		{ "hostile requests", test_hostile },
		{ "missing profile", test_missing_profile },
		{ "fleet: republished only when it changed", test_set_fleet },
		{ NULL, NULL },
	};

	return unit_run_fixture("dhcp_control", suite_init, suite_fini, tests);
}
