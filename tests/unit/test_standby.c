/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standby rule (dataplane/dhcp/standby.c), fed requests with times:
 * the owner's clients answered at once; another engine's held until the
 * same request is still asked after dhcp.standby_delay_ms (by the secs
 * field of a DISCOVER or by the table's first-heard time), then the rest
 * of that exchange answered too; a client that asks us by address always;
 * a new boot timed afresh; the table bounded.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/dhcp/standby.h"
#include "dataplane/proto/dhcp.h"
#include "unit.h"

static struct dhcp_fleet fleet;
static struct dhcp_standby sb;
static struct dhcp_standby_verdict v;

/* Two engines; we are the one that does not own `theirs`. */
static uint8_t ours[6], theirs[6];

static void
setup(uint32_t delay_ms)
{
	static const char *const names[] = { "eng-a", "eng-b" };
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x00 };
	bool got_ours = false, got_theirs = false;
	int i, o;

	memset(&sb, 0, sizeof(sb));
	memset(&fleet, 0, sizeof(fleet));
	fleet.standby_delay_ms = delay_ms;
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&fleet, names, 2, "eng-a"), 0);
	for (i = 0; i < 256 && !(got_ours && got_theirs); i++) {
		mac[5] = (uint8_t)i;
		o = dhcp_fleet_owner(&fleet, mac);
		if (o == fleet.self && !got_ours) {
			memcpy(ours, mac, 6);
			got_ours = true;
		} else if (o != fleet.self && !got_theirs) {
			memcpy(theirs, mac, 6);
			got_theirs = true;
		}
	}
	CU_ASSERT_FATAL(got_ours && got_theirs);
}

static enum dhcp_fleet_role
ask(const uint8_t mac[6], uint32_t xid, uint8_t type, uint16_t secs, bool chosen,
    uint64_t now_ms)
{
	struct dhcp_standby_req r;

	memcpy(r.mac, mac, 6);
	r.xid = xid;
	r.msg_type = type;
	r.secs = secs;
	r.chosen = chosen;
	return dhcp_standby_decide(&sb, &fleet, &r, now_ms, &v);
}

static void
test_alone_and_owner(void)
{
	static const char *const self_only[] = { "eng-a" };

	setup(1500);
	CU_ASSERT_EQUAL(ask(ours, 1, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_OWNER);
	CU_ASSERT_EQUAL(v.owner, fleet.self);
	CU_ASSERT_EQUAL(ask(theirs, 2, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_STRING_EQUAL(fleet.names[v.owner], "eng-b");
	/* No fleet known: everyone's; a fleet of one: all ours. */
	fleet.n = 0;
	CU_ASSERT_EQUAL(ask(theirs, 3, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_ALONE);
	CU_ASSERT_EQUAL(dhcp_fleet_set(&fleet, self_only, 1, "eng-a"), 0);
	CU_ASSERT_EQUAL(ask(theirs, 4, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_OWNER);
}

/* A PXE ROM retransmitting its DISCOVER at 4 s (secs 0, then 4). */
static void
test_retransmit_after_delay(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 0x1234, DHCP_DISCOVER, 0, false, 1000), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(v.silent_ms, 0);
	CU_ASSERT_EQUAL(ask(theirs, 0x1234, DHCP_DISCOVER, 1, false, 2000), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(v.silent_ms, 1000);
	CU_ASSERT_EQUAL(ask(theirs, 0x1234, DHCP_DISCOVER, 4, false, 5000), DHCP_ROLE_STANDBY);
	CU_ASSERT_EQUAL(v.silent_ms, 4000);
	/* The rest of the exchange we took over: its REQUEST at once. */
	CU_ASSERT_EQUAL(ask(theirs, 0x1234, DHCP_REQUEST, 4, false, 5100), DHCP_ROLE_STANDBY);
	/* The owner's own clients never wait. */
	CU_ASSERT_EQUAL(ask(ours, 0x1234, DHCP_DISCOVER, 0, false, 5200), DHCP_ROLE_OWNER);
}

/* The same xid again without a secs field (0): the table's time decides. */
static void
test_table_time(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 7, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 7, DHCP_DISCOVER, 0, false, 1499), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 7, DHCP_DISCOVER, 0, false, 1500), DHCP_ROLE_STANDBY);
	CU_ASSERT_EQUAL(v.silent_ms, 1500);
}

/* A DISCOVER whose secs says the client has asked for 4 s: held the first
 * time we hear it (the owner hears it too), answered when it comes again. */
static void
test_secs_alone(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 9, DHCP_DISCOVER, 1, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 10, DHCP_DISCOVER, 4, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 10, DHCP_DISCOVER, 4, false, 100), DHCP_ROLE_STANDBY);
	CU_ASSERT_EQUAL(v.silent_ms, 4000);
}

/* The owner answered the DISCOVER: the client's REQUEST (same xid, secs
 * grown while it collected offers) is timed on its own, secs not read. */
static void
test_request_after_owner_answered(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 11, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 11, DHCP_REQUEST, 3, false, 3000), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(v.silent_ms, 0);
	CU_ASSERT_EQUAL(ask(theirs, 11, DHCP_REQUEST, 4, false, 4000), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 11, DHCP_REQUEST, 7, false, 7000), DHCP_ROLE_STANDBY);
	CU_ASSERT_EQUAL(v.silent_ms, 4000);
}

static void
test_chosen(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 12, DHCP_REQUEST, 0, true, 0), DHCP_ROLE_CHOSEN);
	CU_ASSERT(dhcp_role_answers(DHCP_ROLE_CHOSEN));
	CU_ASSERT(!dhcp_role_answers(DHCP_ROLE_HELD));
}

/* Another boot that reuses the xid a minute later starts over. */
static void
test_forget(void)
{
	setup(1500);
	CU_ASSERT_EQUAL(ask(theirs, 13, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 13, DHCP_DISCOVER, 0, false, 2000), DHCP_ROLE_STANDBY);
	CU_ASSERT_EQUAL(ask(theirs, 13, DHCP_DISCOVER, 0, false, 2000 + DHCP_STANDBY_FORGET_MS + 1),
			DHCP_ROLE_HELD);
	/* A new xid is a new request. */
	CU_ASSERT_EQUAL(ask(theirs, 14, DHCP_DISCOVER, 0, false, 70000), DHCP_ROLE_HELD);
}

static void
test_not_a_member(void)
{
	static const char *const names[] = { "eng-b", "eng-c" };

	setup(1500);
	CU_ASSERT_EQUAL(dhcp_fleet_set(&fleet, names, 2, "eng-a"), 0);
	CU_ASSERT_EQUAL(ask(ours, 15, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 16, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_HELD);
}

static void
test_delay_zero(void)
{
	setup(0);
	CU_ASSERT_EQUAL(ask(theirs, 17, DHCP_DISCOVER, 0, false, 0), DHCP_ROLE_STANDBY);
}

/* 5000 requests in a table of 1024: each one beyond a full set overwrites
 * the oldest; every overwrite of a live entry is counted; the slots in use
 * never exceed the table. */
static void
test_bounded(void)
{
	unsigned i, j, used = 0;

	setup(1500);
	for (i = 0; i < 5000; i++)
		CU_ASSERT_EQUAL(ask(theirs, 0x10000 + i, DHCP_DISCOVER, 0, false, i), DHCP_ROLE_HELD);
	for (i = 0; i < DHCP_STANDBY_SETS; i++)
		for (j = 0; j < DHCP_STANDBY_WAYS; j++)
			used += (sb.set[i][j].flags & DHCP_STANDBY_F_USED) != 0;
	CU_ASSERT(used <= DHCP_STANDBY_SETS * DHCP_STANDBY_WAYS);
	CU_ASSERT(used > DHCP_STANDBY_SETS * DHCP_STANDBY_WAYS * 9 / 10);
	CU_ASSERT_EQUAL(sb.evicted, 5000 - used);
	/* The newest are still there: a retransmit 1.5 s on is answered. */
	CU_ASSERT_EQUAL(ask(theirs, 0x10000 + 4999, DHCP_DISCOVER, 0, false, 4999 + 1500),
			DHCP_ROLE_STANDBY);
	/* The oldest was overwritten: timed afresh (its secs would rescue it). */
	CU_ASSERT_EQUAL(ask(theirs, 0x10000, DHCP_DISCOVER, 0, false, 6500), DHCP_ROLE_HELD);
	CU_ASSERT_EQUAL(ask(theirs, 0x10000, DHCP_DISCOVER, 4, false, 6501), DHCP_ROLE_STANDBY);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "owner answers, others held, no fleet answers all", test_alone_and_owner },
		{ "a retransmitted DISCOVER answered after the delay", test_retransmit_after_delay },
		{ "first-heard time alone decides", test_table_time },
		{ "a DISCOVER's secs decides once it is heard again", test_secs_alone },
		{ "a REQUEST after the owner's OFFER is timed afresh", test_request_after_owner_answered },
		{ "asked by address: always answered", test_chosen },
		{ "an old entry is forgotten, a new xid is new", test_forget },
		{ "not a member: stands by for everyone", test_not_a_member },
		{ "delay 0: every engine answers", test_delay_zero },
		{ "the table is bounded, overwrites counted", test_bounded },
		{ NULL, NULL },
	};

	return unit_run("standby", tests);
}
