/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP endpoint (libmicrohttpd) on the control thread: listens on
 * cfg->http.listen, checks "Authorization: Bearer TOKEN" against the token
 * file on every request (401 without it), bounds bodies (API_BODY_MAX:
 * 413), and hands each request to api_handle (api.h). Polled from the
 * control loop like the control socket; never blocks.
 */
#ifndef PXELINE_CONTROL_HTTP_H
#define PXELINE_CONTROL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "control/api.h"

#define HTTP_TOKEN_MAX 512	/* longest token */
#define HTTP_TOKEN_MIN 16	/* shorter is guessable: refused */

struct http_init {
	const struct pxeline_config *cfg;	/* cfg->http; outlives the server */
	struct hostdb *db;			/* the control thread's */
	struct api_callbacks cb;		/* cb.reload NULL: POST /api/v1/reload is 501 */
};

/* Reads the token, listens. 0, or -1 with the reason in ret_err. */
int http_init(const struct http_init *in, char *ret_err, size_t cap);

/* Serves what is ready; returns the requests answered. Never blocks. */
unsigned http_poll(void);

/* Closes every connection and the listening socket. */
void http_fini(void);

/* The configuration a reload made current (profiles checked by the API). */
void http_set_config(const struct pxeline_config *cfg);

/*
 * The token of a token file: one line, surrounding whitespace dropped, no
 * whitespace or control character inside, HTTP_TOKEN_MIN..HTTP_TOKEN_MAX
 * bytes. 0, or -1 with the reason in ret_err.
 */
int http_read_token(const char *path, char ret_token[HTTP_TOKEN_MAX + 1], char *ret_err,
		    size_t cap);

/*
 * Whether an Authorization header value carries the token ("Bearer" in
 * any case, one space). Constant time in the header's content: the time
 * depends only on the token's length.
 */
bool http_authorized(const char *header, const char *token);

#endif /* PXELINE_CONTROL_HTTP_H */
