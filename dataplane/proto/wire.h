/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One bounded cursor for all parsing and building.
 *
 * A read or write past the end sets a sticky error and yields zeros, so a
 * parser reads a whole header and checks wire_ok() once at the end instead of
 * after every field (Knot's wire_ctx, iPXE's dhcpopts.c).
 */
#ifndef PXELINE_PROTO_WIRE_H
#define PXELINE_PROTO_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire {
	uint8_t *buf;	/* start of the buffer (const for readers) */
	size_t len;	/* bytes available */
	size_t pos;	/* next byte to read or write */
	bool err;	/* sticky: some access went past len */
};

static inline struct wire
wire_reader(const void *buf, size_t len)
{
	struct wire w = { (uint8_t *)(uintptr_t)buf, len, 0, false };
	return w;
}

static inline struct wire
wire_writer(void *buf, size_t cap)
{
	struct wire w = { buf, cap, 0, false };
	return w;
}

static inline bool
wire_ok(const struct wire *w)
{
	return !w->err;
}

static inline size_t
wire_left(const struct wire *w)
{
	return w->err ? 0 : w->len - w->pos;
}

/* Claims n bytes; returns NULL (and sets the error) when they are not there. */
static inline uint8_t *
wire_take(struct wire *w, size_t n)
{
	uint8_t *p;

	if (w->err || n > w->len - w->pos) {
		w->err = true;
		return NULL;
	}
	p = w->buf + w->pos;
	w->pos += n;
	return p;
}

static inline uint8_t
wire_u8(struct wire *w)
{
	const uint8_t *p = wire_take(w, 1);
	return p ? p[0] : 0;
}

static inline uint16_t
wire_be16(struct wire *w)
{
	const uint8_t *p = wire_take(w, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t
wire_be32(struct wire *w)
{
	const uint8_t *p = wire_take(w, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline void
wire_put_u8(struct wire *w, uint8_t v)
{
	uint8_t *p = wire_take(w, 1);
	if (p)
		p[0] = v;
}

static inline void
wire_put_be16(struct wire *w, uint16_t v)
{
	uint8_t *p = wire_take(w, 2);
	if (p) {
		p[0] = v >> 8;
		p[1] = v & 0xff;
	}
}

static inline void
wire_put_be32(struct wire *w, uint32_t v)
{
	uint8_t *p = wire_take(w, 4);
	if (p) {
		p[0] = v >> 24;
		p[1] = (v >> 16) & 0xff;
		p[2] = (v >> 8) & 0xff;
		p[3] = v & 0xff;
	}
}

static inline void
wire_put_bytes(struct wire *w, const void *src, size_t n)
{
	uint8_t *p = wire_take(w, n);
	if (p && n)
		memcpy(p, src, n);
}

#endif /* PXELINE_PROTO_WIRE_H */
