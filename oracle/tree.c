/* tree.c - the oracle tree's life cycle, its mode (empty / root entry / node) and the normal API's
 * writes and loads. It must never touch Judy itself (ranges.c does) and never change the ranges
 * without going through oracle_tree_store, which applies the mode rules of docs/semantics.md. */
#include <errno.h>

#include "oracle_internal.h"

void oracle_init(struct oracle *o, unsigned int flags)
{
	o->judy = NULL;
	o->mode = ORACLE_EMPTY;
	o->flags = flags;
	o->nr_ranges = 0;
}

void oracle_destroy(struct oracle *o)
{
	oracle_map_clear(o);
	o->mode = ORACLE_EMPTY;
}

bool oracle_empty(const struct oracle *o)
{
	return o->mode == ORACLE_EMPTY;
}

enum oracle_mode oracle_mode(const struct oracle *o)
{
	return o->mode;
}

void *oracle_tree_root_entry(const struct oracle *o)
{
	return o->mode == ORACLE_ROOT_ENTRY ? oracle_range(o, 0, NULL, NULL) : NULL;
}

/* A store into an empty or root-entry tree: NULL empties it (from 0) or changes nothing; [0,0] with
 * a pointer that is not internal-looking stays in the root; anything else makes a node tree. */
static void store_small(struct oracle *o, unsigned long first, unsigned long last, void *entry)
{
	if (!entry) {
		if (first == 0) {
			oracle_map_clear(o);
			o->mode = ORACLE_EMPTY;
		}
		return;
	}
	oracle_map_cut(o, first, last);
	oracle_map_add(o, first, last, entry);
	if (first == 0 && last == 0 && !oracle_entry_internal(entry))
		o->mode = ORACLE_ROOT_ENTRY;
	else
		o->mode = ORACLE_NODE;
}

void oracle_tree_store(struct oracle *o, unsigned long first, unsigned long last, void *entry)
{
	if (o->mode != ORACLE_NODE) {
		store_small(o, first, last, entry);
		return;
	}
	oracle_map_cut(o, first, last);
	if (entry)
		oracle_map_add(o, first, last, entry);
	if (o->nr_ranges == 0)
		o->mode = ORACLE_EMPTY;
}

void *oracle_load(const struct oracle *o, unsigned long index)
{
	void *entry = oracle_range(o, index, NULL, NULL);

	return entry == ORACLE_ZERO_ENTRY ? NULL : entry;
}

int oracle_store_range(struct oracle *o, unsigned long first, unsigned long last, void *entry)
{
	if (oracle_entry_advanced(entry) || first > last)
		return -EINVAL;
	oracle_tree_store(o, first, last, entry);
	return 0;
}

/* Whether any index of [first, last] maps to a non-NULL entry (the zero entry included). */
static bool tree_occupied(const struct oracle *o, unsigned long first, unsigned long last)
{
	const struct oracle_range *r = oracle_map_from(o, first);

	return r && r->first <= last;
}

int oracle_insert_range(struct oracle *o, unsigned long first, unsigned long last, void *entry)
{
	if (oracle_entry_advanced(entry) || first > last)
		return -EINVAL;
	if (tree_occupied(o, first, last))
		return -EEXIST;
	if (entry)
		oracle_tree_store(o, first, last, entry);
	return 0;
}

void *oracle_erase(struct oracle *o, unsigned long index)
{
	unsigned long first, last;
	void *entry = oracle_range(o, index, &first, &last);

	if (entry)
		oracle_tree_store(o, first, last, NULL);
	return entry;
}
