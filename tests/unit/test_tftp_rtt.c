/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/tftp_rtt: the RFC 6298 estimator against sequences computed by hand
 * (and against a floating-point reference), Karn's rule over plans, the
 * floor, the ceiling, the backoff and the give-up time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/tftp_rtt.h"
#include "dataplane/proto/tftp_window.h"
#include "unit.h"

/* Samples one after another, the RTO (ms) expected after each. */
static void
test_rfc6298_by_hand(void)
{
	static const struct {
		uint32_t rtt_us;
		uint32_t srtt_us, rttvar_us, rto_ms;
	} seq[] = {
		/* 2.2: SRTT = R, RTTVAR = R/2, RTO = 10 + 4 * 5 = 30 ms. */
		{ 10000, 10000, 5000, 30 },
		/* 2.3: RTTVAR = 3/4 * 5000 + 1/4 * |10000 - 20000| = 6250,
		 * SRTT = 7/8 * 10000 + 1/8 * 20000 = 11250; 11250 + 25000 us. */
		{ 20000, 11250, 6250, 37 },
		/* RTTVAR = (3 * 6250 + 7250) / 4 = 6500, SRTT = 82750 / 8 =
		 * 10343 (rounded down); 10343 + 26000 = 36343 us -> 37 ms. */
		{ 4000, 10343, 6500, 37 },
		/* RTTVAR = (19500 + 343) / 4 = 4960, SRTT = 82401 / 8 = 10300;
		 * 10300 + 19840 = 30140 us -> 31 ms. */
		{ 10000, 10300, 4960, 31 },
	};
	struct tftp_rtt r;
	size_t i;

	tftp_rtt_init(&r, 1000, 1);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 1000);	/* no sample: the initial RTO */
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		tftp_rtt_sample(&r, seq[i].rtt_us);
		CU_ASSERT_EQUAL(r.srtt_us, seq[i].srtt_us);
		CU_ASSERT_EQUAL(r.rttvar_us, seq[i].rttvar_us);
		CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), seq[i].rto_ms);
	}
}

/* G: a steady LAN RTT has RTTVAR -> 0 and the 1 ms granularity decides. */
static void
test_granularity(void)
{
	struct tftp_rtt r;
	int i;

	tftp_rtt_init(&r, 1000, 1);
	tftp_rtt_sample(&r, 100);
	/* 100 + max(1000, 4 * 50) = 1100 us -> 2 ms. */
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 2);
	for (i = 0; i < 100; i++)
		tftp_rtt_sample(&r, 100);
	CU_ASSERT_EQUAL(r.srtt_us, 100);
	CU_ASSERT_EQUAL(r.rttvar_us, 0);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 2);	/* 100 + G */
	tftp_rtt_sample(&r, 0);				/* a 0 us sample is valid */
	CU_ASSERT_EQUAL(r.srtt_us, 87);
	CU_ASSERT_EQUAL(r.rttvar_us, 25);
}

/* Integer updates stay within a few us of RFC 6298 in floating point. */
static void
test_vs_float_reference(void)
{
	double srtt = 0, var = 0, rto, rtt;
	struct tftp_rtt r;
	int i;

	srand(6298);
	tftp_rtt_init(&r, 255000, 1);
	for (i = 0; i < 5000; i++) {
		rtt = 50 + rand() % (i % 500 < 250 ? 400 : 40000);
		if (i == 0) {
			srtt = rtt;
			var = rtt / 2;
		} else {
			var = 0.75 * var + 0.25 * fabs(srtt - rtt);
			srtt = 0.875 * srtt + 0.125 * rtt;
		}
		tftp_rtt_sample(&r, (uint32_t)rtt);
		/* Each rounding loses < 1 us; the weights keep the sum bounded. */
		CU_ASSERT(fabs(r.srtt_us - srtt) < 9.0);
		CU_ASSERT(fabs(r.rttvar_us - var) < 16.0);
		rto = ceil((srtt + (4 * var > 1000 ? 4 * var : 1000)) / 1000);
		CU_ASSERT(fabs((double)tftp_rtt_rto_ms(&r) - (rto < 1 ? 1 : rto)) <= 1.0);
	}
}

static void
test_floor_and_ceiling(void)
{
	struct tftp_rtt r;

	tftp_rtt_init(&r, 1000, 20);
	tftp_rtt_sample(&r, 100);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 20);	/* floor */
	tftp_rtt_init(&r, 1000, 20);
	tftp_rtt_sample(&r, 3000000);		/* a 3 s round trip */
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 1000);	/* ceiling */
	tftp_rtt_sample(&r, UINT32_MAX);		/* no overflow at the top */
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 1000);
	/* A floor above the ceiling is the ceiling. */
	tftp_rtt_init(&r, 100, 500);
	CU_ASSERT_EQUAL(r.min_ms, 100);
	tftp_rtt_sample(&r, 100);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 100);
	/* Just above the floor: 15000 + 4 * 7500 = 45000 us. */
	tftp_rtt_init(&r, 1000, 20);
	tftp_rtt_sample(&r, 15000);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 45);
}

/*
 * Backoff: doubled per timeout for the quick tries, then 8 x the ceiling,
 * ended by a sample.
 */
static void
test_backoff(void)
{
	static const uint32_t want[] = { 20, 40, 80, 8000, 8000, 8000 };
	struct tftp_rtt r;
	size_t i;

	tftp_rtt_init(&r, 1000, 20);
	tftp_rtt_sample(&r, 100);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), want[i]);
		tftp_rtt_timeout(&r);
	}
	for (i = 0; i < 1000; i++)
		tftp_rtt_timeout(&r);
	CU_ASSERT(r.backoff <= TFTP_RTT_QUICK_TRIES);	/* stops counting at the cap */
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 8000);
	/* RFC 6298 5.7: the backed-off RTO holds until a valid sample. */
	tftp_rtt_sample(&r, 100);
	CU_ASSERT_EQUAL(r.backoff, 0);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 20);

	/* Before any sample the timer is the old fixed one with its backoff. */
	tftp_rtt_init(&r, 1000, 20);
	for (i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), tftp_rto_backoff(1000, (unsigned)i));
		tftp_rtt_timeout(&r);
	}
	/* Quick tries that reach the cap early stay there. */
	tftp_rtt_init(&r, 1000, 20);
	tftp_rtt_sample(&r, 2000000);
	tftp_rtt_timeout(&r);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 2000);
	tftp_rtt_timeout(&r);
	tftp_rtt_timeout(&r);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 8000);
	/* The largest ceiling: 8 x 255 s still fits. */
	tftp_rtt_init(&r, 255000, 20);
	for (i = 0; i < 40; i++)
		tftp_rtt_timeout(&r);
	CU_ASSERT_EQUAL(tftp_rtt_rto_ms(&r), 2040000);
}

/* Karn's rule over the plans the window makes. */
static void
test_karn(void)
{
	struct tftp_rtt r;

	tftp_rtt_init(&r, 1000, 1);
	/* A first OACK is timed by its ACK 0. */
	tftp_rtt_plan(&r, 0, 0, 0, true);
	tftp_rtt_sent(&r, 0, 1000);
	CU_ASSERT_TRUE(tftp_rtt_acked(&r, 0, 1400));
	CU_ASSERT_EQUAL(r.srtt_us, 400);

	/* Window 1..16, all new: block 16 timed; an earlier block's send
	 * does not stamp it, a partial ACK does not sample it. */
	tftp_rtt_plan(&r, 1, 16, 0, false);
	CU_ASSERT_EQUAL(r.timed_block, 16);
	tftp_rtt_sent(&r, 15, 2000);
	CU_ASSERT_FALSE(r.stamped);
	tftp_rtt_sent(&r, 16, 2000);
	CU_ASSERT_FALSE(tftp_rtt_acked(&r, 9, 2300));
	CU_ASSERT_TRUE(r.stamped);
	/* The ACK of 9 opens 10..25: 10..16 resent, 25 new and timed. */
	tftp_rtt_plan(&r, 10, 16, 7, false);
	CU_ASSERT_EQUAL(r.timed_block, 25);
	CU_ASSERT_FALSE(r.stamped);
	tftp_rtt_sent(&r, 25, 3000);
	tftp_rtt_sent(&r, 25, 3500);		/* a second send keeps the first stamp */
	CU_ASSERT_TRUE(tftp_rtt_acked(&r, 25, 3600));
	CU_ASSERT_EQUAL(r.srtt_us, (7 * 400 + 600) / 8);
	CU_ASSERT_EQUAL(r.timed_block, TFTP_RTT_NONE);

	/* A plan of resent blocks only times nothing. */
	tftp_rtt_plan(&r, 26, 4, 4, false);
	CU_ASSERT_EQUAL(r.timed_block, TFTP_RTT_NONE);
	tftp_rtt_sent(&r, 29, 4000);
	CU_ASSERT_FALSE(tftp_rtt_acked(&r, 29, 4100));

	/* A timeout: the ACK of the resent window gives no sample. */
	tftp_rtt_plan(&r, 30, 16, 0, false);
	tftp_rtt_sent(&r, 45, 5000);
	tftp_rtt_timeout(&r);
	tftp_rtt_sent(&r, 45, 6000);		/* the timeout's resend */
	CU_ASSERT_FALSE(tftp_rtt_acked(&r, 45, 6100));
	CU_ASSERT_EQUAL(r.backoff, 1);		/* kept: no valid sample yet */

	/* A repeated RRQ resends the OACK: its ACK 0 is not timed. */
	tftp_rtt_init(&r, 1000, 1);
	tftp_rtt_plan(&r, 0, 0, 0, true);
	tftp_rtt_sent(&r, 0, 1000);
	tftp_rtt_forget(&r);
	tftp_rtt_sent(&r, 0, 1500);
	CU_ASSERT_FALSE(tftp_rtt_acked(&r, 0, 1600));
	CU_ASSERT_FALSE(r.has_sample);

	/* Planned but never sent (out of mbufs): nothing to sample. */
	tftp_rtt_plan(&r, 1, 1, 0, false);
	CU_ASSERT_FALSE(tftp_rtt_acked(&r, 1, 2000));
	/* A clock that went backwards gives a 0 us sample, not 4294 s. */
	tftp_rtt_plan(&r, 2, 1, 0, false);
	tftp_rtt_sent(&r, 2, 5000);
	CU_ASSERT_TRUE(tftp_rtt_acked(&r, 2, 4000));
	CU_ASSERT_EQUAL(r.srtt_us, 0);
}

static void
test_giveup(void)
{
	CU_ASSERT_EQUAL(tftp_rtt_giveup_ms(1000, 5), 31000);	/* 1+2+4+8+8+8 s */
	CU_ASSERT_EQUAL(tftp_rtt_giveup_ms(1000, 0), 1000);
	CU_ASSERT_EQUAL(tftp_rtt_giveup_ms(250, 2), 1750);
	CU_ASSERT_EQUAL(tftp_rtt_giveup_ms(255000, 100), 255000ull * (7 + 8 * 98));
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "rfc 6298 by hand", test_rfc6298_by_hand },
		{ "granularity G", test_granularity },
		{ "vs floating point", test_vs_float_reference },
		{ "floor and ceiling", test_floor_and_ceiling },
		{ "backoff", test_backoff },
		{ "karn's rule", test_karn },
		{ "give-up time", test_giveup },
		{ NULL, NULL },
	};

	return unit_run("tftp_rtt", tests);
}
