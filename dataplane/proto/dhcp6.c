/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv6 codec for the PXE proxy. See dhcp6.h.
 *
 * Choices made for the reply, and why (EDK2's PxeBcDhcp6.c, iPXE's
 * dhcpv6.c, read for what they accept):
 * - No IA_NA and no status code: EDK2 classes an Advertise without an
 *   address as a proxy offer, and one whose option 16 carries enterprise
 *   343 and, at byte 6, "PXEClient" as a PXE offer; with option 59 it is a
 *   "proxy BINL" offer. After the site server's Reply the firmware sends a
 *   Request with our server ID to the address in the URL, port 4011, and
 *   boots the file of the Reply to that.
 * - The client ID is echoed byte for byte: iPXE and EDK2 drop a reply whose
 *   option 1 differs from what they sent.
 * - No preference option: 255 would ask a client to stop collecting, and an
 *   offer without an address is not one a client should stop for.
 */
#include <string.h>

#include "dataplane/proto/dhcp6.h"
#include "dataplane/proto/wire.h"

static const char *const dhcp6_err_str[] = {
	[DHCP6_OK] = "ok",
	[DHCP6_ERR_SHORT] = "shorter than its header",
	[DHCP6_ERR_TYPE] = "a message type a server does not receive",
	[DHCP6_ERR_OPT_TRUNC] = "option runs past the end of its message",
	[DHCP6_ERR_OPT_LEN] = "fixed-size option with a wrong length",
	[DHCP6_ERR_DUID] = "client or server ID malformed",
	[DHCP6_ERR_RELAY_HOPS] = "relayed through more hops than the limit",
	[DHCP6_ERR_RELAY_MSG] = "Relay-Forw without exactly one relay message",
	[DHCP6_ERR_NO_CLIENTID] = "no client ID",
	[DHCP6_ERR_DUP_OPT] = "client or server ID twice",
	[DHCP6_ERR_CLASS] = "vendor or user class malformed",
	[DHCP6_ERR_NO_SPACE] = "reply does not fit",
	[DHCP6_ERR_PARAM] = "bad reply parameters",
};
_Static_assert(sizeof(dhcp6_err_str) / sizeof(dhcp6_err_str[0]) == DHCP6_ERR__MAX,
	       "dhcp6_err_str out of step with its enum");

const char *
dhcp6_strerror(enum dhcp6_err e)
{
	if ((unsigned int)e >= DHCP6_ERR__MAX)
		return "unknown dhcp6 error";
	return dhcp6_err_str[e];
}

const char *
dhcp6_type_name(uint8_t type)
{
	static const char *const names[] = {
		"type0", "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM", "RENEW", "REBIND",
		"REPLY", "RELEASE", "DECLINE", "RECONFIGURE", "INFORMATION-REQUEST",
		"RELAY-FORW", "RELAY-REPL",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "type?";
}

/* One option of a message: code, and its data inside the message. */
struct opt6 {
	uint16_t code;
	uint16_t len;
	const uint8_t *data;
};

/* The next option of w into o; false at the end. Sets err on a truncation. */
static bool
next_opt(struct wire *w, struct opt6 *o, enum dhcp6_err *err)
{
	if (wire_left(w) == 0)
		return false;
	o->code = wire_be16(w);
	o->len = wire_be16(w);
	o->data = wire_take(w, o->len);
	if (!wire_ok(w)) {
		*err = DHCP6_ERR_OPT_TRUNC;
		return false;
	}
	return true;
}

static void
mark_seen(struct dhcp6_msg *m, uint16_t code)
{
	if (code < 256)
		m->seen[code >> 3] |= (uint8_t)(1u << (code & 7));
}

/* A DUID as option 1 or 2 carries it: 2 bytes of type and at least one more. */
static enum dhcp6_err
copy_duid(const struct opt6 *o, uint8_t *len, uint8_t *dst)
{
	if (o->len < 3 || o->len > DHCP6_DUID_MAX)
		return DHCP6_ERR_DUID;
	memcpy(dst, o->data, o->len);
	*len = (uint8_t)o->len;
	return DHCP6_OK;
}

/* What the client's DUID says about the machine: its MAC or its UUID. */
static enum dhcp6_err
decode_client_duid(struct dhcp6_msg *m)
{
	const uint8_t *d = m->client_id;
	size_t n = m->client_id_len, ll_off;
	uint16_t htype;

	m->duid_type = (uint16_t)(d[0] << 8 | d[1]);
	switch (m->duid_type) {
	case DHCP6_DUID_LLT:
	case DHCP6_DUID_LL:
		ll_off = m->duid_type == DHCP6_DUID_LLT ? 8 : 4;
		if (n < ll_off)
			return DHCP6_ERR_DUID;
		htype = (uint16_t)(d[2] << 8 | d[3]);
		if (htype == DHCP6_HTYPE_ETHER && n == ll_off + 6) {
			m->duid_has_mac = true;
			memcpy(m->duid_mac, d + ll_off, 6);
		}
		return DHCP6_OK;
	case DHCP6_DUID_EN:
		return n >= 6 ? DHCP6_OK : DHCP6_ERR_DUID;	/* enterprise + 1 byte */
	case DHCP6_DUID_UUID:
		if (n != 18)
			return DHCP6_ERR_DUID;
		m->has_uuid = true;
		memcpy(m->uuid, d + 2, 16);
		return DHCP6_OK;
	default:
		return DHCP6_OK;	/* a type we do not know is still an ID */
	}
}

static bool
starts_with(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	return n >= pn && memcmp(s, prefix, pn) == 0;
}

/* Option 16: enterprise number, then (length, string) items; the first kept. */
static enum dhcp6_err
parse_vendor_class(struct dhcp6_msg *m, const struct opt6 *o)
{
	struct wire w = wire_reader(o->data, o->len);
	const uint8_t *s;
	uint16_t n;
	size_t keep;

	m->vendor_enterprise = wire_be32(&w);
	if (!wire_ok(&w))
		return DHCP6_ERR_CLASS;
	while (wire_left(&w)) {
		n = wire_be16(&w);
		s = wire_take(&w, n);
		if (!wire_ok(&w))
			return DHCP6_ERR_CLASS;
		if (m->vendor_class_len || n == 0)
			continue;
		keep = n < DHCP6_CLASS_MAX - 1 ? n : DHCP6_CLASS_MAX - 1;
		memcpy(m->vendor_class, s, keep);
		m->vendor_class[keep] = '\0';
		m->vendor_class_len = (uint8_t)keep;
	}
	m->is_pxeclient = starts_with(m->vendor_class, m->vendor_class_len, "PXEClient");
	m->is_httpclient = starts_with(m->vendor_class, m->vendor_class_len, "HTTPClient");
	return DHCP6_OK;
}

/* Option 15: (length, string) items; iPXE sends one, "iPXE". */
static enum dhcp6_err
parse_user_class(struct dhcp6_msg *m, const struct opt6 *o)
{
	struct wire w = wire_reader(o->data, o->len);
	const uint8_t *s;
	uint16_t n;

	while (wire_left(&w)) {
		n = wire_be16(&w);
		s = wire_take(&w, n);
		if (!wire_ok(&w))
			return DHCP6_ERR_CLASS;
		if (n == 4 && memcmp(s, "iPXE", 4) == 0)
			m->is_ipxe = true;
	}
	return DHCP6_OK;
}

static enum dhcp6_err
parse_client_opt(struct dhcp6_msg *m, const struct opt6 *o)
{
	unsigned i;

	switch (o->code) {
	case DHCP6_OPT_CLIENTID:
		if (dhcp6_has(m, o->code))
			return DHCP6_ERR_DUP_OPT;
		if (copy_duid(o, &m->client_id_len, m->client_id) != DHCP6_OK)
			return DHCP6_ERR_DUID;
		return decode_client_duid(m);
	case DHCP6_OPT_SERVERID:
		if (dhcp6_has(m, o->code))
			return DHCP6_ERR_DUP_OPT;
		return copy_duid(o, &m->server_id_len, m->server_id);
	case DHCP6_OPT_IA_NA:
		if (o->len < 12)
			return DHCP6_ERR_OPT_LEN;
		if (!m->has_ia_na)
			m->ia_na_iaid = (uint32_t)o->data[0] << 24 | (uint32_t)o->data[1] << 16 |
					(uint32_t)o->data[2] << 8 | o->data[3];
		m->has_ia_na = true;
		return DHCP6_OK;
	case DHCP6_OPT_ORO:
		if (o->len % 2)
			return DHCP6_ERR_OPT_LEN;
		if (dhcp6_has(m, o->code))
			return DHCP6_OK;
		for (i = 0; i < o->len / 2u && i < DHCP6_ORO_MAX; i++)
			m->oro[i] = (uint16_t)(o->data[2 * i] << 8 | o->data[2 * i + 1]);
		m->n_oro = (uint8_t)i;
		return DHCP6_OK;
	case DHCP6_OPT_ELAPSED_TIME:
		return o->len == 2 ? DHCP6_OK : DHCP6_ERR_OPT_LEN;
	case DHCP6_OPT_USER_CLASS:
		return parse_user_class(m, o);
	case DHCP6_OPT_VENDOR_CLASS:
		if (dhcp6_has(m, o->code))
			return DHCP6_OK;
		return parse_vendor_class(m, o);
	case DHCP6_OPT_CLIENT_ARCH:
		if (o->len == 0 || o->len % 2)
			return DHCP6_ERR_OPT_LEN;
		if (dhcp6_has(m, o->code))
			return DHCP6_OK;
		m->arch_code = (uint16_t)(o->data[0] << 8 | o->data[1]);
		m->n_arch = (uint8_t)(o->len / 2 > 255 ? 255 : o->len / 2);
		return DHCP6_OK;
	case DHCP6_OPT_NII:
		if (o->len != 3)
			return DHCP6_ERR_OPT_LEN;
		if (!dhcp6_has(m, o->code))
			memcpy(m->nii, o->data, 3);
		return DHCP6_OK;
	default:
		return DHCP6_OK;
	}
}

static bool
is_client_type(uint8_t t)
{
	switch (t) {
	case DHCP6_SOLICIT:
	case DHCP6_REQUEST:
	case DHCP6_CONFIRM:
	case DHCP6_RENEW:
	case DHCP6_REBIND:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
	case DHCP6_INFORMATION_REQUEST:
		return true;
	default:
		return false;
	}
}

static enum dhcp6_err
parse_client(const uint8_t *p, size_t len, struct dhcp6_msg *m)
{
	struct wire w = wire_reader(p, len);
	enum dhcp6_err e = DHCP6_OK;
	struct opt6 o;

	if (len < DHCP6_HDR_LEN)
		return DHCP6_ERR_SHORT;
	m->msg_type = wire_u8(&w);
	if (!is_client_type(m->msg_type))
		return DHCP6_ERR_TYPE;
	m->xid = (uint32_t)wire_u8(&w) << 16;
	m->xid |= wire_be16(&w);
	while (next_opt(&w, &o, &e)) {
		e = parse_client_opt(m, &o);
		if (e != DHCP6_OK)
			return e;
		mark_seen(m, o.code);
	}
	if (e != DHCP6_OK)
		return e;
	return dhcp6_has(m, DHCP6_OPT_CLIENTID) ? DHCP6_OK : DHCP6_ERR_NO_CLIENTID;
}

/* One Relay-Forw level; ret_inner is its one relay message. */
static enum dhcp6_err
parse_relay(const uint8_t *p, size_t len, struct dhcp6_relay *r, const uint8_t **ret_inner,
	    size_t *ret_inner_len)
{
	struct wire w = wire_reader(p, len);
	enum dhcp6_err e = DHCP6_OK;
	int n_msg = 0;
	struct opt6 o;

	if (len < DHCP6_RELAY_HDR_LEN)
		return DHCP6_ERR_SHORT;
	wire_u8(&w);
	r->hop_count = wire_u8(&w);
	memcpy(r->link, p + 2, 16);
	memcpy(r->peer, p + 18, 16);
	wire_take(&w, 32);
	while (next_opt(&w, &o, &e)) {
		switch (o.code) {
		case DHCP6_OPT_RELAY_MSG:
			n_msg++;
			*ret_inner = o.data;
			*ret_inner_len = o.len;
			break;
		case DHCP6_OPT_INTERFACE_ID:
			if (o.len > DHCP6_IFID_MAX)
				return DHCP6_ERR_OPT_LEN;
			r->has_ifid = true;
			r->ifid_len = o.len;
			memcpy(r->ifid, o.data, o.len);
			break;
		case DHCP6_OPT_CLIENT_LINKLAYER:
			/* link-layer type, then the address (RFC 6939 4) */
			if (o.len < 3 || o.len > 2 + sizeof(r->lladdr))
				return DHCP6_ERR_OPT_LEN;
			r->has_lladdr = true;
			r->lladdr_type = (uint16_t)(o.data[0] << 8 | o.data[1]);
			r->lladdr_len = (uint8_t)(o.len - 2);
			memcpy(r->lladdr, o.data + 2, r->lladdr_len);
			break;
		default:
			break;
		}
	}
	if (e != DHCP6_OK)
		return e;
	return n_msg == 1 ? DHCP6_OK : DHCP6_ERR_RELAY_MSG;
}

enum dhcp6_err
dhcp6_parse(const uint8_t *payload, size_t len, struct dhcp6_msg *m)
{
	enum dhcp6_err e;

	memset(m, 0, sizeof(*m));
	while (len >= 1 && payload[0] == DHCP6_RELAY_FORW) {
		if (m->n_relays == DHCP6_RELAY_MAX)
			return DHCP6_ERR_RELAY_HOPS;
		e = parse_relay(payload, len, &m->relay[m->n_relays], &payload, &len);
		if (e != DHCP6_OK)
			return e;
		/* Each relay adds one; one at the limit would have dropped it. */
		if (m->relay[m->n_relays].hop_count > DHCP6_HOP_COUNT_LIMIT)
			return DHCP6_ERR_RELAY_HOPS;
		m->n_relays++;
	}
	return parse_client(payload, len, m);
}

bool
dhcp6_is_pxe_request(const struct dhcp6_msg *m)
{
	return m->is_pxeclient || m->is_ipxe;
}

uint8_t
dhcp6_reply_type(const struct dhcp6_msg *m)
{
	switch (m->msg_type) {
	case DHCP6_SOLICIT:
		return DHCP6_ADVERTISE;
	case DHCP6_REQUEST:
	case DHCP6_INFORMATION_REQUEST:
		return DHCP6_REPLY;
	default:
		return 0;
	}
}

enum dhcp6_mac_from
dhcp6_msg_mac(const struct dhcp6_msg *m, uint8_t ret_mac[6])
{
	const struct dhcp6_relay *r;

	if (m->n_relays) {
		r = &m->relay[m->n_relays - 1];
		if (r->has_lladdr && r->lladdr_type == DHCP6_HTYPE_ETHER && r->lladdr_len == 6) {
			memcpy(ret_mac, r->lladdr, 6);
			return DHCP6_MAC_OPTION79;
		}
	}
	if (m->duid_has_mac) {
		memcpy(ret_mac, m->duid_mac, 6);
		return DHCP6_MAC_DUID;
	}
	return DHCP6_MAC_NONE;
}

size_t
dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[10])
{
	out[0] = 0;
	out[1] = DHCP6_DUID_LL;
	out[2] = 0;
	out[3] = DHCP6_HTYPE_ETHER;
	memcpy(out + 4, mac, 6);
	return 10;
}

static void
put_opt(struct wire *w, uint16_t code, const void *data, size_t len)
{
	wire_put_be16(w, code);
	wire_put_be16(w, (uint16_t)len);
	wire_put_bytes(w, data, len);
}

/* The client message's length, or 0 when a field is too long for its option. */
static size_t
message_len(const struct dhcp6_reply_params *p, size_t url_len, size_t param_len,
	    size_t class_len)
{
	size_t n = DHCP6_HDR_LEN + DHCP6_OPT_HDR_LEN + p->server_id_len + DHCP6_OPT_HDR_LEN +
		   p->req->client_id_len + DHCP6_OPT_HDR_LEN + url_len;

	if (url_len > 0xffff || param_len > 0xffff - 2 || class_len > 0xffff - 6)
		return 0;
	if (param_len)
		n += DHCP6_OPT_HDR_LEN + 2 + param_len;
	if (p->vendor_class)
		n += DHCP6_OPT_HDR_LEN + 4 + 2 + class_len;
	return n;
}

static size_t
relay_repl_len(const struct dhcp6_relay *r, size_t inner)
{
	return DHCP6_RELAY_HDR_LEN + (r->has_ifid ? DHCP6_OPT_HDR_LEN + r->ifid_len : 0) +
	       DHCP6_OPT_HDR_LEN + inner;
}

enum dhcp6_err
dhcp6_build_reply(uint8_t *buf, size_t cap, const struct dhcp6_reply_params *p,
		  size_t *ret_len)
{
	size_t url_len, param_len, class_len, lens[DHCP6_RELAY_MAX + 1];
	const struct dhcp6_msg *m = p->req;
	uint8_t type = p->msg_type;
	struct wire w = wire_writer(buf, cap);
	int i;

	if (!m || !p->boot_url || !p->boot_url[0] || !p->server_id || p->server_id_len < 3 ||
	    p->server_id_len > DHCP6_DUID_MAX || !m->client_id_len ||
	    m->n_relays > DHCP6_RELAY_MAX)
		return DHCP6_ERR_PARAM;
	if (!type)
		type = dhcp6_reply_type(m);
	if (type != DHCP6_ADVERTISE && type != DHCP6_REPLY)
		return DHCP6_ERR_PARAM;
	url_len = strlen(p->boot_url);
	param_len = p->boot_param ? strlen(p->boot_param) : 0;
	class_len = p->vendor_class ? strlen(p->vendor_class) : 0;
	/* Lengths from the innermost (the message) out, each within 16 bits. */
	lens[m->n_relays] = message_len(p, url_len, param_len, class_len);
	if (!lens[m->n_relays])
		return DHCP6_ERR_NO_SPACE;
	for (i = m->n_relays - 1; i >= 0; i--) {
		if (lens[i + 1] > 0xffff)
			return DHCP6_ERR_NO_SPACE;
		lens[i] = relay_repl_len(&m->relay[i], lens[i + 1]);
	}
	if (lens[0] > cap)
		return DHCP6_ERR_NO_SPACE;
	for (i = 0; i < m->n_relays; i++) {
		const struct dhcp6_relay *r = &m->relay[i];

		wire_put_u8(&w, DHCP6_RELAY_REPL);
		wire_put_u8(&w, r->hop_count);
		wire_put_bytes(&w, r->link, 16);
		wire_put_bytes(&w, r->peer, 16);
		if (r->has_ifid)
			put_opt(&w, DHCP6_OPT_INTERFACE_ID, r->ifid, r->ifid_len);
		wire_put_be16(&w, DHCP6_OPT_RELAY_MSG);
		wire_put_be16(&w, (uint16_t)lens[i + 1]);
	}
	wire_put_u8(&w, type);
	wire_put_u8(&w, (uint8_t)(m->xid >> 16));
	wire_put_be16(&w, (uint16_t)m->xid);
	put_opt(&w, DHCP6_OPT_SERVERID, p->server_id, p->server_id_len);
	put_opt(&w, DHCP6_OPT_CLIENTID, m->client_id, m->client_id_len);
	if (p->vendor_class) {
		wire_put_be16(&w, DHCP6_OPT_VENDOR_CLASS);
		wire_put_be16(&w, (uint16_t)(4 + 2 + class_len));
		wire_put_be32(&w, DHCP6_ENTERPRISE_PXE);
		wire_put_be16(&w, (uint16_t)class_len);
		wire_put_bytes(&w, p->vendor_class, class_len);
	}
	put_opt(&w, DHCP6_OPT_BOOTFILE_URL, p->boot_url, url_len);
	if (param_len) {
		wire_put_be16(&w, DHCP6_OPT_BOOTFILE_PARAM);
		wire_put_be16(&w, (uint16_t)(2 + param_len));
		wire_put_be16(&w, (uint16_t)param_len);
		wire_put_bytes(&w, p->boot_param, param_len);
	}
	if (!wire_ok(&w) || w.pos != lens[0])
		return DHCP6_ERR_NO_SPACE;
	*ret_len = w.pos;
	return DHCP6_OK;
}
