/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pxectl: the operator's CLI over pxeline's control socket.
 *
 *   pxectl [-s SOCKET] host add --mac MAC [--uuid UUID] --action A [--profile P]
 *   pxectl [-s SOCKET] host set|del|show|arm|done|history|list ...  |  status  |  sessions
 *   pxectl [-s SOCKET] reload   (what changed, or why not: exit 1 when refused)
 *
 * Sends the arguments as one quoted request line, prints the answer, and
 * exits 0 on "OK", 1 on "ERR ..." (the message on stderr), 2 when the engine
 * cannot be reached or the usage is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/ctl.h"

#define PXECTL_TIMEOUT_S 30	/* a host list of a big site is still quick */

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: pxectl [-s SOCKET] COMMAND\n"
		"  host add --mac MAC [--uuid UUID] --action boot|once|abort|ignore "
		"[--profile NAME] [--name NAME]\n"
		"  host set (--mac MAC|--uuid UUID|--id N) [--mac MAC] [--uuid UUID] "
		"[--action A] [--profile NAME] [--name NAME]\n"
		"  host del|show|arm|done|history (--mac MAC|--uuid UUID|--id N)\n"
		"  host list\n"
		"  status\n"
		"  sessions\n"
		"  reload      re-read the engine's configuration file\n"
		"SOCKET defaults to $PXELINE_SOCKET, else " CTL_DEFAULT_SOCKET ".\n");
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = PXECTL_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pxectl: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "pxectl: socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "pxectl: cannot connect to %s: permission denied "
				"(run as root or as a member of the socket's group)\n", path);
		else
			fprintf(stderr, "pxectl: cannot connect to %s: engine not running? (%s)\n",
				path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads the whole answer (the server closes after it). NULL on error. */
static char *
read_all(int fd, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	while (buf) {
		if (len + 1 == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			buf[len] = '\0';
			*ret_len = len;
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("PXELINE_SOCKET");
	char req[CTL_LINE_MAX] = "";
	char *answer, *last;
	size_t len;
	int i = 1, fd;

	if (!path || !path[0])
		path = CTL_DEFAULT_SOCKET;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '-') {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			path = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	for (; i < argc; i++) {
		if (ctl_quote(req, sizeof(req) - 1, argv[i]) != 0) {
			fprintf(stderr, "pxectl: request too long or argument with a newline\n");
			return 2;
		}
	}
	strcat(req, "\n");

	fd = connect_to(path);
	if (fd < 0)
		return 2;
	if (send_all(fd, req, strlen(req)) != 0) {
		fprintf(stderr, "pxectl: sending to %s: %s\n", path, strerror(errno));
		close(fd);
		return 2;
	}
	shutdown(fd, SHUT_WR);
	answer = read_all(fd, &len);
	close(fd);
	if (!answer) {
		fprintf(stderr, "pxectl: reading from %s: %s\n", path,
			errno == EAGAIN ? "timed out" : strerror(errno));
		return 2;
	}
	/* The last line is the verdict; everything before it is the answer. */
	while (len && answer[len - 1] == '\n')
		answer[--len] = '\0';
	last = strrchr(answer, '\n');
	last = last ? last + 1 : answer;
	fwrite(answer, 1, (size_t)(last - answer), stdout);
	if (strcmp(last, "OK") == 0) {
		free(answer);
		return 0;
	}
	if (strncmp(last, "ERR", 3) == 0)
		fprintf(stderr, "pxectl: %s\n", last[3] == ' ' ? last + 4 : "error");
	else
		fprintf(stderr, "pxectl: unexpected answer from %s: %s\n", path, last);
	free(answer);
	return 1;
}
