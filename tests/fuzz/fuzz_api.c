/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: an HTTP API request body (control/api_body.c) as a host to
 * add and as a body that takes no fields, then the host through the one
 * validation (control/hostspec.c) against a configuration with one profile.
 * Invariants: a refusal always says why; an accepted body's fields are
 * strings of its own; a valid host has a key and an action it can serve.
 * A broken invariant calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/api_body.h"
#include "control/hostspec.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static struct pxeline_config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_host(const struct hostspec *s)
{
	char err[256] = "";
	struct hostdb_host h;

	if (hostspec_new(&cfg, s, HOSTSPEC_JSON, &h, err, sizeof(err)) != 0) {
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		return;
	}
	CHECK(s->mac || s->uuid);
	CHECK(h.has_mac == (s->mac != NULL) && h.has_uuid == (s->uuid != NULL));
	CHECK(s->action != NULL);
	CHECK(h.h.action == BOOT_ACTION_IGNORE || strcmp(h.h.profile, "default") == 0);
	CHECK(h.h.once_armed == (h.h.action == BOOT_ACTION_ONCE));
	CHECK(memchr(h.h.name, '\0', sizeof(h.h.name)) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[API_BODY_ERR_MAX] = "";
	struct hostspec s;
	json_t *root;
	char *body;

	if (cfg.n_profiles == 0) {
		cfg.n_profiles = 1;
		strcpy(cfg.profiles[0].name, "default");
	}
	body = malloc(size ? size : 1);	/* exact size: a read past the end shows */
	if (!body)
		return 0;
	memcpy(body, data, size);
	memset(&s, 0xa5, sizeof(s));
	root = api_body_host(body, size, &s, err, sizeof(err));
	if (!root) {
		CHECK(err[0] != '\0');
	} else {
		CHECK(json_is_object(root));
		CHECK(json_object_size(root) <= 5);
		CHECK(!s.mac || strcmp(json_string_value(json_object_get(root, "mac")), s.mac) == 0);
		CHECK(!s.name || json_is_string(json_object_get(root, "name")));
		check_host(&s);
		json_decref(root);
	}
	/* No fields: refused with a reason, or nothing but an empty object. */
	err[0] = '\0';
	if (!api_body_none(body, size, err, sizeof(err))) {
		CHECK(err[0] != '\0');
	} else if (size > 0) {
		root = json_loadb(body, size, 0, NULL);
		CHECK(json_is_object(root) && json_object_size(root) == 0);
		json_decref(root);
	}
	free(body);
	return 0;
}
