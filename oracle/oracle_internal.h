/* oracle_internal.h - what the oracle's own .c files share: the range record, the range map's
 * primitives (ranges.c), the mode-aware store (tree.c) and entry classification.
 * Never included from outside oracle/; never exposes Judy to users of <oracle/oracle.h>. */
#ifndef ORACLE_INTERNAL_H
#define ORACLE_INTERNAL_H

#include <stdint.h>

#include "oracle/oracle.h"

/* One non-NULL range of the tree; the JudyL maps `last` to a pointer to it. */
struct oracle_range {
	unsigned long first, last;
	void *entry;
};

/* ---- entry classes (reference §1.7), defined here, never taken from maple/ ---- */
#define ORACLE_RESERVED_RANGE 4096UL

static inline bool oracle_entry_internal(const void *entry)
{
	return ((uintptr_t)entry & 3) == 2;
}

/* Refused by the normal API's stores and inserts. */
static inline bool oracle_entry_advanced(const void *entry)
{
	return oracle_entry_internal(entry) && (uintptr_t)entry <= (uintptr_t)ORACLE_RETRY_ENTRY;
}

/* Refused by the allocating stores. */
static inline bool oracle_entry_reserved(const void *entry)
{
	return oracle_entry_internal(entry) && (uintptr_t)entry < ORACLE_RESERVED_RANGE;
}

/* ---- the range map (ranges.c): knows nothing of modes ---- */
/* The non-NULL range with the smallest last >= index, or NULL. */
struct oracle_range *oracle_map_from(const struct oracle *o, unsigned long index);
/* Make [first, last] NULL, keeping the uncovered parts of the ranges it overlaps. */
void oracle_map_cut(struct oracle *o, unsigned long first, unsigned long last);
/* Add a non-NULL range over indices that are all NULL. */
void oracle_map_add(struct oracle *o, unsigned long first, unsigned long last, void *entry);
/* Drop every range. */
void oracle_map_clear(struct oracle *o);

/* ---- the tree (tree.c) ---- */
/* Store entry over [first, last] (first <= last, entry already checked), applying the mode rules. */
void oracle_tree_store(struct oracle *o, unsigned long first, unsigned long last, void *entry);
/* The entry held in the root pointer: the entry at 0 in root-entry mode, otherwise NULL. */
void *oracle_tree_root_entry(const struct oracle *o);

/* ---- the state (state.c) ---- */
/* Every status change goes through here, so `error` is 0 whenever the status is not an error. */
static inline void oracle_state_status(struct oracle_state *s, enum oracle_status status)
{
	s->status = status;
	if (status != ORACLE_ERROR)
		s->error = 0;
}

/* Move the state onto the range holding index; return that range's raw entry. */
void *oracle_state_move(struct oracle_state *s, unsigned long index);

#endif
