/* rebuild.c - the simple, always-correct fallback write: read every range of the tree, apply the
 * store, build a fresh balanced tree bottom-up and swap it in. O(n) per write, used only where the
 * node algorithms of this version stop (spanning stores, underflow, NULL merging across leaves).
 * Builds the new tree completely before touching the old one, so -ENOMEM changes nothing. */
#include "internal.h"

#include <stdlib.h>

struct rebuild_list {
	struct node_range *r;
	size_t n, cap;
};

static int rebuild_list_push(struct rebuild_list *l, const struct node_range *r, size_t n)
{
	if (l->n + n > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct node_range *p;

		while (cap < l->n + n)
			cap *= 2;
		p = realloc(l->r, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->r = p;
		l->cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		l->r[l->n++] = r[i];
	return 0;
}

/* Append the ranges of the subtree under @enode ([min, max]) to @l, left to right. */
static int rebuild_collect(const struct maple_enode *enode, unsigned long min, unsigned long max,
			   struct rebuild_list *l)
{
	struct node_range r[MAPLE_RANGE64_SLOTS];
	unsigned char n = node_read(enode, min, max, r);

	if (mte_is_leaf(enode))
		return rebuild_list_push(l, r, n);
	for (unsigned char i = 0; i < n; i++) {
		int ret = rebuild_collect(r[i].entry, r[i].first, r[i].last, l);

		if (ret)
			return ret;
	}
	return 0;
}

/* The size of the next group of a level: everything if it fits one node, else an even share of
 * what is left (>= 9), moved by one so that a leaf never ends on NULL. Only the last group (the
 * rightmost node) may be small. */
static size_t rebuild_group(const struct node_range *items, size_t start, size_t count, bool leaf)
{
	size_t left = count - start, nodes, size;

	if (left <= MAPLE_RANGE64_SLOTS)
		return left;
	nodes = (left + MAPLE_RANGE64_SLOTS - 1) / MAPLE_RANGE64_SLOTS;
	size = (left + nodes - 1) / nodes;
	if (leaf && !items[start + size - 1].entry)
		size = size < MAPLE_RANGE64_SLOTS ? size + 1 : size - 1;
	return size;
}

/* Free what a failed build made: the finished groups in @up[0..k) and the unconsumed subtrees
 * of the level below (@items[start..count) unless they are user entries). */
static void rebuild_abort(struct maple_tree *mt, const struct node_range *up, size_t k,
			  const struct node_range *items, size_t start, size_t count, bool leaf)
{
	size_t i;

	for (i = 0; i < k; i++)
		node_free_tree(mt, up[i].entry, up[i].last);
	for (i = start; !leaf && i < count; i++)
		node_free_tree(mt, items[i].entry, items[i].last);
}

/* Build one level: group @items into nodes, describe them in @up; returns the node count or 0
 * on -ENOMEM. @up may be @items (each group writes behind what it reads). */
static size_t rebuild_level(struct maple_tree *mt, const struct node_range *items, size_t count, bool leaf,
			    struct node_range *up)
{
	enum maple_type type = leaf ? maple_leaf_64 : tree_internal_type(mt);
	size_t start = 0, k = 0;

	while (start < count) {
		size_t size = rebuild_group(items, start, count, leaf);
		struct maple_node *node = alloc_node(mt);
		struct maple_enode *enode;
		struct node_range g;

		if (!node) {
			rebuild_abort(mt, up, k, items, start, count, leaf);
			return 0;
		}
		enode = mt_mk_enode(node, type);
		g = (struct node_range){ items[start].first, items[start + size - 1].last, enode };
		node_fill(enode, items + start, (unsigned char)size, g.last);
		up[k++] = g;
		start += size;
	}
	return k;
}

/* Replace the whole tree by the root @root of height @height (NULL, 0: empty). */
static void rebuild_publish(struct maple_tree *mt, struct maple_enode *root, unsigned int height)
{
	void *old = mt->ma_root;

	if (root) {
		node_set_root_parent(mte_to_node(root), mt);
		mt->ma_root = enode_to_root(root);
	} else {
		mt->ma_root = NULL;
	}
	wr_set_height(mt, height);
	if (root_is_node(old))
		node_free_tree(mt, root_to_enode(old), ULONG_MAX);
}

/**
 * rebuild_from_ranges() - make the tree hold exactly the @n ranges @r (consecutive, covering
 * [0, ULONG_MAX], NULL ranges merged); always in node mode unless everything is NULL.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int rebuild_from_ranges(struct maple_tree *mt, const struct node_range *r, size_t n)
{
	struct node_range *up;
	const struct node_range *items = r;
	unsigned int height = 0;
	size_t count = n;

	if (n == 1 && !r[0].entry) {
		rebuild_publish(mt, NULL, 0);
		return 0;
	}
	up = malloc((n / 8 + 2) * sizeof(*up));
	if (!up)
		return -ENOMEM;
	do {
		count = rebuild_level(mt, items, count, height == 0, up);
		if (!count) {
			free(up);
			return -ENOMEM;
		}
		items = up;
		height++;
	} while (count > 1);
	rebuild_publish(mt, up[0].entry, height);
	free(up);
	return 0;
}

/**
 * rebuild_store() - store @entry over [@first, @last] by rebuilding the whole tree.
 * Return: 0 or -ENOMEM (tree unchanged).
 */
int rebuild_store(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	struct rebuild_list all = { 0 };
	struct node_range *out = NULL;
	int ret = rebuild_collect(root_to_enode(mt->ma_root), 0, ULONG_MAX, &all);

	if (!ret) {
		out = malloc((all.n + 2) * sizeof(*out));
		ret = out ? 0 : -ENOMEM;
	}
	if (!ret) {
		size_t n = range_apply(all.r, all.n, first, last, entry, out);

		ret = rebuild_from_ranges(mt, out, n);
	}
	free(out);
	free(all.r);
	return ret;
}
