/* iterate.c - the iterators: mas_next/prev/find and their _range and _rev forms (one setup per
 * direction, then one step), and the normal API reads built on them (mt_find, mt_next, mt_prev).
 * It must never write to the tree, and never step from anything but the state's index/last. */
#include <limits.h>

#include "oracle_internal.h"

/* ---- one step right or left (docs/semantics.md next_slot / prev_slot) ----
 * The state stands on the range holding `last` when stepping right and on the range holding
 * `index` when stepping left; both are [index, last] itself unless the state was set by hand or
 * by a gap search. With `empty` the NULL range reached is returned instead of skipped. */

static void *slot_next(struct oracle_state *s, unsigned long max, bool empty)
{
	unsigned long last;
	void *entry;

	oracle_range(s->o, s->last, NULL, &last);
	if (last >= max) {
		oracle_state_status(s, ORACLE_OVERFLOW);
		return NULL;
	}
	entry = oracle_state_move(s, last + 1);
	if (entry || empty)
		return entry;
	if (s->last >= max) {
		oracle_state_status(s, ORACLE_OVERFLOW);
		return NULL;
	}
	return oracle_state_move(s, s->last + 1);     /* the range after a NULL one is not NULL */
}

static void *slot_prev(struct oracle_state *s, unsigned long min, bool empty)
{
	unsigned long first;
	void *entry;

	oracle_range(s->o, s->index, &first, NULL);
	if (first <= min) {
		oracle_state_status(s, ORACLE_UNDERFLOW);
		return NULL;
	}
	entry = oracle_state_move(s, first - 1);
	if (entry || empty)
		return entry;
	if (s->index <= min) {
		oracle_state_status(s, ORACLE_UNDERFLOW);
		return NULL;
	}
	return oracle_state_move(s, s->index - 1);
}

/* ---- setups: true when *entry is already the answer, false when one step remains ---- */

/* After a restart in next: a root-entry tree has nothing after [0,0]. */
static bool setup_next_finish(struct oracle_state *s, bool was_none)
{
	if (s->status == ORACLE_ACTIVE)
		return false;
	if (s->status == ORACLE_ROOT) {
		if (was_none && s->index == 0) {
			s->last = 0;
			return true;
		}
		s->index = 1;
		s->last = ULONG_MAX;
		oracle_state_status(s, ORACLE_NONE);
	}
	return true;
}

static bool setup_next(struct oracle_state *s, unsigned long max, void **entry)
{
	bool was_none = s->status == ORACLE_NONE;

	*entry = NULL;
	if (s->last >= max) {
		oracle_state_status(s, ORACLE_OVERFLOW);
		return true;
	}
	switch (s->status) {
	case ORACLE_ACTIVE:
		return false;
	case ORACLE_START:
	case ORACLE_NONE:
	case ORACLE_PAUSE:
		oracle_state_walk(s);
		break;
	case ORACLE_OVERFLOW:                 /* the limit grew: carry on from here */
		oracle_state_status(s, ORACLE_ACTIVE);
		return false;
	case ORACLE_UNDERFLOW:                /* the caller expects to be one range further on */
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
		break;
	case ORACLE_ROOT:
		break;
	case ORACLE_ERROR:
		return true;
	}
	return setup_next_finish(s, was_none);
}

/* After a restart in prev: the only thing before anything in a root-entry tree is [0,0]. */
static bool setup_prev_finish(struct oracle_state *s, void **entry)
{
	if (s->status == ORACLE_ROOT) {
		/* The doc's "index == 0: none, NULL" cannot happen: setup_prev saw index > min >= 0. */
		s->index = s->last = 0;
		*entry = oracle_tree_root_entry(s->o);
		return true;
	}
	if (s->status == ORACLE_NONE) {
		if (s->index != 0) {          /* walked past the root entry */
			s->index = s->last = 0;
			oracle_state_status(s, ORACLE_ROOT);
			*entry = oracle_tree_root_entry(s->o);
		}
		return true;
	}
	return false;
}

static bool setup_prev(struct oracle_state *s, unsigned long min, void **entry)
{
	*entry = NULL;
	if (s->index <= min) {
		oracle_state_status(s, ORACLE_UNDERFLOW);
		return true;
	}
	switch (s->status) {
	case ORACLE_ACTIVE:
		return false;
	case ORACLE_START:
	case ORACLE_NONE:
	case ORACLE_PAUSE:
		oracle_state_walk(s);
		break;
	case ORACLE_UNDERFLOW:                /* the limit shrank: carry on from here */
		oracle_state_status(s, ORACLE_ACTIVE);
		return false;
	case ORACLE_OVERFLOW:                 /* the caller expects to be one range further back */
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
		break;
	case ORACLE_ROOT:
		break;
	case ORACLE_ERROR:
		return true;
	}
	return setup_prev_finish(s, entry);
}

/* find, once the status is known: "start" walks, a root entry has nothing after it. */
static bool setup_find_finish(struct oracle_state *s, unsigned long max, void **entry)
{
	if (s->status == ORACLE_START) {
		if (s->index > max)
			return true;
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
	}
	if (s->status == ORACLE_ROOT) {
		s->index = 1;
		s->last = ULONG_MAX;
		oracle_state_status(s, ORACLE_NONE);
		return true;
	}
	if (s->status == ORACLE_NONE)
		return true;
	return s->index == max;
}

static bool setup_find(struct oracle_state *s, unsigned long max, void **entry)
{
	*entry = NULL;
	switch (s->status) {
	case ORACLE_ACTIVE:
		return s->last >= max;
	case ORACLE_START:
	case ORACLE_ROOT:
		break;
	case ORACLE_PAUSE:
		if (s->last >= max)
			return true;
		s->index = s->last = s->last + 1;
		oracle_state_status(s, ORACLE_START);
		break;
	case ORACLE_NONE:
		if (s->last >= max)
			return true;
		s->index = s->last;
		oracle_state_status(s, ORACLE_START);
		break;
	case ORACLE_UNDERFLOW:
		if (s->index >= max) {
			oracle_state_status(s, ORACLE_OVERFLOW);
			return true;
		}
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
		break;
	case ORACLE_OVERFLOW:
		if (s->last >= max)
			return true;
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
		break;
	case ORACLE_ERROR:
		return true;
	}
	return setup_find_finish(s, max, entry);
}

/* find_rev, once the status is known: mirror of setup_find_finish, except that a walk that found
 * nothing in an empty or root-entry tree lands on [0,0] (the root entry, or NULL when empty). */
static bool setup_find_rev_finish(struct oracle_state *s, unsigned long min, void **entry)
{
	if (s->status == ORACLE_START) {
		if (s->index < min)
			return true;
		*entry = oracle_state_walk(s);
		if (*entry)
			return true;
	}
	if (s->status == ORACLE_ROOT) {
		oracle_state_status(s, ORACLE_NONE);
		return true;
	}
	if (s->status == ORACLE_NONE) {
		s->index = s->last = 0;
		oracle_state_status(s, ORACLE_ROOT);
		*entry = oracle_tree_root_entry(s->o);
		return true;
	}
	return s->index < min;
}

static bool setup_find_rev(struct oracle_state *s, unsigned long min, void **entry)
{
	*entry = NULL;
	switch (s->status) {
	case ORACLE_ACTIVE:
	case ORACLE_START:
	case ORACLE_ROOT:
		break;
	case ORACLE_PAUSE:
		if (s->index <= min) {
			oracle_state_status(s, ORACLE_UNDERFLOW);
			return true;
		}
		s->last = s->index = s->index - 1;
		oracle_state_status(s, ORACLE_START);
		break;
	case ORACLE_NONE:
		if (s->index <= min)
			return true;
		s->last = s->index;
		oracle_state_status(s, ORACLE_START);
		break;
	case ORACLE_OVERFLOW:
		if (s->index <= min) {
			oracle_state_status(s, ORACLE_UNDERFLOW);
			return true;
		}
		oracle_state_status(s, ORACLE_ACTIVE);
		break;
	case ORACLE_UNDERFLOW:
		if (s->index <= min)
			return true;
		oracle_state_status(s, ORACLE_ACTIVE);
		break;
	case ORACLE_ERROR:
		return true;
	}
	return setup_find_rev_finish(s, min, entry);
}

/* ---- the advanced API ---- */

void *oracle_state_next(struct oracle_state *s, unsigned long max)
{
	void *entry;

	if (setup_next(s, max, &entry))
		return entry;
	return slot_next(s, max, false);
}

void *oracle_state_next_range(struct oracle_state *s, unsigned long max)
{
	void *entry;

	if (setup_next(s, max, &entry))
		return entry;
	return slot_next(s, max, true);
}

void *oracle_state_prev(struct oracle_state *s, unsigned long min)
{
	void *entry;

	if (setup_prev(s, min, &entry))
		return entry;
	return slot_prev(s, min, false);
}

void *oracle_state_prev_range(struct oracle_state *s, unsigned long min)
{
	void *entry;

	if (setup_prev(s, min, &entry))
		return entry;
	return slot_prev(s, min, true);
}

void *oracle_state_find(struct oracle_state *s, unsigned long max)
{
	void *entry;

	if (setup_find(s, max, &entry))
		return entry;
	entry = slot_next(s, max, false);
	oracle_state_status(s, ORACLE_ACTIVE);        /* mas_find ignores overflow */
	return entry;
}

void *oracle_state_find_range(struct oracle_state *s, unsigned long max)
{
	void *entry;

	if (setup_find(s, max, &entry))
		return entry;
	return slot_next(s, max, true);
}

void *oracle_state_find_rev(struct oracle_state *s, unsigned long min)
{
	void *entry;

	if (setup_find_rev(s, min, &entry))
		return entry;
	return slot_prev(s, min, false);
}

void *oracle_state_find_range_rev(struct oracle_state *s, unsigned long min)
{
	void *entry;

	if (setup_find_rev(s, min, &entry))
		return entry;
	return slot_prev(s, min, true);
}

/* ---- normal API reads ---- */

void *oracle_find(const struct oracle *o, unsigned long *index, unsigned long max)
{
	unsigned long i = *index, last;
	void *entry;

	if (i > max)
		return NULL;
	for (;;) {
		entry = oracle_range(o, i, NULL, &last);
		if (entry && entry != ORACLE_ZERO_ENTRY) {
			*index = last + 1;            /* 0 after ULONG_MAX */
			return entry;
		}
		if (last >= max)
			return NULL;
		i = last + 1;
	}
}

void *oracle_find_after(const struct oracle *o, unsigned long *index, unsigned long max)
{
	if (*index == 0)
		return NULL;
	return oracle_find(o, index, max);
}

/* The state API takes a writable tree, but reads never write: dropping const here is safe. */
void *oracle_next(const struct oracle *o, unsigned long index, unsigned long max)
{
	struct oracle_state s;

	oracle_state_init(&s, (struct oracle *)o, index, index);
	return oracle_state_next(&s, max);
}

void *oracle_prev(const struct oracle *o, unsigned long index, unsigned long min)
{
	struct oracle_state s;

	oracle_state_init(&s, (struct oracle *)o, index, index);
	return oracle_state_prev(&s, min);
}
