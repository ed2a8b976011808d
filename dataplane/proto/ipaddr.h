/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An address of either family in one 16-byte value: IPv6 as on the wire,
 * IPv4 as the mapped address ::ffff:a.b.c.d (RFC 4291 2.5.5.2). A session
 * key, a log event or a send names its peer with one, whatever the family.
 */
#ifndef PXELINE_PROTO_IPADDR_H
#define PXELINE_PROTO_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ip_addr {
	uint8_t b[16];		/* network order */
};

/* "[2001:db8::10]:69" or "192.0.2.10:69", the longest with its NUL. */
#define IP_ADDR_PORT_STRLEN 56

static inline struct ip_addr
ip_addr_v4(uint32_t ip)		/* host order */
{
	struct ip_addr a = { { [10] = 0xff, [11] = 0xff } };

	a.b[12] = (uint8_t)(ip >> 24);
	a.b[13] = (uint8_t)(ip >> 16);
	a.b[14] = (uint8_t)(ip >> 8);
	a.b[15] = (uint8_t)ip;
	return a;
}

static inline struct ip_addr
ip_addr_v6(const uint8_t b[16])
{
	struct ip_addr a;

	memcpy(a.b, b, 16);
	return a;
}

static inline bool
ip_addr_is_v4(const struct ip_addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->b, mapped, sizeof(mapped)) == 0;
}

/* The IPv4 address (host order) of a mapped one. */
static inline uint32_t
ip_addr_to_v4(const struct ip_addr *a)
{
	return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 |
	       (uint32_t)a->b[14] << 8 | a->b[15];
}

static inline bool
ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

/*
 * A 32-bit key for per-source accounting (tftp.source_rate): the IPv4
 * address itself, for IPv6 the /64 folded (one host owns a whole /64 under
 * SLAAC, so its interface identifiers are one source).
 */
static inline uint32_t
ip_addr_source_key(const struct ip_addr *a)
{
	uint32_t hi, lo;

	if (ip_addr_is_v4(a))
		return ip_addr_to_v4(a);
	memcpy(&hi, a->b, 4);
	memcpy(&lo, a->b + 4, 4);
	return (hi * 0x9e3779b1u) ^ lo;
}

/* Writes "a.b.c.d:port" or "[v6]:port" (port 0: the address alone, IPv6
 * without brackets); returns buf. */
char *ip_addr_format(char *buf, size_t cap, const struct ip_addr *a, uint16_t port);

#endif /* PXELINE_PROTO_IPADDR_H */
