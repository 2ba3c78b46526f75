/* split.c - the split store (reference §3.4): a leaf that overflows first tries to push its data
 * into its left, then its right sibling (two nodes replace two, the parent keeps its size);
 * otherwise it splits in two and the parents take the new child, pushing or splitting in turn
 * up to a new root (rebalance.c does both). A failed allocation leaves the tree unchanged (rebalance.c). */
#include "write.h"

/**
 * wr_split_store() - the leaf of @wr gets more ranges than it holds: push to a sibling or split,
 * cascading upwards (a root split adds a level).
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int wr_split_store(struct wr_state *wr)
{
	struct rebal_state rs;
	unsigned char d = (unsigned char)(wr->path.height - 1);
	const struct walk_level *leaf = &wr->path.lv[d];
	struct node_range in[MAPLE_RANGE64_SLOTS];
	unsigned char n;

	rebal_init(&rs, wr);
	n = node_read(leaf->enode, leaf->min, leaf->max, in);
	rs.n = (unsigned char)range_apply(in, n, wr->index, wr->last, wr->entry, rs.items);
	return rebal_run(&rs);     /* it pushes into a sibling first where one has room */
}
