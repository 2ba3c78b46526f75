/* spanning.c - the spanning store (reference §3.6): a store that crosses leaf boundaries (or a NULL
 * store ending at a leaf's max). The left leaf holds index, the right leaf the first index after the
 * store; their surviving ranges and the new one become the items of a subtree rebuild that drops
 * every leaf in between. A failed allocation leaves the tree unchanged (rebalance.c). */
#include "write.h"

/* The items: the left leaf's ranges, the right leaf's (when it is another leaf), the store applied
 * over them; NULL neighbours merge with a NULL store on both sides, across the leaf boundary too. */
static void spanning_items(struct rebal_state *rs, const struct wr_state *wr)
{
	const struct walk_level *l = &rs->l.lv[rs->l.height - 1], *r = &rs->r.lv[rs->r.height - 1];
	struct node_range in[2 * MAPLE_RANGE64_SLOTS];
	unsigned char n = node_read(l->enode, l->min, l->max, in);

	if (r->enode != l->enode)
		n = (unsigned char)(n + node_read(r->enode, r->min, r->max, in + n));
	rs->n = (unsigned char)range_apply(in, n, wr->index, wr->last, wr->entry, rs->items);
}

/**
 * wr_spanning_store() - store @wr's entry over a range that crosses leaves: rebuild the subtree
 * from the left leaf to the right one, pulling in neighbours where a level comes out short, and
 * publish it with one pointer (or a new root).
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int wr_spanning_store(struct wr_state *wr)
{
	struct rebal_state rs;

	rebal_init(&rs, wr);
	walk_path_down(wr->mt, wr->last == ULONG_MAX ? ULONG_MAX : wr->last + 1, &rs.r);
	spanning_items(&rs, wr);
	return rebal_run(&rs);
}
