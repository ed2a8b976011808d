/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot policy snapshot. See snapshot.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/dhcp/snapshot.h"

static const char *const dhcp_snap_err_str[] = {
	[DHCP_SNAP_OK] = "ok",
	[DHCP_SNAP_ERR_NOMEM] = "out of memory",
};
_Static_assert(sizeof(dhcp_snap_err_str) / sizeof(dhcp_snap_err_str[0]) == DHCP_SNAP_ERR__MAX,
	       "dhcp_snap_err_str out of step with its enum");

const char *
dhcp_snap_strerror(enum dhcp_snap_err e)
{
	if ((unsigned int)e >= DHCP_SNAP_ERR__MAX)
		return "unknown snapshot error";
	return dhcp_snap_err_str[e];
}

static int
mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

enum dhcp_snap_err
dhcp_snap_create(const struct pxeline_config *cfg, const uint32_t *server_ip, int n_ports,
		 struct dhcp_snapshot **ret_snap)
{
	struct dhcp_snapshot *s = calloc(1, sizeof(*s));
	int i;

	*ret_snap = NULL;
	if (!s)
		return DHCP_SNAP_ERR_NOMEM;
	s->n_profiles = cfg->n_profiles < CFG_MAX_PROFILES ? cfg->n_profiles : CFG_MAX_PROFILES;
	memcpy(s->profiles, cfg->profiles, sizeof(s->profiles[0]) * (size_t)s->n_profiles);
	s->unknown_action = cfg->unknown_action;
	memcpy(s->unknown_profile, cfg->unknown_profile, sizeof(s->unknown_profile));
	s->unknown_profile[sizeof(s->unknown_profile) - 1] = '\0';
	s->port67 = cfg->dhcp.port67;
	s->delay_ms = cfg->dhcp.delay_ms;
	s->n_ignore = cfg->dhcp.n_ignore < CFG_MAX_IGNORE_MACS ? cfg->dhcp.n_ignore :
		CFG_MAX_IGNORE_MACS;
	memcpy(s->ignore, cfg->dhcp.ignore_macs, 6 * (size_t)s->n_ignore);
	qsort(s->ignore, s->n_ignore, 6, mac_cmp);
	s->multicast = cfg->multicast;
	s->http_boot = cfg->http_boot.enabled;
	s->http_port = cfg->http_boot.port;
	s->n_ports = n_ports < 0 ? 0 : n_ports > CFG_MAX_INTERFACES ? CFG_MAX_INTERFACES : n_ports;
	for (i = 0; i < s->n_ports; i++)
		s->server_ip[i] = server_ip[i];
	s->fleet.self = -1;
	s->fleet.standby_delay_ms = cfg->dhcp.standby_delay_ms;
	*ret_snap = s;
	return DHCP_SNAP_OK;
}

void
dhcp_snap_set_fleet(struct dhcp_snapshot *s, const struct dhcp_fleet *f)
{
	uint32_t delay = s->fleet.standby_delay_ms;

	s->fleet = *f;
	s->fleet.standby_delay_ms = delay;
}

enum dhcp_snap_err
dhcp_snap_add_host(struct dhcp_snapshot *s, const struct dhcp_snap_host *h)
{
	struct dhcp_snap_host *n;
	uint32_t cap;

	if (s->n_hosts == s->cap_hosts) {
		cap = s->cap_hosts ? s->cap_hosts * 2 : 64;
		n = realloc(s->hosts, sizeof(*n) * cap);
		if (!n)
			return DHCP_SNAP_ERR_NOMEM;
		s->hosts = n;
		s->cap_hosts = cap;
	}
	s->hosts[s->n_hosts++] = *h;
	return DHCP_SNAP_OK;
}

/* Records with a MAC first, by MAC; then the others, by id. */
static int
host_cmp(const void *pa, const void *pb)
{
	const struct dhcp_snap_host *a = pa, *b = pb;

	if (a->has_mac != b->has_mac)
		return a->has_mac ? -1 : 1;
	if (a->has_mac)
		return memcmp(a->mac, b->mac, 6);
	return a->h.id < b->h.id ? -1 : a->h.id > b->h.id;
}

/* bsearch/qsort over by_uuid: a key (or an element) against an element. */
static int
uuid_key_cmp(const void *key, const void *elem)
{
	return memcmp(key, (*(const struct dhcp_snap_host *const *)elem)->uuid, 16);
}

static int
uuid_cmp(const void *pa, const void *pb)
{
	return uuid_key_cmp((*(const struct dhcp_snap_host *const *)pa)->uuid, pb);
}

static int
mac_key_cmp(const void *key, const void *elem)
{
	return memcmp(key, ((const struct dhcp_snap_host *)elem)->mac, 6);
}

enum dhcp_snap_err
dhcp_snap_seal(struct dhcp_snapshot *s)
{
	uint32_t i;

	qsort(s->hosts, s->n_hosts, sizeof(s->hosts[0]), host_cmp);
	for (s->n_by_mac = 0; s->n_by_mac < s->n_hosts && s->hosts[s->n_by_mac].has_mac;)
		s->n_by_mac++;
	s->by_uuid = malloc(sizeof(s->by_uuid[0]) * (s->n_hosts ? s->n_hosts : 1));
	if (!s->by_uuid)
		return DHCP_SNAP_ERR_NOMEM;
	s->n_by_uuid = 0;
	for (i = 0; i < s->n_hosts; i++)
		if (s->hosts[i].has_uuid)
			s->by_uuid[s->n_by_uuid++] = &s->hosts[i];
	qsort(s->by_uuid, s->n_by_uuid, sizeof(s->by_uuid[0]), uuid_cmp);
	s->sealed = true;
	return DHCP_SNAP_OK;
}

void
dhcp_snap_free(struct dhcp_snapshot *s)
{
	if (!s)
		return;
	free(s->hosts);
	free(s->by_uuid);
	free(s);
}

const struct dhcp_snap_host *
dhcp_snap_by_mac(const struct dhcp_snapshot *s, const uint8_t mac[6])
{
	return bsearch(mac, s->hosts, s->n_by_mac, sizeof(s->hosts[0]), mac_key_cmp);
}

const struct dhcp_snap_host *
dhcp_snap_by_uuid(const struct dhcp_snapshot *s, const uint8_t uuid[16])
{
	const struct dhcp_snap_host *const *h;

	h = bsearch(uuid, s->by_uuid, s->n_by_uuid, sizeof(s->by_uuid[0]), uuid_key_cmp);
	return h ? *h : NULL;
}

const struct dhcp_snap_host *
dhcp_snap_by_id(const struct dhcp_snapshot *s, int64_t id)
{
	uint32_t i;

	for (i = 0; i < s->n_hosts; i++)
		if (s->hosts[i].h.id == id)
			return &s->hosts[i];
	return NULL;
}

const struct cfg_profile *
dhcp_snap_profile(const struct dhcp_snapshot *s, const char *name)
{
	int i;

	for (i = 0; name && i < s->n_profiles; i++)
		if (strcmp(s->profiles[i].name, name) == 0)
			return &s->profiles[i];
	return NULL;
}

bool
dhcp_snap_ignored(const struct dhcp_snapshot *s, const uint8_t mac[6])
{
	return s->n_ignore && bsearch(mac, s->ignore, s->n_ignore, 6, mac_cmp) != NULL;
}

struct boot_policy
dhcp_snap_policy(const struct dhcp_snapshot *s)
{
	struct boot_policy p = {
		s->profiles, s->n_profiles, s->unknown_action, s->unknown_profile,
	};
	return p;
}
