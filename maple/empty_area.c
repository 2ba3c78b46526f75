/* empty_area.c - gap searches (mas_empty_area, mas_empty_area_rev) and the allocating stores built on
 * them (mtree_alloc_range / _rrange / _cyclic, mas_alloc_cyclic); rules in docs/semantics.md "Gap
 * searches". A search descends only into children whose gap array entry can hold the window; it
 * never scans leaves linearly and never writes the tree (the allocating stores write via wr_store). */
#include "internal.h"

/* One search: the window size, the limits, the direction, and what was found. */
struct gap_query {
	unsigned long min, max, size;
	bool rev;
	unsigned long start;                 /* the window found */
	struct walk_level leaf;              /* its leaf, with .slot the NULL range holding it */
};

/* Whether [lo, hi] clipped to the search limits still holds size indices. */
static bool gq_fits(const struct gap_query *q, unsigned long lo, unsigned long hi)
{
	if (hi < q->min || lo > q->max)
		return false;
	if (lo < q->min)
		lo = q->min;
	if (hi > q->max)
		hi = q->max;
	return hi - lo >= q->size - 1;
}

/* The NULL ranges of a leaf, lowest first (highest first in reverse): the first that fits wins. */
static bool gq_leaf(struct gap_query *q, struct maple_enode *enode, unsigned long min, unsigned long max)
{
	const struct maple_node *node = mte_to_node(enode);
	unsigned char end = ma_data_end(node, maple_leaf_64, max);

	for (unsigned char k = 0; k <= end; k++) {
		unsigned char i = (unsigned char)(q->rev ? end - k : k);
		unsigned long lo = node_slot_min(node, i, min), hi = node_slot_max(node, i, end, max);

		if (node->slot[i] || !gq_fits(q, lo, hi))
			continue;
		q->start = q->rev ? (hi < q->max ? hi : q->max) - (q->size - 1) : (lo > q->min ? lo : q->min);
		q->leaf = (struct walk_level){ .enode = enode, .min = min, .max = max, .end = end, .slot = i };
		return true;
	}
	return false;
}

/* Descend into the children that meet the limits and whose gap can hold the window (a range_64
 * child keeps no gap: it is always tried), in search order; back out of a subtree that fails and
 * go on with its next sibling. */
static bool gq_descend(struct gap_query *q, struct maple_enode *enode, unsigned long min, unsigned long max)
{
	const struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_type(enode);
	unsigned char end;
	void **slots;

	if (mte_is_leaf(enode))
		return gq_leaf(q, enode, min, max);
	end = ma_data_end(node, type, max);
	slots = node_slots(node, type);
	for (unsigned char k = 0; k <= end; k++) {
		unsigned char i = (unsigned char)(q->rev ? end - k : k);
		unsigned long lo = node_slot_min(node, i, min), hi = node_slot_max(node, i, end, max);

		if (!gq_fits(q, lo, hi))
			continue;
		if (type == maple_arange_64 && node->ma64.gap[i] < q->size)
			continue;
		if (gq_descend(q, slots[i], lo, hi))
			return true;
	}
	return false;
}

/* Put the state in ma_error with @err, kernel style: xa_err(mas->node) == err. */
static void gap_set_err(struct ma_state *mas, int err)
{
	mas->status = ma_error;
	mas->node = (struct maple_enode *)xa_mk_internal((unsigned long)(long)err);
}

/* Empty or root-entry tree: everything but a root entry's index 0 is NULL. */
static int gap_sparse(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size, bool rev)
{
	bool root_entry = mas->tree->ma_root != NULL;

	mas->node = NULL;
	mas->min = 0;
	mas->max = ULONG_MAX;
	mas->status = root_entry ? ma_root : ma_none;
	if (root_entry && min == 0) {
		min = 1;
		if (min > max || max - min < size - 1)
			return -EBUSY;
	}
	mas->index = rev ? max - (size - 1) : min;
	mas->last = mas->index + (size - 1);
	return 0;
}

/* Both searches: check the arguments, then search afresh from the root whatever the state held. */
static int gap_search(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size, bool rev)
{
	struct gap_query q = { .min = min, .max = max, .size = size, .rev = rev };

	if (min > max || size == 0 || max - min < size - 1)
		return -EINVAL;
	if (!root_is_node(mas->tree->ma_root))
		return gap_sparse(mas, min, max, size, rev);
	if (!gq_descend(&q, root_to_enode(mas->tree->ma_root), 0, ULONG_MAX)) {
		mas->index = min;
		mas->last = max;
		gap_set_err(mas, -EBUSY);
		return -EBUSY;
	}
	mas->node = q.leaf.enode;
	mas->min = q.leaf.min;
	mas->max = q.leaf.max;
	mas->end = q.leaf.end;
	mas->offset = q.leaf.slot;
	mas->depth = (unsigned char)(mt_height(mas->tree) - 1);
	mas->index = q.start;
	mas->last = q.start + (size - 1);
	mas->status = ma_active;
	return 0;
}

/**
 * mas_empty_area() - find the lowest window of @size NULL indices inside [@min, @max].
 * @mas: the maple state; the caller holds RCU or the tree lock. Its position and status are ignored:
 * every search starts afresh (a repeated call finds the same window).
 *
 * Return: 0 with [index, last] the window (status ma_active, ma_root in a root-entry tree, ma_none in
 * an empty tree); -EINVAL (state untouched) if @min > @max, @size is 0 or the limits are narrower
 * than @size; -EBUSY if nothing fits (node tree: [index, last] = [@min, @max], ma_error; root-entry
 * tree: ma_root, index/last untouched). Works on every tree; only allocation trees keep gaps.
 */
int mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size)
{
	return gap_search(mas, min, max, size, false);
}

/** mas_empty_area_rev() - mas_empty_area(), but the highest window. */
int mas_empty_area_rev(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size)
{
	return gap_search(mas, min, max, size, true);
}

/* ---- allocating stores ---- */

/* Only allocation trees allocate, and never a reserved entry (internal and below 4096). */
static int alloc_check(const struct maple_tree *mt, const void *entry)
{
	if (!tree_is_alloc(mt))
		return -EINVAL;
	if (xa_is_internal(entry) && (uintptr_t)entry < MAPLE_RESERVED_RANGE)
		return -EINVAL;
	return 0;
}

/* Store @entry over the window the state holds (a NULL entry stores nothing); on success the
 * state is as mas_store leaves it, on -ENOMEM ma_error. */
static int alloc_store(struct ma_state *mas, void *entry, gfp_t gfp)
{
	unsigned long first = mas->index, last = mas->last, f = first, l = last;
	int ret = entry ? wr_store(mas->tree, &f, &l, entry, gfp) : 0;

	if (ret) {
		gap_set_err(mas, ret);
		return ret;
	}
	if (!entry)
		return 0;
	if (root_is_node(mas->tree->ma_root)) {
		mas_walk(mas);
	} else {
		mas->index = first;
		mas->last = last;
		mas->status = ma_start;
		mas->node = NULL;
	}
	return 0;
}

static int alloc_window(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long size,
			unsigned long min, unsigned long max, bool rev, gfp_t gfp)
{
	MA_STATE(mas, mt, 0, 0);
	int ret = alloc_check(mt, entry);
	unsigned long start;
	struct wr_retry rt;

	if (ret)
		return ret;
	wr_retry_init(&rt, mt, gfp);
	mtree_lock(mt);
	do {
		ret = gap_search(&mas, min, max, size, rev);   /* again on a retry: the lock was dropped */
		start = mas.index;
		if (!ret)
			ret = alloc_store(&mas, entry, wr_retry_gfp(&rt));
	} while (wr_retry_again(&rt, ret, start, start + size - 1, entry));
	wr_retry_done(&rt);
	if (!ret)
		*startp = start;
	wr_debug_validate(mt);
	mtree_unlock(mt);
	return ret;
}

/**
 * mtree_alloc_range() - store @entry over the lowest window of @size NULL indices in [@min, @max].
 * @mt: an allocation tree; takes the lock. @startp: receives the window's start. @gfp: for the store.
 *
 * Return: 0 (a NULL @entry stores nothing but still sets *@startp); -EINVAL if @mt lacks
 * MT_FLAGS_ALLOC_RANGE, @entry is reserved (internal and below 4096) or the limits are bad (as
 * mas_empty_area()); -EBUSY if nothing fits; -ENOMEM. On error *@startp and the tree are unchanged.
 */
int mtree_alloc_range(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long size,
		      unsigned long min, unsigned long max, gfp_t gfp)
{
	return alloc_window(mt, startp, entry, size, min, max, false, gfp);
}

/** mtree_alloc_rrange() - mtree_alloc_range(), but the highest window. */
int mtree_alloc_rrange(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long size,
		       unsigned long min, unsigned long max, gfp_t gfp)
{
	return alloc_window(mt, startp, entry, size, min, max, true, gfp);
}

/* The index for the next cyclic ID, left in mas->index: 0, 1 (restarted from @range_lo, or the
 * previous call handed out ULONG_MAX), or -errno. *@clear_wrapped says the flag is to be cleared. */
static int cyclic_find(struct ma_state *mas, unsigned long range_lo, unsigned long range_hi,
		       unsigned long next, bool *clear_wrapped)
{
	unsigned long lo = next > range_lo ? next : range_lo;
	int ret = gap_search(mas, lo, range_hi, 1, false);

	*clear_wrapped = false;
	if (ret == 0 && (mas->tree->ma_flags & MT_FLAGS_ALLOC_WRAPPED)) {
		*clear_wrapped = true;
		return 1;
	}
	if (ret < 0 && lo > range_lo) {
		ret = gap_search(mas, range_lo, range_hi, 1, false);
		if (ret == 0)
			ret = 1;
	}
	return ret;
}

/**
 * mas_alloc_cyclic() - store @entry at the first free index of [@range_lo, @range_hi] at or after
 * *@next, wrapping round to @range_lo when there is none (reference §2.6).
 * @mas: a state of an allocation tree; the caller holds the lock. @startp: receives the index.
 * @next: where the next search starts; set to the index + 1. @gfp: for the store.
 *
 * Return: 0; 1 when the search restarted from @range_lo or the previous call handed out ULONG_MAX
 * (which sets MT_FLAGS_ALLOC_WRAPPED; the next success clears it); -EINVAL (as mtree_alloc_range());
 * -EBUSY; -ENOMEM. On error *@startp, *@next, the flags and the tree are unchanged. Afterwards the
 * state is as mas_store() of the entry leaves it (on error: as the failed search left it).
 */
int mas_alloc_cyclic(struct ma_state *mas, unsigned long *startp, void *entry, unsigned long range_lo,
		     unsigned long range_hi, unsigned long *next, gfp_t gfp)
{
	struct maple_tree *mt = mas->tree;
	bool clear_wrapped;
	unsigned long id;
	int ret = alloc_check(mt, entry);

	if (ret)
		return ret;
	struct wr_retry rt;
	int found;

	wr_retry_init(&rt, mt, gfp);
	do {
		ret = found = cyclic_find(mas, range_lo, range_hi, *next, &clear_wrapped);
		id = mas->index;
		if (ret >= 0)
			ret = alloc_store(mas, entry, wr_retry_gfp(&rt));
	} while (wr_retry_again(&rt, ret, id, id, entry));
	wr_retry_done(&rt);
	if (ret < 0)
		return ret;
	ret = found;
	if (clear_wrapped)
		tree_set_flags(mt, mt->ma_flags & ~MT_FLAGS_ALLOC_WRAPPED);
	*startp = id;
	*next = id + 1;
	if (*next == 0)
		tree_set_flags(mt, mt->ma_flags | MT_FLAGS_ALLOC_WRAPPED);
	return ret;
}

/** mtree_alloc_cyclic() - mas_alloc_cyclic() with a fresh state, under the tree lock. */
int mtree_alloc_cyclic(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long range_lo,
		       unsigned long range_hi, unsigned long *next, gfp_t gfp)
{
	MA_STATE(mas, mt, 0, 0);
	int ret = alloc_check(mt, entry);

	if (ret)
		return ret;
	mtree_lock(mt);
	ret = mas_alloc_cyclic(&mas, startp, entry, range_lo, range_hi, next, gfp);
	wr_debug_validate(mt);
	mtree_unlock(mt);
	return ret;
}
