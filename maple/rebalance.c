/* rebalance.c - the subtree rebuild behind split, rebalance and spanning stores (reference §3.4-3.6):
 * new nodes level by level from the leaves up, neighbours pulled in when a level is short, one pointer
 * (or the root) replaced at the top, then the old nodes freed. Also the rebalance store itself.
 * Nodes are allocated as the rebuild needs them; nothing reachable changes until every one is there,
 * so a failed allocation frees the new nodes and leaves the tree as it was. */
#include "write.h"

#include <stdlib.h>
#include <string.h>

static void rebal_bug(const char *what)
{
	fprintf(stderr, "maple: rebalance: %s\n", what);
	abort();
}

/** rebal_init() - a rebuild whose left and right paths both start as @wr's path. */
void rebal_init(struct rebal_state *rs, struct wr_state *wr)
{
	rs->mt = wr->mt;
	rs->gfp = wr->gfp;
	rs->l = wr->path;
	rs->r = wr->path;
	rs->n = 0;
	rs->fresh_n = 0;
}

/* The node type of level @d of the rebuild: leaves at the bottom, the tree's internal type above. */
static enum maple_type rebal_type(const struct rebal_state *rs, unsigned char d)
{
	return d + 1 == rs->l.height ? maple_leaf_64 : tree_internal_type(rs->mt);
}

/* A new node of @type filled with the @n @items ending at @max; NULL when out of memory. Its
 * children keep their parents until rebal_adopt(). */
static struct maple_enode *rebal_new_node(struct rebal_state *rs, enum maple_type type,
					  const struct node_range *items, unsigned char n, unsigned long max)
{
	struct maple_node *node;
	struct maple_enode *enode;

	if (rs->fresh_n == REBAL_NEW_MAX)
		rebal_bug("too many new nodes");
	node = alloc_node_raw(rs->mt, rs->gfp);
	if (!node)
		return NULL;
	node->parent = NULL;         /* node_fill_ranges keeps it; the parent sets it when adopting */
	enode = mt_mk_enode(node, type);
	node_fill_ranges(enode, items, n, max);
	rs->fresh[rs->fresh_n] = enode;
	rs->fresh_count[rs->fresh_n++] = n;
	return enode;
}

/* Every new node is there: the new internal nodes adopt their children (old ones too), just
 * before the new subtree is published. */
static void rebal_adopt(struct rebal_state *rs)
{
	for (unsigned char i = 0; i < rs->fresh_n; i++)
		node_adopt_children(rs->fresh[i], rs->fresh_count[i]);
}

/* An allocation failed: the new nodes were never reachable, so they go at once. */
static int rebal_unwind(struct rebal_state *rs)
{
	while (rs->fresh_n)
		alloc_free_node(rs->mt, mte_to_node(rs->fresh[--rs->fresh_n]));
	return -ENOMEM;
}

/* Fill path level @d+1.. down to @to from the slot chosen at level @d, along the left edge
 * (@right false) or the right edge. */
static void rebal_descend(struct walk_path *p, unsigned char d, unsigned char to, bool right)
{
	for (; d < to; d++) {
		const struct walk_level *lv = &p->lv[d];
		const struct maple_node *node = mte_to_node(lv->enode);
		struct walk_level *next = &p->lv[d + 1];

		next->enode = node_slots(node, mte_type(lv->enode))[lv->slot];
		next->min = node_slot_min(node, lv->slot, lv->min);
		next->max = node_slot_max(node, lv->slot, lv->end, lv->max);
		next->end = ma_data_end(mte_to_node(next->enode), mte_type(next->enode), next->max);
		next->slot = right ? next->end : 0;
	}
}

static void rebal_add_event(struct rebal_state *rs, unsigned char d, unsigned char a)
{
	(void)rs;
	if (a + 1 < d)
		wr_count(MT_STORE_EV_COUSIN_PULL);    /* the neighbour has another parent */
}

/** rebal_pull_right() - take the whole node right of the span at level @d into the items. */
void rebal_pull_right(struct rebal_state *rs, unsigned char d)
{
	struct walk_path *p = &rs->r;
	int a = d - 1;

	while (a >= 0 && p->lv[a].slot >= p->lv[a].end)
		a--;
	if (a < 0)
		rebal_bug("no right neighbour");
	p->lv[a].slot++;
	rebal_descend(p, (unsigned char)a, d, false);
	if (rs->n + MAPLE_RANGE64_SLOTS > REBAL_MAX_ITEMS)
		rebal_bug("items overflow");
	rs->n += node_read(p->lv[d].enode, p->lv[d].min, p->lv[d].max, rs->items + rs->n);
	rebal_add_event(rs, d, (unsigned char)a);
}

/** rebal_pull_left() - take the whole node left of the span at level @d into the items. */
void rebal_pull_left(struct rebal_state *rs, unsigned char d)
{
	struct walk_path *p = &rs->l;
	struct node_range r[MAPLE_RANGE64_SLOTS];
	unsigned char k;
	int a = d - 1;

	while (a >= 0 && p->lv[a].slot == 0)
		a--;
	if (a < 0)
		rebal_bug("no left neighbour");
	p->lv[a].slot--;
	rebal_descend(p, (unsigned char)a, d, true);
	k = node_read(p->lv[d].enode, p->lv[d].min, p->lv[d].max, r);
	if (rs->n + k > REBAL_MAX_ITEMS)
		rebal_bug("items overflow");
	memmove(rs->items + k, rs->items, rs->n * sizeof(rs->items[0]));
	memcpy(rs->items, r, k * sizeof(r[0]));
	rs->n += k;
	rebal_add_event(rs, d, (unsigned char)a);
}

/* Two nodes of @type take fewer items than this in a push (each keeps room to grow); at the right
 * edge of the tree, where in-order appends keep coming and the left node is packed (rebal_group),
 * only the right one needs the room. */
static unsigned int rebal_push_space(enum maple_type type, unsigned long max)
{
	return 2u * type_slots(type) - (max == ULONG_MAX ? 2u : 3u);
}

/* The number of items in the child at slot @slot of path level @lv. */
static unsigned char rebal_child_count(const struct walk_level *lv, unsigned char slot)
{
	const struct maple_node *node = mte_to_node(lv->enode);
	unsigned long max = node_slot_max(node, slot, lv->end, lv->max);
	const struct maple_enode *child = node_slots(node, mte_type(lv->enode))[slot];

	return (unsigned char)(ma_data_end(mte_to_node(child), mte_type(child), max) + 1);
}

/* Level @d is one node (not the root) that would split: take in its left, else its right sibling
 * instead when the two fit in two nodes with room to spare (two nodes replace two, and the parent
 * keeps its size), as the kernel's push does at every level. True if it did. */
static bool rebal_try_push(struct rebal_state *rs, unsigned char d, enum maple_type type)
{
	const struct walk_level *parent = &rs->l.lv[d - 1];
	unsigned int space = rebal_push_space(type, rs->l.lv[d].max);

	if (parent->slot > 0 && rs->n + rebal_child_count(parent, parent->slot - 1) < space) {
		rebal_pull_left(rs, d);
		wr_count(MT_STORE_EV_PUSH_LEFT);
		return true;
	}
	if (parent->slot < parent->end && rs->n + rebal_child_count(parent, parent->slot + 1) < space) {
		rebal_pull_right(rs, d);
		wr_count(MT_STORE_EV_PUSH_RIGHT);
		return true;
	}
	return false;
}

/* The size of the next node of a level of @type: all of the rest if it fits one node, else an even
 * share (above the minimum), moved by one so that a leaf never ends on NULL (NULLs are never
 * adjacent). Where in-order stores go on (bulk mode, and the right edge of the tree, where appends
 * land) a two-way split packs the left node instead: one short of full (room for one more range
 * in place), or as full as leaves the right node its minimum. */
static unsigned char rebal_group(const struct node_range *items, unsigned char start, unsigned char count,
				 enum maple_type type, bool pack_left)
{
	unsigned char left = (unsigned char)(count - start), nodes, size;
	unsigned char slots = type_slots(type), min_end = type_min_end(type);

	if (left <= slots)
		return left;
	nodes = (unsigned char)((left + slots - 1) / slots);
	size = (unsigned char)((left + nodes - 1) / nodes);
	if (pack_left && left <= 2 * slots) {
		size = (unsigned char)(left - min_end - 1);
		if (size > slots - 1)
			size = (unsigned char)(slots - 1);
	}
	if (type == maple_leaf_64 && !items[start + size - 1].entry)
		size = (unsigned char)(size < slots && !pack_left ? size + 1 : size - 1);
	return size;
}

/* Build the nodes of level @d from the items into @out (their ranges); returns how many, or 0
 * when out of memory. */
static unsigned char rebal_build(struct rebal_state *rs, unsigned char d, struct node_range *out)
{
	enum maple_type type = rebal_type(rs, d);
	bool pack_left = wr_in_bulk(rs->mt) || rs->r.lv[d].max == ULONG_MAX;
	unsigned char start = 0, k = 0;

	while (start < rs->n) {
		unsigned char size = rebal_group(rs->items, start, rs->n, type, pack_left);
		unsigned long last = rs->items[start + size - 1].last;
		struct maple_enode *enode;

		if (k == REBAL_MAX_MADE)
			rebal_bug("too many nodes on one level");
		enode = rebal_new_node(rs, type, rs->items + start, size, last);
		if (!enode)
			return 0;
		out[k++] = (struct node_range){ rs->items[start].first, last, enode };
		start = (unsigned char)(start + size);
	}
	if (k >= 3)
		wr_count(MT_STORE_EV_SPLIT_3WAY);
	return k;
}

/* The items of level @d - 1: the left parent's slots before the span, the @k new nodes, the right
 * parent's slots after it. */
static void rebal_ascend(struct rebal_state *rs, unsigned char d, const struct node_range *made, unsigned char k)
{
	const struct walk_level *pl = &rs->l.lv[d - 1], *pr = &rs->r.lv[d - 1];
	struct node_range cur[MAPLE_RANGE64_SLOTS];
	unsigned char n, i;

	n = node_read(pl->enode, pl->min, pl->max, cur);
	rs->n = 0;
	for (i = 0; i < pl->slot; i++)
		rs->items[rs->n++] = cur[i];
	for (i = 0; i < k; i++)
		rs->items[rs->n++] = made[i];
	if (pr->enode != pl->enode)
		n = node_read(pr->enode, pr->min, pr->max, cur);
	for (i = (unsigned char)(pr->slot + 1); i < n; i++)
		rs->items[rs->n++] = cur[i];
}

/* Free the old node @enode ([min, max], level @d) and the old nodes under it that the rebuild
 * replaced: a child is replaced when its range lies inside the span of its level. */
static void rebal_free_old(struct rebal_state *rs, struct maple_enode *enode, unsigned long min,
			   unsigned long max, unsigned char d)
{
	struct node_range r[MAPLE_RANGE64_SLOTS];
	unsigned char n = 0;

	if (!mte_is_leaf(enode))
		n = node_read(enode, min, max, r);
	rcu_retire_node(rs->mt, enode);    /* top down: a parent dies before its children */
	for (unsigned char i = 0; i < n; i++) {
		if (r[i].first >= rs->span_min[d + 1] && r[i].last <= rs->span_max[d + 1])
			rebal_free_old(rs, r[i].entry, r[i].first, r[i].last, (unsigned char)(d + 1));
	}
}

/* Level @d covers the whole key space: its items become the new root (one node, a node over
 * several, the single child itself, or nothing when all is NULL). Return: 0 or -ENOMEM. */
static int rebal_new_root(struct rebal_state *rs, unsigned char d)
{
	struct maple_enode *old = root_to_enode(rs->mt->ma_root);
	unsigned int h = rs->l.height, height = h - d;
	bool leaf = d + 1u == h;
	enum maple_type type = rebal_type(rs, d);
	struct maple_enode *root = NULL;

	if (leaf && rs->n == 1 && !rs->items[0].entry) {
		height = 0;                       /* everything is NULL: the tree empties */
	} else if (!leaf && rs->n == 1) {
		root = rs->items[0].entry;        /* a root with one child is that child */
		height--;
	} else if (rs->n <= type_slots(type)) {
		root = rebal_new_node(rs, type, rs->items, rs->n, ULONG_MAX);
		if (!root)
			return -ENOMEM;
	} else {
		struct node_range made[REBAL_MAX_MADE];
		unsigned char k = rebal_build(rs, d, made);

		if (!k)
			return -ENOMEM;
		root = rebal_new_node(rs, tree_internal_type(rs->mt), made, k, ULONG_MAX);
		if (!root)
			return -ENOMEM;
		height++;
	}
	if (height < h)
		wr_count(MT_STORE_EV_ROOT_COLLAPSE);
	rebal_adopt(rs);
	wr_publish_root(rs->mt, root, height);
	for (unsigned char i = 0; i <= d; i++) {
		rs->span_min[i] = 0;
		rs->span_max[i] = ULONG_MAX;
	}
	rebal_free_old(rs, old, 0, ULONG_MAX, 0);
	return 0;
}

/* Level @d is one node whose new contents fit: a new node takes its place in the parent, whose
 * gaps (and its ancestors') are brought up to date. Return: 0 or -ENOMEM. */
static int rebal_replace_one(struct rebal_state *rs, unsigned char d)
{
	const struct walk_level *lv = &rs->l.lv[d], *pl = &rs->l.lv[d - 1];
	struct maple_enode *enode = rebal_new_node(rs, rebal_type(rs, d), rs->items, rs->n, lv->max);
	struct maple_node *parent = mte_to_node(pl->enode);

	if (!enode)
		return -ENOMEM;
	rebal_adopt(rs);
	node_set_parent(mte_to_node(enode), parent, pl->slot);
	node_publish(&node_slots(parent, mte_type(pl->enode))[pl->slot], enode);
	gap_update_up(rs->mt, enode, lv->min, lv->max);
	rebal_free_old(rs, lv->enode, lv->min, lv->max, d);
	return 0;
}

/**
 * rebal_run() - rebuild from the leaves up: the items (the new contents of the leaves from rs->l's
 * to rs->r's) become new nodes, then their parents' new contents, and so on, until one node replaces
 * one node or a new root is made. Levels short of the minimum pull in their right neighbour (the
 * left one at the right edge); a node that would split pushes into a sibling if one has room.
 * Return: 0, or -ENOMEM with the tree unchanged.
 */
int rebal_run(struct rebal_state *rs)
{
	struct node_range made[REBAL_MAX_MADE];
	unsigned char d = (unsigned char)(rs->l.height - 1), k;
	int ret;

	for (;;) {
		const struct walk_level *l = &rs->l.lv[d], *r = &rs->r.lv[d];
		enum maple_type type = rebal_type(rs, d);

		rs->span_min[d] = l->min;
		rs->span_max[d] = r->max;
		if (l->min == 0 && r->max == ULONG_MAX) {
			ret = rebal_new_root(rs, d);
			break;
		}
		if (rs->n <= type_min_end(type) && r->max != ULONG_MAX) {
			rebal_pull_right(rs, d);
			continue;
		}
		if (l->enode == r->enode && rs->n <= type_slots(type)) {
			ret = rebal_replace_one(rs, d);
			break;
		}
		if (l->enode == r->enode && rebal_try_push(rs, d, type))
			continue;
		k = rebal_build(rs, d, made);
		if (!k) {
			ret = -ENOMEM;
			break;
		}
		rebal_ascend(rs, d, made, k);
		d--;
	}
	return ret ? rebal_unwind(rs) : 0;
}

/**
 * wr_rebalance() - the leaf of @wr would end below the minimum: combine its new contents with the
 * right sibling (the left one when it is the last child) and rebuild upwards.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int wr_rebalance(struct wr_state *wr)
{
	struct rebal_state rs;
	unsigned char d = (unsigned char)(wr->path.height - 1);
	const struct walk_level *leaf = &wr->path.lv[d], *parent = &wr->path.lv[d - 1];
	struct node_range in[MAPLE_RANGE64_SLOTS];
	unsigned char n;

	rebal_init(&rs, wr);
	n = node_read(leaf->enode, leaf->min, leaf->max, in);
	rs.n = (unsigned char)range_apply(in, n, wr->index, wr->last, wr->entry, rs.items);
	if (parent->slot < parent->end)
		rebal_pull_right(&rs, d);
	else
		rebal_pull_left(&rs, d);
	return rebal_run(&rs);
}
