/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "dataplane/core/tx.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/tftp/xmit.h"

void
tftp_source_release(struct tftp_source *src)
{
	if (src->chunk)
		cache_chunk_put(src->chunk);
	if (src->file)
		cache_file_put(src->file);
	src->chunk = NULL;
	src->file = NULL;
}

/*
 * Holds chunk idx of src's file in *slot; on a miss asks the feeder.
 * Moving into a new chunk also has the next one read early.
 */
static enum tftp_xmit
tftp_hold_chunk(struct lcore *lc, struct tftp_source *src, uint64_t token,
		struct cache_chunk **slot, uint32_t idx)
{
	if (*slot && (*slot)->index == idx)
		return TFTP_XMIT_SENT;
	if (*slot) {
		cache_chunk_put(*slot);
		*slot = NULL;
	}
	*slot = cache_chunk_get(src->file, idx);
	if (*slot) {
		if (idx + 1 < src->file->n_chunks)
			cache_readahead(lc->cache, lc->id, src->file, idx + 1);
		return TFTP_XMIT_SENT;
	}
	if (cache_chunk_request(lc->cache, lc->id, token, src->file, idx) != CACHE_OK)
		return TFTP_XMIT_RETRY;
	return TFTP_XMIT_WAIT;
}

enum tftp_xmit
tftp_xmit_data(struct lcore *lc, int port_idx, struct tftp_source *src, uint64_t token,
	       uint16_t wire_block, uint64_t off, uint32_t len, const struct frame_udp_tx *dsts, unsigned n_dst,
	       unsigned *ret_sent)
{
	struct cache_chunk *next = NULL;
	struct tx_piece pc[3];
	uint8_t hdr[4];
	uint32_t csz = src->file->chunk_size, idx, in_first;
	enum tftp_xmit r;
	unsigned i;
	int np = 1, last = -1;

	*ret_sent = 0;
	tftp_build_data_header(hdr, sizeof(hdr), wire_block);
	pc[0].p = hdr;
	pc[0].len = 4;
	pc[0].chunk = NULL;
	if (len) {
		/* The payload may straddle two chunks: both are held for the send. */
		idx = off / csz;
		r = tftp_hold_chunk(lc, src, token, &src->chunk, idx);
		if (r != TFTP_XMIT_SENT)
			return r;
		in_first = (idx + 1) * (uint64_t)csz - off;
		if (in_first > len)
			in_first = len;
		pc[np].p = src->chunk->data + (off - (uint64_t)idx * csz);
		pc[np].chunk = src->chunk;
		pc[np++].len = in_first;
		if (in_first < len) {
			r = tftp_hold_chunk(lc, src, token, &next, idx + 1);
			if (r != TFTP_XMIT_SENT)
				return r;
			pc[np].p = next->data;
			pc[np].chunk = next;
			pc[np++].len = len - in_first;
		}
	}
	for (i = 0; i < n_dst; i++) {
		last = tx_udp(lc, port_idx, &dsts[i], pc, np);
		if (last > 0)
			(*ret_sent)++;
	}
	if (next) {
		/* Keep the chunk we are moving into as the current one. */
		cache_chunk_put(src->chunk);
		src->chunk = next;
	}
	return last < 0 ? TFTP_XMIT_NO_MBUF : TFTP_XMIT_SENT;
}

bool
tftp_xmit_packet(struct lcore *lc, int port_idx, const struct frame_udp_tx *dst,
		 const uint8_t *buf, size_t len)
{
	struct tx_piece pc = { buf, len, NULL };

	return len && tx_udp(lc, port_idx, dst, &pc, 1) > 0;
}

bool
tftp_xmit_error(struct lcore *lc, int port_idx, const struct frame_udp_tx *dst, uint16_t code,
		const char *msg)
{
	uint8_t buf[160];

	if (!tftp_xmit_packet(lc, port_idx, dst, buf,
			      tftp_build_error(buf, sizeof(buf), code, msg ? msg : "")))
		return false;
	lc->stats.tftp_errors_sent++;
	return true;
}

void
tftp_refuse(struct lcore *lc, int port_idx, const struct frame_info *fi, uint16_t src_port,
	    const char *name, size_t name_len, uint16_t code, const char *msg)
{
	struct log_event ev = { 0 };
	struct frame_udp_tx t;
	size_t i;

	tx_udp_addr(lc, port_idx, fi->src_mac, frame_info_src(fi), src_port, fi->src_port, &t);
	tftp_xmit_error(lc, port_idx, &t, code, msg);

	ev.kind = LOG_TFTP_REFUSED;
	ev.client = frame_info_src(fi);
	ev.client_port = fi->src_port;
	ev.error_code = code;
	memcpy(ev.mac, fi->src_mac, 6);
	if (name_len >= sizeof(ev.file))
		name_len = sizeof(ev.file) - 1;
	/* Names are hostile: keep them printable in the log. */
	for (i = 0; i < name_len; i++)
		ev.file[i] = (name[i] >= 0x20 && name[i] < 0x7f && name[i] != '"') ? name[i] : '?';
	snprintf(ev.detail, sizeof(ev.detail), "%s", msg);
	lcore_log(lc, &ev);
}

void
tftp_refuse_busy(struct lcore *lc, int port_idx, const struct frame_info *fi, const char *msg)
{
	struct frame_udp_tx t;

	tx_udp_addr(lc, port_idx, fi->src_mac, frame_info_src(fi), TFTP_PORT, fi->src_port, &t);
	tftp_xmit_error(lc, port_idx, &t, TFTP_EUNDEF, msg);
	lcore_drop_note(lc, &lc->busy_log_ms, FRAME_ERR__MAX, fi, msg);
}

uint32_t
tftp_blksize_limit(const struct lcore *lc, int port_idx, bool ipv6)
{
	uint32_t max = lc->cfg->tftp.blksize_max;
	uint32_t unfragmented = lc->ports[port_idx].mtu - (ipv6 ? FRAME_IPV6_LEN : FRAME_IPV4_LEN) -
				FRAME_UDP_LEN - 4;

	if (!lc->cfg->tftp.allow_fragments && max > unfragmented)
		max = unfragmented;
	return max;
}

enum tftp_end_reason
tftp_end_of_cache_err(struct lcore *lc, enum cache_err e)
{
	switch (e) {
	case CACHE_ERR_NOT_FOUND:
		lc->stats.tftp_not_found++;
		return TFTP_END_NOT_FOUND;
	case CACHE_ERR_ACCESS:
		lc->stats.tftp_path_refused++;
		return TFTP_END_ACCESS;
	case CACHE_ERR_BUSY:
	case CACHE_ERR_NOMEM:
		lc->stats.tftp_busy++;
		return TFTP_END_BUSY;
	case CACHE_ERR_STALE:
		lc->stats.tftp_stale++;
		return TFTP_END_STALE;
	default:
		return TFTP_END_IO;
	}
}
