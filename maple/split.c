/* split.c - the split store (reference §3.4): a leaf that overflows first tries to push its data
 * into its left, then its right sibling (two nodes replace two, the parent keeps its size);
 * otherwise it splits in two and the parents take the new child, splitting in turn up to a new
 * root. A failed allocation leaves the tree unchanged (rebalance.c). */
#include "write.h"

/* Two leaves take fewer ranges than this in a push (each keeps room to grow); one fewer at the
 * right edge of the tree, where in-order appends keep coming. */
#define SPLIT_PUSH_SPACE (2 * MAPLE_RANGE64_SLOTS - 3)

/* The number of ranges in the child at slot @slot of path level @lv. */
static unsigned char split_child_count(const struct walk_level *lv, unsigned char slot)
{
	const struct maple_node *node = mte_to_node(lv->enode);
	unsigned long max = node_slot_max(node, slot, lv->end, lv->max);
	const struct maple_enode *child = node_slots(node, mte_type(lv->enode))[slot];

	return (unsigned char)(ma_data_end(mte_to_node(child), mte_type(child), max) + 1);
}

/* Push into a sibling when the two fit in two nodes with room to spare: true if it did. */
static bool split_try_push(struct rebal_state *rs, unsigned char d)
{
	const struct walk_level *parent = &rs->l.lv[d - 1];
	unsigned int space = SPLIT_PUSH_SPACE - (rs->l.lv[d].max == ULONG_MAX);

	if (parent->slot > 0 && rs->n + split_child_count(parent, parent->slot - 1) < space) {
		rebal_pull_left(rs, d);
		wr_count(MT_STORE_EV_PUSH_LEFT);
		return true;
	}
	if (parent->slot < parent->end && rs->n + split_child_count(parent, parent->slot + 1) < space) {
		rebal_pull_right(rs, d);
		wr_count(MT_STORE_EV_PUSH_RIGHT);
		return true;
	}
	return false;
}

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
	if (d > 0)
		split_try_push(&rs, d);
	return rebal_run(&rs);
}
