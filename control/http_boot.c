/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP Boot file server on libmicrohttpd. See http_boot.h.
 *
 * Why the choices:
 * - MHD_create_response_from_fd_at_offset64: MHD sends a file response with
 *   sendfile(), straight from the page cache, no copy through user space.
 * - The URL is unescaped by our own callback: MHD's own turns "%00" into a
 *   NUL that would silently cut the name; ours turns any control byte into
 *   0x01, which proto/path.c refuses (400), like a TFTP name with one.
 * - Errors: a refused spelling (".." in any form, control bytes, drive
 *   letters) is 400, a name that does not resolve under the root 404, a
 *   directory or special file 403. Never a byte from outside the root: the
 *   resolver opens beneath the root's fd (openat2 RESOLVE_BENEATH).
 * - HEAD: MHD sends the headers of the GET (Content-Length included) and
 *   no body.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "control/http_boot.h"
#include "control/log.h"
#include "dataplane/base/clock.h"
#include "dataplane/cache/resolve.h"
#include "dataplane/proto/http.h"
#include "dataplane/proto/path.h"

#define HB_THREADS 2
/*
 * A connection idle this long is closed. Generous: a flow that lost its
 * first segments in a burst waits out TCP's doubling retransmission timer
 * (1 + 2 + 4 + ... s) before it moves again, and firmware keeps its own
 * (longer) timeouts anyway.
 */
#define HB_IDLE_TIMEOUT_S 300

/* One daemon per interface. */
struct hb_server {
	struct MHD_Daemon *d;
	char ifname[16];		/* the tap, for ARP lookups of client MACs */
};

static struct {
	struct hb_server srv[CFG_MAX_INTERFACES];
	int n;
	int rootfd;
	bool case_insensitive;
	bool openat2;			/* false once the kernel said ENOSYS */
	/* The resolver's case-insensitive scan reads rootfd through a dup
	 * that shares its offset: one lookup at a time. */
	pthread_mutex_t resolve_lock;
	/* Requests ended, for the control thread (MHD's threads push). */
	pthread_mutex_t served_lock;
	unsigned served_head, served_count;
	uint64_t served_lost;
	struct http_boot_served served[HTTP_BOOT_SERVED_MAX];
} hb = { .rootfd = -1, .resolve_lock = PTHREAD_MUTEX_INITIALIZER,
	 .served_lock = PTHREAD_MUTEX_INITIALIZER };

/* One request, from its first call to MHD's completion notice. */
struct hb_req {
	uint64_t start_ns;
	char client[INET_ADDRSTRLEN + 8];	/* "A.B.C.D:PORT" */
	char mac[18];			/* from the tap's ARP table, "?" if unknown */
	uint8_t mac_b[6];
	bool has_mac;
	char file[256];			/* as asked (unescaped), for the log */
	const char *method;
	char agent[96];			/* User-Agent, for the log */
	unsigned status;
	uint64_t size;			/* the file's, 0 when none */
	uint64_t off, len;		/* the body sent (len 0 for HEAD) */
	uint64_t acked0;		/* tcpi_bytes_acked when it started */
	bool partial;
};

static void
hb_client(struct MHD_Connection *c, const struct hb_server *s, struct hb_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr_in *sin;
	struct arpreq ar;
	char ip[INET_ADDRSTRLEN];
	int fd;

	snprintf(r->client, sizeof(r->client), "?");
	snprintf(r->mac, sizeof(r->mac), "?");
	if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
		return;
	sin = (const struct sockaddr_in *)(const void *)ci->client_addr;
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(r->client, sizeof(r->client), "%s:%u", ip, ntohs(sin->sin_port));
	/* The kernel just talked to it: its neighbour entry names the MAC. */
	memset(&ar, 0, sizeof(ar));
	memcpy(&ar.arp_pa, sin, sizeof(*sin));
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", s->ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (ioctl(fd, SIOCGARP, &ar) == 0 && (ar.arp_flags & ATF_COM)) {
		const unsigned char *m = (const unsigned char *)ar.arp_ha.sa_data;

		snprintf(r->mac, sizeof(r->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		memcpy(r->mac_b, m, 6);
		r->has_mac = true;
	}
	close(fd);
}

/* Bytes the client has acknowledged on this connection so far. */
static uint64_t
hb_acked(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (!ci || getsockopt(ci->connect_fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return 0;
	return ti.tcpi_bytes_acked;
}

static enum MHD_Result
hb_queue(struct MHD_Connection *c, struct hb_req *r, unsigned status,
	 struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	r->status = status;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, "pxeline");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A status without a body worth sending (errors, 416). */
static enum MHD_Result
hb_status(struct MHD_Connection *c, struct hb_req *r, unsigned status, const char *text)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text),
		(void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);

	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	return hb_queue(c, r, status, resp);
}

/* The file for a URL path, or the status that refuses it. */
static unsigned
hb_open(const char *url, int *ret_fd, char *found, size_t cap)
{
	char rel[256];
	enum cache_err e;

	if (path_canonicalize(url, strlen(url), rel, sizeof(rel)) != PATH_OK)
		return strspn(url, "/\\") == strlen(url) ? MHD_HTTP_NOT_FOUND :
			MHD_HTTP_BAD_REQUEST;
	pthread_mutex_lock(&hb.resolve_lock);
	e = feeder_resolve(hb.rootfd, rel, hb.case_insensitive, hb.openat2, ret_fd, found, cap);
	if (e == CACHE_ERR_IO && errno == ENOSYS && hb.openat2) {
		hb.openat2 = false;
		e = feeder_resolve(hb.rootfd, rel, hb.case_insensitive, false, ret_fd, found, cap);
	}
	pthread_mutex_unlock(&hb.resolve_lock);
	switch (e) {
	case CACHE_OK:
		return MHD_HTTP_OK;
	case CACHE_ERR_NOT_FOUND:
		return MHD_HTTP_NOT_FOUND;
	case CACHE_ERR_ACCESS:
		return MHD_HTTP_FORBIDDEN;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* 200 or 206 with the file's bytes, or 416. Takes fd. */
static enum MHD_Result
hb_send_file(struct MHD_Connection *c, struct hb_req *r, int fd, const char *found)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_RANGE);
	struct MHD_Response *resp;
	char cr[80];
	struct stat st;

	if (fstat(fd, &st) != 0) {
		close(fd);
		return hb_status(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot stat\n");
	}
	r->size = (uint64_t)st.st_size;
	r->off = 0;
	r->len = r->size;
	switch (http_range_parse(range, r->size, &r->off, &r->len)) {
	case HTTP_RANGE_UNSATISFIABLE:
		close(fd);
		r->len = 0;
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		snprintf(cr, sizeof(cr), "bytes */%" PRIu64, r->size);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
		return hb_queue(c, r, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
	case HTTP_RANGE_PARTIAL:
		r->partial = true;
		break;
	default:
		break;
	}
	/* MHD owns fd from here and closes it with the response. */
	resp = MHD_create_response_from_fd_at_offset64(r->len, fd, (int64_t)r->off);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, http_content_type(found));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (r->partial) {
		snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, r->off,
			 r->off + r->len - 1, r->size);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	}
	if (strcmp(r->method, MHD_HTTP_METHOD_HEAD) == 0)
		r->len = 0;
	return hb_queue(c, r, r->partial ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, resp);
}

static enum MHD_Result
hb_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	  const char *version, const char *upload_data, size_t *upload_data_size,
	  void **req_cls)
{
	struct hb_req *r;
	char found[256];
	unsigned st;
	int fd = -1;

	(void)version;
	(void)upload_data;
	if (*req_cls)
		return MHD_NO;	/* GET and HEAD are answered on the first call */
	r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	*req_cls = r;
	r->start_ns = clock_mono_ns();
	r->acked0 = hb_acked(c);
	r->method = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 ? MHD_HTTP_METHOD_HEAD :
		    strcmp(method, MHD_HTTP_METHOD_GET) == 0 ? MHD_HTTP_METHOD_GET : "other";
	snprintf(r->file, sizeof(r->file), "%s", url);
	snprintf(r->agent, sizeof(r->agent), "%s",
		 MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT) ?: "");
	r->agent[strcspn(r->agent, "\"")] = '\0';
	hb_client(c, cls, r);
	if (*upload_data_size || strcmp(r->method, "other") == 0) {
		*upload_data_size = 0;
		return hb_status(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or HEAD only\n");
	}
	st = hb_open(url, &fd, found, sizeof(found));
	if (st != MHD_HTTP_OK)
		return hb_status(c, r, st, st == MHD_HTTP_BAD_REQUEST ? "bad path\n" :
				 st == MHD_HTTP_NOT_FOUND ? "not found\n" : "refused\n");
	snprintf(r->file, sizeof(r->file), "%s", found);
	return hb_send_file(c, r, fd, found);
}

static const char *
hb_end(enum MHD_RequestTerminationCode toe)
{
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK:
		return "done";
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
		return "timeout";
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		return "shutdown";
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
	case MHD_REQUEST_TERMINATED_READ_ERROR:
		return "client-closed";
	default:
		return "error";
	}
}

/* Hands r's end to the control thread (MHD's thread). */
static void
hb_served(const struct hb_req *r, uint64_t bytes, enum MHD_RequestTerminationCode toe)
{
	struct http_boot_served *sv;

	if (!r->has_mac || strcmp(r->method, "other") == 0)
		return;
	pthread_mutex_lock(&hb.served_lock);
	if (hb.served_count == HTTP_BOOT_SERVED_MAX) {
		hb.served_lost++;
		pthread_mutex_unlock(&hb.served_lock);
		return;
	}
	sv = &hb.served[(hb.served_head + hb.served_count) % HTTP_BOOT_SERVED_MAX];
	hb.served_count++;
	memset(sv, 0, sizeof(*sv));
	sv->at_ms = (int64_t)(clock_wall_ns() / 1000000u);
	memcpy(sv->mac, r->mac_b, 6);
	snprintf(sv->file, sizeof(sv->file), "%s", r->file);
	snprintf(sv->method, sizeof(sv->method), "%s", r->method);
	snprintf(sv->outcome, sizeof(sv->outcome), "%s", hb_end(toe));
	sv->status = r->status;
	sv->bytes = bytes;
	sv->size = r->size;
	sv->complete = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == MHD_HTTP_OK &&
		       !r->partial && strcmp(r->method, MHD_HTTP_METHOD_GET) == 0 && bytes == r->size;
	pthread_mutex_unlock(&hb.served_lock);
}

unsigned
http_boot_drain(void (*fn)(const struct http_boot_served *s, void *arg), void *arg)
{
	static uint64_t lost_said;
	struct http_boot_served sv;
	unsigned n = 0;

	for (;;) {
		pthread_mutex_lock(&hb.served_lock);
		if (!hb.served_count) {
			uint64_t lost = hb.served_lost;

			pthread_mutex_unlock(&hb.served_lock);
			if (lost != lost_said) {
				log_msg(CFG_LOG_WARN, "http_boot: %" PRIu64 " request end(s) not in "
					"the boot history: its queue (%d) was full", lost - lost_said,
					HTTP_BOOT_SERVED_MAX);
				lost_said = lost;
			}
			return n;
		}
		sv = hb.served[hb.served_head];
		hb.served_head = (hb.served_head + 1) % HTTP_BOOT_SERVED_MAX;
		hb.served_count--;
		pthread_mutex_unlock(&hb.served_lock);
		fn(&sv, arg);
		n++;
	}
}

/* The one line per request. */
static void
hb_completed(void *cls, struct MHD_Connection *c, void **req_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct hb_req *r = *req_cls;
	uint64_t bytes, acked;
	double secs;
	char range[64] = "";

	(void)cls;
	if (!r)
		return;
	bytes = r->len;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		/* Cut short: what the client acknowledged (headers included). */
		acked = hb_acked(c) - r->acked0;
		bytes = acked < r->len ? acked : r->len;
	}
	secs = (double)(clock_mono_ns() - r->start_ns) / 1e9;
	if (r->partial)
		snprintf(range, sizeof(range), " range=%" PRIu64 "-%" PRIu64, r->off,
			 r->off + r->len - 1);
	log_msg(CFG_LOG_INFO, "http %s %s file=\"%s\" bytes=%" PRIu64 "/%" PRIu64
		" time=%.3fs rate=%.2fMiB/s status=%u end=%s method=%s%s agent=\"%s\"",
		r->mac, r->client, r->file, bytes, r->size, secs,
		secs > 0 ? (double)bytes / secs / 1048576.0 : 0.0, r->status,
		hb_end(toe), r->method, range, r->agent);
	hb_served(r, bytes, toe);
	free(r);
	*req_cls = NULL;
}

/* Our unescape: like MHD's, but no NUL or control byte survives as such. */
static size_t
hb_unescape(void *cls, struct MHD_Connection *c, char *uri)
{
	size_t n;
	char *p;

	(void)cls;
	(void)c;
	n = MHD_http_unescape(uri);
	for (p = uri; p < uri + n; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = 0x01;
	return n;
}

static void
hb_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg(CFG_LOG_WARN, "http: %s", line);
}

static struct MHD_Daemon *
hb_daemon(struct hb_server *s, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(ip) };

	/* poll(), not epoll: libmicrohttpd 0.9.75 (Debian 12) with
	 * MHD_USE_EPOLL stops a sendfile() response after its first 64 KiB
	 * through the tap (observed: all of it ACKed, nothing more sent, the
	 * connection idles out); with poll() the same transfer runs. */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
				MHD_USE_ERROR_LOG, port, NULL, NULL, hb_access, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)HB_THREADS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HB_IDLE_TIMEOUT_S,
				MHD_OPTION_NOTIFY_COMPLETED, hb_completed, NULL,
				MHD_OPTION_UNESCAPE_CALLBACK, hb_unescape, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, hb_mhd_log, NULL,
				MHD_OPTION_END);
}

int
http_boot_start(const struct pxeline_config *cfg, const struct port *ports, int n_ports,
		char *err, size_t err_cap)
{
	int i;

	/* Readable, not O_PATH: the case-insensitive scan reads it. */
	hb.rootfd = open(cfg->tftp.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (hb.rootfd < 0) {
		snprintf(err, err_cap, "http_boot: tftp.root %s: %s", cfg->tftp.root,
			 strerror(errno));
		return -1;
	}
	hb.case_insensitive = cfg->tftp.case_insensitive;
	hb.openat2 = true;
	for (i = 0; i < n_ports && i < CFG_MAX_INTERFACES; i++) {
		const struct port *p = &ports[i];
		struct hb_server *s = &hb.srv[hb.n];
		uint32_t a = p->local.ip;

		if (!p->has_tap)
			continue;
		snprintf(s->ifname, sizeof(s->ifname), "%s", p->tap_ifname);
		s->d = hb_daemon(s, a, cfg->http_boot.port);
		if (!s->d) {
			snprintf(err, err_cap, "http_boot: cannot listen on %u.%u.%u.%u:%u (%s)",
				 a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
				 cfg->http_boot.port, p->tap_ifname);
			return -1;
		}
		hb.n++;
		log_msg(CFG_LOG_INFO, "http_boot: serving %s on http://%u.%u.%u.%u:%u/ (via %s, "
			"%d threads)", cfg->tftp.root, a >> 24, (a >> 16) & 0xff,
			(a >> 8) & 0xff, a & 0xff, cfg->http_boot.port, p->tap_ifname, HB_THREADS);
	}
	return 0;
}

void
http_boot_stop(void)
{
	int i;

	for (i = 0; i < hb.n; i++)
		MHD_stop_daemon(hb.srv[i].d);
	hb.n = 0;
	if (hb.rootfd >= 0)
		close(hb.rootfd);
	hb.rootfd = -1;
}
