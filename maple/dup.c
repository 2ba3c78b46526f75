/* dup.c - mtree_dup / __mt_dup (a node-by-node copy of a tree into an empty one) and the debugging
 * helper mt_same_shape. The copy shares the entries, never the nodes; it must never change the
 * source, and on failure it must leave the destination empty with every copied node freed. */
#include "internal.h"

#include <string.h>

/* Free the copies in slots [0, n) of the internal copy @node (of @type, whose max is @max). */
static void dup_free_children(struct maple_tree *new, struct maple_node *node, enum maple_type type,
			      unsigned char n, unsigned long max)
{
	unsigned char end = ma_data_end(node, type, max);
	unsigned char i;

	for (i = 0; i < n; i++)
		node_free_tree(new, node_slots(node, type)[i], node_slot_max(node, i, end, max));
}

/* Copy the subtree @src (covering up to @max) into nodes of @new; NULL when out of memory (nothing
 * of the copy is left allocated then). The whole node is copied (gaps and metadata included);
 * children get parent pointers into the copy, with the same slot and kind bits as in the source;
 * the caller sets the copy's own parent. */
static struct maple_enode *dup_subtree(struct maple_tree *new, const struct maple_enode *src, unsigned long max,
				       gfp_t gfp)
{
	struct maple_node *node = alloc_node(new, gfp);
	enum maple_type type = mte_type(src);
	void **slots;
	unsigned char end, i;

	if (!node)
		return NULL;
	memcpy(node, mte_to_node(src), sizeof(*node));
	if (mte_is_leaf(src))
		return mt_mk_enode(node, type);
	end = ma_data_end(node, type, max);
	slots = node_slots(node, type);
	for (i = 0; i <= end; i++) {
		const struct maple_node *src_child = mte_to_node(slots[i]);
		struct maple_enode *child = dup_subtree(new, slots[i], node_slot_max(node, i, end, max), gfp);

		if (!child) {
			dup_free_children(new, node, type, i, max);
			alloc_free_node(new, node);
			return NULL;
		}
		mte_to_node(child)->parent = (void *)((uintptr_t)node |
						      ((uintptr_t)src_child->parent & MAPLE_NODE_MASK));
		slots[i] = child;
	}
	return mt_mk_enode(node, type);
}

/**
 * __mt_dup() - copy @mt into the empty tree @new, node by node; the caller holds whatever locks
 * it needs (none are taken here).
 * @mt: the source. @new: an empty tree with the same flags other than the height.
 * @gfp: allocation flags, for every node copied (a failure is not retried).
 *
 * Return: 0 (@new gets @mt's flags, height included); -EINVAL if @new is not empty, is @mt, or the
 * flags differ; -ENOMEM (@new stays empty, nothing leaked).
 */
int __mt_dup(struct maple_tree *mt, struct maple_tree *new, gfp_t gfp)
{
	void *root = mt->ma_root;
	struct maple_enode *copy;

	if (new == mt || !mtree_empty(new) ||
	    (mt->ma_flags & ~MT_FLAGS_HEIGHT_MASK) != (new->ma_flags & ~MT_FLAGS_HEIGHT_MASK))
		return -EINVAL;
	if (!root_is_node(root)) {
		new->ma_flags = mt->ma_flags;
		new->ma_root = root;
		return 0;
	}
	copy = dup_subtree(new, root_to_enode(root), ULONG_MAX, gfp);
	if (!copy)
		return -ENOMEM;
	node_set_root_parent(mte_to_node(copy), new);
	new->ma_flags = mt->ma_flags;
	new->ma_root = enode_to_root(copy);
	return 0;
}

/**
 * mtree_dup() - __mt_dup() under both trees' locks (@new's first).
 * @mt: the source. @new: the empty destination. @gfp: allocation flags.
 *
 * Return: as __mt_dup().
 */
int mtree_dup(struct maple_tree *mt, struct maple_tree *new, gfp_t gfp)
{
	int ret;

	if (new == mt)
		return -EINVAL;
	mtree_lock(new);
	mtree_lock(mt);
	ret = __mt_dup(mt, new, gfp);
	mtree_unlock(mt);
	if (!ret)
		wr_debug_validate(new);
	mtree_unlock(new);
	return ret;
}

/* Same node contents: type, data end, pivots, metadata, gaps (arange_64), parent bits (non-root),
 * leaf entries. */
static bool shape_node_equal(const struct maple_enode *a, const struct maple_enode *b, unsigned long max,
			     bool root)
{
	const struct maple_node *na = mte_to_node(a), *nb = mte_to_node(b);
	enum maple_type type = mte_type(a);
	unsigned char end = ma_data_end(na, type, max);
	unsigned char i;

	if (type != mte_type(b) || end != ma_data_end(nb, type, max))
		return false;
	if (memcmp(na->pivot, nb->pivot, type_pivots(type) * sizeof(na->pivot[0])))
		return false;
	if ((end < MAPLE_RANGE64_SLOTS - 1 || type == maple_arange_64) &&
	    memcmp(node_meta(na, type), node_meta(nb, type), sizeof(na->meta)))
		return false;
	if (type == maple_arange_64 && memcmp(na->ma64.gap, nb->ma64.gap, sizeof(na->ma64.gap)))
		return false;
	if (!root && ((uintptr_t)na->parent & MAPLE_NODE_MASK) != ((uintptr_t)nb->parent & MAPLE_NODE_MASK))
		return false;
	if (!mte_is_leaf(a))
		return true;
	for (i = 0; i <= end; i++)
		if (na->slot[i] != nb->slot[i])
			return false;
	return true;
}

static bool shape_subtree_equal(const struct maple_enode *a, const struct maple_enode *b, unsigned long max,
				bool root)
{
	const struct maple_node *na = mte_to_node(a);
	enum maple_type type = mte_type(a);
	void **sa, **sb;
	unsigned char end, i;

	if (!shape_node_equal(a, b, max, root))
		return false;
	if (mte_is_leaf(a))
		return true;
	end = ma_data_end(na, type, max);
	sa = node_slots(na, type);
	sb = node_slots(mte_to_node(b), type);
	for (i = 0; i <= end; i++)
		if (!shape_subtree_equal(sa[i], sb[i], node_slot_max(na, i, end, max), false))
			return false;
	return true;
}

/**
 * mt_same_shape() - debugging helper: whether @a and @b have the same height and node structure.
 * @a: a tree. @b: another tree. The caller keeps both from changing.
 *
 * Nodes are compared by contents (type, pivots, data end, metadata, parent slot and kind bits,
 * leaf entries), children recursively rather than by address; root entries by value. Flags other
 * than the height are not compared.
 *
 * Return: true when the trees are structurally identical.
 */
bool mt_same_shape(const struct maple_tree *a, const struct maple_tree *b)
{
	if (mt_height(a) != mt_height(b))
		return false;
	if (!root_is_node(a->ma_root) || !root_is_node(b->ma_root))
		return a->ma_root == b->ma_root;
	return shape_subtree_equal(root_to_enode(a->ma_root), root_to_enode(b->ma_root), ULONG_MAX, true);
}
