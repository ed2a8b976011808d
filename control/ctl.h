/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: a unix stream socket at control.socket, polled from
 * the control loop (no thread, never blocks). One request line per
 * connection, answered by lines ending with "OK" or "ERR message"; the
 * server then closes. pxectl is the client.
 *
 * Commands (arguments may be double-quoted, with \" and \\ escapes):
 *   host add --mac M [--uuid U] --action A [--profile P] [--name N]
 *   host set (--mac M | --uuid U | --id N) [--uuid U] [--mac M] [--action A]
 *            [--profile P] [--name N]      (the first key selects the host)
 *   host del|show|arm|done (--mac M | --uuid U | --id N)
 *   host list
 *   status
 *   sessions
 *   reload      (re-read the configuration file: what changed, or why not)
 *   help
 * Changes go to the database, then through cb->changed to the snapshot
 * the workers answer from: the next request sees them. `host done` takes
 * a once host's one-shot by hand (as if its reimage had ended).
 */
#ifndef PXELINE_CONTROL_CTL_H
#define PXELINE_CONTROL_CTL_H

#include <stddef.h>
#include <stdio.h>

#include "config/config.h"

struct hostdb;

#define CTL_DEFAULT_SOCKET "/run/pxeline.sock"
#define CTL_LINE_MAX 4096	/* longest request line */
#define CTL_REPORT_MAX 16384	/* longest reload report (every config error) */

/* Writes text lines (each ending in '\n') for `status` / `sessions`. */
typedef void (*ctl_status_fn)(void *arg, FILE *out);
typedef void (*ctl_sessions_fn)(void *arg, FILE *out);
/* The inventory changed (host add/set/del/arm/done): rebuild what reads it. */
typedef void (*ctl_changed_fn)(void *arg);

/*
 * Re-reads the configuration and applies it (control/reload.h's
 * control_reload): 0 applied, <0 refused; report holds the lines to show.
 */
typedef int (*ctl_reload_fn)(void *arg, char *report, size_t cap);

struct ctl_callbacks {
	ctl_status_fn status;		/* NULL: status shows only the control's own counters */
	ctl_sessions_fn sessions;	/* NULL: `sessions` answers ERR */
	void *arg;
	ctl_reload_fn reload;		/* NULL: `reload` answers ERR */
	void *reload_arg;
	ctl_changed_fn changed;		/* NULL: nobody to tell */
};

/*
 * Listens on cfg->control_socket (a stale socket file is replaced; a live
 * one - another engine - is an error). Returns 0 or -errno. cfg, db and cb
 * must outlive the server.
 */
int ctl_init(const struct pxeline_config *cfg, struct hostdb *db,
	     const struct ctl_callbacks *cb);

/* Validates host commands against cfg from now on (a reload). */
void ctl_set_config(const struct pxeline_config *cfg);

/* Accepts, reads, answers what is ready; returns work done. Never blocks. */
unsigned ctl_poll(void);

/* Closes every connection and removes the socket file. */
void ctl_fini(void);

/*
 * Executes one request line, writing the answer (ending "OK\n" or
 * "ERR ...\n") to out. Returns 0 on OK, -1 on ERR. What ctl_poll does per
 * connection; exposed for tests.
 */
int ctl_execute(const struct pxeline_config *cfg, struct hostdb *db,
		const struct ctl_callbacks *cb, const char *line, FILE *out);

/*
 * Splits a request line into at most max words (quotes and escapes as
 * above), in place. Returns the count, or -1 on an unterminated quote or
 * too many words. pxectl quotes with ctl_quote for this parser.
 */
int ctl_split(char *line, char **ret_words, int max);

/* Appends word to buf (cap bytes, NUL-terminated), quoted. -1 if it does not fit. */
int ctl_quote(char *buf, size_t cap, const char *word);

#endif /* PXELINE_CONTROL_CTL_H */
