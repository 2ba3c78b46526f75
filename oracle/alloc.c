/* alloc.c - gap search (mas_empty_area / mas_empty_area_rev) and the allocating writes
 * (mtree_alloc_range / _rrange / _cyclic), reference §2.5 and §2.6 and oracle/SEMANTICS-EXTRA.md.
 * It must never walk index by index (it steps over whole ranges) and never store a reserved entry. */
#include <errno.h>
#include <limits.h>

#include "oracle_internal.h"

/* ---- gap search over the logical ranges ---- */

static int gap_check(unsigned long min, unsigned long max, unsigned long size)
{
	if (min > max || size == 0 || max - min < size - 1)
		return -EINVAL;
	return 0;
}

/* The lowest start of `size` NULL indices inside [min, max]. */
static bool gap_lowest(const struct oracle *o, unsigned long min, unsigned long max,
		       unsigned long size, unsigned long *start)
{
	unsigned long i = min, first, last, lo, hi;

	for (;;) {
		if (!oracle_range(o, i, &first, &last)) {
			lo = first > min ? first : min;
			hi = last < max ? last : max;
			if (hi - lo >= size - 1) {
				*start = lo;
				return true;
			}
		}
		if (last >= max)
			return false;
		i = last + 1;
	}
}

/* The highest start of `size` NULL indices inside [min, max]. */
static bool gap_highest(const struct oracle *o, unsigned long min, unsigned long max,
			unsigned long size, unsigned long *start)
{
	unsigned long i = max, first, last, lo, hi;

	for (;;) {
		if (!oracle_range(o, i, &first, &last)) {
			lo = first > min ? first : min;
			hi = last < max ? last : max;
			if (hi - lo >= size - 1) {
				*start = hi - (size - 1);
				return true;
			}
		}
		if (first <= min)
			return false;
		i = first - 1;
	}
}

/* Gap searches always start afresh, whatever the state held (SEMANTICS-EXTRA.md). */
static int gap_search(struct oracle_state *s, unsigned long min, unsigned long max,
		      unsigned long size, bool highest)
{
	static const enum oracle_status by_mode[] = {
		[ORACLE_EMPTY] = ORACLE_NONE, [ORACLE_ROOT_ENTRY] = ORACLE_ROOT, [ORACLE_NODE] = ORACLE_ACTIVE,
	};
	unsigned long start;
	bool found;

	if (gap_check(min, max, size))
		return -EINVAL;
	oracle_state_status(s, by_mode[s->o->mode]);
	if (highest)
		found = gap_highest(s->o, min, max, size, &start);
	else
		found = gap_lowest(s->o, min, max, size, &start);
	if (found) {
		s->index = start;
		s->last = start + (size - 1);
		return 0;
	}
	if (s->o->mode == ORACLE_NODE) {      /* a root-entry tree keeps index/last and status */
		s->index = min;
		s->last = max;
		oracle_state_status(s, ORACLE_ERROR);
		s->error = -EBUSY;
	}
	return -EBUSY;
}

int oracle_state_empty_area(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size)
{
	return gap_search(s, min, max, size, false);
}

int oracle_state_empty_area_rev(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size)
{
	return gap_search(s, min, max, size, true);
}

/* ---- allocating writes ---- */

static int alloc_check(const struct oracle *o, const void *entry)
{
	if (!(o->flags & ORACLE_ALLOC_RANGE) || oracle_entry_reserved(entry))
		return -EINVAL;
	return 0;
}

static int alloc_window(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
			unsigned long min, unsigned long max, bool highest)
{
	struct oracle_state s;
	int ret = alloc_check(o, entry);

	if (ret)
		return ret;
	oracle_state_init(&s, o, 0, 0);
	ret = gap_search(&s, min, max, size, highest);
	if (ret)
		return ret;
	oracle_tree_store(o, s.index, s.last, entry);     /* a NULL entry stores nothing */
	*startp = s.index;
	return 0;
}

int oracle_alloc_range(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
		       unsigned long min, unsigned long max)
{
	return alloc_window(o, startp, entry, size, min, max, false);
}

int oracle_alloc_rrange(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
			unsigned long min, unsigned long max)
{
	return alloc_window(o, startp, entry, size, min, max, true);
}

/* The index for the next cyclic ID: 0 / 1 (restarted from range_lo) as in §2.6, or -errno. */
static int alloc_cyclic_find(struct oracle *o, struct oracle_state *s, unsigned long range_lo,
			     unsigned long range_hi, unsigned long next)
{
	unsigned long lo = next > range_lo ? next : range_lo;
	int ret = gap_search(s, lo, range_hi, 1, false);

	if (ret == 0 && (o->flags & ORACLE_ALLOC_WRAPPED)) {
		o->flags &= ~ORACLE_ALLOC_WRAPPED;
		return 1;
	}
	if (ret < 0 && lo > range_lo) {
		ret = gap_search(s, range_lo, range_hi, 1, false);
		if (ret == 0)
			ret = 1;
	}
	return ret;
}

int oracle_alloc_cyclic(struct oracle *o, unsigned long *startp, void *entry, unsigned long range_lo,
			unsigned long range_hi, unsigned long *next)
{
	struct oracle_state s;
	int ret = alloc_check(o, entry);

	if (ret)
		return ret;
	oracle_state_init(&s, o, 0, 0);
	ret = alloc_cyclic_find(o, &s, range_lo, range_hi, *next);
	if (ret < 0)
		return ret;
	oracle_tree_store(o, s.index, s.index, entry);
	*startp = s.index;
	*next = s.index + 1;
	if (*next == 0)                       /* handed out ULONG_MAX: the next call restarts */
		o->flags |= ORACLE_ALLOC_WRAPPED;
	return ret;
}
