/* ranges.c - the range map: a JudyL keyed by each non-NULL range's last index, and oracle_range().
 * It must never hold one Judy entry per index, never merge adjacent non-NULL ranges, and never read
 * Judy's index out-parameter after a failed search (it is garbage then). */
#include <Judy.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle_internal.h"

static void map_die(const char *what)
{
	fprintf(stderr, "oracle: %s failed\n", what);
	abort();
}

struct oracle_range *oracle_map_from(const struct oracle *o, unsigned long index)
{
	Word_t key = index;
	PPvoid_t slot = JudyLFirst(o->judy, &key, PJE0);

	return slot ? *slot : NULL;
}

/* The non-NULL range with the largest last < index, or NULL. */
static const struct oracle_range *map_before(const struct oracle *o, unsigned long index)
{
	Word_t key;
	PPvoid_t slot;

	if (index == 0)
		return NULL;
	key = index - 1;
	slot = JudyLLast(o->judy, &key, PJE0);
	return slot ? *slot : NULL;
}

void oracle_map_add(struct oracle *o, unsigned long first, unsigned long last, void *entry)
{
	struct oracle_range *r = malloc(sizeof(*r));
	PPvoid_t slot;

	if (!r)
		map_die("malloc");
	r->first = first;
	r->last = last;
	r->entry = entry;
	slot = JudyLIns(&o->judy, last, PJE0);
	if (slot == PPJERR || *slot)
		map_die("JudyLIns (or the key was taken)");
	*slot = r;
	o->nr_ranges++;
}

static void map_remove(struct oracle *o, const struct oracle_range *r)
{
	if (JudyLDel(&o->judy, r->last, PJE0) != 1)
		map_die("JudyLDel");
	o->nr_ranges--;
}

void oracle_map_cut(struct oracle *o, unsigned long first, unsigned long last)
{
	struct oracle_range *r;

	/* The left part goes under key first - 1 and the right part starts at last + 1, so neither
	 * is found again: each pass removes one overlapping range for good. */
	while ((r = oracle_map_from(o, first)) && r->first <= last) {
		map_remove(o, r);
		if (r->first < first)
			oracle_map_add(o, r->first, first - 1, r->entry);
		if (r->last > last)
			oracle_map_add(o, last + 1, r->last, r->entry);
		free(r);
	}
}

/* Frees the records in one pass, then Judy's array at once: deleting key by key would make Judy
 * shrink (and reallocate) its nodes all the way down. */
void oracle_map_clear(struct oracle *o)
{
	Word_t key = 0;
	PPvoid_t slot;

	for (slot = JudyLFirst(o->judy, &key, PJE0); slot; slot = JudyLNext(o->judy, &key, PJE0))
		free(*slot);
	JudyLFreeArray(&o->judy, PJE0);
	o->judy = NULL;
	o->nr_ranges = 0;
}

void *oracle_range(const struct oracle *o, unsigned long index, unsigned long *first, unsigned long *last)
{
	const struct oracle_range *next = oracle_map_from(o, index);
	const struct oracle_range *prev;
	bool hit = next && next->first <= index;
	unsigned long f, l;

	if (hit) {
		f = next->first;
		l = next->last;
	} else {
		/* A hole: NULL ranges are maximal, so it runs between the neighbouring entries. */
		prev = map_before(o, index);
		f = prev ? prev->last + 1 : 0;
		l = next ? next->first - 1 : ULONG_MAX;
	}
	if (first)
		*first = f;
	if (last)
		*last = l;
	return hit ? next->entry : NULL;
}

/* The n-th non-NULL range in index order (counting from 0), in O(log n) with JudyLByCount. */
bool oracle_nth_range(const struct oracle *o, unsigned long n, unsigned long *first, unsigned long *last)
{
	Word_t key = 0;
	PPvoid_t slot;
	const struct oracle_range *r;

	if (n >= o->nr_ranges)
		return false;
	slot = JudyLByCount(o->judy, n + 1, &key, PJE0);
	if (!slot)
		return false;
	r = *slot;
	*first = r->first;
	*last = r->last;
	return true;
}

bool oracle_range_from(const struct oracle *o, unsigned long index, unsigned long *first, unsigned long *last,
		       void **entry)
{
	const struct oracle_range *r = oracle_map_from(o, index);

	if (!r)
		return false;
	*first = r->first;
	*last = r->last;
	*entry = r->entry;
	return true;
}

size_t oracle_mem_used(const struct oracle *o)
{
	return (size_t)JudyLMemUsed(o->judy) + o->nr_ranges * sizeof(struct oracle_range);
}
