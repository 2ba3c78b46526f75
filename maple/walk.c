/* walk.c - read walks: from the root down to the leaf holding an index (mas_walk), and from one leaf
 * to its neighbour by ascending through parent pointers and descending along the near edge.
 * Never writes a node; only the maple state changes. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "scan.h"

/* The slot scan a walk uses: node_scan_slot(), or its vector twin (scan.h). Each walk below is
 * written once, inlined with the scan as a constant, and compiled for each. */
typedef unsigned char scan_fn(const struct maple_node *node, enum maple_type type, unsigned long index);

/* A walk that went on for more levels than a tree can have: its child (@down) or parent pointers
 * make a cycle, the tree is corrupt. Stop with a message instead of running on (or past the end
 * of a path). */
static void __attribute__((noreturn, cold)) walk_corrupt(const struct maple_tree *mt, bool down)
{
	fprintf(stderr, "maple: walk: %s of more than %d levels in tree %p: its %s pointers make a cycle\n",
		down ? "a descent" : "an ascent", MAPLE_HEIGHT_MAX, (const void *)mt, down ? "child" : "parent");
	abort();
}

/* Debug builds: the scan's slot is the scalar scan's, wherever no writer can change the node under
 * the walk (a writer's own walk, or any walk of a tree not in RCU mode). Catches a vector scan gone
 * wrong and a live node whose pivots after the end are not zero. */
static inline __attribute__((always_inline)) unsigned char
walk_scan(const struct maple_tree *mt, bool writer, const struct maple_node *node, enum maple_type type,
	  unsigned long index, scan_fn *scan)
{
	unsigned char slot = scan(node, type, index);

#ifdef MAPLE_DEBUG
	if ((writer || !mt_in_rcu(mt)) && slot != node_scan_slot(node, type, index)) {
		fprintf(stderr, "maple: walk: the slot scan found slot %u of node %p for index %lu, the scalar "
			"scan %u\n", slot, (const void *)node, index, node_scan_slot(node, type, index));
		abort();
	}
#else
	(void)mt;
	(void)writer;
#endif
	return slot;
}

/*
 * The descent from the root to the leaf holding @index. With @path, each level's node, limits, end
 * and the slot taken are recorded there (writers need them); without, only the level at hand is
 * kept (readers). The leaf level ends in *@leaf, at depth *@depth. False when the tree is not in node
 * mode (a writer holding the lock never sees that; a lockless reader may, when a writer emptied
 * the tree or left only a root entry meanwhile). Inlined into both callers, so that the reader's
 * copy records nothing.
 */
static inline __attribute__((always_inline)) bool
walk_descend(const struct maple_tree *mt, unsigned long index, struct walk_path *path,
	     struct walk_level *leaf, unsigned char *depth, scan_fn *scan)
{
	struct walk_level cur;
	unsigned char d;
	void *root;

restart:
	root = tree_root(mt);
	if (!root_is_node(root))
		return false;
	cur = (struct walk_level){ .enode = root_to_enode(root), .min = 0, .max = ULONG_MAX };
	node_prefetch(cur.enode);
	for (d = 0;; d++) {
		const struct maple_node *node = mte_to_node(cur.enode);
		enum maple_type type = mte_type(cur.enode);

		if (d >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mt, true);
		cur.slot = walk_scan(mt, path != NULL, node, type, index, scan);
		if (path || mte_is_leaf(cur.enode))
			cur.end = ma_data_end(node, type, cur.max);   /* a reader needs only the leaf's */
		if (path)
			path->lv[d] = cur;
		if (mte_is_leaf(cur.enode))
			break;
		cur.min = node_slot_min(node, cur.slot, cur.min);
		if (cur.slot < type_pivots(type))      /* else the last slot of a full node: the max stays */
			cur.max = node_read_once(node->pivot[cur.slot]);
		cur.enode = __atomic_load_n(&node_slots(node, type)[cur.slot], __ATOMIC_ACQUIRE);
		node_prefetch(cur.enode);
		if (node_is_dead(node))
			goto restart;      /* RCU: replaced while we read it; what we read may be clobbered */
	}
	*leaf = cur;
	*depth = d;
	return true;
}

/* Record the path from the root to the leaf holding @index (walk_descend()). */
static inline __attribute__((always_inline)) bool
walk_path_down_with(const struct maple_tree *mt, unsigned long index, struct walk_path *path, scan_fn *scan)
{
	struct walk_level leaf;
	unsigned char depth;

	if (!walk_descend(mt, index, path, &leaf, &depth, scan))
		return false;
	path->height = (unsigned char)(depth + 1);
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

/* The entry of the range holding @index, found as the kernel's lookup walk does: no limits, no
 * end, no state (only the slot scan). False when the tree is not in node mode (a lockless reader
 * may see a writer empty it or leave a root entry). */
static inline __attribute__((always_inline)) bool
walk_lookup_with(const struct maple_tree *mt, unsigned long index, void **entry, scan_fn *scan)
{
	struct maple_enode *enode;
	void *root;

restart:
	root = tree_root(mt);
	if (!root_is_node(root))
		return false;
	enode = root_to_enode(root);
	for (unsigned int d = 0;; d++) {
		const struct maple_node *node = mte_to_node(enode);
		enum maple_type type = mte_type(enode);
		unsigned char slot = walk_scan(mt, false, node, type, index, scan);
		void *next;

		if (d >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mt, true);
		next = __atomic_load_n(&node_slots(node, type)[slot], __ATOMIC_ACQUIRE);
		if (node_is_dead(node))
			goto restart;      /* RCU: replaced while we read it; what we read may be clobbered */
		if (mte_is_leaf(enode)) {
			*entry = next;
			return true;
		}
		enode = next;
		node_prefetch(enode);
	}
}

/* Descend to the leaf holding mas->index; the state describes that range and *@entry is its entry.
 * The status is left alone. False, with mas->node NULL and index/last kept, when the tree is no
 * longer in node mode (RCU readers only). */
static inline __attribute__((always_inline)) bool
walk_leaf_with(struct ma_state *mas, void **entry, scan_fn *scan)
{
	struct walk_level leaf;
	unsigned long index = mas->index, last = mas->last;
	unsigned char depth;

	do {
		if (!walk_descend(mas->tree, index, NULL, &leaf, &depth, scan)) {
			mas->node = NULL;
			mas->index = index;    /* a dead leaf read before may have moved them */
			mas->last = last;
			return false;
		}
		*entry = walk_set_leaf(mas, &leaf, depth, leaf.slot);
	} while (node_is_dead(mte_to_node(leaf.enode)));   /* RCU: replaced while we read it */
	return true;
}

/* Each walk compiled for each vector scan, and the choice between them (scan_choice). */
#if SCAN_HAVE_VECTOR
#define WALKS_FOR(kind, target, scan)                                                            \
	static target __attribute__((noinline)) bool                                             \
	walk_path_down_##kind(const struct maple_tree *mt, unsigned long index, struct walk_path *path) \
	{                                                                                        \
		return walk_path_down_with(mt, index, path, scan);                               \
	}                                                                                        \
	static target __attribute__((noinline)) bool                                             \
	walk_lookup_##kind(const struct maple_tree *mt, unsigned long index, void **entry)        \
	{                                                                                        \
		return walk_lookup_with(mt, index, entry, scan);                                 \
	}                                                                                        \
	static target __attribute__((noinline)) bool walk_leaf_##kind(struct ma_state *mas, void **entry) \
	{                                                                                        \
		return walk_leaf_with(mas, entry, scan);                                         \
	}
WALKS_FOR(avx512, SCAN_AVX512_TARGET, node_scan_slot_avx512)
WALKS_FOR(avx2, SCAN_AVX2_TARGET, node_scan_slot_avx2)
#define WALK_DISPATCH(walk, ...)                                   \
	do {                                                       \
		if (scan_choice == MT_SCAN_AVX512)                 \
			return walk##_avx512(__VA_ARGS__);         \
		if (scan_choice == MT_SCAN_AVX2)                   \
			return walk##_avx2(__VA_ARGS__);           \
	} while (0)
#else
#define WALK_DISPATCH(walk, ...) do { } while (0)
#endif

bool walk_path_down(const struct maple_tree *mt, unsigned long index, struct walk_path *path)
{
	WALK_DISPATCH(walk_path_down, mt, index, path);
	return walk_path_down_with(mt, index, path, node_scan_slot);
}

bool walk_lookup(const struct maple_tree *mt, unsigned long index, void **entry)
{
	WALK_DISPATCH(walk_lookup, mt, index, entry);
	return walk_lookup_with(mt, index, entry, node_scan_slot);
}

bool walk_leaf(struct ma_state *mas, void **entry)
{
	WALK_DISPATCH(walk_leaf, mas, entry);
	return walk_leaf_with(mas, entry, node_scan_slot);
}

/* One step up from @node: its parent and the slot it sits in. */
enum walk_up_result { WALK_UP_OK, WALK_UP_ROOT, WALK_UP_BROKEN };

static enum walk_up_result walk_up(const struct maple_tree *mt, const struct maple_node *node,
				   struct maple_enode **parent, unsigned char *slot)
{
	uintptr_t p = (uintptr_t)__atomic_load_n(&((struct maple_node *)node)->parent, __ATOMIC_ACQUIRE);
	struct maple_node *up = (struct maple_node *)(p & ~MAPLE_NODE_MASK);

	if (up == node)
		return WALK_UP_BROKEN;     /* dead (RCU): replaced since the state was positioned */
	if (p & MAPLE_PARENT_ROOT)
		return WALK_UP_ROOT;
	if (!up)
		return WALK_UP_BROKEN;     /* RCU: adopted by a new node a writer has not linked up yet */
	*parent = mt_mk_enode(up, tree_internal_type(mt));
	*slot = (unsigned char)((p & MAPLE_PARENT_SLOT_MASK) >> MAPLE_PARENT_SLOT_SHIFT);
	return WALK_UP_OK;
}

/*
 * A limit of node @a found going up, as the kernel's ascent does: its min (@max false) is the pivot
 * before the first ancestor slot that is not a first slot, plus one; its max the pivot of the first
 * ancestor slot that has one (a node's last used pivot is its max). The root's are 0 and ULONG_MAX.
 * False when the way up is broken (RCU).
 */
static bool walk_node_limit(const struct maple_tree *mt, struct maple_enode *a, bool max, unsigned long *limit)
{
	struct maple_enode *g;
	unsigned char gs;

	for (unsigned int steps = 0;; a = g, steps++) {
		enum walk_up_result up = walk_up(mt, mte_to_node(a), &g, &gs);
		const struct maple_node *gn;

		if (steps >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mt, false);
		if (up != WALK_UP_OK) {
			*limit = max ? ULONG_MAX : 0;
			return up == WALK_UP_ROOT;
		}
		gn = mte_to_node(g);
		if (max && gs < type_pivots(mte_type(g))) {
			*limit = node_read_once(gn->pivot[gs]);
			return !node_is_dead(gn);
		}
		if (!max && gs > 0) {
			*limit = node_read_once(gn->pivot[gs - 1]) + 1;
			return !node_is_dead(gn);
		}
	}
}

/* An iteration about to enter @node's child at @slot will want the next one (@right) or the previous
 * one after it: start loading it now, so it arrives while the current one is read. A stale slot is
 * harmless here: a prefetch never faults. */
static void walk_prefetch_neighbour(const struct maple_node *node, enum maple_type type, unsigned char slot,
				    bool right)
{
	unsigned char at = right ? slot + 1 : slot - 1;

	if ((right && at < type_slots(type)) || (!right && slot > 0))
		node_prefetch(__atomic_load_n(&node_slots(node, type)[at], __ATOMIC_RELAXED));
}

/* From @enode ([min, max]) down its left (@right false) or right edge to a leaf, and seat the state
 * on that leaf's first or last slot. False when a node died on the way (RCU). */
static bool walk_edge_to_leaf(struct ma_state *mas, struct maple_enode *enode, unsigned long min,
			      unsigned long max, bool right)
{
	for (unsigned int d = 0;; d++) {
		const struct maple_node *node = mte_to_node(enode);
		struct walk_level lv = { .enode = enode, .min = min, .max = max };

		if (d >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mas->tree, true);
		node_prefetch(enode);
		lv.end = ma_data_end(node, mte_type(enode), max);
		lv.slot = right ? lv.end : 0;
		if (mte_is_leaf(enode)) {
			walk_set_leaf(mas, &lv, mas->depth, lv.slot);
			return true;        /* the caller reads the slot and checks the leaf after it */
		}
		enode = __atomic_load_n(&node_slots(node, mte_type(lv.enode))[lv.slot], __ATOMIC_ACQUIRE);
		walk_prefetch_neighbour(node, mte_type(lv.enode), lv.slot, !right);
		min = node_slot_min(node, lv.slot, lv.min);
		max = node_slot_max(node, lv.slot, lv.end, lv.max);
		if (node_is_dead(node))
			return false;       /* RCU: what was just read may be clobbered */
	}
}

/* The leaf the state was in died (RCU): seat it on the range holding @index of the tree as it is now. */
static bool walk_reseat(struct ma_state *mas, unsigned long index)
{
	void *entry;

	mas->index = index;
	return walk_leaf(mas, &entry);
}

/*
 * The next node right of @c at its level (one exists): up while @c is its parent's last child,
 * then one slot right. *@next and its max; false when the way up is broken (RCU).
 */
static bool walk_right_of(struct ma_state *mas, struct maple_enode *c, struct maple_enode **next,
			  unsigned long *next_max)
{
	struct maple_enode *p;
	unsigned char s, pivots;

	for (unsigned int steps = 0;; c = p, steps++) {
		const struct maple_node *node;

		if (steps >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mas->tree, false);
		if (walk_up(mas->tree, mte_to_node(c), &p, &s) != WALK_UP_OK)
			return false;       /* the root: not in a tree whose leaf ends below ULONG_MAX */
		node = mte_to_node(p);
		pivots = type_pivots(mte_type(p));
		if (s + 1 < pivots) {
			/* past the end, pivots are zero; a slot's pivot is its max (the last: the node's) */
			*next_max = node_read_once(node->pivot[s + 1]);
			if (*next_max)
				break;
		} else if (s + 1 == pivots) {
			/* the last pivot is the node's max unless the last slot is used */
			if (!walk_node_limit(mas->tree, p, true, next_max))
				return false;
			if (node_read_once(node->pivot[s]) != *next_max)
				break;
		}
	}
	*next = __atomic_load_n(&node_slots(mte_to_node(p), mte_type(p))[s + 1], __ATOMIC_ACQUIRE);
	walk_prefetch_neighbour(mte_to_node(p), mte_type(p), s + 1, true);
	return !node_is_dead(mte_to_node(p));
}

/* The mirror image: the next node left of @c (one exists), and its min. */
static bool walk_left_of(struct ma_state *mas, struct maple_enode *c, struct maple_enode **prev,
			 unsigned long *prev_min)
{
	struct maple_enode *p;
	unsigned char s;
	const struct maple_node *node;

	for (unsigned int steps = 0;; c = p, steps++) {
		if (steps >= MAPLE_HEIGHT_MAX)
			walk_corrupt(mas->tree, false);
		if (walk_up(mas->tree, mte_to_node(c), &p, &s) != WALK_UP_OK)
			return false;
		if (s > 0)
			break;
	}
	node = mte_to_node(p);
	if (s > 1)
		*prev_min = node_read_once(node->pivot[s - 2]) + 1;
	else if (!walk_node_limit(mas->tree, p, false, prev_min))
		return false;
	*prev = __atomic_load_n(&node_slots(node, mte_type(p))[s - 1], __ATOMIC_ACQUIRE);
	walk_prefetch_neighbour(node, mte_type(p), s - 1, false);
	return !node_is_dead(node);
}

/* Move the state to the first slot of the next leaf (after a dead leaf: to the range after its
 * max, in the tree as it is now). False if the leaf is the rightmost. */
bool walk_next_leaf(struct ma_state *mas)
{
	struct maple_enode *next;
	unsigned long max = mas->max, next_max;

	if (max == ULONG_MAX)
		return false;
	if (!walk_right_of(mas, mas->node, &next, &next_max) ||
	    !walk_edge_to_leaf(mas, next, max + 1, next_max, false))
		return walk_reseat(mas, max + 1);
	return true;
}

/* Move the state to the last slot of the previous leaf (the mirror image of walk_next_leaf()). */
bool walk_prev_leaf(struct ma_state *mas)
{
	struct maple_enode *prev;
	unsigned long min = mas->min, prev_min;

	if (min == 0)
		return false;
	if (!walk_left_of(mas, mas->node, &prev, &prev_min) ||
	    !walk_edge_to_leaf(mas, prev, prev_min, min - 1, true))
		return walk_reseat(mas, min - 1);
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
