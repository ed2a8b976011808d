/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: word splitting and quoting, every command with its
 * validation errors (ctl_execute), and a round trip through a real unix
 * socket in a temp dir (ctl_init/ctl_poll), no EAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "control/ctl.h"
#include "control/hostdb.h"
#include "control/log.h"
#include "unit.h"
#include "unit_tmpdir.h"

/* The engine's log.c is not linked. */
void
log_msg(enum cfg_log_level lvl, const char *fmt, ...)
{
	(void)lvl;
	(void)fmt;
}

static char tmpdir[256];
static struct pxeline_config cfg;
static struct hostdb *db;

static int
suite_init(void)
{
	if (unit_tmpdir_make(tmpdir, sizeof(tmpdir), "test_ctl") != 0)
		return -1;
	cfg_defaults(&cfg);
	snprintf(cfg.profiles[0].name, sizeof(cfg.profiles[0].name), "reimage");
	snprintf(cfg.profiles[0].bios, sizeof(cfg.profiles[0].bios), "pxeboot.com");
	snprintf(cfg.profiles[1].name, sizeof(cfg.profiles[1].name), "default");
	cfg.n_profiles = 2;
	snprintf(cfg.control_socket, sizeof(cfg.control_socket), "%s/pxeline.sock", tmpdir);
	return hostdb_open(":memory:", &db) == HOSTDB_OK ? 0 : -1;
}

static int
suite_fini(void)
{
	hostdb_close(db);
	return unit_tmpdir_remove(tmpdir);
}

static void
test_split_quote(void)
{
	char line[256], q[256] = "";
	char *w[8];

	snprintf(line, sizeof(line), "  host add --name \"rack 1 \\\"a\\\"\"\t--mac x  ");
	CU_ASSERT_EQUAL_FATAL(ctl_split(line, w, 8), 6);
	CU_ASSERT_STRING_EQUAL(w[5], "x");
	CU_ASSERT_STRING_EQUAL(w[0], "host");
	CU_ASSERT_STRING_EQUAL(w[3], "rack 1 \"a\"");
	CU_ASSERT_STRING_EQUAL(w[4], "--mac");
	snprintf(line, sizeof(line), "host \"unterminated");
	CU_ASSERT_EQUAL(ctl_split(line, w, 8), -1);
	snprintf(line, sizeof(line), "a b c d e f g h i");
	CU_ASSERT_EQUAL(ctl_split(line, w, 8), -1);
	snprintf(line, sizeof(line), "\"\"");
	CU_ASSERT_EQUAL_FATAL(ctl_split(line, w, 8), 1);
	CU_ASSERT_STRING_EQUAL(w[0], "");

	/* quote then split gives the words back */
	CU_ASSERT_EQUAL(ctl_quote(q, sizeof(q), "host"), 0);
	CU_ASSERT_EQUAL(ctl_quote(q, sizeof(q), "with \"quotes\" and \\"), 0);
	CU_ASSERT_EQUAL(ctl_quote(q, sizeof(q), ""), 0);
	CU_ASSERT_EQUAL(ctl_split(q, w, 8), 3);
	CU_ASSERT_STRING_EQUAL(w[1], "with \"quotes\" and \\");
	CU_ASSERT_STRING_EQUAL(w[2], "");
	q[0] = '\0';
	CU_ASSERT_EQUAL(ctl_quote(q, sizeof(q), "new\nline"), -1);
	q[0] = '\0';
	CU_ASSERT_EQUAL(ctl_quote(q, 6, "toolong"), -1);
}

static char outbuf[8192];
static int changes;	/* times ctl told the snapshot to rebuild */

static void
changed_cb(void *arg)
{
	(void)arg;
	changes++;
}

/* Runs one request; returns ctl_execute's result, the answer in outbuf. */
static int
exec_line(const char *line)
{
	static const struct ctl_callbacks cb = { .changed = changed_cb };
	FILE *f = fmemopen(outbuf, sizeof(outbuf), "w");
	int r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	r = ctl_execute(&cfg, db, &cb, line, f);
	fclose(f);
	return r;
}

/* The answer's last line. */
static const char *
verdict(void)
{
	size_t n = strlen(outbuf);
	const char *p;

	if (n && outbuf[n - 1] == '\n')
		outbuf[--n] = '\0';
	p = strrchr(outbuf, '\n');
	return p ? p + 1 : outbuf;
}

/* Named hostile requests: each gets ERR with the message that names it. */
static void
test_refused(void)
{
	static const struct {
		const char *name, *line, *err;
	} rows[] = {
		{ "bad MAC", "host add --mac 52:54:00:12:34 --action abort --profile reimage",
		  "ERR bad MAC '52:54:00:12:34'" },
		{ "bad UUID", "host add --uuid 1234 --action ignore", "ERR bad UUID '1234'" },
		{ "unknown profile", "host add --mac 52:54:00:12:34:56 --action boot --profile nope",
		  "ERR unknown profile 'nope'" },
		{ "unknown action", "host add --mac 52:54:00:12:34:56 --action reboot",
		  "ERR unknown action 'reboot'" },
		{ "once without profile", "host add --mac 52:54:00:12:34:56 --action once",
		  "ERR action once needs --profile" },
		{ "no key", "host add --action ignore", "ERR host add needs --mac or --uuid" },
		{ "no action", "host add --mac 52:54:00:12:34:56", "ERR host add needs --action" },
		{ "unknown option", "host add --mac 52:54:00:12:34:56 --colour red",
		  "ERR unknown option '--colour'" },
		{ "option without value", "host add --mac", "ERR option --mac needs a value" },
		{ "option twice", "host add --mac 52:54:00:12:34:56 --mac 52:54:00:12:34:57",
		  "ERR option --mac given twice" },
		{ "del of nobody", "host del --mac 52:54:00:00:00:00", "ERR no such host" },
		{ "del without key", "host del", "ERR which host?" },
		{ "bad id", "host show --id 12x", "ERR bad id '12x'" },
		{ "unknown verb", "host reboot --mac 52:54:00:12:34:56", "ERR unknown host command" },
		{ "unknown command", "reboot", "ERR unknown command 'reboot'" },
		{ "empty", "   ", "ERR empty request" },
		{ "unterminated quote", "host add --name \"x", "ERR unterminated quote" },
		{ "sessions without callback", "sessions", "ERR sessions not available" },
		{ "list with options", "host list --mac 52:54:00:12:34:56", "ERR host list takes no options" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int r = exec_line(rows[i].line);
		const char *v = verdict();

		if (strncmp(v, rows[i].err, strlen(rows[i].err)) != 0)
			fprintf(stderr, "\nrow '%s': got '%s'\n", rows[i].name, v);
		CU_ASSERT_EQUAL(r, -1);
		CU_ASSERT_EQUAL(strncmp(v, rows[i].err, strlen(rows[i].err)), 0);
	}
}

static void
test_host_commands(void)
{
	struct hostdb_host h;
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	char line[64];
	int n;

	CU_ASSERT_EQUAL(exec_line("host add --mac 52:54:00:12:34:56 --action once "
				  "--profile reimage --name \"rack1 07\""), 0);
	CU_ASSERT_STRING_EQUAL(verdict(), "OK");
	CU_ASSERT_EQUAL_FATAL(hostdb_lookup_mac(db, mac, &h), HOSTDB_OK);
	CU_ASSERT(h.h.once_armed);
	CU_ASSERT_STRING_EQUAL(h.h.name, "rack1 07");

	/* the same MAC again, in the other spelling */
	CU_ASSERT_EQUAL(exec_line("host add --mac 52-54-00-12-34-56 --action ignore"), -1);
	CU_ASSERT_STRING_EQUAL(verdict(), "ERR MAC or UUID already belongs to another host");

	/* set: add a UUID to the host selected by MAC; the shot stays as it is */
	CU_ASSERT_EQUAL(hostdb_consume_once(db, h.h.id, true, &(bool){ false }, NULL), HOSTDB_OK);
	CU_ASSERT_EQUAL(exec_line("host set --mac 52:54:00:12:34:56 "
				  "--uuid 4C4C4544-0010-8031-8053-B4C04F4E3932"), 0);
	CU_ASSERT_EQUAL_FATAL(hostdb_lookup_mac(db, mac, &h), HOSTDB_OK);
	CU_ASSERT(h.has_uuid);
	CU_ASSERT_FALSE(h.h.once_armed);

	CU_ASSERT_EQUAL(exec_line("host show --uuid 4c4c4544-0010-8031-8053-b4c04f4e3932"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "mac: 52:54:00:12:34:56\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "action: once(consumed)\n"));

	/* arm it again: the snapshot is told, a show tells it nothing */
	n = changes;
	CU_ASSERT_EQUAL(exec_line("host arm --mac 52:54:00:12:34:56"), 0);
	CU_ASSERT_EQUAL_FATAL(hostdb_lookup_mac(db, mac, &h), HOSTDB_OK);
	CU_ASSERT(h.h.once_armed);
	CU_ASSERT_EQUAL(changes, n + 1);
	CU_ASSERT_EQUAL(exec_line("host show --mac 52:54:00:12:34:56"), 0);
	CU_ASSERT_EQUAL(changes, n + 1);

	/* done: taken by hand, once; a second time there is nothing to take */
	CU_ASSERT_EQUAL(exec_line("host done --mac 52:54:00:12:34:56"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "one-shot taken"));
	CU_ASSERT_EQUAL_FATAL(hostdb_lookup_mac(db, mac, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	CU_ASSERT_EQUAL(changes, n + 2);
	snprintf(line, sizeof(line), "host done --id %lld", (long long)h.h.id);
	CU_ASSERT_EQUAL(exec_line(line), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(verdict(), "one-shot not armed"));
	CU_ASSERT_EQUAL(changes, n + 2);
	/* history: newest first, the steps so far; it changes nothing */
	CU_ASSERT_EQUAL(exec_line("host history --mac 52:54:00:12:34:56"), 0);
	CU_ASSERT_EQUAL(changes, n + 2);
	{
		const char *done = strstr(outbuf, " done "), *armed = strstr(outbuf, " armed ");
		const char *taken = strstr(outbuf, " consumed ");

		CU_ASSERT_PTR_NOT_NULL_FATAL(done);
		CU_ASSERT_PTR_NOT_NULL_FATAL(armed);
		CU_ASSERT_PTR_NOT_NULL_FATAL(taken);
		CU_ASSERT_TRUE(done < armed && armed < taken);
		CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "one-shot ended by hand"));
	}
	CU_ASSERT_EQUAL(exec_line("host history --mac 52:54:00:12:34:57"), -1);
	CU_ASSERT_EQUAL(exec_line("host arm --mac 52:54:00:12:34:56"), 0);

	CU_ASSERT_EQUAL(exec_line("host set --mac 52:54:00:12:34:56"), -1);
	CU_ASSERT_STRING_EQUAL(verdict(), "ERR host set: nothing to change");
	CU_ASSERT_EQUAL(exec_line("host set --mac 52:54:00:12:34:56 --action abort"), 0);
	CU_ASSERT_EQUAL(exec_line("host arm --mac 52:54:00:12:34:56"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(verdict(), "only a once host can be armed"));
	CU_ASSERT_EQUAL(exec_line("host done --mac 52:54:00:12:34:56"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(verdict(), "only a once host has a one-shot"));
	CU_ASSERT_EQUAL(exec_line("host set --mac 52:54:00:12:34:56 --profile ghost"), -1);

	CU_ASSERT_EQUAL(exec_line("host add --uuid 00000000-0000-0000-0000-000000000001 "
				  "--action ignore"), 0);
	CU_ASSERT_EQUAL(exec_line("host list"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "52:54:00:12:34:56"));
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "00000000-0000-0000-0000-000000000001"));
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "rack1 07"));

	CU_ASSERT_EQUAL(exec_line("host del --mac 52:54:00:12:34:56"), 0);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac, &h), HOSTDB_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(exec_line("status"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "uptime: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "dhcp: requests="));
}

static void
status_cb(void *arg, FILE *out)
{
	fprintf(out, "workers: %d\n", *(int *)arg);
}

static void
sessions_cb(void *arg, FILE *out)
{
	(void)arg;
	fprintf(out, "192.0.2.50:1024 boot.wim 12%%\n");
}

/* One request through the socket: connect, send, poll the server, read. */
static int
socket_request(const char *line, char *ret, size_t cap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0;
	ssize_t n;
	int fd, i;

	if (strlen(cfg.control_socket) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, cfg.control_socket, strlen(cfg.control_socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	if (send(fd, line, strlen(line), 0) != (ssize_t)strlen(line))
		return -1;
	shutdown(fd, SHUT_WR);	/* as pxectl does */
	/* bounded: the server answers within a few passes */
	for (i = 0; i < 2000; i++) {
		ctl_poll();
		n = recv(fd, ret + len, cap - 1 - len, 0);
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else if (errno != EAGAIN)
			break;
		usleep(500);
	}
	close(fd);
	ret[len] = '\0';
	return i < 2000 ? 0 : -1;
}

static void
test_socket(void)
{
	struct ctl_callbacks cb = { .status = status_cb, .sessions = sessions_cb };
	struct stat st;
	char ans[4096];
	int workers = 3;
	FILE *f;

	cb.arg = &workers;
	/* A stale socket file from a killed engine is replaced. */
	f = fopen(cfg.control_socket, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(ctl_init(&cfg, db, &cb), 0);
	CU_ASSERT_EQUAL(stat(cfg.control_socket, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);
	/* A second engine on the same socket is refused. */
	CU_ASSERT_EQUAL(ctl_init(&cfg, db, &cb), -EADDRINUSE);

	CU_ASSERT_EQUAL(socket_request("host add --mac 52:54:00:aa:bb:cc --action boot "
				       "--profile reimage\n", ans, sizeof(ans)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "added host"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "\nOK\n"));
	CU_ASSERT_EQUAL(socket_request("host list\n", ans, sizeof(ans)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "52:54:00:aa:bb:cc"));
	/* without the newline: the client's EOF ends the request */
	CU_ASSERT_EQUAL(socket_request("status", ans, sizeof(ans)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "workers: 3\nOK\n"));
	CU_ASSERT_EQUAL(socket_request("sessions\n", ans, sizeof(ans)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "boot.wim 12%\nOK\n"));
	CU_ASSERT_EQUAL(socket_request("host add --mac zz --action boot\n", ans, sizeof(ans)), 0);
	CU_ASSERT_EQUAL(strncmp(ans, "ERR bad MAC", 11), 0);
	ctl_fini();
	CU_ASSERT_NOT_EQUAL(stat(cfg.control_socket, &st), 0);
}

/* A reload callback that answers as told (refused when *arg < 0). */
static int
reload_cb(void *arg, char *report, size_t cap)
{
	int rc = *(int *)arg;

	snprintf(report, cap, rc < 0 ? "refused: needs a restart: workers 1 -> 2; nothing changed" :
		 "reloaded: profiles (2 -> 3), tftp.timeout_ms 1000 -> 200");
	return rc;
}

/* `reload`: the report's lines, then OK, or ERR when refused; ERR without one. */
static void
test_reload(void)
{
	struct ctl_callbacks cb = { .reload = reload_cb };
	int rc = 0;
	FILE *f;

	cb.reload_arg = &rc;
	f = fmemopen(outbuf, sizeof(outbuf), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(ctl_execute(&cfg, db, &cb, "reload", f), 0);
	fclose(f);
	CU_ASSERT_EQUAL(strcmp(outbuf, "reloaded: profiles (2 -> 3), tftp.timeout_ms 1000 -> 200\n"
			       "OK\n"), 0);
	rc = -2;
	f = fmemopen(outbuf, sizeof(outbuf), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(ctl_execute(&cfg, db, &cb, "reload", f), -1);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(outbuf, "refused: needs a restart: workers 1 -> 2"));
	CU_ASSERT_EQUAL(strncmp(verdict(), "ERR reload refused", 18), 0);
	/* An engine without the callback, and arguments, are refused. */
	CU_ASSERT_EQUAL(exec_line("reload"), -1);
	CU_ASSERT_EQUAL(strncmp(verdict(), "ERR reload not available", 24), 0);
	CU_ASSERT_EQUAL(exec_line("reload now"), -1);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "split and quote", test_split_quote },
		{ "refused requests", test_refused },
		{ "host commands", test_host_commands },
		{ "unix socket round trip", test_socket },
		{ "reload command", test_reload },
		{ NULL, NULL },
	};

	return unit_run_fixture("ctl", suite_init, suite_fini, tests);
}
