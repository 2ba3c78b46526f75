/* node.c - whole-node reads and writes: a node's contents as a list of ranges and back, freeing a
 * subtree, and applying one store to a list of ranges. Never publishes a node into a tree: callers
 * decide where the nodes go. */
#include "write.h"

#include <string.h>

/* Read the node's ranges into @out (16 entries); returns how many there are. */
unsigned char node_read(const struct maple_enode *enode, unsigned long min, unsigned long max,
			struct node_range *out)
{
	const struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_type(enode);
	unsigned char end = ma_data_end(node, type, max);
	void **slots = node_slots(node, type);
	unsigned char i;

	for (i = 0; i <= end; i++) {
		out[i].first = node_slot_min(node, i, min);
		out[i].last = node_slot_max(node, i, end, max);
		out[i].entry = slots[i];
	}
	return (unsigned char)(end + 1);
}

/* Rewrite the node from @n (1..slot count) ranges ending at @max: pivots, slots, metadata and, in
 * an arange_64 node, the gaps (read from the children, which must be complete). Unused pivots,
 * slots and gaps become zero. The children's parent pointers are left alone. */
void node_fill_ranges(struct maple_enode *enode, const struct node_range *r, unsigned char n, unsigned long max)
{
	struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_type(enode);
	void **slots = node_slots(node, type);
	void *parent = node->parent;
	unsigned char i;

	memset(node, 0, sizeof(*node));
	node->parent = parent;
	for (i = 0; i < n; i++) {
		slots[i] = r[i].entry;
		if (i < type_pivots(type))
			node->pivot[i] = i + 1 == n ? max : r[i].last;
	}
	if (n < type_slots(type) || type == maple_arange_64)
		node_meta(node, type)->end = (unsigned char)(n - 1);
	if (type == maple_arange_64)
		gap_fill_node(node, r, n);
}

/* Point the parents of an internal node's first @n children at it. */
void node_adopt_children(struct maple_enode *enode, unsigned char n)
{
	struct maple_node *node = mte_to_node(enode);
	void **slots = node_slots(node, mte_type(enode));

	if (mte_is_leaf(enode))
		return;
	for (unsigned char i = 0; i < n; i++)
		node_set_parent(mte_to_node(slots[i]), node, i);
}

/* node_fill_ranges(), and an internal node adopts its children. */
void node_fill(struct maple_enode *enode, const struct node_range *r, unsigned char n, unsigned long max)
{
	node_fill_ranges(enode, r, n, max);
	node_adopt_children(enode, n);
}

/* Write the @n ranges @r into slots @from.. of a leaf in place (pivots included; the last slot of
 * a full node has none), then the metadata for the node's new @end. Slots outside are untouched.
 * Slots go first, then pivots: when an RCU-mode slot store moves the one boundary between two
 * slots, every index a reader looks up meanwhile finds its old or its new entry. */
void node_write_slots(struct maple_node *node, unsigned char from, const struct node_range *r,
		      unsigned char n, unsigned char end)
{
	unsigned char i;

	for (i = 0; i < n; i++)
		node_publish(&node->slot[from + i], r[i].entry);
	for (i = 0; i < n; i++) {
		unsigned char at = (unsigned char)(from + i);

		if (at < MAPLE_RANGE64_PIVOTS)
			__atomic_store_n(&node->pivot[at], r[i].last, __ATOMIC_RELEASE);
	}
	if (end < MAPLE_RANGE64_SLOTS - 1)
		__atomic_store_n(&node->meta.end, end, __ATOMIC_RELEASE);
}

/* Free the subtree under @enode (whose max is @max), children first. */
void node_free_tree(struct maple_tree *mt, struct maple_enode *enode, unsigned long max)
{
	struct maple_node *node = mte_to_node(enode);

	if (!mte_is_leaf(enode)) {
		enum maple_type type = mte_type(enode);
		unsigned char end = ma_data_end(node, type, max);
		unsigned char i;

		for (i = 0; i <= end; i++)
			node_free_tree(mt, node_slots(node, type)[i], node_slot_max(node, i, end, max));
	}
	alloc_free_node(mt, node);
}

static size_t range_push(struct node_range *out, size_t k, unsigned long first, unsigned long last,
			 void *entry)
{
	if (k && !entry && !out[k - 1].entry) {
		out[k - 1].last = last;     /* NULL ranges never sit side by side */
		return k;
	}
	out[k].first = first;
	out[k].last = last;
	out[k].entry = entry;
	return k + 1;
}

/* Store @entry over [@first, @last] in the consecutive ranges @in[0..n) (which cover it): cut the
 * overlapped ranges, keep their uncovered parts, insert the new range, merge NULL neighbours.
 * @out has room for n + 2 ranges; returns how many it got. */
size_t range_apply(const struct node_range *in, size_t n, unsigned long first, unsigned long last,
		   void *entry, struct node_range *out)
{
	bool stored = false;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct node_range *r = &in[i];

		if (r->last < first || r->first > last) {
			if (r->first > last && !stored) {
				k = range_push(out, k, first, last, entry);
				stored = true;
			}
			k = range_push(out, k, r->first, r->last, r->entry);
			continue;
		}
		if (r->first < first)
			k = range_push(out, k, r->first, first - 1, r->entry);
		if (!stored) {
			k = range_push(out, k, first, last, entry);
			stored = true;
		}
		if (r->last > last)
			k = range_push(out, k, last + 1, r->last, r->entry);
	}
	if (!stored)
		k = range_push(out, k, first, last, entry);
	return k;
}
