/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP server: libmicrohttpd in its external-poll mode, on the control
 * thread. See http.h.
 *
 * Why not MHD's own thread: every request reads or writes the host
 * database, whose SQLite handle belongs to the control thread (so does
 * dhcp_control's state the status reads). An internal thread would have to
 * marshal each request to the control loop and wait for the answer; polling
 * instead costs one epoll_wait with a zero timeout per control-loop pass
 * (MHD_run never blocks), and a slow request only delays the loop the way
 * a slow pxectl command already does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "control/http.h"
#include "dataplane/base/clock.h"

#define HTTP_MAX_CONNECTIONS 32
#define HTTP_CONNECTION_TIMEOUT_S 10	/* a silent client is dropped */
#define HTTP_STR(x) #x
#define HTTP_XSTR(x) HTTP_STR(x)
#define HTTP_TOO_BIG "body larger than " HTTP_XSTR(API_BODY_MAX) " bytes"

/* One request while its body arrives. */
struct http_req {
	char *body;		/* up to API_BODY_MAX bytes, NUL-terminated */
	size_t len;
	bool too_big;		/* more than API_BODY_MAX arrived: 413 at the end */
};

static struct {
	struct MHD_Daemon *d;
	struct api_ctx api;
	char token[HTTP_TOKEN_MAX + 1];
	unsigned answered;	/* since the last poll */
} http;

/* *con_cls of a request already answered before its body (401, 413). */
static struct http_req refused;

int
http_read_token(const char *path, char ret_token[HTTP_TOKEN_MAX + 1], char *ret_err,
		size_t cap)
{
	char buf[HTTP_TOKEN_MAX + 2];
	size_t n, i, start = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(ret_err, cap, "token file %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (start < n && (buf[start] == ' ' || buf[start] == '\t' || buf[start] == '\n' ||
			     buf[start] == '\r'))
		start++;
	while (n > start && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\n' ||
			     buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	for (i = start; i < n; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f) {
			snprintf(ret_err, cap, "token file %s: whitespace or a control character "
				 "inside the token (one line, one token)", path);
			return -1;
		}
	if (n - start < HTTP_TOKEN_MIN || n - start > HTTP_TOKEN_MAX) {
		snprintf(ret_err, cap, "token file %s: the token must be %d..%d bytes, not %zu%s",
			 path, HTTP_TOKEN_MIN, HTTP_TOKEN_MAX, n - start,
			 n - start > HTTP_TOKEN_MAX ? " or more" : "");
		return -1;
	}
	memcpy(ret_token, buf + start, n - start + 1);
	return 0;
}

bool
http_authorized(const char *header, const char *token)
{
	const char *given;
	size_t glen, wlen = strlen(token), i;
	volatile unsigned char diff;

	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return false;
	given = header + 7;
	glen = strlen(given);
	/* Every byte of the token is compared, whatever matched before. */
	diff = glen != wlen;
	for (i = 0; i < wlen; i++)
		diff |= (unsigned char)token[i] ^ (unsigned char)given[i < glen ? i : glen];
	return wlen > 0 && diff == 0;
}

/* Queues reply (taking its body) on c. */
static enum MHD_Result
respond(struct MHD_Connection *c, struct api_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"pxeline\"");
	ok = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	http.answered++;
	return ok;
}

static enum MHD_Result
respond_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct api_reply r = { 0 };

	api_error(&r, status, "%s", msg);
	return respond(c, &r);
}

/*
 * The first call for a request: headers only. Refuses early what it can,
 * before reading a byte of the body.
 */
static enum MHD_Result
on_headers(struct MHD_Connection *c, void **con_cls)
{
	struct http_req *r;
	const char *cl;

	if (!http_authorized(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_AUTHORIZATION),
			     http.token)) {
		*con_cls = &refused;
		return respond_error(c, 401, "missing or wrong bearer token");
	}
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > API_BODY_MAX) {
		*con_cls = &refused;
		return respond_error(c, 413, HTTP_TOO_BIG);
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	*con_cls = r;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *data, size_t *data_size, void **con_cls)
{
	struct http_req *r = *con_cls;
	struct api_reply reply;
	char *nb;

	(void)cls;
	(void)version;
	if (!r)
		return on_headers(c, con_cls);
	if (r == &refused) {
		*data_size = 0;
		return MHD_YES;
	}
	if (*data_size) {
		/* A chunked body has no Content-Length: counted as it comes. */
		if (!r->too_big && r->len + *data_size <= API_BODY_MAX) {
			nb = realloc(r->body, r->len + *data_size + 1);
			if (!nb)
				return MHD_NO;
			r->body = nb;
			memcpy(r->body + r->len, data, *data_size);
			r->len += *data_size;
			r->body[r->len] = '\0';
		} else {
			r->too_big = true;
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return respond_error(c, 413, HTTP_TOO_BIG);
	api_handle(&http.api, method, url, r->body ? r->body : "", r->len, &reply);
	return respond(c, &reply);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r && r != &refused) {
		free(r->body);
		free(r);
	}
	*con_cls = NULL;
}

int
http_init(const struct http_init *in, char *ret_err, size_t cap)
{
	const struct cfg_http *h = &in->cfg->http;
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sa4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&sa4;
	unsigned flags = MHD_USE_EPOLL;

	if (http_read_token(h->token_file, http.token, ret_err, cap) != 0)
		return -1;
	if (h->ip_version == 6) {
		memcpy(&sa6.sin6_addr, h->addr, 16);
		sa6.sin6_port = htons(h->port);
		sa = (struct sockaddr *)&sa6;
		flags |= MHD_USE_IPv6;
	} else {
		memcpy(&sa4.sin_addr, h->addr, 4);
		sa4.sin_port = htons(h->port);
	}
	http.api.cfg = in->cfg;
	http.api.db = in->db;
	http.api.cb = in->cb;
	http.api.start_ns = clock_mono_ns();
	/* No MHD threading flag: MHD_run from the control loop does the work. */
	http.d = MHD_start_daemon(flags, h->port, NULL, NULL, on_request, NULL,
				  MHD_OPTION_SOCK_ADDR, sa,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONNECTION_TIMEOUT_S,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				  MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
				  MHD_OPTION_END);
	if (!http.d) {
		snprintf(ret_err, cap, "http.listen %s: cannot listen (%s)", h->listen,
			 errno ? strerror(errno) : "libmicrohttpd refused");
		memset(http.token, 0, sizeof(http.token));
		return -1;
	}
	return 0;
}

void
http_set_config(const struct pxeline_config *cfg)
{
	http.api.cfg = cfg;
}

unsigned
http_poll(void)
{
	unsigned n;

	if (!http.d)
		return 0;
	MHD_run(http.d);
	n = http.answered;
	http.answered = 0;
	return n;
}

void
http_fini(void)
{
	if (http.d)
		MHD_stop_daemon(http.d);
	http.d = NULL;
	memset(http.token, 0, sizeof(http.token));
}
