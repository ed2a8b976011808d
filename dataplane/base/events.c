/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/base/events.h"
#include "dataplane/proto/tftp_packet.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const end_names[] = {
	[TFTP_END_DONE] = "done",
	[TFTP_END_TSIZE_PROBE] = "tsize-probe",
	[TFTP_END_CLIENT_ABORT] = "client-abort",
	[TFTP_END_TIMEOUT] = "timeout",
	[TFTP_END_NOT_FOUND] = "not-found",
	[TFTP_END_ACCESS] = "access-denied",
	[TFTP_END_BAD_OPTION] = "bad-option",
	[TFTP_END_STALE] = "file-changed",
	[TFTP_END_IO] = "io-error",
	[TFTP_END_BUSY] = "busy",
	[TFTP_END_PROTOCOL] = "protocol-error",
	[TFTP_END_SHUTDOWN] = "shutdown",
	[TFTP_END_TO_UNICAST] = "to-unicast",
	[TFTP_END_UNREACHABLE] = "unreachable",
};
_Static_assert(ARRAY_LEN(end_names) == TFTP_END__MAX, "end_names out of step with tftp_end_reason");

/* Endings the client hears about, and in which words. */
static const struct tftp_end_wire end_wire[] = {
	[TFTP_END_DONE] = { -1, NULL },
	[TFTP_END_TSIZE_PROBE] = { -1, NULL },
	[TFTP_END_CLIENT_ABORT] = { -1, NULL },
	[TFTP_END_TIMEOUT] = { -1, NULL },
	[TFTP_END_NOT_FOUND] = { TFTP_ENOTFOUND, "file not found" },
	[TFTP_END_ACCESS] = { TFTP_EACCESS,
			      "access violation: not a readable file inside the root" },
	[TFTP_END_BAD_OPTION] = { TFTP_EOPTNEG, "option value out of range" },
	[TFTP_END_STALE] = { TFTP_EUNDEF, "file changed on the server during the transfer" },
	[TFTP_END_IO] = { TFTP_EUNDEF, "read error on the server" },
	[TFTP_END_BUSY] = { TFTP_EUNDEF, "server busy: retry later" },
	[TFTP_END_PROTOCOL] = { TFTP_EBADOP, "ACK for a block never sent" },
	[TFTP_END_SHUTDOWN] = { TFTP_EUNDEF, "server shutting down" },
	[TFTP_END_TO_UNICAST] = { -1, NULL },
	/* It said it is not listening: an ERROR would be one more unwanted packet. */
	[TFTP_END_UNREACHABLE] = { -1, NULL },
};
_Static_assert(ARRAY_LEN(end_wire) == TFTP_END__MAX, "end_wire out of step with tftp_end_reason");

const char *
tftp_end_strerror(enum tftp_end_reason r)
{
	return (unsigned)r < TFTP_END__MAX && end_names[r] ? end_names[r] : "?";
}

struct tftp_end_wire
tftp_end_wire(enum tftp_end_reason r)
{
	static const struct tftp_end_wire none = { -1, NULL };

	return (unsigned)r < TFTP_END__MAX ? end_wire[r] : none;
}
