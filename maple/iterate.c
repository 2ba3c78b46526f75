/* iterate.c - moving a maple state from range to range: mas_next/prev/find and their _range and
 * _rev forms, mas_pause, and the normal-API readers built on them. The status machine is
 * docs/semantics.md's, step for step (one set-up per direction, then one step). Never writes the tree. */
#include "internal.h"

/* ---- where the state stands (docs/semantics.md "Where a state stands") ----
 * A step right starts from the range holding `last`, a step left from the range holding `index`.
 * While [index, last] is the cached slot's range both are that slot; otherwise the state is
 * re-seated by a walk first, so a state set by hand steps exactly like the oracle's. */

/* The root entry: the entry held in the root pointer, NULL for an empty or node tree. */
static void *iter_root_entry(const struct maple_tree *mt)
{
	void *root = tree_root(mt);

	return root_is_node(root) ? NULL : root;
}

/* The range holding @i in an empty ([0, ULONG_MAX]) or root-entry ([0,0], [1, ULONG_MAX]) tree. */
static void iter_small_range(const struct maple_tree *mt, unsigned long i, unsigned long *first,
			     unsigned long *last)
{
	if (!tree_root(mt)) {
		*first = 0;
		*last = ULONG_MAX;
	} else {
		*first = i ? 1 : 0;
		*last = i ? ULONG_MAX : 0;
	}
}

/* The bounds of the cached slot (node mode, mas->node a leaf of the tree). */
static void iter_cached_range(const struct ma_state *mas, unsigned long *first, unsigned long *last)
{
	const struct maple_node *node = mte_to_node(mas->node);

	*first = node_slot_min(node, mas->offset, mas->min);
	*last = node_slot_max(node, mas->offset, mas->end, mas->max);
}

/* True when the state caches a leaf slot whose range is exactly [index, last]; then that is
 * [*@first, *@last]. The tree is in node mode. */
static bool iter_cached_exact(const struct ma_state *mas, unsigned long *first, unsigned long *last)
{
	if (!mas->node || xa_is_internal(mas->node))
		return false;
	iter_cached_range(mas, first, last);
	if (node_is_dead(mte_to_node(mas->node)))
		return false;      /* RCU: the leaf was replaced; re-walk the tree as it is now */
	return *first == mas->index && *last == mas->last;
}

/* Cache the slot of the range holding @at, [*@first, *@last]; index and last are kept. False when
 * the tree is not in node mode (any more: an RCU reader may see a writer empty it). */
static bool iter_seat(struct ma_state *mas, unsigned long at, unsigned long *first, unsigned long *last)
{
	unsigned long index = mas->index, keep_last = mas->last;
	void *entry;
	bool seated;

	if (!root_is_node(tree_root(mas->tree)))
		return false;
	if (iter_cached_exact(mas, first, last))
		return true;
	mas->index = at;
	seated = walk_leaf(mas, &entry);
	mas->index = index;
	mas->last = keep_last;
	if (seated)
		iter_cached_range(mas, first, last);
	return seated;
}

/* The range holding @at in an empty or root-entry tree, as the state's range; returns its entry. */
static void *iter_small_at(struct ma_state *mas, unsigned long at)
{
	mas->node = NULL;
	iter_small_range(mas->tree, at, &mas->index, &mas->last);
	return at ? NULL : iter_root_entry(mas->tree);
}

/* The entry of the cached slot, checked against a replacement of its leaf (RCU) after the read:
 * if the leaf died, the range holding @at in the tree as it is now, found by a walk. The range is
 * clipped at @at, the index next to the one the step left (a no-op unless a writer reshaped the
 * tree under the step), so an iteration stays strictly monotonic. */
static void *iter_read_slot(struct ma_state *mas, unsigned long at, bool right)
{
	const struct maple_node *node = mte_to_node(mas->node);
	void *entry = __atomic_load_n(&((struct maple_node *)node)->slot[mas->offset], __ATOMIC_ACQUIRE);

	if (node_is_dead(node)) {
		mas->index = at;
		if (!walk_leaf(mas, &entry))
			return iter_small_at(mas, at);    /* the tree left node mode meanwhile */
	}
	if (right && mas->index < at)
		mas->index = at;
	if (!right && mas->last > at)
		mas->last = at;
	return entry;
}

/* Move the cached slot one range right (one exists); [index, last] := it. Returns its entry. */
static void *iter_slot_right(struct ma_state *mas)
{
	const struct maple_node *node = mte_to_node(mas->node);
	unsigned long at = mas->last + 1;     /* the caller made sure last < max */

	if (mas->offset < mas->end) {
		mas->offset++;
		mas->index = node_slot_min(node, mas->offset, mas->min);
		mas->last = node_slot_max(node, mas->offset, mas->end, mas->max);
	} else if (!walk_next_leaf(mas)) {
		return NULL;
	}
	return iter_read_slot(mas, at, true);
}

/* Move the cached slot one range left (one exists); [index, last] := it. Returns its entry. */
static void *iter_slot_left(struct ma_state *mas)
{
	const struct maple_node *node = mte_to_node(mas->node);
	unsigned long at = mas->index - 1;    /* the caller made sure index > min */

	if (mas->offset > 0) {
		mas->offset--;
		mas->index = node_slot_min(node, mas->offset, mas->min);
		mas->last = node_slot_max(node, mas->offset, mas->end, mas->max);
	} else if (!walk_prev_leaf(mas)) {
		return NULL;
	}
	return iter_read_slot(mas, at, false);
}

/* One range right of R(last). False, with status ma_overflow and nothing else changed, when
 * R(last) already reaches @max. */
static bool iter_right(struct ma_state *mas, unsigned long max, void **entry)
{
	unsigned long first, last;
	bool seated = iter_seat(mas, mas->last, &first, &last);

	if (!seated)
		iter_small_range(mas->tree, mas->last, &first, &last);
	if (last >= max) {
		mas->status = ma_overflow;
		return false;
	}
	if (seated) {
		*entry = iter_slot_right(mas);
	} else {
		mas->index = last + 1;          /* root entry: [0,0] -> [1, ULONG_MAX] */
		mas->last = ULONG_MAX;
		*entry = NULL;
	}
	return true;
}

/* One range left of R(index); the mirror image of iter_right() (status ma_underflow). */
static bool iter_left(struct ma_state *mas, unsigned long min, void **entry)
{
	unsigned long first, last;
	bool seated = iter_seat(mas, mas->index, &first, &last);

	if (!seated)
		iter_small_range(mas->tree, mas->index, &first, &last);
	if (first <= min) {
		mas->status = ma_underflow;
		return false;
	}
	if (seated) {
		*entry = iter_slot_left(mas);
	} else {
		mas->index = mas->last = 0;     /* root entry: [1, ULONG_MAX] -> [0,0] */
		*entry = iter_root_entry(mas->tree);   /* (NULL if a writer made it a node tree again) */
	}
	return true;
}

/* next_slot: one step right; unless @empty, a NULL range is skipped (never two in a row). */
static void *iter_next_slot(struct ma_state *mas, unsigned long max, bool empty)
{
	void *entry = NULL;

	if (!iter_right(mas, max, &entry))
		return NULL;
	if (entry || empty)
		return entry;
	if (!iter_right(mas, max, &entry))
		return NULL;
	return entry;
}

/* prev_slot: the mirror image of iter_next_slot(). */
static void *iter_prev_slot(struct ma_state *mas, unsigned long min, bool empty)
{
	void *entry = NULL;

	if (!iter_left(mas, min, &entry))
		return NULL;
	if (entry || empty)
		return entry;
	if (!iter_left(mas, min, &entry))
		return NULL;
	return entry;
}

/* ---- set-ups: true when *entry is the answer already, false when one step remains ---- */

/* After a restart in next: a root-entry tree has nothing after [0,0]. */
static bool iter_next_finish(struct ma_state *mas, bool was_none)
{
	if (mas->status == ma_active)
		return false;
	if (mas->status == ma_root) {
		if (was_none && mas->index == 0) {
			mas->last = 0;
			return true;
		}
		mas->index = 1;
		mas->last = ULONG_MAX;
		mas->status = ma_none;
	}
	return true;
}

static bool iter_next_setup(struct ma_state *mas, unsigned long max, void **entry)
{
	bool was_none = mas->status == ma_none;

	*entry = NULL;
	if (mas->last >= max) {
		mas->status = ma_overflow;
		return true;
	}
	switch (mas->status) {
	case ma_active:
		return false;
	case ma_start:
	case ma_none:
	case ma_pause:
		mas_walk(mas);
		break;
	case ma_overflow:               /* the limit grew: carry on from here */
		mas->status = ma_active;
		return false;
	case ma_underflow:              /* the caller expects to be one range further on */
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_root:
		break;
	case ma_error:
		return true;
	}
	return iter_next_finish(mas, was_none);
}

/* After a restart in prev: the only thing before anything in a root-entry tree is [0,0]. */
static bool iter_prev_finish(struct ma_state *mas, void **entry)
{
	if (mas->status == ma_root) {
		mas->index = mas->last = 0;
		*entry = iter_root_entry(mas->tree);
		return true;
	}
	if (mas->status == ma_none) {
		if (mas->index != 0) {  /* walked past the root entry */
			mas->index = mas->last = 0;
			mas->status = ma_root;
			*entry = iter_root_entry(mas->tree);
		}
		return true;
	}
	return false;
}

static bool iter_prev_setup(struct ma_state *mas, unsigned long min, void **entry)
{
	*entry = NULL;
	if (mas->index <= min) {
		mas->status = ma_underflow;
		return true;
	}
	switch (mas->status) {
	case ma_active:
		return false;
	case ma_start:
	case ma_none:
	case ma_pause:
		mas_walk(mas);
		break;
	case ma_underflow:              /* the limit shrank: carry on from here */
		mas->status = ma_active;
		return false;
	case ma_overflow:               /* the caller expects to be one range further back */
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_root:
		break;
	case ma_error:
		return true;
	}
	return iter_prev_finish(mas, entry);
}

/* find, once the status is known: "start" walks, a root entry has nothing after it. */
static bool iter_find_finish(struct ma_state *mas, unsigned long max, void **entry)
{
	if (mas->status == ma_start) {
		if (mas->index > max)
			return true;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
	}
	if (mas->status == ma_root) {
		mas->index = 1;
		mas->last = ULONG_MAX;
		mas->status = ma_none;
		return true;
	}
	if (mas->status == ma_none)
		return true;
	return mas->index == max;
}

static bool iter_find_setup(struct ma_state *mas, unsigned long max, void **entry)
{
	*entry = NULL;
	switch (mas->status) {
	case ma_active:
		return mas->last >= max;
	case ma_start:
	case ma_root:
		break;
	case ma_pause:
		if (mas->last >= max)
			return true;
		mas->index = mas->last = mas->last + 1;
		mas->status = ma_start;
		break;
	case ma_none:
		if (mas->last >= max)
			return true;
		mas->index = mas->last;
		mas->status = ma_start;
		break;
	case ma_underflow:
		if (mas->index >= max) {
			mas->status = ma_overflow;
			return true;
		}
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_overflow:
		if (mas->last >= max)
			return true;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_error:
		return true;
	}
	return iter_find_finish(mas, max, entry);
}

/* find_rev, once the status is known: a walk that found nothing in an empty or root-entry tree
 * lands on [0,0] (the root entry, or NULL when empty). */
static bool iter_find_rev_finish(struct ma_state *mas, unsigned long min, void **entry)
{
	if (mas->status == ma_start) {
		if (mas->index < min)
			return true;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
	}
	if (mas->status == ma_root) {
		mas->status = ma_none;
		return true;
	}
	if (mas->status == ma_none) {
		mas->index = mas->last = 0;
		mas->status = ma_root;
		*entry = iter_root_entry(mas->tree);
		return true;
	}
	return mas->index < min;
}

static bool iter_find_rev_setup(struct ma_state *mas, unsigned long min, void **entry)
{
	*entry = NULL;
	switch (mas->status) {
	case ma_active:
	case ma_start:
	case ma_root:
		break;
	case ma_pause:
		if (mas->index <= min) {
			mas->status = ma_underflow;
			return true;
		}
		mas->last = mas->index = mas->index - 1;
		mas->status = ma_start;
		break;
	case ma_none:
		if (mas->index <= min)
			return true;
		mas->last = mas->index;
		mas->status = ma_start;
		break;
	case ma_overflow:
		if (mas->index <= min) {
			mas->status = ma_underflow;
			return true;
		}
		mas->status = ma_active;
		break;
	case ma_underflow:
		if (mas->index <= min)
			return true;
		mas->status = ma_active;
		break;
	case ma_error:
		return true;
	}
	return iter_find_rev_finish(mas, min, entry);
}

/* ---- the advanced readers ---- */

/**
 * mas_next() - the next non-NULL entry after the current range, up to @max.
 * @mas: the maple state; the caller holds RCU or the tree lock.
 * @max: the largest index whose range may be returned.
 *
 * Return: the entry, or NULL with status ma_overflow (the state keeps the NULL range it stopped in).
 */
void *mas_next(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (iter_next_setup(mas, max, &entry))
		return entry;
	return iter_next_slot(mas, max, false);
}

/**
 * mas_next_range() - the range after the current one, NULL ranges included, up to @max.
 * @mas: the maple state; the caller holds RCU or the tree lock. @max: the limit.
 *
 * Return: the range's entry (NULL for a NULL range), or NULL with status ma_overflow.
 */
void *mas_next_range(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (iter_next_setup(mas, max, &entry))
		return entry;
	return iter_next_slot(mas, max, true);
}

/**
 * mas_prev() - the previous non-NULL entry before the current range, down to @min.
 * @mas: the maple state; the caller holds RCU or the tree lock.
 * @min: the smallest index whose range may be returned.
 *
 * Return: the entry, or NULL with status ma_underflow.
 */
void *mas_prev(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (iter_prev_setup(mas, min, &entry))
		return entry;
	return iter_prev_slot(mas, min, false);
}

/**
 * mas_prev_range() - the range before the current one, NULL ranges included, down to @min.
 * @mas: the maple state; the caller holds RCU or the tree lock. @min: the limit.
 *
 * Return: the range's entry (NULL for a NULL range), or NULL with status ma_underflow.
 */
void *mas_prev_range(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (iter_prev_setup(mas, min, &entry))
		return entry;
	return iter_prev_slot(mas, min, true);
}

/**
 * mas_find() - the first non-NULL entry at or after mas->index (first call) or after the current
 * range (later calls), up to @max.
 * @mas: the maple state; the caller holds RCU or the tree lock.
 * @max: the largest index whose range may be returned.
 *
 * Return: the entry (zero entries included) or NULL. An overflow is reported as ma_active.
 */
void *mas_find(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (iter_find_setup(mas, max, &entry))
		return entry;
	entry = iter_next_slot(mas, max, false);
	mas->status = ma_active;
	return entry;
}

/**
 * mas_find_range() - mas_find(), except that the step after the first returns NULL ranges too
 * and an overflow stays ma_overflow.
 * @mas: the maple state; the caller holds RCU or the tree lock. @max: the limit.
 *
 * Return: the range's entry or NULL.
 */
void *mas_find_range(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (iter_find_setup(mas, max, &entry))
		return entry;
	return iter_next_slot(mas, max, true);
}

/**
 * mas_find_rev() - the first non-NULL entry at or before mas->index (first call) or before the
 * current range (later calls), down to @min.
 * @mas: the maple state; the caller holds RCU or the tree lock. @min: the limit.
 *
 * Return: the entry or NULL (status ma_underflow when the step passed @min).
 */
void *mas_find_rev(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (iter_find_rev_setup(mas, min, &entry))
		return entry;
	return iter_prev_slot(mas, min, false);
}

/**
 * mas_find_range_rev() - mas_find_rev(), except that the step returns NULL ranges too.
 * @mas: the maple state; the caller holds RCU or the tree lock. @min: the limit.
 *
 * Return: the range's entry or NULL.
 */
void *mas_find_range_rev(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (iter_find_rev_setup(mas, min, &entry))
		return entry;
	return iter_prev_slot(mas, min, true);
}

/**
 * mas_pause() - let the caller drop the lock; the next find/next resumes after the current range.
 * @mas: the maple state.
 */
void mas_pause(struct ma_state *mas)
{
	mas->status = ma_pause;
	mas->node = NULL;
}

/**
 * mtree_load() - the entry of the range holding @index.
 * @mt: the tree. Takes the RCU read lock.
 * @index: the index.
 *
 * Return: the entry, or NULL (also for a zero entry).
 */
void *mtree_load(struct maple_tree *mt, unsigned long index)
{
	void *entry, *root;

	mt_rcu_read_lock();
	while (!walk_lookup(mt, index, &entry)) {
		root = tree_root(mt);
		if (!root_is_node(root)) {     /* empty, or a root entry (it holds index 0 only) */
			entry = index ? NULL : root;
			break;
		}
	}                                      /* RCU: it became a node tree again meanwhile */
	mt_rcu_read_unlock();
	return xa_is_zero(entry) ? NULL : entry;
}

/**
 * mt_find() - the first non-NULL, non-zero entry whose range holds or follows *@index and starts
 * at or below @max.
 * @mt: the tree. Takes the RCU read lock.
 * @index: in: where to start; out (on success only): the found range's last + 1 (0 after ULONG_MAX).
 * @max: the limit.
 *
 * Return: the entry or NULL.
 */
void *mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	MA_STATE(mas, mt, *index, *index);
	void *entry;

	if (*index > max)
		return NULL;
	mt_rcu_read_lock();
	entry = mas_walk(&mas);
	if (xa_is_zero(entry))
		entry = NULL;
	while (!entry && mas.status == ma_active && mas.last < max) {
		entry = iter_next_slot(&mas, max, false);
		if (xa_is_zero(entry))
			entry = NULL;
	}
	if (mas.status != ma_active && mas.status != ma_root)
		entry = NULL;
	mt_rcu_read_unlock();
	if (entry)
		*index = mas.last + 1;
	return entry;
}

/**
 * mt_find_after() - mt_find(), unless *@index wrapped to 0 (the last find reached ULONG_MAX).
 * @mt: the tree. @index: as for mt_find(). @max: the limit.
 *
 * Return: the entry or NULL.
 */
void *mt_find_after(struct maple_tree *mt, unsigned long *index, unsigned long max)
{
	if (!*index)
		return NULL;
	return mt_find(mt, index, max);
}

/**
 * mt_next() - the next non-NULL entry after the range holding @index, up to @max.
 * @mt: the tree. Takes the RCU read lock. @index: the start. @max: the limit.
 *
 * Return: the entry (zero entries included) or NULL.
 */
void *mt_next(struct maple_tree *mt, unsigned long index, unsigned long max)
{
	MA_STATE(mas, mt, index, index);
	void *entry;

	mt_rcu_read_lock();
	entry = mas_next(&mas, max);
	mt_rcu_read_unlock();
	return entry;
}

/**
 * mt_prev() - the previous non-NULL entry before the range holding @index, down to @min.
 * @mt: the tree. Takes the RCU read lock. @index: the start. @min: the limit.
 *
 * Return: the entry (zero entries included) or NULL.
 */
void *mt_prev(struct maple_tree *mt, unsigned long index, unsigned long min)
{
	MA_STATE(mas, mt, index, index);
	void *entry;

	mt_rcu_read_lock();
	entry = mas_prev(&mas, min);
	mt_rcu_read_unlock();
	return entry;
}
