/* validate.c - mt_validate_report / mt_validate: check every structural invariant of a tree and
 * name the first one broken, with the node path from the root ("root/3/7"). Reads only; safe on a
 * corrupted tree as far as it checks a pointer's encoding before following it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct vctx {
	struct maple_tree *mt;
	unsigned int height;
	unsigned long nodes;        /* reachable nodes */
	unsigned long next_index;   /* where the next leaf range must start */
	bool prev_null;             /* the previous leaf range was NULL */
	bool done;                  /* a range ended at ULONG_MAX */
	bool partial;               /* only nodes meeting [span_first, span_last] are checked */
	bool started;               /* a leaf has been checked (partial: the sequence starts there) */
	unsigned long span_first, span_last;
	unsigned char slots[MAPLE_HEIGHT_MAX + 1];   /* slot taken at each depth on the way down */
	unsigned int path_len;      /* entries of slots[] that lead to the node being checked */
};

static bool enode_well_formed(const void *enode)
{
	uintptr_t v = (uintptr_t)enode;

	return v > MAPLE_NODE_MASK && (v & 7) == MAPLE_ENODE_NULL;
}

/* Pivots in order and within [min, max]; the end the readers compute matches the data. */
static const char *validate_pivots(const struct maple_node *node, enum maple_type type, unsigned long min,
				   unsigned long max, unsigned char end)
{
	unsigned char i, pivots = type_pivots(type);

	for (i = 0; i < end && i < pivots; i++) {
		unsigned long p = node->pivot[i];

		if (p < min)
			return "pivot-bound";
		if (p == max)
			return "meta-end";       /* a slot before the end already reaches the max */
		if (p > max)
			return "pivot-bound";
		if (i > 0 && p <= node->pivot[i - 1])
			return "pivot-order";
	}
	if (end < pivots && node->pivot[end] != max) {
		for (i = 0; i < pivots; i++) {
			if (node->pivot[i] == max)
				return "meta-end";
		}
		return "pivot-bound";
	}
	return NULL;
}

/* arange_64: nothing after the end but zero pivots, NULL slots and zero gaps. */
static const char *validate_after_end_arange(const struct maple_node *node, unsigned char end)
{
	unsigned char i;

	for (i = (unsigned char)(end + 1); i < MAPLE_ARANGE64_PIVOTS; i++) {
		if (node->ma64.pivot[i])
			return "pivot-after-end";
	}
	for (i = (unsigned char)(end + 1); i < MAPLE_ARANGE64_SLOTS; i++) {
		if (node->ma64.slot[i])
			return "slot-after-end";
		if (node->ma64.gap[i])
			return "gap-after-end";
	}
	return NULL;
}

/* Nothing after the end but zero pivots, NULL slots, and the metadata word. */
static const char *validate_after_end(const struct maple_node *node, enum maple_type type, unsigned char end)
{
	unsigned char i;

	if (type == maple_arange_64)
		return validate_after_end_arange(node, end);
	if (end >= MAPLE_RANGE64_PIVOTS)
		return NULL;
	for (i = (unsigned char)(end + 1); i < MAPLE_RANGE64_PIVOTS; i++) {
		if (node->pivot[i])
			return "pivot-after-end";
	}
	for (i = (unsigned char)(end + 1); i < MAPLE_RANGE64_SLOTS - 1; i++) {
		if (node->slot[i])
			return "slot-after-end";
	}
	if (node->meta.end != end)
		return "meta-end";
	if ((uintptr_t)node->slot[MAPLE_RANGE64_SLOTS - 1] != end)
		return "slot-after-end";     /* stray bits beside the metadata */
	return NULL;
}

static const char *validate_limits(const struct maple_node *node, enum maple_type type, unsigned long min,
				   unsigned long max, unsigned char *endp)
{
	const char *fail;
	unsigned char end;

	if (type == maple_arange_64 ? node->ma64.meta.end >= MAPLE_ARANGE64_SLOTS :
	    node->pivot[MAPLE_RANGE64_PIVOTS - 1] == 0 && node->meta.end >= MAPLE_RANGE64_PIVOTS)
		return "meta-end";
	end = ma_data_end(node, type, max);
	fail = validate_pivots(node, type, min, max, end);
	if (!fail)
		fail = validate_after_end(node, type, end);
	*endp = end;
	return fail;
}

static const char *validate_parent(const struct vctx *c, const struct maple_node *node,
				   const struct maple_node *parent, unsigned char pslot)
{
	if (!parent)
		return node->parent == (void *)((uintptr_t)c->mt | MAPLE_PARENT_ROOT) ? NULL : "parent-pointer";
	if (node_is_root(node) || node_parent(node) != parent ||
	    ((uintptr_t)node->parent & 7) != MAPLE_PARENT_RANGE64)
		return "parent-pointer";
	if (node_parent_slot(node) != pslot)
		return "parent-slot";
	return NULL;
}

/* Per-range checks along the leaf sequence. */
static const char *validate_leaf(struct vctx *c, const struct maple_node *node, unsigned long min,
				 unsigned long max, unsigned char end)
{
	unsigned char i;

	if (max != ULONG_MAX && !node->slot[end])
		return "leaf-ends-null";
	if (!c->started) {
		c->started = true;
		if (c->partial)
			c->next_index = min;     /* the left neighbour leaf ends non-NULL: checked above */
	}
	for (i = 0; i <= end; i++) {
		void *entry = node->slot[i];
		unsigned long first = node_slot_min(node, i, min);

		if (c->done || first != c->next_index)
			return "partition";
		if (xa_is_advanced(entry))
			return "advanced-entry";
		if (!entry && c->prev_null)
			return "sequential-nulls";
		c->prev_null = !entry;
		c->next_index = node_slot_max(node, i, end, max) + 1;
		c->done = node_slot_max(node, i, end, max) == ULONG_MAX;
	}
	return NULL;
}

static const char *validate_node(struct vctx *c, const struct maple_enode *enode, unsigned long min,
				 unsigned long max, unsigned int depth, const struct maple_node *parent,
				 unsigned char pslot);

/* Whether child @i of @node lies outside the span of a partial check. */
static bool validate_skip(const struct vctx *c, const struct maple_node *node, unsigned char i,
			  unsigned char end, unsigned long min, unsigned long max)
{
	return c->partial && (node_slot_max(node, i, end, max) < c->span_first ||
			      node_slot_min(node, i, min) > c->span_last);
}

/* The largest gap under a validated child, recomputed (not read from its meta.gap). */
static unsigned long validate_child_gap(const struct maple_enode *child, unsigned long min, unsigned long max)
{
	const struct maple_node *node = mte_to_node(child);
	unsigned long best = 0;

	if (mte_is_leaf(child))
		return gap_leaf_max(node, min, max);
	for (unsigned char i = 0; i <= node->ma64.meta.end; i++) {
		if (node->ma64.gap[i] > best)
			best = node->ma64.gap[i];
	}
	return best;
}

/* An arange_64 node whose children are validated: meta.gap at a largest gap, and every gap[i] the
 * largest gap of child i exactly ("leaf-gap" when the child is a leaf). */
static const char *validate_gaps(const struct vctx *c, const struct maple_node *node, unsigned long min,
				 unsigned long max, unsigned char end)
{
	unsigned char i, mg = node->ma64.meta.gap;

	if (mg > end)
		return "gap-meta";
	for (i = 0; i <= end; i++) {
		if (node->ma64.gap[i] > node->ma64.gap[mg])
			return "gap-meta";
	}
	for (i = 0; i <= end; i++) {
		const struct maple_enode *child = node->ma64.slot[i];

		if (validate_skip(c, node, i, end, min, max))
			continue;
		if (node->ma64.gap[i] != validate_child_gap(child, node_slot_min(node, i, min),
							    node_slot_max(node, i, end, max)))
			return mte_is_leaf(child) ? "leaf-gap" : "gap-mismatch";
	}
	return NULL;
}

static const char *validate_children(struct vctx *c, const struct maple_node *node, enum maple_type type,
				     unsigned long min, unsigned long max, unsigned char end, unsigned int depth)
{
	void **slots = node_slots(node, type);
	unsigned char i;

	if (depth == 0 && end < 1)
		return "root-children";
	for (i = 0; i <= end; i++) {
		if (!slots[i])
			return "empty-child";
	}
	for (i = 0; i <= end; i++) {
		const char *fail;

		if (validate_skip(c, node, i, end, min, max))
			continue;
		c->slots[depth] = i;
		c->path_len = depth + 1;
		fail = validate_node(c, slots[i], node_slot_min(node, i, min),
				     node_slot_max(node, i, end, max), depth + 1, node, i);
		if (fail)
			return fail;
		c->path_len = depth;
	}
	return type == maple_arange_64 ? validate_gaps(c, node, min, max, end) : NULL;
}

static const char *validate_node(struct vctx *c, const struct maple_enode *enode, unsigned long min,
				 unsigned long max, unsigned int depth, const struct maple_node *parent,
				 unsigned char pslot)
{
	const struct maple_node *node;
	enum maple_type type = mte_type(enode);
	bool leaf = type == maple_leaf_64;
	unsigned char end;
	const char *fail;

	if (!enode_well_formed(enode) || (type != maple_leaf_64 && type != tree_internal_type(c->mt)))
		return "node-type";
	if (leaf != (depth + 1 == c->height))
		return "height";
	node = mte_to_node(enode);
	c->nodes++;
	fail = validate_parent(c, node, parent, pslot);
	if (!fail)
		fail = validate_limits(node, type, min, max, &end);
	if (fail)
		return fail;
	if (depth > 0 && max != ULONG_MAX && end < type_min_end(type))
		return "occupancy";
	if (leaf)
		return validate_leaf(c, node, min, max, end);
	return validate_children(c, node, type, min, max, end, depth);
}

/* Root pointer vs height, then the nodes, then the whole-sequence and allocator checks. */
static const char *validate_tree(struct vctx *c)
{
	void *root = c->mt->ma_root;
	const char *fail;

	if (!root_is_node(root)) {
		if (c->height != 0)
			return "height";
		if (xa_is_internal(root))
			return "root-entry";
		return !MAPLE_FAST_ALLOC && alloc_tree_live(c->mt) ? "alloc-balance" : NULL;
	}
	if (c->height == 0 || c->height > MAPLE_HEIGHT_MAX)
		return "height";
	if (((uintptr_t)root & 3) != MAPLE_ROOT_NODE)
		return "node-type";
	fail = validate_node(c, root_to_enode(root), 0, ULONG_MAX, 0, NULL, 0);
	if (fail || c->partial)
		return fail;
	if (!c->done)
		return "partition";
	if (!MAPLE_FAST_ALLOC && c->nodes != alloc_tree_live(c->mt))
		return "alloc-balance";
	return NULL;
}

/* The path is formatted only once something failed: validation runs after every write. */
static void format_path(const struct vctx *c, const char *fail, char *where, size_t where_len)
{
	size_t at;

	where[0] = '\0';
	if (!fail)
		return;
	at = (size_t)snprintf(where, where_len, "root");
	for (unsigned int d = 0; d < c->path_len && at < where_len; d++)
		at += (size_t)snprintf(where + at, where_len - at, "/%u", c->slots[d]);
}

/**
 * mt_validate_report() - check every invariant of @mt.
 * @mt: the tree; the caller holds the lock (or no writer runs).
 * @where: receives the node path of the failure ("root/3/7"); may be NULL.
 * @where_len: size of @where.
 *
 * Return: NULL if the tree is sound, else the stable name of the first broken invariant.
 */
const char *mt_validate_report(struct maple_tree *mt, char *where, size_t where_len)
{
	struct vctx c = { .mt = mt, .height = mt_height(mt) };
	const char *fail = validate_tree(&c);

	if (where && where_len)
		format_path(&c, fail, where, where_len);
	return fail;
}

/**
 * mt_validate_span() - mt_validate_report() restricted to the nodes whose range meets
 * [@first, @last] (and the path to them): what a write to that range can have created or changed.
 * Whole-tree checks (partition to ULONG_MAX, allocator balance) are left to mt_validate_report().
 * @mt: the tree; the caller holds the lock. @where, @where_len: as for mt_validate_report().
 *
 * Return: NULL or the stable name of the first broken invariant.
 */
const char *mt_validate_span(struct maple_tree *mt, unsigned long first, unsigned long last, char *where,
			     size_t where_len)
{
	struct vctx c = { .mt = mt, .height = mt_height(mt), .partial = true,
			  .span_first = first, .span_last = last };
	const char *fail = validate_tree(&c);

	if (where && where_len)
		format_path(&c, fail, where, where_len);
	return fail;
}

/**
 * mt_validate() - mt_validate_report(), and on failure print the failure and a dump to stderr
 * and abort().
 * @mt: the tree.
 */
void mt_validate(struct maple_tree *mt)
{
	char where[8 * MAPLE_HEIGHT_MAX + 8];
	const char *fail = mt_validate_report(mt, where, sizeof(where));

	if (!fail)
		return;
	fprintf(stderr, "mt_validate: %s at %s\n", fail, where);
	mt_dump_to(stderr, mt, mt_dump_hex);
	abort();
}
