/* gap.c - gap tracking in allocation trees (reference §3.8): a node's largest NULL range, the gap
 * array and meta.gap of arange_64 nodes, and bringing them up to date from a changed node to the root.
 * Never changes slots, pivots or the tree's shape; does nothing in trees without MT_FLAGS_ALLOC_RANGE. */
#include "internal.h"

/* The number of indices in [first, last] (a NULL range never covers all of [0, ULONG_MAX]). */
static unsigned long gap_len(unsigned long first, unsigned long last)
{
	return last - first + 1;
}

/**
 * gap_leaf_max() - the longest NULL range of a leaf covering [@min, @max] (slot 0 starts at @min, the
 * last slot ends at @max); 0 when the leaf holds no NULL.
 */
unsigned long gap_leaf_max(const struct maple_node *leaf, unsigned long min, unsigned long max)
{
	unsigned char end = ma_data_end(leaf, maple_leaf_64, max), i;
	unsigned long best = 0;

	for (i = 0; i <= end; i++) {
		unsigned long len;

		if (leaf->slot[i])
			continue;
		len = gap_len(node_slot_min(leaf, i, min), node_slot_max(leaf, i, end, max));
		if (len > best)
			best = len;
	}
	return best;
}

/**
 * gap_node_max() - the largest gap under @enode ([@min, @max]): a leaf's longest NULL range, an
 * arange_64 node's gap at meta.gap. A range_64 node keeps no gaps: ULONG_MAX ("may hold anything").
 */
unsigned long gap_node_max(const struct maple_enode *enode, unsigned long min, unsigned long max)
{
	const struct maple_node *node = mte_to_node(enode);

	switch (mte_type(enode)) {
	case maple_leaf_64:
		return gap_leaf_max(node, min, max);
	case maple_arange_64:
		return node->ma64.gap[node->ma64.meta.gap];
	default:
		return ULONG_MAX;
	}
}

/** gap_max_offset() - the offset of the largest gap of an arange_64 node (the lowest on a tie). */
unsigned char gap_max_offset(const struct maple_node *node)
{
	unsigned char end = node->ma64.meta.end, i, best = 0;

	for (i = 1; i <= end && i < MAPLE_ARANGE64_SLOTS; i++) {
		if (node->ma64.gap[i] > node->ma64.gap[best])
			best = i;
	}
	return best;
}

/**
 * gap_fill_node() - set the gaps of the arange_64 @node from its @n children @r (complete nodes,
 * with their limits), and meta.gap. Gaps past the end stay as they are (node_fill zeroed them).
 */
void gap_fill_node(struct maple_node *node, const struct node_range *r, unsigned char n)
{
	unsigned char i;

	for (i = 0; i < n; i++)
		node->ma64.gap[i] = gap_node_max(r[i].entry, r[i].first, r[i].last);
	node->ma64.meta.gap = gap_max_offset(node);
}

/**
 * gap_update_up() - @enode ([@min, @max]) changed: store its largest gap in its parent and go on
 * upwards while a parent's largest gap changes. Nothing in trees without gap tracking.
 */
void gap_update_up(struct maple_tree *mt, struct maple_enode *enode, unsigned long min, unsigned long max)
{
	struct maple_node *node = mte_to_node(enode);
	unsigned long gap;

	if (!tree_is_alloc(mt))
		return;
	gap = gap_node_max(enode, min, max);
	while (!node_is_root(node)) {
		struct maple_node *parent = node_parent(node);
		unsigned char slot = node_parent_slot(node);

		if (parent->ma64.gap[slot] == gap)
			return;
		parent->ma64.gap[slot] = gap;
		parent->ma64.meta.gap = gap_max_offset(parent);
		gap = parent->ma64.gap[parent->ma64.meta.gap];
		node = parent;
	}
}
