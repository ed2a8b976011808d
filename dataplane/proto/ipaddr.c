/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>

#include "dataplane/proto/ipaddr.h"

char *
ip_addr_format(char *buf, size_t cap, const struct ip_addr *a, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (ip_addr_is_v4(a))
		inet_ntop(AF_INET, a->b + 12, s, sizeof(s));
	else
		inet_ntop(AF_INET6, a->b, s, sizeof(s));
	if (port == 0)
		snprintf(buf, cap, "%s", s);
	else if (ip_addr_is_v4(a))
		snprintf(buf, cap, "%s:%u", s, port);
	else
		snprintf(buf, cap, "[%s]:%u", s, port);
	return buf;
}
