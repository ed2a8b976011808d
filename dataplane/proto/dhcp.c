/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCP/PXE codec for proxyDHCP. See dhcp.h.
 *
 * Choices made for the reply, and why:
 * - The boot file goes in the BOOTP `file` field, siaddr is our address, and
 *   option 66/67 are not sent by default. PXE 2.1 ROMs and EDK2 read `file`;
 *   iPXE's dhcppkt_fetch() of the boot filename prefers the `file` field over
 *   option 67, and its dhcp_has_pxeopts() accepts a proxy reply that has a
 *   boot filename (or a 43.9 menu). dnsmasq in proxy mode does the same
 *   (siaddr + file, no 66/67). A name of 128 bytes or more (an iPXE script
 *   URL) does not fit `file`: it is sent as option 67 only, which iPXE reads
 *   when `file` is empty. bootfile_option forces 67 in addition.
 * - Option 43 carries PXE_DISCOVERY_CONTROL = 0x08 ("the boot file is in this
 *   reply, boot it, no menu and no boot server discovery"), like dnsmasq
 *   without pxe-service. The optional menu form is dnsmasq's single-item menu:
 *   DC = 0x07 (no broadcast/multicast discovery, only the listed server), one
 *   boot server (us), one menu item, prompt timeout 0 so the first item is
 *   taken without showing anything; the client then asks us on 4011 with
 *   43.71 and gets the file.
 * - A request carrying 43.71 (a boot server request) gets 43.71 echoed:
 *   iPXE's dhcp_pxebs_rx() drops an ACK whose boot item type differs.
 * - Option 60 "PXEClient" is always sent ("HTTPClient" to a UEFI HTTP Boot
 *   client, with its URI in file and 67 and no 43): iPXE and PXE ROMs take an offer as
 *   a proxyDHCP offer only when it carries it. 97 is echoed when the client
 *   sent it (PXE 2.1), 82 echoed last before END (RFC 3046).
 * - No option overload in replies: PXE clients read `file` as a name.
 * - Replies are padded to 300 bytes (BOOTP minimum; dnsmasq notes clients
 *   that drop shorter packets) and kept within 576 bytes of IP datagram
 *   unless option 57 allows more.
 */
#include <string.h>

#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/wire.h"

static const char *const dhcp_err_str[] = {
	[DHCP_OK] = "ok",
	[DHCP_ERR_SHORT] = "shorter than the BOOTP header and cookie",
	[DHCP_ERR_OP] = "op is neither BOOTREQUEST nor BOOTREPLY",
	[DHCP_ERR_HLEN] = "hardware address length is not 6",
	[DHCP_ERR_COOKIE] = "bad magic cookie",
	[DHCP_ERR_OPT_TRUNC] = "option runs past the end of its area",
	[DHCP_ERR_OPT_LEN] = "fixed-size option with a wrong length",
	[DHCP_ERR_OVERLOAD] = "option overload (52) with a bad value",
	[DHCP_ERR_UUID] = "client UUID (97) is not type 0 + 16 bytes",
	[DHCP_ERR_ARCH] = "client architecture (93) empty or odd length",
	[DHCP_ERR_TOO_LONG] = "concatenated option too long",
	[DHCP_ERR_PXE_OPTS] = "malformed PXE vendor options (43)",
	[DHCP_ERR_NO_SPACE] = "reply does not fit",
	[DHCP_ERR_PARAM] = "bad reply parameters",
};
_Static_assert(sizeof(dhcp_err_str) / sizeof(dhcp_err_str[0]) == DHCP_ERR__MAX, "dhcp_err_str out of step with its enum");

const char *
dhcp_strerror(enum dhcp_err e)
{
	if ((unsigned int)e >= DHCP_ERR__MAX)
		return "unknown dhcp error";
	return dhcp_err_str[e];
}

/* Names as the trace and the inventory's "arch" column show them. */
static const char *const dhcp_arch_str[] = {
	[DHCP_ARCH_BIOS] = "bios",
	[DHCP_ARCH_EFI_IA32] = "efi-ia32",
	[DHCP_ARCH_EFI_X64] = "efi-x64",
	[DHCP_ARCH_ARM32] = "arm32",
	[DHCP_ARCH_ARM64] = "arm64",
	[DHCP_ARCH_UNKNOWN] = "unknown",
	[DHCP_ARCH_PC98] = "pc98",
	[DHCP_ARCH_ITANIUM] = "itanium",
	[DHCP_ARCH_ALPHA] = "alpha",
	[DHCP_ARCH_ARC_X86] = "arc-x86",
	[DHCP_ARCH_LEAN_CLIENT] = "lean-client",
	[DHCP_ARCH_EFI_XSCALE] = "efi-xscale",
	[DHCP_ARCH_PPC_OF] = "ppc-openfirmware",
	[DHCP_ARCH_PPC_EPAPR] = "ppc-epapr",
	[DHCP_ARCH_POWER_OPAL] = "power-opal",
	[DHCP_ARCH_EFI_IA32_HTTP] = "efi-ia32-http",
	[DHCP_ARCH_EFI_X64_HTTP] = "efi-x64-http",
	[DHCP_ARCH_EBC_HTTP] = "efi-ebc-http",
	[DHCP_ARCH_ARM32_HTTP] = "arm32-http",
	[DHCP_ARCH_ARM64_HTTP] = "arm64-http",
	[DHCP_ARCH_BIOS_HTTP] = "bios-http",
	[DHCP_ARCH_ARM32_UBOOT] = "arm32-uboot",
	[DHCP_ARCH_ARM64_UBOOT] = "arm64-uboot",
	[DHCP_ARCH_ARM32_UBOOT_HTTP] = "arm32-uboot-http",
	[DHCP_ARCH_ARM64_UBOOT_HTTP] = "arm64-uboot-http",
	[DHCP_ARCH_RISCV32] = "riscv32",
	[DHCP_ARCH_RISCV32_HTTP] = "riscv32-http",
	[DHCP_ARCH_RISCV64] = "riscv64",
	[DHCP_ARCH_RISCV64_HTTP] = "riscv64-http",
	[DHCP_ARCH_RISCV128] = "riscv128",
	[DHCP_ARCH_RISCV128_HTTP] = "riscv128-http",
	[DHCP_ARCH_S390_BASIC] = "s390-basic",
	[DHCP_ARCH_S390_EXTENDED] = "s390-extended",
	[DHCP_ARCH_MIPS32] = "mips32",
	[DHCP_ARCH_MIPS64] = "mips64",
	[DHCP_ARCH_SUNWAY32] = "sunway32",
	[DHCP_ARCH_SUNWAY64] = "sunway64",
	[DHCP_ARCH_LOONGARCH32] = "loongarch32",
	[DHCP_ARCH_LOONGARCH32_HTTP] = "loongarch32-http",
	[DHCP_ARCH_LOONGARCH64] = "loongarch64",
	[DHCP_ARCH_LOONGARCH64_HTTP] = "loongarch64-http",
	[DHCP_ARCH_ARM_RPIBOOT] = "arm-rpiboot",
};
_Static_assert(sizeof(dhcp_arch_str) / sizeof(dhcp_arch_str[0]) == DHCP_ARCH__MAX, "dhcp_arch_str out of step with its enum");

/* The IANA registry by code. 7 and 9 both mean x64 UEFI: RFC 4578 has 7 =
 * "EFI BC" and 9 = "EFI x86-64", the registry swapped them, and firmware
 * (OVMF among it) sends 7 on x86-64. */
static const uint8_t dhcp_arch_by_code[] = {
	DHCP_ARCH_BIOS, DHCP_ARCH_PC98, DHCP_ARCH_ITANIUM, DHCP_ARCH_ALPHA,
	DHCP_ARCH_ARC_X86, DHCP_ARCH_LEAN_CLIENT, DHCP_ARCH_EFI_IA32, DHCP_ARCH_EFI_X64,
	DHCP_ARCH_EFI_XSCALE, DHCP_ARCH_EFI_X64, DHCP_ARCH_ARM32, DHCP_ARCH_ARM64,
	DHCP_ARCH_PPC_OF, DHCP_ARCH_PPC_EPAPR, DHCP_ARCH_POWER_OPAL,
	DHCP_ARCH_EFI_IA32_HTTP, DHCP_ARCH_EFI_X64_HTTP, DHCP_ARCH_EBC_HTTP,
	DHCP_ARCH_ARM32_HTTP, DHCP_ARCH_ARM64_HTTP, DHCP_ARCH_BIOS_HTTP,
	DHCP_ARCH_ARM32_UBOOT, DHCP_ARCH_ARM64_UBOOT, DHCP_ARCH_ARM32_UBOOT_HTTP,
	DHCP_ARCH_ARM64_UBOOT_HTTP, DHCP_ARCH_RISCV32, DHCP_ARCH_RISCV32_HTTP,
	DHCP_ARCH_RISCV64, DHCP_ARCH_RISCV64_HTTP, DHCP_ARCH_RISCV128,
	DHCP_ARCH_RISCV128_HTTP, DHCP_ARCH_S390_BASIC, DHCP_ARCH_S390_EXTENDED,
	DHCP_ARCH_MIPS32, DHCP_ARCH_MIPS64, DHCP_ARCH_SUNWAY32, DHCP_ARCH_SUNWAY64,
	DHCP_ARCH_LOONGARCH32, DHCP_ARCH_LOONGARCH32_HTTP, DHCP_ARCH_LOONGARCH64,
	DHCP_ARCH_LOONGARCH64_HTTP, DHCP_ARCH_ARM_RPIBOOT,
};
_Static_assert(sizeof(dhcp_arch_by_code) == 42, "IANA processor architecture codes 0..41");

const char *
dhcp_arch_name(enum dhcp_arch a)
{
	if ((unsigned int)a >= DHCP_ARCH__MAX)
		return "invalid";
	return dhcp_arch_str[a];
}

enum dhcp_arch
dhcp_arch_from_code(uint16_t code)
{
	if (code >= sizeof(dhcp_arch_by_code))
		return DHCP_ARCH_UNKNOWN;
	return (enum dhcp_arch)dhcp_arch_by_code[code];
}

bool
dhcp_arch_is_http(enum dhcp_arch a)
{
	switch (a) {
	case DHCP_ARCH_EFI_IA32_HTTP:
	case DHCP_ARCH_EFI_X64_HTTP:
	case DHCP_ARCH_EBC_HTTP:
	case DHCP_ARCH_ARM32_HTTP:
	case DHCP_ARCH_ARM64_HTTP:
	case DHCP_ARCH_BIOS_HTTP:
	case DHCP_ARCH_ARM32_UBOOT_HTTP:
	case DHCP_ARCH_ARM64_UBOOT_HTTP:
	case DHCP_ARCH_RISCV32_HTTP:
	case DHCP_ARCH_RISCV64_HTTP:
	case DHCP_ARCH_RISCV128_HTTP:
	case DHCP_ARCH_LOONGARCH32_HTTP:
	case DHCP_ARCH_LOONGARCH64_HTTP:
		return true;
	default:
		return false;
	}
}

static const char pxeclient[] = "PXEClient";
#define PXECLIENT_LEN (sizeof(pxeclient) - 1)
static const char httpclient[] = "HTTPClient";
#define HTTPCLIENT_LEN (sizeof(httpclient) - 1)

enum dhcp_arch
dhcp_class_arch(const char *vc, size_t len, enum dhcp_arch none)
{
	static const char arch_tag[] = ":Arch:";
	const size_t tag_len = sizeof(arch_tag) - 1;
	unsigned int code = 0;
	size_t i, at;

	at = len >= PXECLIENT_LEN && memcmp(vc, pxeclient, PXECLIENT_LEN) == 0 ? PXECLIENT_LEN :
	     len >= HTTPCLIENT_LEN && memcmp(vc, httpclient, HTTPCLIENT_LEN) == 0 ?
	     HTTPCLIENT_LEN : 0;
	if (!at || len < at + tag_len + 5 || memcmp(vc + at, arch_tag, tag_len) != 0)
		return none;
	for (i = at + tag_len; i < at + tag_len + 5; i++) {
		char c = vc[i];

		if (c < '0' || c > '9')
			return DHCP_ARCH_UNKNOWN;
		code = code * 10 + (unsigned int)(c - '0');
	}
	return code > UINT16_MAX ? DHCP_ARCH_UNKNOWN : dhcp_arch_from_code((uint16_t)code);
}

enum dhcp_arch
dhcp_msg_arch(const struct dhcp_msg *m)
{
	if (dhcp_has(m, DHCP_OPT_CLIENT_ARCH))
		return dhcp_arch_from_code(m->arch_code);
	/* Older ROMs state the arch only in the vendor class. */
	return dhcp_class_arch(m->vendor_class, m->vendor_class_len, DHCP_ARCH_BIOS);
}

bool
dhcp_is_pxe_request(const struct dhcp_msg *m)
{
	return m->op == DHCP_OP_REQUEST && (m->is_pxeclient || m->is_httpclient);
}

enum dhcp_msg_type
dhcp_reply_type(const struct dhcp_msg *m)
{
	switch (m->msg_type) {
	case DHCP_DISCOVER:
		return DHCP_OFFER;
	case DHCP_REQUEST:
	case DHCP_INFORM:
		return DHCP_ACK;
	default:
		return DHCP_NONE;
	}
}

size_t
dhcp_reply_max_len(const struct dhcp_msg *m)
{
	size_t max = DHCP_DEFAULT_MAX;

	/* Values below 576 are illegal (RFC 2132 9.10): keep the default. */
	if (m->max_size > DHCP_DEFAULT_MAX)
		max = m->max_size;
	if (max > DHCP_REPLY_MAX_CAP)
		max = DHCP_REPLY_MAX_CAP;
	return max - DHCP_IPUDP_LEN;
}

/* ---- parsing ---- */

static void
mark_seen(struct dhcp_msg *m, uint8_t code)
{
	m->seen[code >> 3] |= (uint8_t)(1u << (code & 7));
}

static enum dhcp_err
concat(uint8_t *buf, uint16_t *len, const uint8_t *data, uint8_t n)
{
	if ((size_t)*len + n > DHCP_CONCAT_MAX)
		return DHCP_ERR_TOO_LONG;
	if (n)
		memcpy(buf + *len, data, n);
	*len = (uint16_t)(*len + n);
	return DHCP_OK;
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/*
 * One option of `n` bytes at `d`; `main_area` is false for file/sname.
 * Longer than the house's 80 lines on purpose: one flat switch, one case
 * per option we read, is easier to audit against RFC 2132 than helpers.
 */
static enum dhcp_err
take_option(struct dhcp_msg *m, uint8_t code, const uint8_t *d, uint8_t n,
	bool main_area)
{
	bool first = !dhcp_has(m, code);

	mark_seen(m, code);
	switch (code) {
	case DHCP_OPT_OVERLOAD:
		/* Only meaningful in the options field (RFC 2131 4.1). */
		if (!main_area || !first)
			return DHCP_OK;
		if (n != 1)
			return DHCP_ERR_OPT_LEN;
		if (d[0] < 1 || d[0] > 3)
			return DHCP_ERR_OVERLOAD;
		m->overload = d[0];
		return DHCP_OK;
	case DHCP_OPT_MSG_TYPE:
		if (n != 1)
			return DHCP_ERR_OPT_LEN;
		if (first)
			m->msg_type = d[0];
		return DHCP_OK;
	case DHCP_OPT_SERVER_ID:
	case DHCP_OPT_REQUESTED_IP:
		if (n != 4)
			return DHCP_ERR_OPT_LEN;
		if (first && code == DHCP_OPT_SERVER_ID)
			m->server_id = be32_at(d);
		else if (first)
			m->requested_ip = be32_at(d);
		return DHCP_OK;
	case DHCP_OPT_MAX_SIZE:
		if (n != 2)
			return DHCP_ERR_OPT_LEN;
		if (first)
			m->max_size = (uint16_t)(d[0] << 8 | d[1]);
		return DHCP_OK;
	case DHCP_OPT_VENDOR_CLASS:
		if (first) {
			memcpy(m->vendor_class, d, n);
			m->vendor_class[n] = '\0';
			m->vendor_class_len = n;
			m->is_pxeclient = n >= PXECLIENT_LEN &&
				memcmp(d, pxeclient, PXECLIENT_LEN) == 0;
			m->is_httpclient = n >= HTTPCLIENT_LEN &&
				memcmp(d, httpclient, HTTPCLIENT_LEN) == 0;
		}
		return DHCP_OK;
	case DHCP_OPT_CLIENT_ARCH:
		if (n == 0 || n % 2)
			return DHCP_ERR_ARCH;
		if (first) {
			m->arch_code = (uint16_t)(d[0] << 8 | d[1]);
			m->n_arch = n / 2;
		}
		return DHCP_OK;
	case DHCP_OPT_CLIENT_NDI:
		/* Informational only: a wrong length is ignored, not fatal. */
		if (first && n == 3)
			memcpy(m->ndi, d, 3);
		return DHCP_OK;
	case DHCP_OPT_CLIENT_UUID:
		if (n != 17 || d[0] != 0)
			return DHCP_ERR_UUID;
		if (first)
			memcpy(m->uuid, d + 1, 16);
		return DHCP_OK;
	case DHCP_OPT_CLIENT_ID:
		if (first) {
			memcpy(m->client_id, d, n);
			m->client_id_len = n;
		}
		return DHCP_OK;
	case DHCP_OPT_USER_CLASS:
		return concat(m->user_class, &m->user_class_len, d, n);
	case DHCP_OPT_PARAM_LIST:
		return concat(m->param_list, &m->param_list_len, d, n);
	case DHCP_OPT_RELAY_AGENT:
		return concat(m->relay, &m->relay_len, d, n);
	case DHCP_OPT_VENDOR:
		return concat(m->vendor, &m->vendor_len, d, n);
	default:
		return DHCP_OK;
	}
}

/*
 * Walks one options area. Pad is skipped, END stops; running out of bytes
 * between options is accepted (no END), inside an option it is not.
 */
static enum dhcp_err
parse_area(struct dhcp_msg *m, const uint8_t *area, size_t len, bool main_area)
{
	struct wire w = wire_reader(area, len);
	enum dhcp_err err;

	while (wire_left(&w) > 0) {
		uint8_t code = wire_u8(&w);
		uint8_t n;
		const uint8_t *d;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return DHCP_OK;
		n = wire_u8(&w);
		d = wire_take(&w, n);
		if (!wire_ok(&w))
			return DHCP_ERR_OPT_TRUNC;
		err = take_option(m, code, d, n, main_area);
		if (err != DHCP_OK)
			return err;
	}
	return DHCP_OK;
}

/* "iPXE" as the whole option (what iPXE sends) or as one RFC 3004 entry. */
static bool
user_class_is_ipxe(const uint8_t *uc, size_t len)
{
	struct wire w = wire_reader(uc, len);

	if (len == 4 && memcmp(uc, "iPXE", 4) == 0)
		return true;
	while (wire_left(&w) > 0) {
		uint8_t n = wire_u8(&w);
		const uint8_t *d = wire_take(&w, n);

		if (!wire_ok(&w))
			return false;
		if (n == 4 && memcmp(d, "iPXE", 4) == 0)
			return true;
	}
	return false;
}

static enum dhcp_err
parse_pxe_subopts(struct dhcp_msg *m)
{
	struct wire w = wire_reader(m->vendor, m->vendor_len);

	while (wire_left(&w) > 0) {
		uint8_t code = wire_u8(&w);
		uint8_t n;
		struct wire sub;

		if (code == 0)
			continue;
		if (code == 255)
			break;
		n = wire_u8(&w);
		sub = wire_reader(wire_take(&w, n), n);
		if (!wire_ok(&w))
			return DHCP_ERR_PXE_OPTS;
		if (code == DHCP_PXE_BOOT_ITEM) {
			if (n != 4)
				return DHCP_ERR_PXE_OPTS;
			m->has_boot_item = true;
			m->boot_item_type = wire_be16(&sub);
			m->boot_item_layer = wire_be16(&sub);
		}
	}
	return DHCP_OK;
}

enum dhcp_err
dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_msg *ret_msg)
{
	struct dhcp_msg *m = ret_msg;
	struct wire w = wire_reader(pkt, len);
	const uint8_t *sname, *file, *chaddr;
	enum dhcp_err err;
	uint32_t cookie;

	memset(m, 0, sizeof(*m));
	m->op = wire_u8(&w);
	m->htype = wire_u8(&w);
	m->hlen = wire_u8(&w);
	m->hops = wire_u8(&w);
	m->xid = wire_be32(&w);
	m->secs = wire_be16(&w);
	m->flags = wire_be16(&w);
	m->ciaddr = wire_be32(&w);
	m->yiaddr = wire_be32(&w);
	m->siaddr = wire_be32(&w);
	m->giaddr = wire_be32(&w);
	chaddr = wire_take(&w, sizeof(m->chaddr));
	sname = wire_take(&w, DHCP_SNAME_LEN);
	file = wire_take(&w, DHCP_FILE_LEN);
	cookie = wire_be32(&w);
	if (!wire_ok(&w))
		return DHCP_ERR_SHORT;
	if (m->op != DHCP_OP_REQUEST && m->op != DHCP_OP_REPLY)
		return DHCP_ERR_OP;
	if (m->hlen != 6)
		return DHCP_ERR_HLEN;
	if (cookie != DHCP_COOKIE)
		return DHCP_ERR_COOKIE;
	memcpy(m->chaddr, chaddr, sizeof(m->chaddr));

	err = parse_area(m, pkt + w.pos, wire_left(&w), true);
	/* RFC 3396 order: options, then file, then sname. */
	if (err == DHCP_OK && (m->overload & 1))
		err = parse_area(m, file, DHCP_FILE_LEN, false);
	if (err == DHCP_OK && (m->overload & 2))
		err = parse_area(m, sname, DHCP_SNAME_LEN, false);
	if (err != DHCP_OK)
		return err;

	/* Overloaded fields hold options, not names. */
	if (!(m->overload & 1)) {
		memcpy(m->file, file, DHCP_FILE_LEN);
		m->file[DHCP_FILE_LEN] = '\0';
	}
	if (!(m->overload & 2)) {
		memcpy(m->sname, sname, DHCP_SNAME_LEN);
		m->sname[DHCP_SNAME_LEN] = '\0';
	}

	m->is_ipxe = dhcp_has(m, DHCP_OPT_IPXE_ENCAP) ||
		user_class_is_ipxe(m->user_class, m->user_class_len);
	return parse_pxe_subopts(m);
}

/* ---- building ---- */

/* Puts one option, split into 255-byte pieces when longer (RFC 3396). */
static void
put_option(struct wire *w, uint8_t code, const void *data, size_t n)
{
	const uint8_t *d = data;

	do {
		size_t piece = n > 255 ? 255 : n;

		wire_put_u8(w, code);
		wire_put_u8(w, (uint8_t)piece);
		wire_put_bytes(w, d, piece);
		d += piece;
		n -= piece;
	} while (n > 0);
}

static void
put_fixed_string(struct wire *w, const char *s, size_t field)
{
	uint8_t *p = wire_take(w, field);

	if (p) {
		memset(p, 0, field);
		if (s)
			memcpy(p, s, strlen(s));
	}
}

/* Builds the option 43 payload; returns its length (always < 256). */
static size_t
build_pxe_vendor(uint8_t *buf, size_t cap, const struct dhcp_reply_params *p)
{
	struct wire w = wire_writer(buf, cap);
	const struct dhcp_msg *req = p->req;

	/* PXE 2.1 2.4.5: where the boot file streams, in sub-option order. */
	if (p->mtftp) {
		wire_put_u8(&w, DHCP_PXE_MTFTP_IP);
		wire_put_u8(&w, 4);
		wire_put_be32(&w, p->mtftp->ip);
		wire_put_u8(&w, DHCP_PXE_MTFTP_CPORT);
		wire_put_u8(&w, 2);
		wire_put_be16(&w, p->mtftp->cport);
		wire_put_u8(&w, DHCP_PXE_MTFTP_SPORT);
		wire_put_u8(&w, 2);
		wire_put_be16(&w, p->mtftp->sport);
		wire_put_u8(&w, DHCP_PXE_MTFTP_TMOUT);
		wire_put_u8(&w, 1);
		wire_put_u8(&w, p->mtftp->tmout);
		wire_put_u8(&w, DHCP_PXE_MTFTP_DELAY);
		wire_put_u8(&w, 1);
		wire_put_u8(&w, p->mtftp->delay);
	}
	if (p->menu && !req->has_boot_item) {
		const char *text = p->menu_text ? p->menu_text : "pxeline";
		size_t tlen = strnlen(text, 64);
		static const char prompt[] = "pxeline";

		wire_put_u8(&w, DHCP_PXE_DISCOVERY_CONTROL);
		wire_put_u8(&w, 1);
		wire_put_u8(&w, DHCP_PXE_DC_NO_BCAST | DHCP_PXE_DC_NO_MCAST |
			DHCP_PXE_DC_LIST_ONLY);
		/* Boot servers: type, count 1, our address. */
		wire_put_u8(&w, DHCP_PXE_BOOT_SERVERS);
		wire_put_u8(&w, 7);
		wire_put_be16(&w, p->menu_item_type);
		wire_put_u8(&w, 1);
		wire_put_be32(&w, p->server_addr);
		/* Menu: type, description length, description. */
		wire_put_u8(&w, DHCP_PXE_BOOT_MENU);
		wire_put_u8(&w, (uint8_t)(3 + tlen));
		wire_put_be16(&w, p->menu_item_type);
		wire_put_u8(&w, (uint8_t)tlen);
		wire_put_bytes(&w, text, tlen);
		/* Prompt timeout 0: take the first item, show nothing. */
		wire_put_u8(&w, DHCP_PXE_MENU_PROMPT);
		wire_put_u8(&w, (uint8_t)(1 + sizeof(prompt) - 1));
		wire_put_u8(&w, 0);
		wire_put_bytes(&w, prompt, sizeof(prompt) - 1);
	} else {
		wire_put_u8(&w, DHCP_PXE_DISCOVERY_CONTROL);
		wire_put_u8(&w, 1);
		wire_put_u8(&w, DHCP_PXE_DC_USE_FILE);
	}
	if (req->has_boot_item) {
		wire_put_u8(&w, DHCP_PXE_BOOT_ITEM);
		wire_put_u8(&w, 4);
		wire_put_be16(&w, req->boot_item_type);
		wire_put_be16(&w, req->boot_item_layer);
	}
	wire_put_u8(&w, DHCP_OPT_END);
	return w.pos;
}

enum dhcp_err
dhcp_build_proxy_reply(uint8_t *buf, size_t cap,
	const struct dhcp_reply_params *p, size_t *ret_len)
{
	const struct dhcp_msg *req;
	uint8_t vendor[160];	/* menu + MTFTP + boot item: 121 at most */
	size_t vendor_len, file_len, sname_len, limit;
	bool file_in_field;
	uint8_t type;
	struct wire w;

	if (!p || !p->req || !p->boot_file || !buf || !ret_len)
		return DHCP_ERR_PARAM;
	req = p->req;
	type = p->msg_type ? p->msg_type : dhcp_reply_type(req);
	if (type != DHCP_OFFER && type != DHCP_ACK)
		return DHCP_ERR_PARAM;
	if (p->menu && p->menu_item_type == 0)
		return DHCP_ERR_PARAM;
	file_len = strnlen(p->boot_file, 256);
	if (file_len == 0 || file_len > 255)
		return DHCP_ERR_PARAM;
	sname_len = p->server_name ? strnlen(p->server_name, DHCP_SNAME_LEN) : 0;
	if (sname_len >= DHCP_SNAME_LEN)
		return DHCP_ERR_PARAM;
	file_in_field = file_len < DHCP_FILE_LEN;

	limit = p->max_len ? p->max_len : dhcp_reply_max_len(req);
	if (limit > cap)
		limit = cap;
	w = wire_writer(buf, limit);

	wire_put_u8(&w, DHCP_OP_REPLY);
	wire_put_u8(&w, req->htype);
	wire_put_u8(&w, 6);
	wire_put_u8(&w, 0);		/* hops */
	wire_put_be32(&w, req->xid);
	wire_put_be16(&w, 0);		/* secs */
	/* A client without an address can only hear a broadcast: say so, or
	 * a relay unicasts our offer to 0.0.0.0 (dhcrelay does; dnsmasq sets
	 * the flag on its proxy replies for the same reason). */
	wire_put_be16(&w, req->ciaddr ? req->flags : req->flags | DHCP_FLAG_BROADCAST);
	wire_put_be32(&w, req->ciaddr);	/* set on a 4011 REQUEST, else 0 */
	wire_put_be32(&w, 0);		/* yiaddr: we never hand out addresses */
	wire_put_be32(&w, p->server_addr);
	wire_put_be32(&w, req->giaddr);
	wire_put_bytes(&w, req->chaddr, sizeof(req->chaddr));
	put_fixed_string(&w, sname_len ? p->server_name : NULL, DHCP_SNAME_LEN);
	put_fixed_string(&w, file_in_field ? p->boot_file : NULL, DHCP_FILE_LEN);
	wire_put_be32(&w, DHCP_COOKIE);

	put_option(&w, DHCP_OPT_MSG_TYPE, &type, 1);
	wire_put_u8(&w, DHCP_OPT_SERVER_ID);
	wire_put_u8(&w, 4);
	wire_put_be32(&w, p->server_addr);
	/* EDK2's HttpBootDxe takes an offer as HTTP only with 60 "HTTPClient". */
	if (p->http)
		put_option(&w, DHCP_OPT_VENDOR_CLASS, httpclient, HTTPCLIENT_LEN);
	else
		put_option(&w, DHCP_OPT_VENDOR_CLASS, pxeclient, PXECLIENT_LEN);
	if (dhcp_has(req, DHCP_OPT_CLIENT_UUID)) {
		wire_put_u8(&w, DHCP_OPT_CLIENT_UUID);
		wire_put_u8(&w, 17);
		wire_put_u8(&w, 0);
		wire_put_bytes(&w, req->uuid, 16);
	}
	/* PXE options mean nothing to an HTTP client; its URI goes in 67
	 * too, where EDK2's HttpBootDhcp4 looks for it first. */
	if (!p->http) {
		vendor_len = build_pxe_vendor(vendor, sizeof(vendor), p);
		put_option(&w, DHCP_OPT_VENDOR, vendor, vendor_len);
	}
	if (!file_in_field || p->bootfile_option || p->http)
		put_option(&w, DHCP_OPT_BOOTFILE, p->boot_file, file_len);
	if (dhcp_has(req, DHCP_OPT_RELAY_AGENT))
		put_option(&w, DHCP_OPT_RELAY_AGENT, req->relay, req->relay_len);
	wire_put_u8(&w, DHCP_OPT_END);
	while (wire_ok(&w) && w.pos < DHCP_MIN_LEN && w.pos < limit)
		wire_put_u8(&w, DHCP_OPT_PAD);

	if (!wire_ok(&w))
		return DHCP_ERR_NO_SPACE;
	*ret_len = w.pos;
	return DHCP_OK;
}
