/* state.c - the oracle's maple state: setting it up (MA_STATE, mas_set*, mas_reset, mas_pause) and
 * mas_walk, the restart every iterator falls back on. It must never cache a position in the tree:
 * everything a later call needs is index, last and status. */
#include <limits.h>

#include "oracle_internal.h"

void oracle_state_init(struct oracle_state *s, struct oracle *o, unsigned long first, unsigned long last)
{
	s->o = o;
	oracle_state_set_range(s, first, last);
}

void oracle_state_set_range(struct oracle_state *s, unsigned long first, unsigned long last)
{
	oracle_state_set_range_keep(s, first, last);
	oracle_state_reset(s);
}

void oracle_state_set(struct oracle_state *s, unsigned long index)
{
	oracle_state_set_range(s, index, index);
}

void oracle_state_set_range_keep(struct oracle_state *s, unsigned long first, unsigned long last)
{
	s->index = first;
	s->last = last;
}

void oracle_state_reset(struct oracle_state *s)
{
	oracle_state_status(s, ORACLE_START);
}

void oracle_state_pause(struct oracle_state *s)
{
	oracle_state_status(s, ORACLE_PAUSE);
}

void *oracle_state_move(struct oracle_state *s, unsigned long index)
{
	unsigned long first, last;
	void *entry = oracle_range(s->o, index, &first, &last);

	s->index = first;
	s->last = last;
	return entry;
}

void *oracle_state_walk(struct oracle_state *s)
{
	void *entry = oracle_state_move(s, s->index);

	switch (s->o->mode) {
	case ORACLE_EMPTY:
		oracle_state_status(s, ORACLE_NONE);          /* [0, ULONG_MAX] */
		break;
	case ORACLE_ROOT_ENTRY:
		/* [0,0] holding the root entry, or [1, ULONG_MAX] beyond it */
		oracle_state_status(s, s->index == 0 ? ORACLE_ROOT : ORACLE_NONE);
		break;
	case ORACLE_NODE:
		oracle_state_status(s, ORACLE_ACTIVE);
		break;
	}
	return entry;
}
