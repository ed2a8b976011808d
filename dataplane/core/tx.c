/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/core/tx.h"
#include "dataplane/proto/ipv6_hdr.h"

/* What every frame of one datagram shares (tx_udp, tx_frame_head). */
struct tx_frag {
	const struct port *port;
	size_t hlen;		/* Ethernet + IP + UDP header */
	size_t ip_payload;	/* UDP header + payload: the fragmentable part */
	uint32_t frag_id;	/* IPv6 Fragment header's identification */
	bool ipv6;
	bool fragmented;	/* more than one frame */
};

/* A cursor over the datagram's pieces, to copy any byte range of it. */
struct tx_stream {
	const struct tx_piece *pieces;
	int n, i;		/* current piece */
	size_t off;		/* offset in the current piece */
};

static void
tx_stream_copy(struct tx_stream *s, uint8_t *dst, size_t len)
{
	while (len && s->i < s->n) {
		const struct tx_piece *pc = &s->pieces[s->i];
		size_t n = pc->len - s->off;

		if (n > len)
			n = len;
		memcpy(dst, pc->p + s->off, n);
		dst += n;
		len -= n;
		s->off += n;
		if (s->off == pc->len) {
			s->i++;
			s->off = 0;
		}
	}
}

/* Folds a 32-bit ones' complement sum to 16 bits (host value). */
static uint16_t
tx_fold16(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A piece's sum: file bytes from the sums the feeder kept with their chunk
 * (no payload byte is read here), anything else summed directly. */
static uint32_t
tx_piece_sum(const struct tx_piece *pc)
{
	if (pc->chunk)
		return cache_chunk_sum(pc->chunk, (uint32_t)(pc->p - pc->chunk->data),
				       (uint32_t)pc->len);
	return frame_csum_add(0, pc->p, pc->len);
}

/*
 * The UDP checksum (network order, ready to store) from sum (pseudo-header
 * and UDP header) and pieces of any length: a piece that starts at an odd offset of the datagram contributes
 * its sum byte-swapped (RFC 1071 2(B)).
 */
static uint16_t
tx_udp_csum(uint32_t sum, const struct tx_piece *pieces, int n)
{
	size_t at = FRAME_UDP_LEN;
	uint16_t part, c;
	int i;

	for (i = 0; i < n; i++) {
		part = tx_fold16(tx_piece_sum(&pieces[i]));
		if (at & 1)
			part = (uint16_t)(part << 8 | part >> 8);
		sum += part;
		at += pieces[i].len;
	}
	c = frame_csum_fold(sum);
	return c == 0 ? 0xffff : c;	/* 0 on the wire means "none" */
}

static struct rte_mbuf *
tx_alloc(struct lcore *lc, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);

	if (!m) {
		lc->stats.tx_no_mbuf++;
		return NULL;
	}
	if (!rte_pktmbuf_append(m, len)) {
		rte_pktmbuf_free(m);
		lc->stats.tx_no_mbuf++;
		return NULL;
	}
	return m;
}

int
tx_frame(struct lcore *lc, int port_idx, const uint8_t *buf, size_t len)
{
	struct rte_mbuf *m = tx_alloc(lc, len);

	if (!m)
		return -1;
	memcpy(rte_pktmbuf_mtod(m, void *), buf, len);
	lcore_tx(lc, port_idx, m);
	return 1;
}

/* A direct segment holding a copy of len stream bytes. */
static struct rte_mbuf *
tx_copy_seg(struct lcore *lc, struct tx_stream *s, size_t len)
{
	struct rte_mbuf *seg = tx_alloc(lc, len);

	if (seg)
		tx_stream_copy(s, rte_pktmbuf_mtod(seg, uint8_t *), len);
	return seg;
}

/*
 * Appends len stream bytes to the frame whose head is m. Bytes of cache
 * chunks are attached as extra segments when zc (no copy; the chunk stays
 * referenced until the PMD frees the mbuf); everything else is copied.
 */
static int
tx_put_stream(struct lcore *lc, struct rte_mbuf *head, struct tx_stream *s,
	      size_t len, bool zc)
{
	while (len && s->i < s->n) {
		const struct tx_piece *pc = &s->pieces[s->i];
		size_t n = pc->len - s->off;
		struct rte_mbuf *seg = NULL;

		if (n > len)
			n = len;
		if (zc && pc->chunk) {
			seg = rte_pktmbuf_alloc(lc->pool);
			if (seg && cache_chunk_attach(pc->chunk, seg,
						      pc->p + s->off - pc->chunk->data, n) != 0) {
				rte_pktmbuf_free(seg);	/* too many references: copy */
				seg = NULL;
			} else if (seg) {
				s->off += n;
				if (s->off == pc->len) {
					s->i++;
					s->off = 0;
				}
			}
		}
		if (!seg && head->nb_segs == 1) {
			/* Still one direct segment: copy in place. */
			uint8_t *d = (uint8_t *)rte_pktmbuf_append(head, n);

			if (!d) {
				lc->stats.tx_no_mbuf++;
				return -1;
			}
			tx_stream_copy(s, d, n);
		} else {
			if (!seg)
				seg = tx_copy_seg(lc, s, n);
			if (!seg)
				return -1;
			if (rte_pktmbuf_chain(head, seg) != 0) {
				rte_pktmbuf_free(seg);
				return -1;
			}
		}
		len -= n;
	}
	return 0;
}

/*
 * The checksums of one frame whose IPv4 header is final: in software, or
 * left to the device as DPDK asks (ol_flags, l2_len/l3_len, and for UDP the
 * pseudo-header sum in the UDP field, rte_ipv4_phdr_cksum). Offload paths
 * are untested here: no lab PMD offers them (port.c port_tx_offloads).
 */
/* An IPv4 header's checksum from the template's sum and the three fields
 * that differ frame to frame (network order, ready to store). */
static uint16_t
tx_ip_csum(uint32_t ip_sum, const struct rte_ipv4_hdr *ip)
{
	return frame_csum_fold(ip_sum + rte_be_to_cpu_16(ip->packet_id) +
			       rte_be_to_cpu_16(ip->total_length) +
			       rte_be_to_cpu_16(ip->fragment_offset));
}

static void
tx_csum_offload(struct rte_mbuf *m, struct rte_ipv4_hdr *ip, size_t l2len,
		const struct port *port, bool udp_ol, uint32_t ip_sum)
{
	ip->hdr_checksum = 0;
	if (port->tx_ip_cksum || udp_ol) {
		m->l2_len = l2len;
		m->l3_len = FRAME_IPV4_LEN;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
	}
	if (port->tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = tx_ip_csum(ip_sum, ip);
	if (udp_ol) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
		udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	}
}

/*
 * The headers of a datagram to t with payload bytes into hdr (IPv4: id
 * set, its checksum left to the caller) and the pseudo-header + UDP header
 * sum (the lcore's template keeps the IPv4 header's sum for tx_ip_csum
 * too): copied from the lcore's template when they match the last
 * datagram's, as the blocks of a window do; built (and kept) otherwise.
 * Returns the header length, 0 if the datagram cannot be built.
 */
static size_t
tx_header(struct lcore *lc, int port_idx, const struct frame_udp_tx *t, size_t payload,
	  uint8_t *hdr, uint32_t *ret_sum)
{
	struct lcore_tx_hdr *c = &lc->tx_hdr;
	struct frame_udp_tx key = *t;
	uint8_t ip[FRAME_IPV4_LEN];
	size_t l2len;
	uint16_t id = rte_cpu_to_be_16(t->ip_id);

	key.ip_id = 0;
	/* hlen 0: never filled (lcores start zeroed). */
	if (c->hlen == 0 || c->port_idx != port_idx || c->payload != payload ||
	    memcmp(&c->key, &key, sizeof(key)) != 0) {
		c->hlen = frame_build_udp_header(c->hdr, sizeof(c->hdr), &key, payload, 0);
		c->port_idx = c->hlen ? port_idx : -1;
		if (!c->hlen)
			return 0;
		c->key = key;
		c->payload = payload;
		c->udp_sum = frame_csum_add(frame_udp_tx_pseudo_sum(t,
					    (uint16_t)(FRAME_UDP_LEN + payload)),
					    c->hdr + c->hlen - FRAME_UDP_LEN, FRAME_UDP_LEN);
		c->ip_sum = 0;
		if (!t->ipv6) {
			l2len = c->hlen - FRAME_IPV4_LEN - FRAME_UDP_LEN;
			memcpy(ip, c->hdr + l2len, sizeof(ip));
			memset(ip + 2, 0, 2);	/* total length */
			memset(ip + 10, 0, 2);	/* checksum; id and fragment offset are 0 */
			c->ip_sum = frame_csum_add(0, ip, sizeof(ip));
		}
	}
	memcpy(hdr, c->hdr, c->hlen);
	if (!t->ipv6) {
		l2len = c->hlen - FRAME_IPV4_LEN - FRAME_UDP_LEN;
		memcpy(hdr + l2len + 4, &id, 2);	/* the IPv4 id; tx_udp sums the header */
	}
	*ret_sum = c->udp_sum;
	return c->hlen;
}

void
tx_udp_addr(const struct lcore *lc, int port_idx, const uint8_t dst_mac[6], struct ip_addr dst,
	    uint16_t src_port, uint16_t dst_port, struct frame_udp_tx *ret)
{
	const struct frame_local *l = &lc->ports[port_idx].local;

	memset(ret, 0, sizeof(*ret));
	memcpy(ret->src_mac, l->mac, 6);
	memcpy(ret->dst_mac, dst_mac, 6);
	ret->vlan = l->vlan;
	if (ip_addr_is_v4(&dst)) {
		ret->src_ip = l->ip;
		ret->dst_ip = ip_addr_to_v4(&dst);
	} else {
		ret->ipv6 = true;
		memcpy(ret->dst6, dst.b, 16);
		/* RFC 6724 rule 2: a link-local peer gets our link-local source. */
		memcpy(ret->src6, dst.b[0] == 0xfe && (dst.b[1] & 0xc0) == 0x80 ? l->ll6 : l->ip6,
		       16);
	}
	ret->src_port = src_port;
	ret->dst_port = dst_port;
	ret->ttl = 64;
}

/*
 * The head of one frame of the datagram into m: the headers for its
 * part of flen fragmentable bytes at off (the UDP header travels in the
 * first). IPv4: length and offset/MF patched, checksums as tx_csum_offload
 * says. IPv6 fragmented: next header Fragment, then the Fragment header.
 */
static void
tx_frame_head(struct lcore *lc, struct rte_mbuf *m, const uint8_t *hdr, size_t l2len,
	      const struct tx_frag *f, size_t off, size_t flen, bool udp_ol)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	bool more = off + flen < f->ip_payload;

	if (!f->ipv6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + l2len);

		memcpy(p, hdr, off == 0 ? f->hlen : l2len + FRAME_IPV4_LEN);
		ip->total_length = rte_cpu_to_be_16(FRAME_IPV4_LEN + flen);
		ip->fragment_offset = rte_cpu_to_be_16((off >> 3) |
						       (more ? RTE_IPV4_HDR_MF_FLAG : 0));
		tx_csum_offload(m, ip, l2len, f->port, udp_ol, lc->tx_hdr.ip_sum);
	} else if (!f->fragmented) {
		memcpy(p, hdr, f->hlen);
	} else {
		struct wire w = wire_writer(p + l2len + FRAME_IPV6_LEN, IPV6_FRAG_HDR_LEN);
		uint16_t plen = rte_cpu_to_be_16((uint16_t)(IPV6_FRAG_HDR_LEN + flen));

		memcpy(p, hdr, l2len + FRAME_IPV6_LEN);
		memcpy(p + l2len + 4, &plen, 2);
		p[l2len + 6] = IPV6_NH_FRAGMENT;
		ipv6_write_frag(&w, IPV6_NH_UDP, off, more, f->frag_id);
		if (off == 0)
			memcpy(p + l2len + FRAME_IPV6_LEN + IPV6_FRAG_HDR_LEN,
			       hdr + l2len + FRAME_IPV6_LEN, FRAME_UDP_LEN);
	}
}

int
tx_udp(struct lcore *lc, int port_idx, const struct frame_udp_tx *addr,
       const struct tx_piece *pieces, int n_pieces)
{
	struct frame_udp_tx tt = *addr, *t = &tt;
	const struct port *port = &lc->ports[port_idx];
	struct rte_mbuf *frag[48];
	uint8_t hdr[sizeof(lc->tx_hdr.hdr)];
	struct tx_stream s = { pieces, n_pieces, 0, 0 };
	struct tx_frag f = { .port = port, .ipv6 = t->ipv6 };
	size_t payload = 0, l2len, l3len, room, max_frag, off, flen, head;
	uint32_t hsum;
	uint16_t csum;
	bool udp_ol;
	int i, n = 0;

	if (!t->ipv6)
		t->ip_id = lc->ip_id++;
	for (i = 0; i < n_pieces; i++)
		payload += pieces[i].len;
	f.hlen = tx_header(lc, port_idx, t, payload, hdr, &hsum);
	if (!f.hlen)
		return -1;
	l3len = t->ipv6 ? FRAME_IPV6_LEN : FRAME_IPV4_LEN;
	l2len = f.hlen - l3len - FRAME_UDP_LEN;
	f.ip_payload = FRAME_UDP_LEN + payload;	/* the fragmentable part */
	f.fragmented = f.ip_payload > port->mtu - l3len;
	/* The UDP checksum spans every fragment: the device can only do it
	 * for an IPv4 datagram that fits one frame (IPv6: always here). */
	udp_ol = !t->ipv6 && port->tx_udp_cksum && !f.fragmented;
	if (!udp_ol) {
		csum = tx_udp_csum(hsum, pieces, n_pieces);
		memcpy(hdr + f.hlen - 2, &csum, 2);
	}

	/*
	 * One frame, or fragments when the datagram exceeds the MTU: every
	 * fragment but the last carries a multiple of 8 bytes and the UDP
	 * header travels in the first; IPv6 puts a Fragment header in each.
	 * Built straight from the chunks, so a large block costs no
	 * intermediate datagram (which is what rte_ipv4_fragment_packet would
	 * need).
	 */
	room = port->mtu - l3len - (t->ipv6 && f.fragmented ? IPV6_FRAG_HDR_LEN : 0);
	max_frag = room & ~(size_t)7;
	if ((f.ip_payload + max_frag - 1) / max_frag > RTE_DIM(frag))
		return -1;
	if (t->ipv6 && f.fragmented)
		f.frag_id = lc->ip6_frag_id++ * (lc->n_workers ? lc->n_workers : 1) + lc->id;
	for (off = 0; off < f.ip_payload; off += flen) {
		struct rte_mbuf *m;

		flen = f.ip_payload - off <= room ? f.ip_payload - off : max_frag;
		head = l2len + l3len + (t->ipv6 && f.fragmented ? IPV6_FRAG_HDR_LEN : 0) +
		       (off == 0 ? FRAME_UDP_LEN : 0);
		m = tx_alloc(lc, head);
		if (!m)
			goto fail;
		frag[n++] = m;
		tx_frame_head(lc, m, hdr, l2len, &f, off, flen, udp_ol);
		if (tx_put_stream(lc, m, &s, off == 0 ? flen - FRAME_UDP_LEN : flen,
				  port->tx_zero_copy) != 0)
			goto fail;
	}
	for (i = 0; i < n; i++)
		lcore_tx(lc, port_idx, frag[i]);
	if (n > 1)
		lc->stats.tx_fragments += n;
	if (t->ipv6) {
		lc->stats.tx_datagrams6++;
		if (n > 1)
			lc->stats.tx_fragments6 += n;
	}
	return n;
fail:
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(frag[i]);
	return -1;
}
