/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A host's boot history rows (struct hostdb_event) from what the log drain
 * sees: a DHCP trace record (request and answer in one row) and the end of
 * a transfer over TFTP or HTTP (the file, its bytes, how it ended). Pure: the words only;
 * dhcp_control.c writes them in the drain's batch.
 */
#ifndef PXELINE_CONTROL_HISTORY_H
#define PXELINE_CONTROL_HISTORY_H

#include "control/hostdb.h"
#include "control/http_boot.h"
#include "dataplane/base/events.h"

/* The row of t, whose host is t->host_id. */
void history_from_dhcp(const struct log_dhcp *t, struct hostdb_event *ret_ev);

/* The row of a LOG_TFTP_END for record host_id ("tftp" as request). */
void history_from_tftp(const struct log_event *ev, int64_t host_id,
		       struct hostdb_event *ret_ev);

/* The row of an HTTP Boot request's end ("http GET status=200" as request). */
void history_from_http(const struct http_boot_served *s, int64_t host_id,
		       struct hostdb_event *ret_ev);

#endif /* PXELINE_CONTROL_HISTORY_H */
