/* split.c - a leaf that overflows splits in two; the parent takes the new child and splits in turn
 * when it overflows, up to a new root. All nodes are allocated before anything changes, so -ENOMEM
 * leaves the tree as it was. Caller holds the tree lock; non-RCU only (nodes change in place). */
#include "internal.h"

struct split_pool {
	struct maple_node *node[MAPLE_HEIGHT_MAX + 1];
	unsigned char count;
};

/* How many new nodes the split needs: one per level that overflows, plus a new root if the root
 * overflows. A level overflows when its child split and it was already full. */
static unsigned char split_nodes_needed(const struct walk_path *path)
{
	int d = path->height - 1;
	unsigned char need = 1;

	while (d > 0 && path->lv[d - 1].end == MAPLE_RANGE64_SLOTS - 1) {
		need++;
		d--;
	}
	if (d == 0)
		need++;
	return need;
}

static int split_pool_fill(struct maple_tree *mt, struct split_pool *pool, unsigned char need)
{
	pool->count = 0;
	while (pool->count < need) {
		struct maple_node *node = alloc_node(mt);

		if (!node) {
			while (pool->count)
				alloc_free_node(mt, pool->node[--pool->count]);
			return -ENOMEM;
		}
		pool->node[pool->count++] = node;
	}
	return 0;
}

/* How many of the @n ranges go left: about half, and a leaf never ends on NULL (NULL ranges are
 * never adjacent, so moving the split by one fixes it). Both halves keep >= 7 ranges. */
static unsigned char split_point(const struct node_range *r, unsigned char n, bool leaf)
{
	unsigned char left = (unsigned char)((n + 1) / 2);

	if (leaf && !r[left - 1].entry)
		left = left < MAPLE_RANGE64_SLOTS ? left + 1 : left - 1;
	return left;
}

/* The root split: a new root above the two halves; the tree grows by one level. */
static void split_new_root(struct maple_tree *mt, struct split_pool *pool, const struct walk_path *path,
			   struct maple_enode *left, struct maple_enode *right, unsigned long left_max)
{
	struct maple_node *node = pool->node[--pool->count];
	struct maple_enode *root = mt_mk_enode(node, tree_internal_type(mt));
	struct node_range r[2] = {
		{ 0, left_max, left },
		{ left_max + 1, ULONG_MAX, right },
	};

	node_fill(root, r, 2, ULONG_MAX);
	node_set_root_parent(node, mt);
	mt->ma_root = enode_to_root(root);
	wr_set_height(mt, path->height + 1u);
}

/* The parent's ranges with slot @ps cut in two: @left up to @left_max, then @right. */
static unsigned char split_parent_ranges(const struct walk_level *parent, struct maple_enode *left,
					 struct maple_enode *right, unsigned long left_max, struct node_range *out)
{
	struct node_range cur[MAPLE_RANGE64_SLOTS];
	unsigned char n = node_read(parent->enode, parent->min, parent->max, cur);
	unsigned char i, k = 0, ps = parent->slot;

	for (i = 0; i < n; i++) {
		if (i != ps) {
			out[k++] = cur[i];
			continue;
		}
		out[k++] = (struct node_range){ cur[i].first, left_max, left };
		out[k++] = (struct node_range){ left_max + 1, cur[i].last, right };
	}
	return k;
}

/**
 * split_store() - give the leaf at the bottom of @path the @n (17 or 18) ranges @items by
 * splitting it, and its ancestors as needed.
 * Return: 0 or -ENOMEM (nothing changed).
 */
int split_store(struct maple_tree *mt, struct walk_path *path, struct node_range *items, unsigned char n)
{
	struct node_range buf[MAPLE_RANGE64_SLOTS + 2];
	struct split_pool pool;
	int d = path->height - 1;

	if (split_pool_fill(mt, &pool, split_nodes_needed(path)))
		return -ENOMEM;
	for (;;) {
		struct walk_level *lv = &path->lv[d];
		bool leaf = mte_is_leaf(lv->enode);
		unsigned char left;
		struct maple_enode *right;
		unsigned long left_max;

		if (n <= MAPLE_RANGE64_SLOTS) {
			node_fill(lv->enode, items, n, lv->max);
			break;
		}
		left = split_point(items, n, leaf);
		left_max = items[left - 1].last;
		right = mt_mk_enode(pool.node[--pool.count], mte_type(lv->enode));
		node_fill(right, items + left, (unsigned char)(n - left), lv->max);
		node_fill(lv->enode, items, left, left_max);
		if (d == 0) {
			split_new_root(mt, &pool, path, lv->enode, right, left_max);
			break;
		}
		n = split_parent_ranges(&path->lv[d - 1], lv->enode, right, left_max, buf);
		items = buf;
		d--;
	}
	return 0;
}
