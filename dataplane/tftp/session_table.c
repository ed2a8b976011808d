/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a worker's unicast sessions live: a fixed array of slots, a free
 * stack, the lookup by client address and port (rte_hash), and the slice of
 * server ports (TIDs) that names this worker as their owner.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "dataplane/proto/rss.h"
#include "dataplane/tftp/session.h"
#include "dataplane/tftp/session_internal.h"

int
tftp_table_create(struct lcore *lc)
{
	struct tftp_table *t;
	struct rte_hash_parameters hp = { 0 };
	char name[32];
	uint32_t i, span;

	t = rte_zmalloc("tftp_table", sizeof(*t), 0);
	if (!t)
		return -ENOMEM;
	t->max = lc->cfg->tftp.max_sessions;
	t->s = rte_zmalloc("tftp_sessions", sizeof(*t->s) * t->max, RTE_CACHE_LINE_SIZE);
	t->free = rte_malloc("tftp_free", sizeof(*t->free) * t->max, 0);
	snprintf(name, sizeof(name), "pxl_tftp%u", lc->id);
	hp.name = name;
	hp.entries = t->max < 8 ? 8 : t->max;
	hp.key_len = sizeof(struct tftp_key);
	hp.hash_func = rte_jhash;
	hp.socket_id = rte_socket_id();
	t->by_client = rte_hash_create(&hp);
	if (!t->s || !t->free || !t->by_client) {
		rte_hash_free(t->by_client);
		rte_free(t->s);
		rte_free(t->free);
		rte_free(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->max; i++) {
		t->s[i].slot = i;
		tw_node_init(&t->s[i].timer);
		t->free[i] = t->max - 1 - i;
	}
	t->n_free = t->max;
	/* Each worker gets its own slice of server ports, so a port names
	 * its owner (the basis for steering ACKs to it). */
	span = TFTP_TID_COUNT / (lc->n_workers ? lc->n_workers : 1);
	t->tid_base = TFTP_TID_BASE + lc->id * span;
	t->tid_count = span;
	lc->tftp = t;
	return 0;
}

void
tftp_table_destroy(struct lcore *lc)
{
	struct tftp_table *t = lc->tftp;

	if (!t)
		return;
	rte_hash_free(t->by_client);
	rte_free(t->s);
	rte_free(t->free);
	rte_free(t);
	lc->tftp = NULL;
}

int
tftp_session_owner(const struct lcore *lc, uint16_t port)
{
	uint32_t span = lc->tftp->tid_count;

	if (port < TFTP_TID_BASE || port >= TFTP_TID_BASE + span * lc->n_workers)
		return -1;
	return (port - TFTP_TID_BASE) / span;
}

void
tftp_sessions_dump(const struct lcore *lc, FILE *out)
{
	static const char *const state_names[] = { "free", "opening", "sending", "wait-ack" };
	_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == TS__MAX,
		       "one name per state");
	const struct tftp_table *t = lc->tftp;
	char client[IP_ADDR_PORT_STRLEN];
	uint32_t i;

	for (i = 0; t && i < t->max; i++) {
		const struct tftp_session *s = &t->s[i];
		uint8_t st = s->state;

		if (st == TS_FREE || st >= RTE_DIM(state_names))
			continue;
		fprintf(out, "lcore=%u client=%s file=\"%.*s\" state=%s "
			"blksize=%u windowsize=%u acked=%lu/%lu retransmits=%u\n",
			lc->lcore, ip_addr_format(client, sizeof(client), &s->client, s->client_port),
			(int)sizeof(s->name), s->name, state_names[st], s->win.blksize,
			s->win.windowsize, (unsigned long)s->win.acked,
			(unsigned long)s->win.last, s->retransmits);
	}
}

static struct tftp_key
tftp_key_of(const struct ip_addr *ip, uint16_t port)
{
	struct tftp_key k = { *ip, port, 0 };
	return k;
}

struct tftp_session *
tftp_lookup(struct lcore *lc, const struct ip_addr *ip, uint16_t port)
{
	struct tftp_key k = tftp_key_of(ip, port);
	void *data;

	if (rte_hash_lookup_data(lc->tftp->by_client, &k, &data) < 0)
		return NULL;
	return &lc->tftp->s[(uintptr_t)data];
}

struct tftp_session *
tftp_from_token(struct lcore *lc, uint64_t token)
{
	uint32_t slot = tftp_token_slot(token);
	struct tftp_session *s;

	if (slot >= lc->tftp->max)
		return NULL;
	s = &lc->tftp->s[slot];
	if (s->state == TS_FREE || (s->gen & 0x7fffffffu) != tftp_token_gen(token))
		return NULL;
	return s;
}

/*
 * The server port (TID) of a new session: from this worker's slice, and
 * where the port hashes with RSS, one whose ACKs the NIC steers to this
 * worker's own queue. Others land elsewhere and are handed over (IPv6
 * always: its hash is not computed here).
 */
static uint16_t
tftp_pick_tid(const struct lcore *lc, const struct port *p, uint32_t slot,
	      const struct ip_addr *client, uint16_t client_port)
{
	const struct tftp_table *t = lc->tftp;
	uint32_t i, cand, h;

	if (!p->rss_steer || !ip_addr_is_v4(client))
		return t->tid_base + slot % t->tid_count;
	for (i = 0; i < 64; i++) {
		cand = t->tid_base + (slot + i * 7919) % t->tid_count;
		h = rss_ipv4_udp(p->rss_key, p->rss_key_len, ip_addr_to_v4(client), p->local.ip,
				 client_port, cand);
		if (p->reta[h % p->reta_size] == lc->queue)
			return cand;
	}
	return t->tid_base + slot % t->tid_count;
}

struct tftp_session *
tftp_session_alloc(struct lcore *lc, int port_idx, const struct ip_addr *client,
		   uint16_t client_port, const uint8_t client_mac[6])
{
	struct tftp_table *t = lc->tftp;
	struct tftp_key k = tftp_key_of(client, client_port);
	struct tftp_session *s;
	uint32_t slot;

	if (t->n_free == 0)
		return NULL;
	slot = t->free[t->n_free - 1];
	if (rte_hash_add_key_data(t->by_client, &k, (void *)(uintptr_t)slot) < 0)
		return NULL;
	t->n_free--;
	t->active++;
	s = &t->s[slot];
	s->gen++;
	s->port_idx = port_idx;
	s->client = *client;
	s->client_port = client_port;
	memcpy(s->client_mac, client_mac, 6);
	s->server_port = tftp_pick_tid(lc, &lc->ports[port_idx], slot, client, client_port);
	s->retries = 0;
	s->max_retries = (uint8_t)lc->cfg->tftp.retries;	/* 0..100 (config.c) */
	s->send_oack = 0;
	s->capped = 0;
	s->last_error = 0;
	s->src.file = NULL;
	s->src.chunk = NULL;
	s->send_cur = s->send_end = 0;
	s->retransmits = 0;
	s->timeouts = 0;
	s->start_ms = lc->now_ms;
	s->progress_ms = lc->now_ms;
	tftp_rtt_init(&s->rtt, lc->cfg->tftp.timeout_ms, lc->cfg->tftp.rto_min_ms);
	memset(&s->win, 0, sizeof(s->win));
	memset(&s->granted, 0, sizeof(s->granted));
	lc->stats.tftp_sessions_total++;
	if (!ip_addr_is_v4(client))
		lc->stats.tftp_sessions6++;
	return s;
}

void
tftp_session_free(struct lcore *lc, struct tftp_session *s)
{
	struct tftp_table *t = lc->tftp;
	struct tftp_key k = tftp_key_of(&s->client, s->client_port);

	rte_hash_del_key(t->by_client, &k);
	tftp_set_state(s, TS_FREE);
	s->gen++;
	t->free[t->n_free++] = s->slot;
	t->active--;
	lc->stats.tftp_sessions_ended++;
}
