/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lines of a proxyDHCP trace. See dhcp_trace.h.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>

#include "control/dhcp_trace.h"
#include "control/hostdb.h"
#include "dataplane/dhcp/snapshot.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/dhcp6.h"

struct trace_out {
	const struct log_dhcp *t;
	dhcp_trace_fn emit;
	void *arg;
};

static void __attribute__((format(printf, 2, 3)))
line(const struct trace_out *o, const char *fmt, ...)
{
	char buf[1024], mac[HOSTDB_MAC_STRLEN];
	va_list ap;
	int n;

	hostdb_mac_str(o->t->mac, mac);
	n = snprintf(buf, sizeof(buf), "%s %s ", o->t->v6 ? "dhcp6" : "dhcp", mac);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	o->emit(o->arg, buf);
}

const char *
dhcp_msg_type_name(uint8_t t)
{
	static const char *const names[] = {
		"BOOTP", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK",
		"RELEASE", "INFORM",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "type?";
}

static const char *
ip_str(uint32_t ip, char *buf)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *
ip6_str(const uint8_t ip[16], char *buf)
{
	return inet_ntop(AF_INET6, ip, buf, INET6_ADDRSTRLEN);
}

static const char *
duid_name(uint16_t type)
{
	static const char *const names[] = { "none", "llt", "en", "ll", "uuid" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "other";
}

static const char *
mac_from_name(uint8_t from)
{
	static const char *const names[] = {
		[DHCP6_MAC_NONE] = "none", [DHCP6_MAC_ETHERNET] = "ethernet",
		[DHCP6_MAC_OPTION79] = "option79", [DHCP6_MAC_DUID] = "duid",
	};

	return from < sizeof(names) / sizeof(names[0]) ? names[from] : "?";
}

/* The architecture as option 93 (IPv4) or 61 (IPv6) said it. */
static void
arch_str(const struct log_dhcp *t, char *buf, size_t cap)
{
	if (t->has_arch)
		snprintf(buf, cap, "%s(%u)", dhcp_arch_name(t->arch), t->arch_code);
	else
		snprintf(buf, cap, "%s(no option %u)", dhcp_arch_name(t->arch),
			 t->v6 ? DHCP6_OPT_CLIENT_ARCH : DHCP_OPT_CLIENT_ARCH);
}

/* DHCPv6's first line: the message, its source, its relays, the DUID. */
static void
request_line6(const struct trace_out *o)
{
	const struct log_dhcp *t = o->t;
	char uuid[HOSTDB_UUID_STRLEN] = "none", arch[40], src[INET6_ADDRSTRLEN];
	char relay[INET6_ADDRSTRLEN + 40] = "none", peer[INET6_ADDRSTRLEN];

	if (t->has_uuid)
		hostdb_uuid_str(t->uuid, uuid);
	arch_str(t, arch, sizeof(arch));
	if (t->n_relays)
		snprintf(relay, sizeof(relay), "%u(client %s)", t->n_relays, ip6_str(t->peer6, peer));
	line(o, "%s via %u from [%s]:%u xid=0x%06x duid=%s mac-from=%s uuid=%s arch=%s "
	     "relays=%s%s class=\"%s\"",
	     dhcp6_type_name(t->msg_type), t->dst_port, ip6_str(t->src6, src), t->src_port,
	     t->xid, duid_name(t->duid_type), mac_from_name(t->mac_from), uuid, arch, relay,
	     t->is_ipxe ? " ipxe" : "", t->vendor_class);
}

/* The first line of a client's story: who, what, from where. */
static void
request_line(const struct trace_out *o)
{
	const struct log_dhcp *t = o->t;
	char uuid[HOSTDB_UUID_STRLEN] = "none", arch[40], relay[INET_ADDRSTRLEN + 8] = "none";
	char src[INET_ADDRSTRLEN];

	if (t->v6) {
		request_line6(o);
		return;
	}
	if (t->has_uuid)
		hostdb_uuid_str(t->uuid, uuid);
	arch_str(t, arch, sizeof(arch));
	if (t->relay)
		ip_str(t->relay, relay);
	line(o, "%s via %u from %s:%u xid=0x%08x uuid=%s arch=%s relay=%s%s class=\"%s\"",
	     dhcp_msg_type_name(t->msg_type), t->dst_port, ip_str(t->src_ip, src), t->src_port,
	     t->xid, uuid, arch, relay, t->is_ipxe ? " ipxe" : "", t->vendor_class);
}

/* What became of a one-shot on the way. */
static void
once_lines(const struct trace_out *o)
{
	const struct log_dhcp *t = o->t;

	if (t->notes & DHCP_NOTE_GRACE)
		line(o, "one-shot taken earlier in this boot (within %llu s): same answer",
		     (unsigned long long)(DHCP_ONCE_GRACE_NS / 1000000000ull));
	if (t->notes & DHCP_NOTE_CONSUMED)
		line(o, "one-shot consumed and committed (host id %lld)", (long long)t->host_id);
	if (t->notes & DHCP_NOTE_WAS_TAKEN)
		line(o, "one-shot already consumed (earlier boot or before a restart): "
		     "deciding again as consumed");
}

/* Why an engine that does not own the client answered it. */
static void
fleet_lines(const struct trace_out *o)
{
	const struct log_dhcp *t = o->t;

	if (t->notes & DHCP_NOTE_STANDBY)
		line(o, "standby answer: owner %s silent %u.%u s", t->owner, t->silent_ms / 1000,
		     t->silent_ms % 1000 / 100);
	if (t->notes & DHCP_NOTE_CHOSEN)
		line(o, "not our client (owner %s), but it asked us by address: answering",
		     t->owner);
}

/* The last line: the decision and what was sent, or why nothing was. */
static void
outcome_line(const struct trace_out *o)
{
	const struct log_dhcp *t = o->t;
	char ip[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

	switch (t->outcome) {
	case DHCP_OUT_NOT_OWED:
		line(o, "no proxy reply owed to a %s", t->v6 ? dhcp6_type_name(t->msg_type) :
		     dhcp_msg_type_name(t->msg_type));
		break;
	case DHCP_OUT_IGNORED_MAC:
		line(o, "ignored: MAC on ignore list (dhcp.ignore)");
		break;
	case DHCP_OUT_HTTP_OFF:
		line(o, "ignored: UEFI HTTP Boot client and the HTTP file server is off "
		     "(no http_boot group)");
		break;
	case DHCP_OUT_PORT67_OFF:
		line(o, "ignored: request on port 67 and dhcp.port67 = false "
		     "(the site DHCP server answers it; we answer on 4011)");
		break;
	case DHCP_OUT_BAD_PORT:
		line(o, "dropped: arrived on unknown interface %u", t->port_idx);
		break;
	case DHCP_OUT_OTHER_SERVER:
		if (t->v6)
			line(o, "ignored: %s names another DHCPv6 server (option 2), not us",
			     dhcp6_type_name(t->msg_type));
		else
			line(o, "ignored: REQUEST for DHCP server %s, not us",
			     ip_str(t->other_server, ip));
		break;
	case DHCP_OUT_SILENT:
		line(o, "%s -> no answer", t->reason);
		break;
	case DHCP_OUT_NO_ADDRESS:
		if (t->v6) {
			line(o, "cannot answer: no IPv6 address for the boot file URL on "
			     "interface %u (interfaces[].address6, after duplicate address "
			     "detection)", t->port_idx);
			break;
		}
		line(o, "%s -> cannot answer: request to %u without a source address "
		     "(client will show PXE-E55: no reply on port 4011)", t->reason, t->dst_port);
		break;
	case DHCP_OUT_BUILD_FAILED:
		line(o, "%s -> reply not built: %s (client will show PXE-E53: no boot "
		     "filename received)", t->reason, dhcp_strerror(t->build_err));
		break;
	case DHCP_OUT_ONCE_TAKING:
		line(o, "%s -> one-shot being taken: answered on the client's retransmission",
		     t->reason);
		break;
	case DHCP_OUT_COMMIT_FAILED:
		line(o, "one-shot could not be committed: %s: staying silent so it is "
		     "never served twice", t->detail);
		break;
	case DHCP_OUT_HELD:
		line(o, "%s -> held: owner %s (silent %u.%u s, dhcp.standby_delay_ms not reached)",
		     t->reason, t->owner, t->silent_ms / 1000, t->silent_ms % 1000 / 100);
		break;
	case DHCP_OUT_REPLY:
		if (t->v6) {
			char dst6[INET6_ADDRSTRLEN];

			line(o, "%s -> %s url=%s to [%s]:%u from port %u%s", t->reason,
			     dhcp6_type_name(t->reply_type), t->file, ip6_str(t->reply6, dst6),
			     t->reply_port, t->reply_src_port, t->n_relays ? " (Relay-Repl)" : "");
			break;
		}
		line(o, "%s -> %s file=%s next-server=%s to %s:%u from port %u%s", t->reason,
		     dhcp_msg_type_name(t->reply_type), t->file, ip_str(t->server_ip, ip),
		     ip_str(t->reply_ip, dst), t->reply_port, t->reply_src_port,
		     t->mtftp ? " (+MTFTP)" : "");
		break;
	default:	/* DHCP_OUT_CONSUME: the control thread ends that story */
		line(o, "%s -> passed to the control thread", t->reason);
		break;
	}
}

void
dhcp_trace_lines(const struct log_dhcp *t, dhcp_trace_fn emit, void *arg)
{
	struct trace_out o = { t, emit, arg };

	request_line(&o);
	once_lines(&o);
	fleet_lines(&o);
	outcome_line(&o);
}
