/* iterate.c - moving a maple state from range to range: mas_next, mas_prev, mas_find, mas_pause and
 * the normal-API readers built on them. The status machine is docs/semantics.md's, step for step.
 * Never writes the tree. */
#include "internal.h"

#include <urcu/urcu-memb.h>

/* Move to the range after the current one (whose last is below ULONG_MAX); returns its entry. */
static void *iter_step_next(struct ma_state *mas)
{
	const struct maple_node *node;

	if (!root_is_node(mas->tree->ma_root)) {
		/* root entry (or empty) tree: the only range after [0, 0] is [1, ULONG_MAX] = NULL */
		mas->index = mas->last + 1;
		mas->last = ULONG_MAX;
		return NULL;
	}
	if (!mas->node)
		walk_leaf(mas);
	if (mas->offset < mas->end) {
		node = mte_to_node(mas->node);
		mas->offset++;
		mas->index = node_slot_min(node, mas->offset, mas->min);
		mas->last = node_slot_max(node, mas->offset, mas->end, mas->max);
	} else if (!walk_next_leaf(mas)) {
		return NULL;
	}
	return mte_to_node(mas->node)->slot[mas->offset];
}

/* Move to the range before the current one (whose index is above 0); returns its entry. */
static void *iter_step_prev(struct ma_state *mas)
{
	const struct maple_node *node;
	void *root = mas->tree->ma_root;

	if (!root_is_node(root)) {
		mas->last = mas->index - 1;
		mas->index = 0;
		return root;
	}
	if (!mas->node)
		walk_leaf(mas);
	if (mas->offset > 0) {
		node = mte_to_node(mas->node);
		mas->offset--;
		mas->index = node_slot_min(node, mas->offset, mas->min);
		mas->last = node_slot_max(node, mas->offset, mas->end, mas->max);
	} else if (!walk_prev_leaf(mas)) {
		return NULL;
	}
	return mte_to_node(mas->node)->slot[mas->offset];
}

/* One step right, skipping one NULL range (never two: NULL ranges are merged). */
static void *iter_next_slot(struct ma_state *mas, unsigned long max)
{
	void *entry;

	if (mas->last >= max)
		goto overflow;
	entry = iter_step_next(mas);
	if (entry)
		return entry;
	if (mas->last >= max)
		goto overflow;
	return iter_step_next(mas);
overflow:
	mas->status = ma_overflow;
	return NULL;
}

/* One step left, the mirror image of iter_next_slot(). */
static void *iter_prev_slot(struct ma_state *mas, unsigned long min)
{
	void *entry;

	if (mas->index <= min)
		goto underflow;
	entry = iter_step_prev(mas);
	if (entry)
		return entry;
	if (mas->index <= min)
		goto underflow;
	return iter_step_prev(mas);
underflow:
	mas->status = ma_underflow;
	return NULL;
}

/* mas_next()'s set-up; true when @*entry is the answer already. */
static bool iter_next_setup(struct ma_state *mas, unsigned long max, void **entry)
{
	bool was_none = mas->status == ma_none;

	if (mas->last >= max) {
		mas->status = ma_overflow;
		return true;
	}
	switch (mas->status) {
	case ma_active:
		return false;
	case ma_none:
	case ma_pause:
	case ma_start:
		mas_walk(mas);
		break;
	case ma_overflow:
		mas->status = ma_active;
		break;
	case ma_underflow:
		mas->status = ma_active;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_root:
		break;
	case ma_error:
		return true;
	}
	if (mas->status == ma_active)
		return false;
	if (mas->status == ma_root) {
		if (!(was_none && mas->index == 0)) {
			mas->index = 1;
			mas->last = ULONG_MAX;
			mas->status = ma_none;
		} else {
			mas->last = 0;
		}
	}
	return true;
}

/**
 * mas_next() - the next non-NULL entry after the current range, up to @max.
 * @mas: the maple state; the caller holds RCU or the tree lock.
 * @max: the largest index whose range may be returned.
 *
 * Return: the entry, or NULL with status ma_overflow (the state keeps the NULL range it stopped in).
 */
void *mas_next(struct ma_state *mas, unsigned long max)
{
	void *entry = NULL;

	if (iter_next_setup(mas, max, &entry))
		return entry;
	return iter_next_slot(mas, max);
}

/* mas_prev()'s set-up; true when @*entry is the answer already. */
static bool iter_prev_setup(struct ma_state *mas, unsigned long min, void **entry)
{
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
	case ma_underflow:
		mas->status = ma_active;
		break;
	case ma_overflow:
		mas->status = ma_active;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_root:
		break;
	case ma_error:
		return true;
	}
	if (mas->status == ma_active)
		return false;
	if (mas->status == ma_root) {
		if (mas->index == 0) {
			mas->status = ma_none;
			return true;
		}
		mas->index = mas->last = 0;
		*entry = mas->tree->ma_root;
		return true;
	}
	if (mas->status == ma_none && mas->index != 0) {
		mas->index = mas->last = 0;
		mas->status = ma_root;
		*entry = mas->tree->ma_root;
	}
	return true;
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
	void *entry = NULL;

	if (iter_prev_setup(mas, min, &entry))
		return entry;
	return iter_prev_slot(mas, min);
}

/* mas_find()'s "start": walk unless the index is already past @max. */
static bool iter_find_start(struct ma_state *mas, unsigned long max, void **entry)
{
	if (mas->index > max)
		return true;
	*entry = mas_walk(mas);
	return *entry != NULL;
}

/* mas_find()'s set-up; true when @*entry is the answer already. */
static bool iter_find_setup(struct ma_state *mas, unsigned long max, void **entry)
{
	switch (mas->status) {
	case ma_active:
		return mas->last >= max;
	case ma_start:
		if (iter_find_start(mas, max, entry))
			return true;
		break;
	case ma_pause:
		if (mas->last >= max)
			return true;
		mas->index = ++mas->last;
		if (iter_find_start(mas, max, entry))
			return true;
		break;
	case ma_none:
		if (mas->last >= max)
			return true;
		mas->index = mas->last;
		if (iter_find_start(mas, max, entry))
			return true;
		break;
	case ma_underflow:
		if (mas->index >= max) {
			mas->status = ma_overflow;
			return true;
		}
		mas->status = ma_active;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_overflow:
		if (mas->last >= max)
			return true;
		mas->status = ma_active;
		*entry = mas_walk(mas);
		if (*entry)
			return true;
		break;
	case ma_root:
		break;
	case ma_error:
		return true;
	}
	if (mas->status == ma_root) {
		mas->status = ma_none;
		mas->index = 1;
		mas->last = ULONG_MAX;
		return true;
	}
	return mas->status == ma_none || mas->index == max;
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
	void *entry = NULL;

	if (iter_find_setup(mas, max, &entry))
		return entry;
	entry = iter_next_slot(mas, max);
	mas->status = ma_active;
	return entry;
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
	MA_STATE(mas, mt, index, index);
	void *entry;

	urcu_memb_read_lock();
	entry = mas_walk(&mas);
	urcu_memb_read_unlock();
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
	urcu_memb_read_lock();
	entry = mas_walk(&mas);
	if (xa_is_zero(entry))
		entry = NULL;
	while (!entry && mas.status == ma_active && mas.last < max) {
		entry = iter_next_slot(&mas, max);
		if (xa_is_zero(entry))
			entry = NULL;
	}
	if (mas.status != ma_active && mas.status != ma_root)
		entry = NULL;
	urcu_memb_read_unlock();
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

	urcu_memb_read_lock();
	entry = mas_next(&mas, max);
	urcu_memb_read_unlock();
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

	urcu_memb_read_lock();
	entry = mas_prev(&mas, min);
	urcu_memb_read_unlock();
	return entry;
}
