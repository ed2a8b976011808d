/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Value parsers of the schema, also used by other modules (pxectl's MAC and
 * address arguments): strict, so "192.0.2.01" and "52:54:0:..." are errors.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"

static const char *const cfg_error_str[] = {
	[CFG_OK] = "ok",
	[CFG_ERR_EMPTY] = "empty",
	[CFG_ERR_SYNTAX] = "malformed",
	[CFG_ERR_OCTET] = "octet above 255 or with a leading zero",
	[CFG_ERR_PREFIX] = "prefix length missing or not 0..32",
	[CFG_ERR_PREFIX6] = "prefix length missing or not 0..128",
};
_Static_assert(sizeof(cfg_error_str) / sizeof(cfg_error_str[0]) == CFG_ERR_MAX, "cfg_error_str out of step with its enum");

const char *
cfg_strerror(int err)
{
	if (err < 0 || err >= CFG_ERR_MAX || cfg_error_str[err] == NULL)
		return "unknown error";
	return cfg_error_str[err];
}


static int
cfg_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
cfg_parse_mac(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];
	char sep = '\0';
	int i;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	for (i = 0; i < 6; i++) {
		/* s[1] is read only when s[0] was a digit, never past the NUL. */
		int hi = cfg_hex_digit(s[0]);
		int lo = hi < 0 ? -1 : cfg_hex_digit(s[1]);

		if (lo < 0)
			return CFG_ERR_SYNTAX;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == 5)
			break;
		/* The first separator sets the kind for the rest. */
		if (sep == '\0' && (*s == ':' || *s == '-'))
			sep = *s;
		if (*s != sep || sep == '\0')
			return CFG_ERR_SYNTAX;
		s++;
	}
	if (*s != '\0')
		return CFG_ERR_SYNTAX;
	memcpy(ret_mac, mac, sizeof(mac));
	return CFG_OK;
}

/*
 * Reads a decimal number of at most max_digits digits, no sign, no leading
 * zero unless the number is 0. Returns the end, or NULL.
 */
static const char *
cfg_parse_dec(const char *s, int max_digits, unsigned int *ret_val, bool *ret_lead_zero)
{
	unsigned int v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == max_digits)
			return NULL;
		v = v * 10 + (unsigned int)(s[n] - '0');
		n++;
	}
	if (n == 0)
		return NULL;
	*ret_lead_zero = n > 1 && s[0] == '0';
	*ret_val = v;
	return s + n;
}

/* Parses "A.B.C.D" at s; returns the end or NULL with *ret_err set. */
static const char *
cfg_parse_dotted(const char *s, uint32_t *ret_ip, int *ret_err)
{
	uint32_t ip = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int octet;
		bool lead_zero;
		const char *end = cfg_parse_dec(s, 3, &octet, &lead_zero);

		if (end == NULL) {
			*ret_err = CFG_ERR_SYNTAX;
			return NULL;
		}
		if (octet > 255 || lead_zero) {
			*ret_err = CFG_ERR_OCTET;
			return NULL;
		}
		ip = ip << 8 | octet;
		s = end;
		if (i < 3) {
			if (*s != '.') {
				*ret_err = CFG_ERR_SYNTAX;
				return NULL;
			}
			s++;
		}
	}
	*ret_ip = ip;
	return s;
}

int
cfg_parse_ipv4(const char *s, uint32_t *ret_ip)
{
	uint32_t ip;
	int err = CFG_OK;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	s = cfg_parse_dotted(s, &ip, &err);
	if (s == NULL)
		return err;
	if (*s != '\0')
		return CFG_ERR_SYNTAX;
	*ret_ip = ip;
	return CFG_OK;
}

int
cfg_parse_ipv4_prefix(const char *s, uint32_t *ret_ip, uint8_t *ret_len)
{
	unsigned int len;
	bool lead_zero;
	uint32_t ip;
	int err = CFG_OK;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	s = cfg_parse_dotted(s, &ip, &err);
	if (s == NULL)
		return err;
	if (*s != '/')
		return CFG_ERR_PREFIX;
	s = cfg_parse_dec(s + 1, 2, &len, &lead_zero);
	if (s == NULL || *s != '\0' || lead_zero || len > 32)
		return CFG_ERR_PREFIX;
	*ret_ip = ip;
	*ret_len = (uint8_t)len;
	return CFG_OK;
}

int
cfg_parse_listen(const char *s, uint8_t *ret_version, uint8_t ret_addr[16], uint16_t *ret_port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *end, *h = host;
	unsigned int port;
	uint32_t ip;
	bool lead_zero;
	size_t len;
	int err;

	if (s == NULL || s[0] == '\0')
		return CFG_ERR_EMPTY;
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return CFG_ERR_SYNTAX;
	len = (size_t)(colon - s);
	memcpy(host, s, len);
	host[len] = '\0';
	end = cfg_parse_dec(colon + 1, 5, &port, &lead_zero);
	if (end == NULL || *end != '\0' || lead_zero || port == 0 || port > 65535)
		return CFG_ERR_SYNTAX;
	memset(ret_addr, 0, 16);
	if (host[0] == '[') {
		/* The brackets keep the port apart from the address's own colons. */
		if (len < 3 || host[len - 1] != ']')
			return CFG_ERR_SYNTAX;
		host[len - 1] = '\0';
		if (inet_pton(AF_INET6, h + 1, ret_addr) != 1)
			return CFG_ERR_SYNTAX;
		*ret_version = 6;
	} else {
		err = cfg_parse_ipv4(host, &ip);
		if (err != CFG_OK)
			return err;
		ip = htonl(ip);
		memcpy(ret_addr, &ip, 4);
		*ret_version = 4;
	}
	*ret_port = (uint16_t)port;
	return CFG_OK;
}

int
cfg_parse_ipv6_prefix(const char *s, uint8_t ret_addr[16], uint8_t *ret_len)
{
	char host[INET6_ADDRSTRLEN];
	uint8_t addr[16];
	const char *slash, *end;
	unsigned int len;
	bool lead_zero;

	if (s == NULL || s[0] == '\0')
		return CFG_ERR_EMPTY;
	slash = strchr(s, '/');
	if (slash == NULL)
		return CFG_ERR_PREFIX6;
	if ((size_t)(slash - s) >= sizeof(host))
		return CFG_ERR_SYNTAX;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	/* inet_pton takes no zone ("%eth0") and no brackets: neither belongs here. */
	if (inet_pton(AF_INET6, host, addr) != 1)
		return CFG_ERR_SYNTAX;
	end = cfg_parse_dec(slash + 1, 3, &len, &lead_zero);
	if (end == NULL || *end != '\0' || lead_zero || len > 128)
		return CFG_ERR_PREFIX6;
	memcpy(ret_addr, addr, 16);
	*ret_len = (uint8_t)len;
	return CFG_OK;
}
