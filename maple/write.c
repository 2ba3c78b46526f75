/* write.c - the store path: classify a store (wr_classify.c) and run the one algorithm for its
 * type; the small types (root, new root, exact fit, append, slot store, node store) live here.
 * Caller holds the tree lock. Never modifies the tree before every node it needs is allocated. */
#include "write.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_ulong wr_stats[MT_STORE_NR];

static const char *const wr_type_names[MT_STORE_NR] = {
	[MT_STORE_INVALID] = "wr_invalid",
	[MT_STORE_NEW_ROOT] = "wr_new_root",
	[MT_STORE_STORE_ROOT] = "wr_store_root",
	[MT_STORE_EXACT_FIT] = "wr_exact_fit",
	[MT_STORE_SPANNING_STORE] = "wr_spanning_store",
	[MT_STORE_SPLIT_STORE] = "wr_split_store",
	[MT_STORE_REBALANCE] = "wr_rebalance",
	[MT_STORE_APPEND] = "wr_append",
	[MT_STORE_NODE_STORE] = "wr_node_store",
	[MT_STORE_SLOT_STORE] = "wr_slot_store",
	[MT_STORE_EV_PUSH_LEFT] = "push_left",
	[MT_STORE_EV_PUSH_RIGHT] = "push_right",
	[MT_STORE_EV_SPLIT_3WAY] = "split_3way",
	[MT_STORE_EV_ROOT_COLLAPSE] = "root_collapse",
	[MT_STORE_EV_COUSIN_PULL] = "cousin_pull",
	[MT_STORE_EV_BULK] = "bulk_store",
};

/* Count one store of @type (or one event). */
void wr_count(enum maple_store_type type)
{
	atomic_fetch_add_explicit(&wr_stats[type], 1, memory_order_relaxed);
}

/** mt_store_stats() - copy the global per-store-type counters (every tree, since start-up). */
void mt_store_stats(struct mt_store_stats *out)
{
	for (int i = 0; i < MT_STORE_NR; i++)
		out->count[i] = atomic_load_explicit(&wr_stats[i], memory_order_relaxed);
}

/** mt_store_type_name() - the kernel's name of a store type ("wr_split_store"), or an event's. */
const char *mt_store_type_name(enum maple_store_type t)
{
	return (unsigned int)t < MT_STORE_NR ? wr_type_names[t] : "wr_unknown";
}

/* Record @height in the tree flags (bits 2-6). */
void wr_set_height(struct maple_tree *mt, unsigned int height)
{
	tree_set_flags(mt, (mt->ma_flags & ~MT_FLAGS_HEIGHT_MASK) |
			   ((height << MT_FLAGS_HEIGHT_OFFSET) & MT_FLAGS_HEIGHT_MASK));
}

/* The one place debug builds check the whole tree after a write. */
void wr_debug_validate(struct maple_tree *mt)
{
#ifdef MAPLE_DEBUG
	mt_validate(mt);
#else
	(void)mt;
#endif
}

/* Debug builds: every write holds the tree's lock (internal, or the declared external one). */
void wr_debug_locked(struct maple_tree *mt)
{
#ifdef MAPLE_DEBUG
	if (!mt_lock_is_held(mt)) {
		fprintf(stderr, "maple: a write to tree %p without its %s lock held\n", (void *)mt,
			mt_external_lock(mt) ? "external" : "internal");
		abort();
	}
#else
	(void)mt;
#endif
}

/* Make @root (NULL: none) the tree's root node at @height; the caller frees the old nodes after. */
void wr_publish_root(struct maple_tree *mt, struct maple_enode *root, unsigned int height)
{
	if (root) {
		node_set_root_parent(mte_to_node(root), mt);
		node_publish(&mt->ma_root, enode_to_root(root));
	} else {
		node_publish(&mt->ma_root, NULL);
	}
	wr_set_height(mt, root ? height : 0);
}

/* A one-leaf tree holding the @n ranges @r (the old root, if a node, is the caller's to free). */
static int wr_leaf_root(struct maple_tree *mt, const struct node_range *r, unsigned char n, gfp_t gfp)
{
	struct maple_node *node = alloc_node(mt, gfp);
	struct maple_enode *leaf;

	if (!node)
		return -ENOMEM;
	leaf = mt_mk_enode(node, maple_leaf_64);
	node_fill(leaf, r, n, ULONG_MAX);
	wr_publish_root(mt, leaf, 1);
	return 0;
}

/* Store into an empty or root-entry tree (docs/semantics.md, mode transitions): keep a root
 * entry, empty the tree, or expand into a one-leaf tree. */
static int wr_store_root(struct wr_state *wr)
{
	struct maple_tree *mt = wr->mt;
	struct node_range base[2], out[4];
	size_t n = 0;

	if (!wr->entry) {
		if (wr->index == 0)
			node_publish(&mt->ma_root, NULL);
		return 0;
	}
	if (wr->index == 0 && wr->last == 0 && !xa_is_internal(wr->entry)) {
		node_publish(&mt->ma_root, wr->entry);
		return 0;
	}
	if (mt->ma_root) {
		base[n++] = (struct node_range){ 0, 0, mt->ma_root };
		base[n++] = (struct node_range){ 1, ULONG_MAX, NULL };
	} else {
		base[n++] = (struct node_range){ 0, ULONG_MAX, NULL };
	}
	n = range_apply(base, n, wr->index, wr->last, wr->entry, out);
	return wr_leaf_root(mt, out, (unsigned char)n, wr->gfp);
}

/* [0, ULONG_MAX] (or a NULL store that became it): a one-slot leaf, or the empty tree. */
static int wr_new_root(struct wr_state *wr)
{
	struct maple_tree *mt = wr->mt;
	struct maple_enode *old = root_to_enode(mt->ma_root);
	struct node_range all = { 0, ULONG_MAX, wr->entry };

	if (!wr->entry)
		wr_publish_root(mt, NULL, 0);
	else if (wr_leaf_root(mt, &all, 1, wr->gfp))
		return -ENOMEM;
	rcu_retire_tree(mt, old, ULONG_MAX);   /* a leaf root dies too: readers may sit in it */
	return 0;
}

/* The store replaces exactly one range: one slot pointer changes. */
static int wr_exact_fit(struct wr_state *wr)
{
	node_publish(&mte_to_node(wr_leaf(wr)->enode)->slot[wr->offset], wr->entry);
	return 0;
}

/* The ranges that replace leaf slots offset..offset_end; returns how many (1..3). */
static unsigned char wr_replacement(struct wr_state *wr, struct node_range *out)
{
	struct walk_level *leaf = wr_leaf(wr);
	struct node_range cur[MAPLE_RANGE64_SLOTS];

	node_read(leaf->enode, leaf->min, leaf->max, cur);
	return (unsigned char)range_apply(cur + wr->offset, wr->offset_end - wr->offset + 1u, wr->index,
					  wr->last, wr->entry, out);
}

/* The store touches the leaf's last slot: write the new slots from there on, past the old end. */
static int wr_append(struct wr_state *wr)
{
	struct node_range out[3];
	unsigned char k = wr_replacement(wr, out);

	node_write_slots(mte_to_node(wr_leaf(wr)->enode), wr->offset, out, k,
			 (unsigned char)(wr->offset + k - 1));
	return 0;
}

/* The slot count stays: rewrite the touched slots and their pivots in place. */
static int wr_slot_store(struct wr_state *wr)
{
	struct node_range out[3];
	unsigned char k = wr_replacement(wr, out);

	node_write_slots(mte_to_node(wr_leaf(wr)->enode), wr->offset, out, k, wr->end);
	return 0;
}

/* RCU mode: the leaf's new contents go into a new node that takes its place in the parent (or
 * the root); the old leaf dies. The path then names the new leaf, for the gap update. */
static int wr_node_replace(struct wr_state *wr, const struct node_range *r, unsigned char n)
{
	struct walk_level *leaf = wr_leaf(wr);
	struct maple_node *node = alloc_node(wr->mt, wr->gfp), *old = mte_to_node(leaf->enode);
	struct maple_enode *old_enode = leaf->enode;
	struct maple_enode *enode;

	if (!node)
		return -ENOMEM;
	enode = mt_mk_enode(node, maple_leaf_64);
	node->parent = old->parent;
	node_fill(enode, r, n, leaf->max);
	if (wr->path.height == 1) {
		wr_publish_root(wr->mt, enode, 1);
	} else {
		const struct walk_level *pl = &wr->path.lv[wr->path.height - 2];

		node_publish(&node_slots(mte_to_node(pl->enode), mte_type(pl->enode))[pl->slot], enode);
	}
	rcu_retire_node(wr->mt, old_enode);
	leaf->enode = enode;
	return 0;
}

/* Anything else that fits the leaf: build its new contents aside and copy them in (in RCU mode,
 * into a new node). */
static int wr_node_store(struct wr_state *wr)
{
	struct walk_level *leaf = wr_leaf(wr);
	struct node_range in[MAPLE_RANGE64_SLOTS], out[MAPLE_RANGE64_SLOTS + 2];
	unsigned char n = node_read(leaf->enode, leaf->min, leaf->max, in);

	n = (unsigned char)range_apply(in, n, wr->index, wr->last, wr->entry, out);
	if (mt_in_rcu(wr->mt))
		return wr_node_replace(wr, out, n);
	node_fill(leaf->enode, out, n, leaf->max);
	return 0;
}

/* The store types that change the leaf in place: its parents' gaps need bringing up to date. The
 * others build new nodes, whose gaps are computed as they are filled. */
static bool wr_in_place(enum maple_store_type type)
{
	return type == MT_STORE_EXACT_FIT || type == MT_STORE_APPEND || type == MT_STORE_SLOT_STORE ||
	       type == MT_STORE_NODE_STORE;
}

static int wr_run(struct wr_state *wr)
{
	switch (wr->type) {
	case MT_STORE_STORE_ROOT:
		return wr_store_root(wr);
	case MT_STORE_NEW_ROOT:
		return wr_new_root(wr);
	case MT_STORE_EXACT_FIT:
		return wr_exact_fit(wr);
	case MT_STORE_APPEND:
		return wr_append(wr);
	case MT_STORE_SLOT_STORE:
		return wr_slot_store(wr);
	case MT_STORE_NODE_STORE:
		return wr_node_store(wr);
	case MT_STORE_SPLIT_STORE:
		return wr_split_store(wr);
	case MT_STORE_REBALANCE:
		return wr_rebalance(wr);
	case MT_STORE_SPANNING_STORE:
		return wr_spanning_store(wr);
	default:
		return -EINVAL;
	}
}

/**
 * wr_store() - store @entry over [*@first, *@last] (first <= last); the caller holds the lock and
 * has already refused advanced entries. @gfp: for the nodes it allocates (never retried here).
 * *@first and *@last become the range really written (a NULL store takes in its NULL neighbours),
 * also when the store fails.
 * Return: 0 or -ENOMEM (the tree is then unchanged, every node allocated for it freed).
 */
int wr_store(struct maple_tree *mt, unsigned long *first, unsigned long *last, void *entry, gfp_t gfp)
{
	return wr_store_old(mt, first, last, entry, gfp, NULL);
}

/** wr_store_old() - wr_store(), and *@old (if not NULL) := the raw entry the range holding *@first
 * had before (what mas_store returns), read on the store's own walk. */
int wr_store_old(struct maple_tree *mt, unsigned long *first, unsigned long *last, void *entry, gfp_t gfp,
		 void **old)
{
	struct wr_state wr = { .mt = mt, .index = *first, .last = *last, .entry = entry, .gfp = gfp };
	int ret;

	wr_debug_locked(mt);
	wr_classify(&wr);
	if (old)
		*old = wr.old;
	*first = wr.index;       /* a NULL store widened over its NULL neighbours, as the kernel's */
	*last = wr.last;         /* write walk widens mas->index/last */
	ret = wr_run(&wr);
	if (!ret && wr_in_place(wr.type))
		gap_update_up(mt, wr_leaf(&wr)->enode, wr_leaf(&wr)->min, wr_leaf(&wr)->max);
	if (!ret)
		wr_count(wr.type);
	if (!ret && wr_in_bulk(mt))
		wr_count(MT_STORE_EV_BULK);
	return ret;
}

/**
 * mas_expected_entries() - enter bulk mode for about @nr_entries in-order stores (meant for an
 * empty, non-RCU tree): splits become left-heavy until mas_destroy(). Nodes are allocated per
 * store (a failed store still leaves the tree unchanged), so nothing is reserved here, and since
 * bulk mode only changes where nodes split, any tree stays valid in it.
 * @mas: the state the stores will use; the caller holds the tree lock.
 *
 * Return: 0.
 */
int mas_expected_entries(struct ma_state *mas, unsigned long nr_entries)
{
	(void)nr_entries;
	mas->mas_flags |= WR_MAS_BULK;
	tree_set_flags(mas->tree, mas->tree->ma_flags | WR_MT_FLAGS_BULK);
	return 0;
}

/**
 * mas_destroy() - release the nodes mas_preallocate() reserved, and end bulk mode (if @mas started it).
 * @mas: the state; the caller holds the tree lock.
 *
 * Left-heavy splits give the right node exactly the minimum and rebalancing stays on in bulk mode,
 * so no node is left below the minimum and there is nothing to fix here.
 */
void mas_destroy(struct ma_state *mas)
{
	prealloc_release(mas);
	if (!(mas->mas_flags & WR_MAS_BULK))
		return;
	mas->mas_flags &= (unsigned char)~WR_MAS_BULK;
	tree_set_flags(mas->tree, mas->tree->ma_flags & ~WR_MT_FLAGS_BULK);
	wr_debug_validate(mas->tree);
}
