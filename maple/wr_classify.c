/* wr_classify.c - the write walk and the store-type classification (reference §3.2): which of the
 * store algorithms a store needs, from the path to its leaf. Reads the tree only; the one thing it
 * changes is the write state (NULL stores widen their range over NULL neighbours in the leaf). */
#include "write.h"

/* Whether a store ending at @last spans past a slot (or leaf) bound @bound: a NULL store that ends
 * exactly at a bound other than ULONG_MAX spans too, because a NULL may not end a leaf. */
static bool wr_spans(unsigned long last, unsigned long bound, const void *entry)
{
	if (last < bound)
		return false;
	if (last > bound)
		return true;
	return !entry && last != ULONG_MAX;
}

/* Walk to the leaf holding index; true when the store spans beyond a slot on the way. */
static bool wr_walk(struct wr_state *wr)
{
	unsigned char d;

	walk_path_down(wr->mt, wr->index, &wr->path);
	wr->old = mte_to_node(wr_leaf(wr)->enode)->slot[wr_leaf(wr)->slot];
	for (d = 0; d < wr->path.height; d++) {
		const struct walk_level *lv = &wr->path.lv[d];
		unsigned long bound = lv->max;

		if (d + 1 < wr->path.height)
			bound = node_slot_max(mte_to_node(lv->enode), lv->slot, lv->end, lv->max);
		if (wr_spans(wr->last, bound, wr->entry))
			return true;
	}
	return false;
}

/* The leaf slots the store touches and their outer bounds. */
static void wr_end_piv(struct wr_state *wr)
{
	const struct walk_level *leaf = &wr->path.lv[wr->path.height - 1];
	const struct maple_node *node = mte_to_node(leaf->enode);

	wr->end = leaf->end;
	wr->offset = leaf->slot;
	wr->r_min = node_slot_min(node, wr->offset, leaf->min);
	wr->r_max = node_slot_max(node, wr->offset, leaf->end, leaf->max);
	wr->offset_end = node_scan_slot(node, maple_leaf_64, wr->last);
	wr->end_piv = node_slot_max(node, wr->offset_end, leaf->end, leaf->max);
}

/* A NULL store takes in the NULL ranges it touches or borders inside the leaf, so that the result
 * has no two NULLs side by side. */
static void wr_extend_null(struct wr_state *wr)
{
	const struct walk_level *leaf = &wr->path.lv[wr->path.height - 1];
	const struct maple_node *node = mte_to_node(leaf->enode);

	if (!node->slot[wr->offset]) {
		wr->index = wr->r_min;
	} else if (wr->index == wr->r_min && wr->offset && !node->slot[wr->offset - 1]) {
		wr->offset--;
		wr->r_min = wr->index = node_slot_min(node, wr->offset, leaf->min);
		wr->r_max = node_slot_max(node, wr->offset, leaf->end, leaf->max);
	}
	if (!node->slot[wr->offset_end]) {
		wr->last = wr->end_piv;
	} else if (wr->last == wr->end_piv && wr->offset_end < wr->end && !node->slot[wr->offset_end + 1]) {
		wr->offset_end++;
		wr->last = wr->end_piv = node_slot_max(node, wr->offset_end, leaf->end, leaf->max);
	}
}

/* The leaf's end offset after the store: one range may become three, the slots in between go. */
static unsigned char wr_new_end(const struct wr_state *wr)
{
	int new_end = wr->end + 2 - (wr->offset_end - wr->offset);

	if (wr->r_min == wr->index)
		new_end--;
	if (wr->end_piv == wr->last)
		new_end--;
	return (unsigned char)new_end;
}

/* The classification once the walk reached the leaf without spanning. */
static enum maple_store_type wr_classify_leaf(struct wr_state *wr)
{
	bool rcu = mt_in_rcu(wr->mt);

	if (!wr->entry && wr->index == 0 && wr->last == ULONG_MAX)
		return MT_STORE_NEW_ROOT;    /* everything becomes NULL: the tree empties */
	if (wr->r_min == wr->index && wr->r_max == wr->last)
		return MT_STORE_EXACT_FIT;
	if (wr->index == 0 && wr->last == ULONG_MAX)
		return MT_STORE_NEW_ROOT;
	wr->new_end = wr_new_end(wr);
	if (wr->new_end < MAPLE_MIN_END)
		return wr->path.height > 1 ? MT_STORE_REBALANCE : MT_STORE_NODE_STORE;
	if (wr->new_end >= MAPLE_RANGE64_SLOTS)
		return MT_STORE_SPLIT_STORE;
	if (!rcu && wr->offset == wr->end)
		return MT_STORE_APPEND;
	if (wr->new_end == wr->end && (!rcu || wr->offset_end - wr->offset == 1))
		return MT_STORE_SLOT_STORE;
	return MT_STORE_NODE_STORE;
}

/**
 * wr_classify() - decide how the store in @wr (mt, index, last, entry set) changes the tree.
 * @wr: the write state; gets the path, the touched leaf slots and the (NULL-extended) range.
 *
 * Return: the store type, also left in wr->type.
 */
enum maple_store_type wr_classify(struct wr_state *wr)
{
	if (!root_is_node(wr->mt->ma_root)) {
		wr->old = wr->index == 0 ? wr->mt->ma_root : NULL;
		wr->type = MT_STORE_STORE_ROOT;
	} else if (wr_walk(wr)) {
		wr->type = wr->index == 0 && wr->last == ULONG_MAX ? MT_STORE_NEW_ROOT : MT_STORE_SPANNING_STORE;
	} else {
		wr_end_piv(wr);
		if (!wr->entry)
			wr_extend_null(wr);
		wr->type = wr_classify_leaf(wr);
	}
	return wr->type;
}
