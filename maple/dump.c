/* dump.c - mt_dump / mt_dump_to: a human-readable picture of a tree, node by node (depth first).
 * Reads only; checks a child pointer's encoding before following it, so it can dump a tree the
 * validator just rejected. */
#include "internal.h"

static void dump_index(FILE *out, unsigned long v, enum mt_dump_format format)
{
	fprintf(out, format == mt_dump_hex ? "%lx" : "%lu", v);
}

static void dump_range(FILE *out, unsigned long first, unsigned long last, enum mt_dump_format format)
{
	fputc('[', out);
	dump_index(out, first, format);
	fputs(", ", out);
	dump_index(out, last, format);
	fputc(']', out);
}

static void dump_entry(FILE *out, const void *entry, enum mt_dump_format format)
{
	if (!entry)
		fputs("NULL", out);
	else if (xa_is_value(entry)) {
		fputs("value ", out);
		dump_index(out, xa_to_value(entry), format);
	} else if (xa_is_zero(entry))
		fputs("zero", out);
	else if (xa_is_internal(entry))
		fprintf(out, "internal %lu", xa_to_internal(entry));
	else
		fprintf(out, "%p", entry);
}

static const char *dump_type_name(enum maple_type type)
{
	switch (type) {
	case maple_dense: return "dense";
	case maple_leaf_64: return "leaf_64";
	case maple_range_64: return "range_64";
	case maple_arange_64: return "arange_64";
	}
	return "unknown";
}

static void dump_node(FILE *out, const struct maple_enode *enode, unsigned long min, unsigned long max,
		      unsigned int depth, enum mt_dump_format format)
{
	const struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_type(enode);
	bool gaps = type == maple_arange_64;
	unsigned char end = ma_data_end(node, type, max), i;

	if (end >= type_slots(type))
		end = (unsigned char)(type_slots(type) - 1);
	fprintf(out, "%*s", (int)depth * 2, "");
	dump_range(out, min, max, format);
	fprintf(out, " %s %p end %u parent %p", dump_type_name(type), (void *)node, end, node->parent);
	if (gaps)
		fprintf(out, " meta gap %u", node->ma64.meta.gap);
	fputc('\n', out);
	for (i = 0; i <= end; i++) {
		unsigned long first = node_slot_min(node, i, min), last = node_slot_max(node, i, end, max);
		const void *slot = node_slots(node, type)[i];

		fprintf(out, "%*s%u: ", (int)depth * 2 + 2, "", i);
		dump_range(out, first, last, format);
		fputs(" ", out);
		if (gaps) {
			fputs("gap ", out);
			dump_index(out, node->ma64.gap[i], format);
			fputs(" ", out);
		}
		if (mte_is_leaf(enode)) {
			dump_entry(out, slot, format);
			fputc('\n', out);
		} else if (depth + 1 >= MAPLE_HEIGHT_MAX || ((uintptr_t)slot & 7) != MAPLE_ENODE_NULL ||
			   (uintptr_t)slot <= MAPLE_NODE_MASK) {
			fprintf(out, "bad child %p\n", slot);
		} else {
			fprintf(out, "child %p\n", slot);
			dump_node(out, slot, first, last, depth + 1, format);
		}
	}
}

/**
 * mt_dump_to() - print @mt to @out: a header line (address, flags, height, root), then every node
 * depth first with its range, type and each slot's range and content.
 * @out: the stream. @mt: the tree. @format: indices in decimal or hex.
 */
void mt_dump_to(FILE *out, const struct maple_tree *mt, enum mt_dump_format format)
{
	void *root = mt->ma_root;

	fprintf(out, "maple_tree(%p) flags %X, height %u root %p\n", (const void *)mt, mt->ma_flags,
		mt_height(mt), root);
	if (!root)
		return;
	if (!root_is_node(root)) {
		fputs("root entry ", out);
		dump_range(out, 0, 0, format);
		fputc(' ', out);
		dump_entry(out, root, format);
		fputc('\n', out);
		return;
	}
	dump_node(out, root_to_enode(root), 0, ULONG_MAX, 0, format);
}

/** mt_dump() - mt_dump_to(stderr, @mt, @format). */
void mt_dump(const struct maple_tree *mt, enum mt_dump_format format)
{
	mt_dump_to(stderr, mt, format);
}
