/* SPDX-License-Identifier: BSD-3-Clause */
/* The HTTP API's JSON bodies. See api_body.h. */
#include <stdio.h>
#include <string.h>

#include "control/api_body.h"

json_t *
api_body_parse(const char *body, size_t len, bool empty_ok, const char *const *allowed,
	       const char **slots, char *err, size_t cap)
{
	json_error_t jerr;
	const char *key;
	json_t *root, *v;
	size_t i;

	if (len == 0 && empty_ok)
		return json_object();
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, cap, "malformed JSON: %s (line %d, column %d)", jerr.text, jerr.line,
			 jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, cap, "the body must be a JSON object");
		return NULL;
	}
	json_object_foreach(root, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
			;
		if (!allowed[i]) {
			snprintf(err, cap, "unknown field '%s'", key);
			json_decref(root);
			return NULL;
		}
		if (!json_is_string(v)) {
			snprintf(err, cap, "field '%s' must be a string", key);
			json_decref(root);
			return NULL;
		}
		slots[i] = json_string_value(v);
	}
	return root;
}

json_t *
api_body_host(const char *body, size_t len, struct hostspec *s, char *err, size_t cap)
{
	static const char *const fields[] = { "mac", "uuid", "action", "profile", "name", NULL };
	const char *slots[5] = { NULL };
	json_t *root = api_body_parse(body, len, false, fields, slots, err, cap);

	s->mac = slots[0];
	s->uuid = slots[1];
	s->action = slots[2];
	s->profile = slots[3];
	s->name = slots[4];
	return root;
}

bool
api_body_none(const char *body, size_t len, char *err, size_t cap)
{
	static const char *const none[] = { NULL };
	json_t *root = api_body_parse(body, len, true, none, NULL, err, cap);

	json_decref(root);
	return root != NULL;
}
