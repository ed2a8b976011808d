/* SPDX-License-Identifier: BSD-3-Clause */
#include "timer_wheel.h"

#define TW_MASK (TW_SLOTS - 1)

void
tw_node_init(struct tw_node *n)
{
	n->next = n;
	n->prev = n;
	n->expire = 0;
}

bool
tw_armed(const struct tw_node *n)
{
	return n->next != n;
}

void
tw_init(struct timer_wheel *tw, uint64_t now)
{
	unsigned i;

	for (i = 0; i < TW_SLOTS; i++)
		tw_node_init(&tw->slot[i]);
	tw->cur = now;
	tw->armed = 0;
}

static void
tw_unlink(struct tw_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

void
tw_cancel(struct timer_wheel *tw, struct tw_node *n)
{
	if (!tw_armed(n))
		return;
	tw_unlink(n);
	tw->armed--;
}

void
tw_arm(struct timer_wheel *tw, struct tw_node *n, uint64_t expire)
{
	struct tw_node *head;

	tw_cancel(tw, n);
	/* The current tick may be mid-visit: anything due now waits one tick,
	 * so a node re-armed from its own fire callback cannot loop. */
	if (expire <= tw->cur)
		expire = tw->cur + 1;
	n->expire = expire;
	head = &tw->slot[expire & TW_MASK];
	n->next = head;
	n->prev = head->prev;
	head->prev->next = n;
	head->prev = n;
	tw->armed++;
}

/* Fires the due nodes of one slot; returns how many, at most budget. */
static unsigned
tw_fire_slot(struct timer_wheel *tw, struct tw_node *head, uint64_t now,
	     unsigned budget, tw_fire_fn fire, void *arg)
{
	struct tw_node *n, *next;
	unsigned fired = 0;

	for (n = head->next; n != head && fired < budget; n = next) {
		next = n->next;
		if (n->expire > now)
			continue;	/* a later round of the wheel */
		tw_unlink(n);
		tw->armed--;
		fired++;
		fire(n, arg);
		/* fire may have re-armed or cancelled other nodes of this
		 * slot; restart from the head, due nodes are unlinked. */
		next = head->next;
	}
	return fired;
}

unsigned
tw_advance(struct timer_wheel *tw, uint64_t now, unsigned budget,
	   tw_fire_fn fire, void *arg)
{
	unsigned fired = 0;
	uint64_t visited = 0;

	while (tw->cur <= now && fired < budget) {
		if (tw->armed == 0) {
			tw->cur = now + 1;
			break;
		}
		fired += tw_fire_slot(tw, &tw->slot[tw->cur & TW_MASK], now,
				      budget - fired, fire, arg);
		if (fired >= budget)
			break;	/* this slot may hold more: visit it again */
		/* After a long idle gap one full turn has seen every slot. */
		if (++visited >= TW_SLOTS) {
			tw->cur = now + 1;
			break;
		}
		tw->cur++;
	}
	return fired;
}
