/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hashed timing wheel: one per worker lcore, one node per session.
 * Arming and cancelling are O(1); a pass over the wheel does a bounded
 * amount of work so a burst of expiries never stalls the RX loop.
 * Time is in caller-defined ticks (the worker uses milliseconds); the wheel
 * reads no clock.
 */
#ifndef PXELINE_PROTO_TIMER_WHEEL_H
#define PXELINE_PROTO_TIMER_WHEEL_H

#include <stdbool.h>
#include <stdint.h>

#define TW_SLOTS 4096u	/* a power of two; longer timers go round again */

struct tw_node {
	struct tw_node *next;	/* circular list; self-linked when not armed */
	struct tw_node *prev;
	uint64_t expire;	/* tick at or after which it fires */
};

struct timer_wheel {
	struct tw_node slot[TW_SLOTS];	/* list heads */
	uint64_t cur;			/* next tick to visit */
	uint64_t armed;			/* nodes on the wheel */
};

typedef void (*tw_fire_fn)(struct tw_node *node, void *arg);

void tw_init(struct timer_wheel *tw, uint64_t now);
void tw_node_init(struct tw_node *n);
bool tw_armed(const struct tw_node *n);

/* (Re)arms n to fire at tick expire (never earlier than the next tick). */
void tw_arm(struct timer_wheel *tw, struct tw_node *n, uint64_t expire);
void tw_cancel(struct timer_wheel *tw, struct tw_node *n);

/*
 * Fires every node whose tick has come, up to budget of them, calling fire
 * after unlinking each (fire may re-arm it). Returns how many fired; when it
 * returns budget, more may be due and the next call goes on from there.
 */
unsigned tw_advance(struct timer_wheel *tw, uint64_t now, unsigned budget,
		    tw_fire_fn fire, void *arg);

#endif /* PXELINE_PROTO_TIMER_WHEEL_H */
