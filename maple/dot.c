/* dot.c - mt_dump_dot: the tree as a Graphviz digraph, one record per node (its range, type, and
 * per slot the range and the entry, or the child and in allocation trees the gap), the path from
 * the root to one index drawn in red. Reads only, and checks a child's encoding before following it. */
#include "internal.h"

static void dot_entry(FILE *out, const void *entry)
{
	if (!entry)
		fputs("NULL", out);
	else if (xa_is_value(entry))
		fprintf(out, "v%lu", xa_to_value(entry));
	else if (xa_is_zero(entry))
		fputs("zero", out);
	else if (xa_is_internal(entry))
		fprintf(out, "i%lu", xa_to_internal(entry));
	else
		fprintf(out, "%p", entry);
}

static bool dot_child_ok(const void *slot, unsigned int depth)
{
	return depth + 1 < MAPLE_HEIGHT_MAX && ((uintptr_t)slot & 7) == MAPLE_ENODE_NULL &&
	       (uintptr_t)slot > MAPLE_NODE_MASK;
}

static void dot_node(FILE *out, const struct maple_enode *enode, unsigned long min, unsigned long max,
		     unsigned int depth, unsigned long mark, bool on_path)
{
	static const char *const names[] = { "dense", "leaf_64", "range_64", "arange_64" };
	const struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_type(enode);
	unsigned char end = ma_data_end(node, type, max), i;

	if (end >= type_slots(type))
		end = (unsigned char)(type_slots(type) - 1);
	fprintf(out, "  n%p [label=\"{%s [%lu, %lu]", (void *)node, names[type & 3], min, max);
	for (i = 0; i <= end; i++) {
		unsigned long first = node_slot_min(node, i, min), last = node_slot_max(node, i, end, max);
		const void *slot = node_slots(node, type)[i];

		fprintf(out, "|<s%u> [%lu, %lu] ", i, first, last);
		if (mte_is_leaf(enode))
			dot_entry(out, slot);
		else if (type == maple_arange_64)
			fprintf(out, "gap %lu", node->ma64.gap[i]);
	}
	fprintf(out, "}\"%s];\n", on_path ? ", color=red, penwidth=2" : "");
	if (mte_is_leaf(enode))
		return;
	for (i = 0; i <= end; i++) {
		unsigned long first = node_slot_min(node, i, min), last = node_slot_max(node, i, end, max);
		const void *slot = node_slots(node, type)[i];
		bool path = on_path && first <= mark && mark <= last;

		if (!dot_child_ok(slot, depth))
			continue;
		fprintf(out, "  n%p:s%u -> n%p%s;\n", (void *)node, i, (void *)mte_to_node(slot),
			path ? " [color=red, penwidth=2]" : "");
		dot_node(out, slot, first, last, depth + 1, mark, path);
	}
}

/**
 * mt_dump_dot() - write @mt as a Graphviz digraph to @out; the nodes and edges on the way from the
 * root to @mark are red. A debugging helper, not a kernel API.
 */
void mt_dump_dot(FILE *out, const struct maple_tree *mt, unsigned long mark)
{
	const void *root = mt->ma_root;

	fputs("digraph maple_tree {\n  node [shape=record, fontname=\"monospace\", fontsize=10];\n", out);
	if (root_is_node(root)) {
		dot_node(out, root_to_enode(root), 0, ULONG_MAX, 0, mark, true);
	} else {
		fputs("  root [label=\"", out);
		if (root)
			fputs("root entry [0, 0] ", out);
		dot_entry(out, root);
		fputs("\"];\n", out);
	}
	fputs("}\n", out);
}
