/* state_write.c - the oracle's advanced writes: mas_store, mas_store_gfp and mas_erase on a state
 * (docs/semantics.md "Advanced writes"). Writes go through oracle_tree_store like every other
 * write; it must never keep a position beyond index, last and status. */
#include <errno.h>

#include "oracle_internal.h"

static void state_set_err(struct oracle_state *s, int err)
{
	oracle_state_status(s, ORACLE_ERROR);
	s->error = err;
}

/* Store over [index, last]; 0 or -EINVAL (index > last: state error, tree unchanged). *old gets
 * the raw entry that held index before the write. Then, in a node tree, the state moves onto the
 * range now holding the old index (active); otherwise it keeps [index, last] with status start. */
static int state_store(struct oracle_state *s, void *entry, void **old)
{
	unsigned long first = s->index, last = s->last;

	if (first > last) {
		state_set_err(s, -EINVAL);
		return -EINVAL;
	}
	*old = oracle_range(s->o, first, NULL, NULL);
	oracle_tree_store(s->o, first, last, entry);
	if (s->o->mode == ORACLE_NODE) {
		oracle_state_walk(s);
		return 0;
	}
	oracle_state_status(s, ORACLE_START);
	return 0;
}

void *oracle_state_store(struct oracle_state *s, void *entry)
{
	void *old = NULL;

	if (state_store(s, entry, &old))
		return NULL;
	return old;
}

int oracle_state_store_gfp(struct oracle_state *s, void *entry)
{
	void *old;

	return state_store(s, entry, &old);
}

/* mas_erase's look-up: a walk in a node tree; in an empty tree status none and in a root-entry
 * tree status root, index/last untouched (except last = 0 when the root entry is found). */
static void *erase_lookup(struct oracle_state *s)
{
	switch (s->o->mode) {
	case ORACLE_NODE:
		return oracle_state_walk(s);
	case ORACLE_EMPTY:
		oracle_state_status(s, ORACLE_NONE);
		return NULL;
	case ORACLE_ROOT_ENTRY:
		break;
	}
	oracle_state_status(s, ORACLE_ROOT);
	if (s->index > 0)
		return NULL;
	s->last = 0;
	return oracle_tree_root_entry(s->o);
}

void *oracle_state_erase(struct oracle_state *s)
{
	void *entry = erase_lookup(s), *old;

	if (entry)
		state_store(s, NULL, &old);
	return entry;
}
