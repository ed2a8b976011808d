/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one UDP payload to 547 through dhcp6_parse(). What is
 * accepted must keep dhcp6.h's promises (a client message type, a client
 * ID, hop counts within the limit, kept strings NUL-terminated), and the
 * reply the proxy would build from it must be well formed: walked here
 * level by level, each Relay-Repl carrying its level's fields, the message
 * inside echoing the client ID. A broken invariant calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/dhcp6.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static uint8_t out[2048];

static const uint8_t server_duid[10] = { 0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01 };

static unsigned
be16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* The data of option code in opts, or NULL; every option must be whole. */
static const uint8_t *
find_opt(const uint8_t *opts, size_t len, unsigned code, size_t *ret_len)
{
	const uint8_t *found = NULL;
	size_t i = 0, n;

	while (i < len) {
		CHECK(i + 4 <= len);
		n = be16(opts + i + 2);
		CHECK(i + 4 + n <= len);
		if (be16(opts + i) == code && !found) {
			found = opts + i + 4;
			*ret_len = n;
		}
		i += 4 + n;
	}
	return found;
}

static void
check_reply(const struct dhcp6_msg *m, const uint8_t *p, size_t len)
{
	const uint8_t *o;
	size_t ol;
	int i;

	for (i = 0; i < m->n_relays; i++) {
		const struct dhcp6_relay *r = &m->relay[i];

		CHECK(len >= DHCP6_RELAY_HDR_LEN);
		CHECK(p[0] == DHCP6_RELAY_REPL && p[1] == r->hop_count);
		CHECK(memcmp(p + 2, r->link, 16) == 0 && memcmp(p + 18, r->peer, 16) == 0);
		o = find_opt(p + 34, len - 34, DHCP6_OPT_INTERFACE_ID, &ol);
		CHECK((o != NULL) == r->has_ifid);
		if (o)
			CHECK(ol == r->ifid_len && memcmp(o, r->ifid, ol) == 0);
		o = find_opt(p + 34, len - 34, DHCP6_OPT_RELAY_MSG, &ol);
		CHECK(o != NULL);
		p = o;
		len = ol;
	}
	CHECK(len >= DHCP6_HDR_LEN);
	CHECK(p[0] == dhcp6_reply_type(m));
	CHECK(((uint32_t)p[1] << 16 | be16(p + 2)) == m->xid);
	o = find_opt(p + 4, len - 4, DHCP6_OPT_CLIENTID, &ol);
	CHECK(o && ol == m->client_id_len && memcmp(o, m->client_id, ol) == 0);
	o = find_opt(p + 4, len - 4, DHCP6_OPT_SERVERID, &ol);
	CHECK(o && ol == sizeof(server_duid));
	CHECK(find_opt(p + 4, len - 4, DHCP6_OPT_BOOTFILE_URL, &ol) != NULL);
	CHECK(find_opt(p + 4, len - 4, DHCP6_OPT_IA_NA, &ol) == NULL);
}

static void
check_accepted(const struct dhcp6_msg *m)
{
	struct dhcp6_reply_params p = {
		.req = m,
		.server_id = server_duid,
		.server_id_len = sizeof(server_duid),
		.boot_url = "tftp://[2001:db8::2]/efi/bootx64.efi",
		.boot_param = "x",
		.vendor_class = "PXEClient",
	};
	uint8_t mac[6];
	size_t len;
	int i;

	CHECK(m->msg_type != DHCP6_ADVERTISE && m->msg_type != DHCP6_REPLY &&
	      m->msg_type != DHCP6_RELAY_FORW && m->msg_type != DHCP6_RELAY_REPL);
	CHECK(m->client_id_len >= 3 && m->client_id_len <= DHCP6_DUID_MAX);
	CHECK(m->n_relays <= DHCP6_RELAY_MAX);
	CHECK(m->xid <= 0xffffff);
	CHECK(m->vendor_class[m->vendor_class_len] == '\0');
	CHECK(m->n_oro <= DHCP6_ORO_MAX);
	for (i = 0; i < m->n_relays; i++) {
		CHECK(m->relay[i].hop_count <= DHCP6_HOP_COUNT_LIMIT);
		CHECK(m->relay[i].ifid_len <= DHCP6_IFID_MAX);
	}
	if (m->has_uuid)
		CHECK(m->duid_type == DHCP6_DUID_UUID && m->client_id_len == 18);
	if (dhcp6_msg_mac(m, mac) != DHCP6_MAC_NONE && !m->n_relays)
		CHECK(m->duid_has_mac && memcmp(mac, m->duid_mac, 6) == 0);
	if (!dhcp6_reply_type(m)) {
		CHECK(dhcp6_build_reply(out, sizeof(out), &p, &len) == DHCP6_ERR_PARAM);
		return;
	}
	if (dhcp6_build_reply(out, sizeof(out), &p, &len) != DHCP6_OK)
		return;		/* nine interface-ids of 64 bytes do not fit 2 KiB */
	CHECK(len <= sizeof(out));
	check_reply(m, out, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp6_msg m;
	enum dhcp6_err e;

	e = dhcp6_parse(data, size, &m);
	CHECK((unsigned)e < DHCP6_ERR__MAX);
	CHECK(dhcp6_strerror(e) != NULL);
	if (e == DHCP6_OK)
		check_accepted(&m);
	return 0;
}
