/* oracle.h - a reference model of the maple tree API on Judy arrays.
 * Simple enough to be obviously right; it must never include or share code with maple/.
 * Semantics: docs/semantics.md (the same rules maple/ follows). */
#ifndef ORACLE_ORACLE_H
#define ORACLE_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* Entry encodings the oracle must know, defined here from the reference (not from maple/). */
#define ORACLE_RETRY_ENTRY ((void *)1026UL)
#define ORACLE_ZERO_ENTRY ((void *)1030UL)

/* Tree flags the oracle honours (same bit values as the kernel's MT_FLAGS_ALLOC_RANGE). */
#define ORACLE_ALLOC_RANGE 0x01u

enum oracle_mode { ORACLE_EMPTY, ORACLE_ROOT_ENTRY, ORACLE_NODE };

/* The model: JudyL keyed by each non-NULL range's last index -> struct oracle_range. NULL ranges are
 * the holes between them. */
struct oracle {
	void *judy;               /* Pvoid_t of JudyL */
	enum oracle_mode mode;
	unsigned int flags;
	unsigned long nr_ranges;  /* non-NULL ranges */
};

void oracle_init(struct oracle *o, unsigned int flags);
void oracle_destroy(struct oracle *o);          /* mtree_destroy: empty, keeps flags */
bool oracle_empty(const struct oracle *o);
enum oracle_mode oracle_mode(const struct oracle *o);

/* The raw entry (zero entry included) of the maximal range holding index, and that range. */
void *oracle_range(const struct oracle *o, unsigned long index, unsigned long *first, unsigned long *last);

/* Normal API (return values as in docs/semantics.md). */
void *oracle_load(const struct oracle *o, unsigned long index);
int oracle_store_range(struct oracle *o, unsigned long first, unsigned long last, void *entry);
int oracle_insert_range(struct oracle *o, unsigned long first, unsigned long last, void *entry);
void *oracle_erase(struct oracle *o, unsigned long index);
void *oracle_find(const struct oracle *o, unsigned long *index, unsigned long max);        /* mt_find */
void *oracle_find_after(const struct oracle *o, unsigned long *index, unsigned long max);  /* mt_find_after */
void *oracle_next(const struct oracle *o, unsigned long index, unsigned long max);         /* mt_next */
void *oracle_prev(const struct oracle *o, unsigned long index, unsigned long min);         /* mt_prev */

/* Allocation trees (reference §2.5, §2.6). */
int oracle_alloc_range(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
		       unsigned long min, unsigned long max);
int oracle_alloc_rrange(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
			unsigned long min, unsigned long max);
int oracle_alloc_cyclic(struct oracle *o, unsigned long *startp, void *entry, unsigned long range_lo,
			unsigned long range_hi, unsigned long *next);

/* Advanced API: a state mirrors struct ma_state's observable part. */
enum oracle_status {
	ORACLE_ACTIVE, ORACLE_START, ORACLE_ROOT, ORACLE_NONE,
	ORACLE_PAUSE, ORACLE_OVERFLOW, ORACLE_UNDERFLOW, ORACLE_ERROR,
};

struct oracle_state {
	struct oracle *o;
	unsigned long index, last;
	enum oracle_status status;
	int error;                /* errno (negative) when status == ORACLE_ERROR */
};

void oracle_state_init(struct oracle_state *s, struct oracle *o, unsigned long first, unsigned long last);
void oracle_state_set(struct oracle_state *s, unsigned long index);
void oracle_state_set_range(struct oracle_state *s, unsigned long first, unsigned long last);
void oracle_state_set_range_keep(struct oracle_state *s, unsigned long first, unsigned long last); /* __mas_set_range */
void oracle_state_reset(struct oracle_state *s);
void oracle_state_pause(struct oracle_state *s);

void *oracle_state_walk(struct oracle_state *s);
void *oracle_state_find(struct oracle_state *s, unsigned long max);
void *oracle_state_find_range(struct oracle_state *s, unsigned long max);
void *oracle_state_find_rev(struct oracle_state *s, unsigned long min);
void *oracle_state_find_range_rev(struct oracle_state *s, unsigned long min);
void *oracle_state_next(struct oracle_state *s, unsigned long max);
void *oracle_state_next_range(struct oracle_state *s, unsigned long max);
void *oracle_state_prev(struct oracle_state *s, unsigned long min);
void *oracle_state_prev_range(struct oracle_state *s, unsigned long min);
int oracle_state_empty_area(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size);
int oracle_state_empty_area_rev(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size);

#endif
