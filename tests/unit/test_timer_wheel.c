/* SPDX-License-Identifier: BSD-3-Clause */
/* The timer wheel against a naive reference: every node fires exactly once,
 * never early, and no later than the pass after its tick. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/timer_wheel.h"
#include "unit.h"

#define N_NODES 2000

struct tnode {
	struct tw_node n;	/* first: the fire callback casts back */
	uint64_t due;		/* reference: when it should fire */
	uint64_t fired_at;	/* 0 = not yet */
	int fired;
};

static struct timer_wheel tw;
static struct tnode nodes[N_NODES];
static uint64_t now;

static void
on_fire(struct tw_node *n, void *arg)
{
	struct tnode *t = (struct tnode *)n;

	(void)arg;
	t->fired++;
	t->fired_at = now;
}

static void
test_fires_once_not_early(void)
{
	unsigned i, budget_hits = 0;

	srand(7);
	tw_init(&tw, 1000);
	now = 1000;
	for (i = 0; i < N_NODES; i++) {
		tw_node_init(&nodes[i].n);
		/* Spread over more than one turn of the wheel. */
		nodes[i].due = 1000 + 1 + (uint64_t)rand() % (3 * TW_SLOTS);
		nodes[i].fired = 0;
		tw_arm(&tw, &nodes[i].n, nodes[i].due);
	}
	CU_ASSERT_EQUAL(tw.armed, N_NODES);
	/* Advance in irregular steps with a small budget. */
	while (now < 1000 + 4 * TW_SLOTS) {
		now += 1 + rand() % 37;
		while (tw_advance(&tw, now, 2, on_fire, NULL) == 2)
			budget_hits++;
	}
	for (i = 0; i < N_NODES; i++) {
		CU_ASSERT_EQUAL(nodes[i].fired, 1);
		CU_ASSERT(nodes[i].fired_at >= nodes[i].due);
		CU_ASSERT(nodes[i].fired_at < nodes[i].due + 37);
	}
	CU_ASSERT_EQUAL(tw.armed, 0);
	CU_ASSERT(budget_hits > 0);
}

static void
test_cancel_and_rearm(void)
{
	tw_init(&tw, 0);
	now = 0;
	tw_node_init(&nodes[0].n);
	tw_node_init(&nodes[1].n);
	nodes[0].fired = nodes[1].fired = 0;
	tw_arm(&tw, &nodes[0].n, 10);
	tw_arm(&tw, &nodes[1].n, 10);
	tw_cancel(&tw, &nodes[0].n);
	CU_ASSERT_FALSE(tw_armed(&nodes[0].n));
	tw_arm(&tw, &nodes[1].n, 50);	/* re-arm moves it */
	now = 20;
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 0);
	now = 50;
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 1);
	CU_ASSERT_EQUAL(nodes[0].fired, 0);
	CU_ASSERT_EQUAL(nodes[1].fired, 1);
	/* Arming in the past fires one tick after the next unvisited one
	 * (cur is 51 now), never in the pass that armed it. */
	tw_arm(&tw, &nodes[0].n, 3);
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 0);
	now = 51;
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 0);
	now = 52;
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 1);
	CU_ASSERT_EQUAL(nodes[0].fired, 1);
}

/* A long idle gap (clock jump) must not spin over every missed tick. */
static void
test_long_gap(void)
{
	tw_init(&tw, 0);
	tw_node_init(&nodes[0].n);
	nodes[0].fired = 0;
	tw_arm(&tw, &nodes[0].n, 5);
	now = 1000000000ull;
	CU_ASSERT_EQUAL(tw_advance(&tw, now, 100, on_fire, NULL), 1);
	CU_ASSERT_EQUAL(tw.cur, now + 1);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "fires once, never early", test_fires_once_not_early },
		{ "cancel and re-arm", test_cancel_and_rearm },
		{ "long idle gap", test_long_gap },
		{ NULL, NULL },
	};

	return unit_run("timer_wheel", tests);
}
