/* write.c - the store path: decides how one store changes the tree (root pointer, leaf rewrite,
 * leaf split, or a rebuild) and hands it to the right helper. Caller holds the tree lock.
 * Never leaves a broken invariant behind: anything the node algorithms cannot do exactly goes to
 * the rebuild fallback. */
#include "internal.h"

/* Record @height in the tree flags (bits 2-6). */
void wr_set_height(struct maple_tree *mt, unsigned int height)
{
	mt->ma_flags = (mt->ma_flags & ~MT_FLAGS_HEIGHT_MASK) |
		       ((height << MT_FLAGS_HEIGHT_OFFSET) & MT_FLAGS_HEIGHT_MASK);
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

/* Store into an empty or root-entry tree (docs/semantics.md, mode transitions). */
static int wr_store_root(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	void *old = mt->ma_root;
	struct node_range base[2], out[4];
	size_t n = 0;

	if (!entry) {
		if (first == 0)
			mt->ma_root = NULL;
		return 0;
	}
	if (first == 0 && last == 0 && !xa_is_internal(entry)) {
		mt->ma_root = entry;
		return 0;
	}
	if (old) {
		base[n++] = (struct node_range){ 0, 0, old };
		base[n++] = (struct node_range){ 1, ULONG_MAX, NULL };
	} else {
		base[n++] = (struct node_range){ 0, ULONG_MAX, NULL };
	}
	n = range_apply(base, n, first, last, entry, out);
	return rebuild_from_ranges(mt, out, n);
}

/* The leaf at the bottom of @path gets the @n ranges @out: rewrite it, split it, or rebuild. */
static int wr_leaf_store(struct maple_tree *mt, struct walk_path *path, struct node_range *out, size_t n,
			 unsigned long first, unsigned long last, void *entry)
{
	struct walk_level *leaf = &path->lv[path->height - 1];
	bool rightmost = leaf->max == ULONG_MAX;

	if (path->height == 1 && n == 1 && !out[0].entry)
		return rebuild_from_ranges(mt, out, n);        /* everything became NULL */
	if (!out[n - 1].entry && !rightmost)
		return rebuild_store(mt, first, last, entry);  /* the NULL must merge with the next leaf */
	if (n > MAPLE_RANGE64_SLOTS)
		return split_store(mt, path, out, (unsigned char)n);
	if (n <= MAPLE_MIN_END && path->height > 1 && !rightmost)
		return rebuild_store(mt, first, last, entry);  /* underflow */
	node_fill(leaf->enode, out, (unsigned char)n, leaf->max);
	return 0;
}

/**
 * wr_store() - store @entry over [@first, @last] (first <= last); the caller holds the lock and
 * has already refused advanced entries.
 * Return: 0 or -ENOMEM (the tree is then unchanged).
 */
int wr_store(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	struct node_range in[MAPLE_RANGE64_SLOTS], out[MAPLE_RANGE64_SLOTS + 2];
	struct walk_path path;
	struct walk_level *leaf;
	size_t n;

	if (!root_is_node(mt->ma_root))
		return wr_store_root(mt, first, last, entry);
	if (first == 0 && last == ULONG_MAX) {
		out[0] = (struct node_range){ 0, ULONG_MAX, entry };
		return rebuild_from_ranges(mt, out, 1);
	}
	walk_path_down(mt, first, &path);
	leaf = &path.lv[path.height - 1];
	if (last > leaf->max)
		return rebuild_store(mt, first, last, entry);  /* spans leaves */
	n = node_read(leaf->enode, leaf->min, leaf->max, in);
	n = range_apply(in, n, first, last, entry, out);
	return wr_leaf_store(mt, &path, out, n, first, last, entry);
}
