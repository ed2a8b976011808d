/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server and its commands. See ctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control/ctl.h"
#include "dataplane/base/clock.h"
#include "control/dhcp_control.h"
#include "control/hostdb.h"
#include "control/hostspec.h"

#define CTL_MAX_WORDS 32
#define CTL_MAX_CLIENTS 16
#define CTL_CLIENT_TIMEOUT_NS (5ull * 1000000000ull)	/* a silent client is dropped */

/* Command parsing ------------------------------------------------------- */

/* The options of a host command. */
struct host_opts {
	const char *id, *mac, *uuid, *action, *profile, *name;
	const char *first_key;	/* "id", "mac" or "uuid": what selects the host */
};

static int
parse_host_opts(int argc, char **argv, struct host_opts *o, FILE *out)
{
	static const struct {
		const char *opt;
		size_t off;
	} table[] = {
		{ "--id", offsetof(struct host_opts, id) },
		{ "--mac", offsetof(struct host_opts, mac) },
		{ "--uuid", offsetof(struct host_opts, uuid) },
		{ "--action", offsetof(struct host_opts, action) },
		{ "--profile", offsetof(struct host_opts, profile) },
		{ "--name", offsetof(struct host_opts, name) },
	};
	const char **slot;
	size_t i;
	int a;

	memset(o, 0, sizeof(*o));
	for (a = 0; a < argc; a += 2) {
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (strcmp(argv[a], table[i].opt) == 0)
				break;
		if (i == sizeof(table) / sizeof(table[0])) {
			fprintf(out, "ERR unknown option '%s'\n", argv[a]);
			return -1;
		}
		if (a + 1 >= argc) {
			fprintf(out, "ERR option %s needs a value\n", argv[a]);
			return -1;
		}
		slot = (const char **)((char *)o + table[i].off);
		if (*slot) {
			fprintf(out, "ERR option %s given twice\n", argv[a]);
			return -1;
		}
		*slot = argv[a + 1];
		if (!o->first_key && i < 3)
			o->first_key = argv[a] + 2;
	}
	return 0;
}

/*
 * Applies the options that set fields ("" for profile or name clears them),
 * checked by hostspec like the HTTP API's. A new host starts from zero;
 * skip_* leave out the key that selected an existing one.
 */
static int
apply_fields(const struct pxeline_config *cfg, const struct host_opts *o, bool is_new,
	bool skip_mac, bool skip_uuid, struct hostdb_host *h, FILE *out)
{
	struct hostspec s = {
		.mac = skip_mac ? NULL : o->mac,
		.uuid = skip_uuid ? NULL : o->uuid,
		.action = o->action,
		.profile = o->profile,
		.name = o->name,
	};
	char err[256];
	int rc;

	rc = is_new ? hostspec_new(cfg, &s, HOSTSPEC_CLI, h, err, sizeof(err)) :
		      hostspec_apply(cfg, &s, HOSTSPEC_CLI, h, err, sizeof(err));
	if (rc != 0)
		fprintf(out, "ERR %s\n", err);
	return rc;
}

static int
db_err(struct hostdb *db, enum hostdb_err e, FILE *out)
{
	if (e == HOSTDB_ERR_SQL)
		fprintf(out, "ERR %s: %s\n", hostdb_strerror(e), hostdb_msg(db));
	else
		fprintf(out, "ERR %s\n", hostdb_strerror(e));
	return -1;
}

/* Finds the host named by the selecting key. */
static int
select_host(struct hostdb *db, const struct host_opts *o, struct hostdb_host *h, FILE *out)
{
	uint8_t key[16];
	enum hostdb_err e;
	char *end;
	long long id;

	if (!o->first_key) {
		fprintf(out, "ERR which host? give --mac, --uuid or --id\n");
		return -1;
	}
	if (strcmp(o->first_key, "id") == 0) {
		errno = 0;
		id = strtoll(o->id, &end, 10);
		if (errno || *end || id <= 0) {
			fprintf(out, "ERR bad id '%s'\n", o->id);
			return -1;
		}
		e = hostdb_get(db, id, h);
	} else if (strcmp(o->first_key, "mac") == 0) {
		if (hostdb_parse_mac(o->mac, key) != 0) {
			fprintf(out, "ERR bad MAC '%s' (expected aa:bb:cc:dd:ee:ff)\n", o->mac);
			return -1;
		}
		e = hostdb_lookup_mac(db, key, h);
	} else {
		if (hostdb_parse_uuid(o->uuid, key) != 0) {
			fprintf(out, "ERR bad UUID '%s' (expected "
				"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n", o->uuid);
			return -1;
		}
		e = hostdb_lookup_uuid(db, key, h);
	}
	if (e)
		return db_err(db, e, out);
	return 0;
}

static void
time_str(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t) {
		snprintf(buf, cap, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
action_str(const struct hostdb_host *h)
{
	if (h->h.action != BOOT_ACTION_ONCE)
		return boot_action_name(h->h.action);
	return h->h.once_armed ? "once(armed)" : "once(consumed)";
}

static int
list_row(void *arg, const struct hostdb_host *h)
{
	char mac[HOSTDB_MAC_STRLEN] = "-", uuid[HOSTDB_UUID_STRLEN] = "-", seen[32];
	FILE *out = arg;

	if (h->has_mac)
		hostdb_mac_str(h->mac, mac);
	if (h->has_uuid)
		hostdb_uuid_str(h->uuid, uuid);
	time_str(h->last_seen, seen, sizeof(seen));
	fprintf(out, "%-5" PRId64 " %-17s %-36s %-14s %-12s %-16s %s %s\n", h->h.id, mac,
		uuid, action_str(h), h->h.profile[0] ? h->h.profile : "-",
		h->h.name[0] ? h->h.name : "-", seen, h->last_action[0] ? h->last_action : "-");
	return 0;
}

static void
show_host(const struct hostdb_host *h, FILE *out)
{
	char mac[HOSTDB_MAC_STRLEN] = "-", uuid[HOSTDB_UUID_STRLEN] = "-", t[32];

	if (h->has_mac)
		hostdb_mac_str(h->mac, mac);
	if (h->has_uuid)
		hostdb_uuid_str(h->uuid, uuid);
	fprintf(out, "id: %" PRId64 "\nmac: %s\nuuid: %s\nname: %s\naction: %s\nprofile: %s\n",
		h->h.id, mac, uuid, h->h.name, action_str(h), h->h.profile);
	time_str(h->created, t, sizeof(t));
	fprintf(out, "created: %s\n", t);
	time_str(h->updated, t, sizeof(t));
	fprintf(out, "updated: %s\n", t);
	time_str(h->last_seen, t, sizeof(t));
	fprintf(out, "last_seen: %s\nlast_answer: %s\nlast_arch: %s\nlast_file: %s\n", t,
		h->last_action, h->last_arch, h->last_file);
}

/* host done: the one-shot taken by hand, the same compare-and-set as a boot. */
static int
host_done(struct hostdb *db, const struct hostdb_host *h, FILE *out)
{
	enum hostdb_err e;
	bool consumed;

	if (h->h.action != BOOT_ACTION_ONCE) {
		fprintf(out, "ERR host %" PRId64 " has action %s; only a once host has a "
			"one-shot to end\n", h->h.id, boot_action_name(h->h.action));
		return -1;
	}
	e = hostdb_consume_once(db, h->h.id, false, &consumed, NULL);
	if (e)
		return db_err(db, e, out);
	if (!consumed) {
		fprintf(out, "ERR host %" PRId64 ": one-shot not armed (already taken)\n",
			h->h.id);
		return -1;
	}
	fprintf(out, "done host %" PRId64 ": one-shot taken, its next PXE boot gets the "
		"abort answer of profile %s\nOK\n", h->h.id, h->h.profile);
	return 0;
}

static int
history_row(void *arg, const struct hostdb_event *ev)
{
	time_t s = (time_t)(ev->at_ms / 1000);
	char t[32];
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(arg, "%s.%03dZ %-20s %-8s %-44s %-40s %s", t, (int)(ev->at_ms % 1000),
		ev->engine[0] ? ev->engine : "-", ev->kind, ev->request[0] ? ev->request : "-",
		ev->answer[0] ? ev->answer : "-", ev->file[0] ? ev->file : "-");
	if (ev->bytes)
		fprintf(arg, " bytes=%" PRIu64, ev->bytes);
	fprintf(arg, "%s%s\n", ev->outcome[0] ? " outcome=" : "", ev->outcome);
	return 0;
}

/* host history: every step of the host, newest first (HOSTDB_HISTORY_KEEP kept). */
static int
host_history(struct hostdb *db, const struct hostdb_host *h, FILE *out)
{
	enum hostdb_err e;

	fprintf(out, "%-24s %-20s %-8s %-44s %-40s %s\n", "TIME (UTC)", "ENGINE", "STEP",
		"REQUEST", "ANSWER", "FILE");
	e = hostdb_history(db, h->h.id, 0, history_row, out);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "OK\n");
	return 0;
}

static int
host_list(struct hostdb *db, int argc, FILE *out)
{
	enum hostdb_err e;

	if (argc != 2) {
		fprintf(out, "ERR host list takes no options\n");
		return -1;
	}
	fprintf(out, "%-5s %-17s %-36s %-14s %-12s %-16s %s %s\n", "ID", "MAC", "UUID",
		"ACTION", "PROFILE", "NAME", "LAST_SEEN", "LAST_ANSWER");
	e = hostdb_list(db, list_row, out);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "OK\n");
	return 0;
}

static int
host_add(const struct pxeline_config *cfg, struct hostdb *db, const struct host_opts *o,
	 FILE *out)
{
	struct hostdb_host h;
	enum hostdb_err e;
	int64_t id;

	if (o->id) {
		fprintf(out, "ERR host add does not take --id\n");
		return -1;
	}
	if (apply_fields(cfg, o, true, false, false, &h, out) != 0)
		return -1;
	e = hostdb_add(db, &h, &id);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "added host %" PRId64 "\nOK\n", id);
	return 0;
}

/* h is the host the first key selected; the other keys are its new values. */
static int
host_set(const struct pxeline_config *cfg, struct hostdb *db, const struct host_opts *o,
	 struct hostdb_host *h, FILE *out)
{
	enum hostdb_err e;

	if (!o->action && !o->profile && !o->name &&
	    !(o->mac && strcmp(o->first_key, "mac")) &&
	    !(o->uuid && strcmp(o->first_key, "uuid"))) {
		fprintf(out, "ERR host set: nothing to change\n");
		return -1;
	}
	if (apply_fields(cfg, o, false, strcmp(o->first_key, "mac") == 0,
			 strcmp(o->first_key, "uuid") == 0, h, out) != 0)
		return -1;
	e = hostdb_set(db, h);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "updated host %" PRId64 "\nOK\n", h->h.id);
	return 0;
}

static int
host_arm(struct hostdb *db, struct hostdb_host *h, FILE *out)
{
	enum hostdb_err e;

	if (h->h.action != BOOT_ACTION_ONCE) {
		fprintf(out, "ERR host %" PRId64 " has action %s; only a once host can be "
			"armed (host set --action once)\n", h->h.id, boot_action_name(h->h.action));
		return -1;
	}
	h->h.once_armed = true;
	e = hostdb_set(db, h);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "armed host %" PRId64 ": its next PXE boot gets profile %s\nOK\n",
		h->h.id, h->h.profile);
	return 0;
}

static int
cmd_host(const struct pxeline_config *cfg, struct hostdb *db, int argc, char **argv,
	FILE *out)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct host_opts o;
	struct hostdb_host h;
	enum hostdb_err e;

	if (strcmp(verb, "list") == 0)
		return host_list(db, argc, out);
	if (parse_host_opts(argc - 2, argv + 2, &o, out) != 0)
		return -1;
	if (strcmp(verb, "add") == 0)
		return host_add(cfg, db, &o, out);
	if (strcmp(verb, "set") != 0 && strcmp(verb, "del") != 0 &&
	    strcmp(verb, "show") != 0 && strcmp(verb, "arm") != 0 &&
	    strcmp(verb, "done") != 0 && strcmp(verb, "history") != 0) {
		fprintf(out, "ERR unknown host command '%s' (add, set, del, list, show, arm, "
			"done, history)\n", verb);
		return -1;
	}
	if (select_host(db, &o, &h, out) != 0)
		return -1;
	if (strcmp(verb, "set") == 0)
		return host_set(cfg, db, &o, &h, out);
	if (o.action || o.profile || o.name ||
	    (o.id && strcmp(o.first_key, "id")) || (o.mac && strcmp(o.first_key, "mac")) ||
	    (o.uuid && strcmp(o.first_key, "uuid"))) {
		fprintf(out, "ERR host %s takes only one of --mac, --uuid, --id\n", verb);
		return -1;
	}
	if (strcmp(verb, "show") == 0) {
		show_host(&h, out);
		fprintf(out, "OK\n");
		return 0;
	}
	if (strcmp(verb, "arm") == 0)
		return host_arm(db, &h, out);
	if (strcmp(verb, "history") == 0)
		return host_history(db, &h, out);
	if (strcmp(verb, "done") == 0)
		return host_done(db, &h, out);
	e = hostdb_del(db, h.h.id);
	if (e)
		return db_err(db, e, out);
	fprintf(out, "deleted host %" PRId64 "\nOK\n", h.h.id);
	return 0;
}

static uint64_t start_ns;	/* when ctl_init ran, for the uptime */


/* Who answers with us: the live engines, which one we are, the delay.
 * The workers' held/standby counts follow among the counters. */
static void
print_fleet(FILE *out)
{
	struct dhcp_fleet f;
	uint32_t i;

	dhcp_control_get_fleet(&f);
	fprintf(out, "fleet: members=");
	for (i = 0; i < f.n; i++)
		fprintf(out, "%s%s", i ? "," : "", f.names[i]);
	fprintf(out, "%s self=%s standby_delay_ms=%" PRIu32 "\n", f.n ? "" : "(none)",
		f.self >= 0 && (uint32_t)f.self < f.n ? f.names[f.self] : "(not a member)",
		f.standby_delay_ms);
}

static void
print_status(struct hostdb *db, const struct ctl_callbacks *cb, FILE *out)
{
	struct dhcp_control_stats s;
	uint64_t up = start_ns ? (clock_mono_ns() - start_ns) / 1000000000ull : 0;

	dhcp_control_get_stats(&s);
	fprintf(out, "uptime: %" PRIu64 "s\n", up);
	fprintf(out, "dhcp: requests=%" PRIu64 " replies=%" PRIu64 " silent=%" PRIu64
		" once_consumed=%" PRIu64 " once_grace=%" PRIu64 " ignored_mac=%" PRIu64
		" ignored_port67=%" PRIu64 " ignored_other_server=%" PRIu64 " not_pxe=%" PRIu64
		" bad=%" PRIu64 " db_errors=%" PRIu64 " build_errors=%" PRIu64
		" ring_full=%" PRIu64 " delay_full=%" PRIu64 " snapshots=%" PRIu64
		" snapshot_errors=%" PRIu64 "\n",
		s.requests, s.replies, s.silent, s.once_consumed, s.once_grace, s.ignored_mac,
		s.ignored_port67, s.ignored_other_server, s.not_pxe, s.bad, s.db_errors,
		s.build_errors, s.ring_full, s.delay_full, s.snapshots, s.snapshot_errors);
	if (db)
		fprintf(out, "store: backend=%s reachable=%s engine=%s errors=%" PRIu64
			" reconnects=%" PRIu64 " notifies=%" PRIu64 " once_held=%" PRIu64
			" no_snapshot=%" PRIu64 "\n",
			hostdb_backend_name(db), hostdb_reachable(db) ? "yes" : "no",
			hostdb_engine(db)[0] ? hostdb_engine(db) : "-", s.store_errors,
			s.store_reconnects, s.store_notifies, s.once_held, s.no_snapshot);
	print_fleet(out);
	if (cb && cb->status)
		cb->status(cb->arg, out);
}

/* The report's lines, then OK, or ERR when the reload was refused. */
static int
cmd_reload(const struct ctl_callbacks *cb, FILE *out)
{
	static char report[CTL_REPORT_MAX];
	int rc;

	if (!cb || !cb->reload) {
		fprintf(out, "ERR reload not available in this engine\n");
		return -1;
	}
	rc = cb->reload(cb->reload_arg, report, sizeof(report));
	fprintf(out, "%s%s", report, report[0] && report[strlen(report) - 1] != '\n' ? "\n" : "");
	if (rc < 0) {
		fprintf(out, "ERR reload refused: the running configuration is unchanged\n");
		return -1;
	}
	fprintf(out, "OK\n");
	return 0;
}

int
ctl_execute(const struct pxeline_config *cfg, struct hostdb *db,
	    const struct ctl_callbacks *cb, const char *line, FILE *out)
{
	char buf[CTL_LINE_MAX];
	char *argv[CTL_MAX_WORDS];
	int argc;

	if (snprintf(buf, sizeof(buf), "%s", line) >= (int)sizeof(buf)) {
		fprintf(out, "ERR request longer than %d bytes\n", CTL_LINE_MAX - 1);
		return -1;
	}
	argc = ctl_split(buf, argv, CTL_MAX_WORDS);
	if (argc < 0) {
		fprintf(out, "ERR unterminated quote or too many words\n");
		return -1;
	}
	if (argc == 0) {
		fprintf(out, "ERR empty request (try help)\n");
		return -1;
	}
	if (strcmp(argv[0], "host") == 0) {
		int r = cmd_host(cfg, db, argc, argv, out);

		/* list, show and history change nothing; a refused command neither. */
		if (r == 0 && argc > 1 && strcmp(argv[1], "list") != 0 &&
		    strcmp(argv[1], "show") != 0 && strcmp(argv[1], "history") != 0 &&
		    cb && cb->changed)
			cb->changed(cb->arg);
		return r;
	}
	if (strcmp(argv[0], "status") == 0 && argc == 1) {
		print_status(db, cb, out);
		fprintf(out, "OK\n");
		return 0;
	}
	if (strcmp(argv[0], "sessions") == 0 && argc == 1) {
		if (!cb || !cb->sessions) {
			fprintf(out, "ERR sessions not available in this engine\n");
			return -1;
		}
		cb->sessions(cb->arg, out);
		fprintf(out, "OK\n");
		return 0;
	}
	if (strcmp(argv[0], "reload") == 0 && argc == 1)
		return cmd_reload(cb, out);
	if (strcmp(argv[0], "help") == 0) {
		fprintf(out, "host add --mac M [--uuid U] --action boot|once|abort|ignore "
			"[--profile P] [--name N]\n"
			"host set (--mac M|--uuid U|--id N) [--mac M] [--uuid U] [--action A] "
			"[--profile P] [--name N]\n"
			"host del|show|arm|done (--mac M|--uuid U|--id N)\n"
			"host list\nstatus\nsessions\nreload\nOK\n");
		return 0;
	}
	fprintf(out, "ERR unknown command '%s' (try help)\n", argv[0]);
	return -1;
}

/* The socket server ----------------------------------------------------- */

struct ctl_client {
	int fd;			/* -1 = free */
	uint64_t since_ns;	/* accepted at */
	size_t in_len;
	char in[CTL_LINE_MAX];
	char *outbuf;		/* answer, once the line is complete */
	size_t out_len, out_off;
};

static struct {
	int fd;
	const struct pxeline_config *cfg;
	struct hostdb *db;
	struct ctl_callbacks cb;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_client clients[CTL_MAX_CLIENTS];
} ctl = { .fd = -1 };

static void
client_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->outbuf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

int
ctl_init(const struct pxeline_config *cfg, struct hostdb *db, const struct ctl_callbacks *cb)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, i, err;

	if (strlen(cfg->control_socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, cfg->control_socket, strlen(cfg->control_socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket someone answers on belongs to a running engine: keep it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EAGAIN) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(sa.sun_path, 0660) != 0 || listen(fd, CTL_MAX_CLIENTS) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	ctl.fd = fd;
	ctl.cfg = cfg;
	ctl.db = db;
	if (cb)
		ctl.cb = *cb;
	memcpy(ctl.path, sa.sun_path, sizeof(ctl.path));
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		memset(&ctl.clients[i], 0, sizeof(ctl.clients[i]));
		ctl.clients[i].fd = -1;
	}
	start_ns = clock_mono_ns();
	return 0;
}

void
ctl_set_config(const struct pxeline_config *cfg)
{
	ctl.cfg = cfg;
}

/* Runs the request and keeps the answer to send. */
static void
client_execute(struct ctl_client *c)
{
	FILE *f;

	c->in[c->in_len] = '\0';
	f = open_memstream(&c->outbuf, &c->out_len);
	if (!f) {
		client_close(c);
		return;
	}
	ctl_execute(ctl.cfg, ctl.db, &ctl.cb, c->in, f);
	fclose(f);
	c->out_off = 0;
}

/* Moves a client on; returns whether anything happened. */
static bool
client_step(struct ctl_client *c, uint64_t now)
{
	char *nl;
	ssize_t n;

	if (now - c->since_ns > CTL_CLIENT_TIMEOUT_NS) {
		client_close(c);
		return true;
	}
	if (!c->outbuf) {
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n < 0) {
			client_close(c);
			return true;
		}
		c->in_len += (size_t)n;
		nl = memchr(c->in, '\n', c->in_len);
		if (nl)
			c->in_len = (size_t)(nl - c->in);
		else if (c->in_len == sizeof(c->in) - 1)
			c->in_len = 0;	/* too long: answered as an empty request */
		else if (n > 0)
			return true;	/* more to come */
		/* A line, or EOF after a partial one: answer now. */
		client_execute(c);
		if (c->fd < 0)
			return true;
	}
	while (c->out_off < c->out_len) {
		n = send(c->fd, c->outbuf + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			break;
		}
		c->out_off += (size_t)n;
	}
	client_close(c);
	return true;
}

unsigned
ctl_poll(void)
{
	unsigned work = 0;
	uint64_t now;
	int i, fd;

	if (ctl.fd < 0)
		return 0;
	now = clock_mono_ns();
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (ctl.clients[i].fd >= 0)
			continue;
		fd = accept4(ctl.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		ctl.clients[i].fd = fd;
		ctl.clients[i].since_ns = now;
		work++;
	}
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl.clients[i].fd >= 0 && client_step(&ctl.clients[i], now))
			work++;
	return work;
}

void
ctl_fini(void)
{
	int i;

	if (ctl.fd < 0)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl.clients[i].fd >= 0)
			client_close(&ctl.clients[i]);
	close(ctl.fd);
	unlink(ctl.path);
	ctl.fd = -1;
}
