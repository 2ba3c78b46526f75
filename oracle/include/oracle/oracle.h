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

/* Tree flags the oracle honours (same bit values as the kernel's MT_FLAGS_ALLOC_RANGE and
 * MT_FLAGS_ALLOC_WRAPPED). ORACLE_ALLOC_WRAPPED is set by oracle_alloc_cyclic when it hands out
 * ULONG_MAX and cleared (returning 1) by the next successful call; oracle_destroy keeps it. */
#define ORACLE_ALLOC_RANGE 0x01u
#define ORACLE_ALLOC_WRAPPED 0x800u

/* The tree's mode (docs/semantics.md "The logical tree"): it decides the root / none statuses. */
enum oracle_mode { ORACLE_EMPTY, ORACLE_ROOT_ENTRY, ORACLE_NODE };

/* The model: JudyL keyed by each non-NULL range's last index -> struct oracle_range (private to
 * oracle/). NULL ranges are the holes between them. Adjacent non-NULL ranges are never merged.
 * Treat every field as read-only; initialise with oracle_init, free with oracle_destroy. */
struct oracle {
	void *judy;               /* Pvoid_t of JudyL */
	enum oracle_mode mode;
	unsigned int flags;
	unsigned long nr_ranges;  /* non-NULL ranges */
};

void oracle_init(struct oracle *o, unsigned int flags);
/* Bytes the model holds: Judy's own (JudyLMemUsed) plus one range record per non-NULL range. */
size_t oracle_mem_used(const struct oracle *o);
void oracle_destroy(struct oracle *o);          /* mtree_destroy: empty, keeps flags */
bool oracle_empty(const struct oracle *o);
enum oracle_mode oracle_mode(const struct oracle *o);

/* The raw entry (zero entry included) of the maximal range holding index, and that range
 * (first/last may be NULL). In root-entry mode the ranges are [0,0] and [1,ULONG_MAX]; in an empty
 * tree [0,ULONG_MAX]. To visit every range: i = 0, then i = last + 1 until last == ULONG_MAX. */
void *oracle_range(const struct oracle *o, unsigned long index, unsigned long *first, unsigned long *last);

/* The n-th non-NULL range in index order (from 0); false if there are not that many. O(log n). */
bool oracle_nth_range(const struct oracle *o, unsigned long n, unsigned long *first, unsigned long *last);

/* The first non-NULL range ending at or after index, and its raw entry; false if there is none.
 * One Judy step: the way to visit the non-NULL ranges in order (from = last + 1 each time). */
bool oracle_range_from(const struct oracle *o, unsigned long index, unsigned long *first, unsigned long *last,
		       void **entry);

/* Normal API (return values as in docs/semantics.md): 0 or -EINVAL / -EEXIST; never -ENOMEM
 * (the oracle aborts if malloc or Judy fails). */
void *oracle_load(const struct oracle *o, unsigned long index);
int oracle_store_range(struct oracle *o, unsigned long first, unsigned long last, void *entry);
int oracle_insert_range(struct oracle *o, unsigned long first, unsigned long last, void *entry);
void *oracle_erase(struct oracle *o, unsigned long index);
void *oracle_find(const struct oracle *o, unsigned long *index, unsigned long max);        /* mt_find */
void *oracle_find_after(const struct oracle *o, unsigned long *index, unsigned long max);  /* mt_find_after */
void *oracle_next(const struct oracle *o, unsigned long index, unsigned long max);         /* mt_next */
void *oracle_prev(const struct oracle *o, unsigned long index, unsigned long min);         /* mt_prev */

/* Allocation trees (reference §2.5, §2.6; oracle/SEMANTICS-EXTRA.md). All return -EINVAL when the
 * tree lacks ORACLE_ALLOC_RANGE, the entry is reserved (internal and < 4096, the zero entry
 * included) or the window is bad (min > max, size == 0, max - min < size - 1); -EBUSY when no gap
 * fits. alloc_range/rrange: 0 and *startp = the lowest / highest fitting window's start.
 * alloc_cyclic: searches [max(range_lo, *next), range_hi], then [range_lo, range_hi]; returns 0, or
 * 1 when it restarted from range_lo (second search, or first call after handing out ULONG_MAX);
 * sets *startp and *next = *startp + 1. A NULL entry finds a window and stores nothing.
 * *startp and *next are untouched on error. */
int oracle_alloc_range(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
		       unsigned long min, unsigned long max);
int oracle_alloc_rrange(struct oracle *o, unsigned long *startp, void *entry, unsigned long size,
			unsigned long min, unsigned long max);
int oracle_alloc_cyclic(struct oracle *o, unsigned long *startp, void *entry, unsigned long range_lo,
			unsigned long range_hi, unsigned long *next);

/* Advanced API: a state mirrors struct ma_state's observable part: index, last, status (and
 * error). The oracle keeps no hidden position: every call works from these fields alone. */
enum oracle_status {
	ORACLE_ACTIVE, ORACLE_START, ORACLE_ROOT, ORACLE_NONE,
	ORACLE_PAUSE, ORACLE_OVERFLOW, ORACLE_UNDERFLOW, ORACLE_ERROR,
};

struct oracle_state {
	struct oracle *o;
	unsigned long index, last;
	enum oracle_status status;
	int error;                /* errno (negative) when status == ORACLE_ERROR, else 0 */
};

void oracle_state_init(struct oracle_state *s, struct oracle *o, unsigned long first, unsigned long last);
void oracle_state_set(struct oracle_state *s, unsigned long index);
void oracle_state_set_range(struct oracle_state *s, unsigned long first, unsigned long last);
void oracle_state_set_range_keep(struct oracle_state *s, unsigned long first, unsigned long last); /* __mas_set_range */
void oracle_state_reset(struct oracle_state *s);
void oracle_state_pause(struct oracle_state *s);

/* mas_walk, mas_find, mas_next, mas_prev and their _range, _rev forms: exactly docs/semantics.md;
 * the gap searches: oracle/SEMANTICS-EXTRA.md. Reads never modify the tree. */
void *oracle_state_walk(struct oracle_state *s);
void *oracle_state_find(struct oracle_state *s, unsigned long max);
void *oracle_state_find_range(struct oracle_state *s, unsigned long max);
void *oracle_state_find_rev(struct oracle_state *s, unsigned long min);
void *oracle_state_find_range_rev(struct oracle_state *s, unsigned long min);
void *oracle_state_next(struct oracle_state *s, unsigned long max);
void *oracle_state_next_range(struct oracle_state *s, unsigned long max);
void *oracle_state_prev(struct oracle_state *s, unsigned long min);
void *oracle_state_prev_range(struct oracle_state *s, unsigned long min);
/* Gap searches ignore the state's previous position (as if mas_reset came first). 0: [index,last]
 * is the window, status active (node) / root (root entry) / none (empty). -EINVAL: state untouched.
 * -EBUSY: node tree -> status error (error = -EBUSY), [index,last] = [min,max]; root-entry tree ->
 * status root, index/last untouched. */
int oracle_state_empty_area(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size);

/* mas_store, mas_store_gfp, mas_erase (docs/semantics.md "Advanced writes"). A store works from
 * [index, last] whatever the status and stores any entry (no advanced check). index > last:
 * status error, error -EINVAL, tree unchanged (store returns NULL, store_gfp -EINVAL). Otherwise
 * store returns the raw entry that held index before the write, store_gfp 0; then in a node tree
 * the state is the range now holding the old index (the merged NULL range for a NULL store),
 * active; in an empty or root-entry tree [index, last] is kept and the status is start.
 * erase: node tree: walk; a non-NULL range is stored NULL over (as store). Empty tree: status
 * none, NULL. Root-entry tree: status root, index/last kept; index 0 erases the root entry
 * ([0,0], then start). Returns the raw entry found. Never -ENOMEM. */
void *oracle_state_store(struct oracle_state *s, void *entry);
int oracle_state_store_gfp(struct oracle_state *s, void *entry);
void *oracle_state_erase(struct oracle_state *s);
int oracle_state_empty_area_rev(struct oracle_state *s, unsigned long min, unsigned long max, unsigned long size);

#endif
