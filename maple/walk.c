/* walk.c - read walks: from the root down to the leaf holding an index (mas_walk), and from one leaf
 * to its neighbour by ascending through parent pointers and descending along the near edge.
 * Never writes a node; only the maple state changes. */
#include "internal.h"

/* Record the path from the root to the leaf holding @index: each level's node, limits, end and the
 * slot taken. False when the tree is not in node mode (a writer holding the lock never sees that; a
 * lockless reader may, when a writer emptied the tree or left only a root entry meanwhile). */
bool walk_path_down(const struct maple_tree *mt, unsigned long index, struct walk_path *path)
{
	struct maple_enode *enode;
	unsigned long min, max;
	unsigned char d;
	void *root;

restart:
	root = tree_root(mt);
	if (!root_is_node(root))
		return false;
	enode = root_to_enode(root);
	node_prefetch(enode);
	min = 0;
	max = ULONG_MAX;
	d = 0;
	for (;;) {
		struct maple_node *node = mte_to_node(enode);
		enum maple_type type = mte_type(enode);
		struct walk_level *lv = &path->lv[d];

		lv->enode = enode;
		lv->min = min;
		lv->max = max;
		lv->end = ma_data_end(node, type, max);
		lv->slot = node_find_slot(node, index, lv->end);
		if (mte_is_leaf(enode))
			break;
		min = node_slot_min(node, lv->slot, min);
		max = node_slot_max(node, lv->slot, lv->end, max);
		enode = __atomic_load_n(&node_slots(node, type)[lv->slot], __ATOMIC_ACQUIRE);
		node_prefetch(enode);
		if (node_is_dead(node))
			goto restart;      /* RCU: replaced while we read it; what we read may be clobbered */
		d++;
	}
	path->height = (unsigned char)(d + 1);
	return true;
}

/* Point the state at the leaf level @lv (slot @offset) of a path; [index, last] := that slot. */
static void *walk_set_leaf(struct ma_state *mas, const struct walk_level *lv, unsigned char depth,
			   unsigned char offset)
{
	const struct maple_node *node = mte_to_node(lv->enode);

	mas->node = lv->enode;
	mas->min = lv->min;
	mas->max = lv->max;
	mas->end = lv->end;
	mas->depth = depth;
	mas->offset = offset;
	mas->index = node_slot_min(node, offset, lv->min);
	mas->last = node_slot_max(node, offset, lv->end, lv->max);
	return __atomic_load_n(&((struct maple_node *)node)->slot[offset], __ATOMIC_ACQUIRE);
}

/* Descend to the leaf holding mas->index; the state describes that range and *@entry is its entry.
 * The status is left alone. False, with mas->node NULL and index/last kept, when the tree is no
 * longer in node mode (RCU readers only). */
bool walk_leaf(struct ma_state *mas, void **entry)
{
	struct walk_path path;
	const struct walk_level *leaf;
	unsigned long index = mas->index, last = mas->last;

	do {
		if (!walk_path_down(mas->tree, index, &path)) {
			mas->node = NULL;
			mas->index = index;    /* a dead leaf read before may have moved them */
			mas->last = last;
			return false;
		}
		leaf = &path.lv[path.height - 1];
		*entry = walk_set_leaf(mas, leaf, (unsigned char)(path.height - 1), leaf->slot);
	} while (node_is_dead(mte_to_node(leaf->enode)));   /* RCU: replaced while we read it */
	return true;
}

/* Rebuild the path from the root to the state's leaf by following parent pointers up, then the
 * limits of each level top-down (the root covers [0, ULONG_MAX]). Returns the leaf's level, or -1
 * when the way up is broken by a writer (RCU): a dead node, or a new parent not linked in yet. */
static int walk_path_up(const struct ma_state *mas, struct walk_path *path)
{
	struct maple_enode *chain[MAPLE_HEIGHT_MAX];
	unsigned char slots[MAPLE_HEIGHT_MAX];
	struct maple_enode *enode = mas->node;
	enum maple_type itype = tree_internal_type(mas->tree);
	unsigned char n = 0, d;
	unsigned long min = 0, max = ULONG_MAX;

	for (;;) {
		struct maple_node *node = mte_to_node(enode);
		uintptr_t parent = (uintptr_t)__atomic_load_n(&node->parent, __ATOMIC_ACQUIRE);
		struct maple_node *up = (struct maple_node *)(parent & ~MAPLE_NODE_MASK);

		chain[n] = enode;
		if (up == node || n + 1 == MAPLE_HEIGHT_MAX)
			return -1;    /* dead (RCU): replaced since the state was positioned */
		if (parent & MAPLE_PARENT_ROOT)
			break;
		if (!up)
			return -1;    /* RCU: adopted by a new node a writer has not linked up yet */
		slots[n] = (unsigned char)((parent & MAPLE_PARENT_SLOT_MASK) >> MAPLE_PARENT_SLOT_SHIFT);
		enode = mt_mk_enode(up, itype);
		n++;
	}
	for (d = 0; d <= n; d++) {
		struct walk_level *lv = &path->lv[d];
		const struct maple_node *node = mte_to_node(chain[n - d]);

		lv->enode = chain[n - d];
		lv->min = min;
		lv->max = max;
		lv->end = ma_data_end(node, mte_type(chain[n - d]), max);
		lv->slot = d < n ? slots[n - d - 1] : mas->offset;
		if (d < n) {
			min = node_slot_min(node, lv->slot, min);
			max = node_slot_max(node, lv->slot, lv->end, max);
		}
	}
	path->height = (unsigned char)(n + 1);
	for (d = 0; d <= n; d++) {
		if (node_is_dead(mte_to_node(chain[d])))
			return -1;    /* died while its pivots were read */
	}
	return n;
}

/* From level @d of @path, take slot @slot and descend along the left (@right false) or right edge
 * to a leaf, filling the path below @d. Returns the leaf's level. */
static int walk_descend_edge(struct walk_path *path, unsigned char d, unsigned char slot, bool right)
{
	for (;;) {
		struct walk_level *lv = &path->lv[d];
		const struct maple_node *node = mte_to_node(lv->enode);
		struct walk_level *next = &path->lv[d + 1];

		lv->slot = slot;
		if (mte_is_leaf(lv->enode))
			return d;
		next->enode = __atomic_load_n(&node_slots(node, mte_type(lv->enode))[slot], __ATOMIC_ACQUIRE);
		next->min = node_slot_min(node, slot, lv->min);
		next->max = node_slot_max(node, slot, lv->end, lv->max);
		if (node_is_dead(node))
			return -1;    /* RCU: what was just read may be clobbered */
		next->end = ma_data_end(mte_to_node(next->enode), mte_type(next->enode), next->max);
		slot = right ? next->end : 0;
		d++;
	}
}

/* The leaf the state was in died (RCU): seat it on the range holding @index of the tree as it is now. */
static bool walk_reseat(struct ma_state *mas, unsigned long index)
{
	void *entry;

	mas->index = index;
	return walk_leaf(mas, &entry);
}

/* Move the state to the first slot of the next leaf (after a dead leaf: to the range after its
 * max, in the tree as it is now). False if the leaf is the rightmost. */
bool walk_next_leaf(struct ma_state *mas)
{
	struct walk_path path;
	int leaf = walk_path_up(mas, &path);
	int d;

	if (leaf < 0)
		return mas->max != ULONG_MAX && walk_reseat(mas, mas->max + 1);

	for (d = (int)leaf - 1; d >= 0; d--) {
		if (path.lv[d].slot < path.lv[d].end)
			break;
	}
	if (d < 0)
		return false;
	leaf = walk_descend_edge(&path, (unsigned char)d, (unsigned char)(path.lv[d].slot + 1), false);
	if (leaf < 0)
		return walk_reseat(mas, mas->max + 1);
	walk_set_leaf(mas, &path.lv[leaf], (unsigned char)leaf, 0);
	return true;
}

/* Move the state to the last slot of the previous leaf (the mirror image of walk_next_leaf()). */
bool walk_prev_leaf(struct ma_state *mas)
{
	struct walk_path path;
	int leaf = walk_path_up(mas, &path);
	int d;

	if (leaf < 0)
		return mas->min != 0 && walk_reseat(mas, mas->min - 1);

	for (d = (int)leaf - 1; d >= 0; d--) {
		if (path.lv[d].slot > 0)
			break;
	}
	if (d < 0)
		return false;
	leaf = walk_descend_edge(&path, (unsigned char)d, (unsigned char)(path.lv[d].slot - 1), true);
	if (leaf < 0)
		return walk_reseat(mas, mas->min - 1);
	walk_set_leaf(mas, &path.lv[leaf], (unsigned char)leaf, path.lv[leaf].end);
	return true;
}

/**
 * mas_walk() - find the range holding mas->index, always starting from the root.
 * @mas: the maple state; the caller holds RCU or the tree lock.
 *
 * Empty tree: NULL, [0, ULONG_MAX], ma_none. Root entry: index 0 gives the entry, [0, 0], ma_root;
 * any other index NULL, [1, ULONG_MAX], ma_none. Node tree: the range's entry (NULL included),
 * [index, last] := the range, ma_active.
 */
void *mas_walk(struct ma_state *mas)
{
	void *root, *entry;

again:
	root = tree_root(mas->tree);
	mas->node = NULL;
	mas->min = 0;
	mas->max = ULONG_MAX;
	mas->depth = 0;
	mas->offset = 0;
	mas->end = 0;
	if (!root) {
		mas->status = ma_none;
		mas->index = 0;
		mas->last = ULONG_MAX;
		return NULL;
	}
	if (!root_is_node(root)) {
		if (mas->index == 0) {
			mas->status = ma_root;
			mas->last = 0;
			return root;
		}
		mas->status = ma_none;
		mas->index = 1;
		mas->last = ULONG_MAX;
		return NULL;
	}
	mas->status = ma_active;
	if (!walk_leaf(mas, &entry))
		goto again;        /* RCU: the tree left node mode under us; answer for what it is now */
	return entry;
}
