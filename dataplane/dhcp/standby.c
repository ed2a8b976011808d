/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standby rule. See standby.h.
 */
#include <string.h>

#include "dataplane/dhcp/standby.h"
#include "dataplane/proto/dhcp.h"

/* The request's entry, made (overwriting the oldest of its set) if new;
 * *ret_fresh says it was. */
static struct dhcp_standby_slot *
slot_of(struct dhcp_standby *sb, const struct dhcp_standby_req *r, uint64_t now_ms,
	bool *ret_fresh)
{
	struct dhcp_standby_slot *set, *victim;
	unsigned i;

	set = sb->set[dhcp_owner_weight(r->xid, r->mac) % DHCP_STANDBY_SETS];
	victim = &set[0];
	for (i = 0; i < DHCP_STANDBY_WAYS; i++) {
		struct dhcp_standby_slot *s = &set[i];

		if ((s->flags & DHCP_STANDBY_F_USED) && s->xid == r->xid &&
		    memcmp(s->mac, r->mac, 6) == 0) {
			if (now_ms - s->first_ms <= DHCP_STANDBY_FORGET_MS) {
				*ret_fresh = false;
				return s;
			}
			victim = s;	/* another boot with the same xid */
			break;
		}
		if (!(s->flags & DHCP_STANDBY_F_USED)) {
			victim = s;
			break;
		}
		if (s->first_ms < victim->first_ms)
			victim = s;
	}
	if ((victim->flags & DHCP_STANDBY_F_USED) && now_ms - victim->first_ms <=
	    DHCP_STANDBY_FORGET_MS && (victim->xid != r->xid || memcmp(victim->mac, r->mac, 6)))
		sb->evicted++;
	memcpy(victim->mac, r->mac, 6);
	victim->xid = r->xid;
	victim->msg_type = r->msg_type;
	victim->first_ms = now_ms;
	victim->flags = DHCP_STANDBY_F_USED;
	*ret_fresh = true;
	return victim;
}

static enum dhcp_fleet_role
role(struct dhcp_standby_verdict *v, enum dhcp_fleet_role r)
{
	v->role = r;
	return r;
}

enum dhcp_fleet_role
dhcp_standby_decide(struct dhcp_standby *sb, const struct dhcp_fleet *f,
		    const struct dhcp_standby_req *r, uint64_t now_ms,
		    struct dhcp_standby_verdict *v)
{
	struct dhcp_standby_slot *s;
	uint64_t silent;
	bool fresh;

	v->owner = dhcp_fleet_owner(f, r->mac);
	v->silent_ms = 0;
	if (v->owner < 0)
		return role(v, DHCP_ROLE_ALONE);
	if (v->owner == f->self)
		return role(v, DHCP_ROLE_OWNER);
	if (r->chosen)
		return role(v, DHCP_ROLE_CHOSEN);
	s = slot_of(sb, r, now_ms, &fresh);
	if (!(s->flags & DHCP_STANDBY_F_ANSWERING) && s->msg_type != r->msg_type) {
		/* The client moved on (DISCOVER -> REQUEST): someone answered
		 * the first step; the new one is timed from now. */
		s->msg_type = r->msg_type;
		s->first_ms = now_ms;
	}
	silent = now_ms - s->first_ms;
	/* secs counts since the client began: only a DISCOVER's is about us,
	 * and only once we heard it before, so that the owner had its chance:
	 * the first DISCOVER a fleet hears from iPXE often says secs 4 (the
	 * earlier ones left before the link was up), and every engine
	 * answered it. */
	if (r->msg_type == DHCP_DISCOVER && !fresh && (uint64_t)r->secs * 1000u > silent)
		silent = (uint64_t)r->secs * 1000u;
	v->silent_ms = silent > UINT32_MAX ? UINT32_MAX : (uint32_t)silent;
	if ((s->flags & DHCP_STANDBY_F_ANSWERING) || silent >= f->standby_delay_ms) {
		s->flags |= DHCP_STANDBY_F_ANSWERING;
		return role(v, DHCP_ROLE_STANDBY);
	}
	return role(v, DHCP_ROLE_HELD);
}
