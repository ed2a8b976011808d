/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one UDP payload through dhcp_parse(); on success the parsed
 * message is checked for what the codec promises, and a proxy reply is built
 * from it and parsed back, checking what a reply must carry over from the
 * request. A broken invariant calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/dhcp.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
check_msg(const struct dhcp_msg *m)
{
	CHECK(m->op == DHCP_OP_REQUEST || m->op == DHCP_OP_REPLY);
	CHECK(m->hlen == 6);
	CHECK(memchr(m->sname, '\0', sizeof(m->sname)) != NULL);
	CHECK(memchr(m->file, '\0', sizeof(m->file)) != NULL);
	CHECK(m->overload <= 3);
	if (m->overload & 1)
		CHECK(m->file[0] == '\0');
	if (m->overload & 2)
		CHECK(m->sname[0] == '\0');
	if (m->overload)
		CHECK(dhcp_has(m, DHCP_OPT_OVERLOAD));
	CHECK(m->vendor_class[m->vendor_class_len] == '\0');
	CHECK(m->is_pxeclient == (m->vendor_class_len >= 9 &&
		memcmp(m->vendor_class, "PXEClient", 9) == 0));
	CHECK(!m->is_pxeclient || dhcp_has(m, DHCP_OPT_VENDOR_CLASS));
	CHECK(m->is_httpclient == (m->vendor_class_len >= 10 &&
		memcmp(m->vendor_class, "HTTPClient", 10) == 0));
	CHECK(m->user_class_len <= DHCP_CONCAT_MAX);
	CHECK(m->param_list_len <= DHCP_CONCAT_MAX);
	CHECK(m->relay_len <= DHCP_CONCAT_MAX);
	CHECK(m->vendor_len <= DHCP_CONCAT_MAX);
	CHECK(!m->has_boot_item || dhcp_has(m, DHCP_OPT_VENDOR));
	CHECK(!m->is_ipxe || dhcp_has(m, DHCP_OPT_IPXE_ENCAP) ||
		dhcp_has(m, DHCP_OPT_USER_CLASS));
	CHECK(dhcp_has(m, DHCP_OPT_CLIENT_ARCH) == (m->n_arch > 0));
	CHECK((unsigned int)dhcp_msg_arch(m) < DHCP_ARCH__MAX);
	CHECK(dhcp_has(m, DHCP_OPT_MSG_TYPE) || m->msg_type == DHCP_NONE);
	CHECK(dhcp_reply_max_len(m) >= DHCP_DEFAULT_MAX - DHCP_IPUDP_LEN);
	CHECK(dhcp_reply_max_len(m) <= DHCP_REPLY_MAX_CAP - DHCP_IPUDP_LEN);
	/* Pad and END are framing, never recorded as options. */
	CHECK(!dhcp_has(m, DHCP_OPT_PAD) && !dhcp_has(m, DHCP_OPT_END));
}

static void
check_reply(const struct dhcp_msg *req, const struct dhcp_reply_params *p,
	const uint8_t *out, size_t len, size_t limit)
{
	struct dhcp_msg r;

	CHECK(len <= limit);
	CHECK(len >= (limit < DHCP_MIN_LEN ? limit : DHCP_MIN_LEN));
	CHECK(dhcp_parse(out, len, &r) == DHCP_OK);
	check_msg(&r);
	CHECK(r.op == DHCP_OP_REPLY);
	/* Address-less clients are asked to be answered by broadcast. */
	CHECK(r.xid == req->xid && r.flags == (req->ciaddr ? req->flags :
					       (req->flags | DHCP_FLAG_BROADCAST)));
	CHECK(r.giaddr == req->giaddr && r.ciaddr == req->ciaddr);
	CHECK(r.yiaddr == 0 && r.siaddr == p->server_addr);
	CHECK(memcmp(r.chaddr, req->chaddr, sizeof(r.chaddr)) == 0);
	CHECK(r.msg_type == dhcp_reply_type(req));
	CHECK(r.server_id == p->server_addr);
	CHECK(r.is_pxeclient && r.vendor_class_len == 9);
	CHECK(dhcp_has(&r, DHCP_OPT_CLIENT_UUID) ==
		dhcp_has(req, DHCP_OPT_CLIENT_UUID));
	CHECK(!dhcp_has(req, DHCP_OPT_CLIENT_UUID) ||
		memcmp(r.uuid, req->uuid, 16) == 0);
	CHECK(dhcp_has(&r, DHCP_OPT_RELAY_AGENT) ==
		dhcp_has(req, DHCP_OPT_RELAY_AGENT));
	CHECK(r.relay_len == req->relay_len &&
		memcmp(r.relay, req->relay, r.relay_len) == 0);
	CHECK(r.has_boot_item == req->has_boot_item);
	CHECK(!r.has_boot_item || (r.boot_item_type == req->boot_item_type &&
		r.boot_item_layer == req->boot_item_layer));
	if (strlen(p->boot_file) < DHCP_FILE_LEN)
		CHECK(strcmp(r.file, p->boot_file) == 0);
	else
		CHECK(r.file[0] == '\0' && dhcp_has(&r, DHCP_OPT_BOOTFILE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m, again;
	static uint8_t out[DHCP_REPLY_MAX_CAP];
	static char url[201];
	struct dhcp_reply_params p;
	enum dhcp_err e;
	size_t len = 0, limit;

	e = dhcp_parse(data, size, &m);
	CHECK((unsigned int)e < DHCP_ERR__MAX);
	/* Pure: the same bytes give the same answer. */
	CHECK(dhcp_parse(data, size, &again) == e);
	if (e != DHCP_OK)
		return 0;
	CHECK(memcmp(&m, &again, sizeof(m)) == 0);
	check_msg(&m);
	if (dhcp_reply_type(&m) == DHCP_NONE)
		return 0;

	if (!url[0]) {
		memset(url, 'u', sizeof(url) - 1);
		memcpy(url, "http://192.0.2.1/", 17);
	}
	memset(&p, 0, sizeof(p));
	p.req = &m;
	p.server_addr = 0xc0000201u;
	/* Input bits we do not otherwise read pick the reply's shape. */
	p.boot_file = (m.xid & 1) ? url : "undionly.kpxe";
	p.menu = (m.xid & 2) != 0;
	p.menu_item_type = 0x8001;
	p.bootfile_option = (m.xid & 4) != 0;
	p.server_name = (m.xid & 8) ? "pxeline" : NULL;
	limit = dhcp_reply_max_len(&m);
	e = dhcp_build_proxy_reply(out, sizeof(out), &p, &len);
	CHECK(e == DHCP_OK || e == DHCP_ERR_NO_SPACE);
	if (e == DHCP_OK)
		check_reply(&m, &p, out, len, limit);
	/* Any smaller buffer either fits or says so; never writes past it. */
	e = dhcp_build_proxy_reply(out, size % sizeof(out), &p, &len);
	CHECK(e == DHCP_OK || e == DHCP_ERR_NO_SPACE);
	if (e == DHCP_OK)
		CHECK(len <= size % sizeof(out));
	return 0;
}
