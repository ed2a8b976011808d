/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot history rows from drained events. See history.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "control/dhcp_trace.h"
#include "control/history.h"
#include "dataplane/dhcp/answer.h"
#include "dataplane/proto/dhcp.h"

static const char *const outcome_names[] = {
	[DHCP_OUT_REPLY] = "reply",
	[DHCP_OUT_NOT_OWED] = "not-owed",
	[DHCP_OUT_IGNORED_MAC] = "ignored-mac",
	[DHCP_OUT_HTTP_OFF] = "http-off",
	[DHCP_OUT_PORT67_OFF] = "port67-off",
	[DHCP_OUT_BAD_PORT] = "bad-port",
	[DHCP_OUT_OTHER_SERVER] = "other-server",
	[DHCP_OUT_SILENT] = "silent",
	[DHCP_OUT_NO_ADDRESS] = "no-address",
	[DHCP_OUT_BUILD_FAILED] = "build-failed",
	[DHCP_OUT_CONSUME] = "consume",
	[DHCP_OUT_COMMIT_FAILED] = "held",
	[DHCP_OUT_HELD] = "not-owner",
	[DHCP_OUT_ONCE_TAKING] = "once-taking",
};
_Static_assert(sizeof(outcome_names) / sizeof(outcome_names[0]) == DHCP_OUT__MAX,
	       "one history name per DHCP outcome");

void
history_from_dhcp(const struct log_dhcp *t, struct hostdb_event *ev)
{
	char via[INET_ADDRSTRLEN] = "none";
	struct in_addr a = { .s_addr = htonl(t->relay) };
	const char *once = "";
	char fleet[LOG_DHCP_OWNER_MAX + 24] = "";

	memset(ev, 0, sizeof(*ev));
	ev->host_id = t->host_id;
	snprintf(ev->kind, sizeof(ev->kind), "dhcp");
	hostdb_mac_str(t->mac, ev->mac);
	if (t->relay)
		inet_ntop(AF_INET, &a, via, sizeof(via));
	snprintf(ev->request, sizeof(ev->request), "%s port=%u arch=%s via=%s%s%s",
		 dhcp_msg_type_name(t->msg_type), t->dst_port,
		 dhcp_arch_name((enum dhcp_arch)t->arch), via, t->is_ipxe ? " ipxe" : "",
		 t->is_http ? " http" : "");
	if (t->notes & DHCP_NOTE_CONSUMED)
		once = " (one-shot consumed)";
	else if (t->notes & DHCP_NOTE_GRACE)
		once = " (one-shot grace)";
	else if (t->notes & DHCP_NOTE_UNTIL_FILE)
		once = " (one-shot until its file)";
	if (t->notes & (DHCP_NOTE_STANDBY | DHCP_NOTE_CHOSEN))
		snprintf(fleet, sizeof(fleet), " (%s of %s)",
			 t->notes & DHCP_NOTE_STANDBY ? "standby" : "asked instead", t->owner);
	snprintf(ev->answer, sizeof(ev->answer), "%s%s%s%s%s",
		 dhcp_seen_name((enum dhcp_seen)t->seen), t->profile[0] ? " profile=" : "",
		 t->profile, once, fleet);
	snprintf(ev->file, sizeof(ev->file), "%s", t->file);
	snprintf(ev->outcome, sizeof(ev->outcome), "%s",
		 t->outcome < DHCP_OUT__MAX ? outcome_names[t->outcome] : "?");
}

void
history_from_tftp(const struct log_event *le, int64_t host_id, struct hostdb_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->host_id = host_id;
	ev->at_ms = (int64_t)(le->wall_ns / 1000000u);
	snprintf(ev->kind, sizeof(ev->kind), "file");
	hostdb_mac_str(le->mac, ev->mac);
	snprintf(ev->request, sizeof(ev->request), "tftp");
	snprintf(ev->file, sizeof(ev->file), "%s", le->file);
	ev->bytes = le->bytes;
	snprintf(ev->outcome, sizeof(ev->outcome), "%s",
		 tftp_end_strerror((enum tftp_end_reason)le->reason));
}

void
history_from_http(const struct http_boot_served *s, int64_t host_id, struct hostdb_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->host_id = host_id;
	ev->at_ms = s->at_ms;
	snprintf(ev->kind, sizeof(ev->kind), "file");
	hostdb_mac_str(s->mac, ev->mac);
	snprintf(ev->request, sizeof(ev->request), "http %s status=%u", s->method, s->status);
	snprintf(ev->file, sizeof(ev->file), "%s", s->file);
	ev->bytes = s->bytes;
	snprintf(ev->outcome, sizeof(ev->outcome), "%s", s->outcome);
}
