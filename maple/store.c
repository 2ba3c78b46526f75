/* store.c - the advanced API's writes: mas_store, mas_store_gfp and mas_erase. Each one reads what
 * it needs with walks, writes through wr_store() and then positions the state with a walk, so it
 * never depends on how the write path reshapes nodes. Never takes the tree lock (the caller holds it). */
#include "internal.h"

/* Put the state in ma_error with @err (negative errno), kernel style: xa_err(mas->node) == err. */
static void store_set_err(struct ma_state *mas, int err)
{
	mas->status = ma_error;
	mas->node = (struct maple_enode *)xa_mk_internal((unsigned long)(long)err);
}

/* Where a successful store of [first, last] leaves the state (docs/semantics.md "Advanced
 * writes"): in a node tree, on the range now holding @first (for a NULL store the merged NULL
 * range), ma_active; otherwise [first, last] and ma_start. */
static void store_settle(struct ma_state *mas, unsigned long first, unsigned long last)
{
	mas->index = first;
	mas->last = last;
	if (root_is_node(mas->tree->ma_root)) {
		mas_walk(mas);
		return;
	}
	mas->status = ma_start;
	mas->node = NULL;
}

/* After the last try of a store over [first, last] that returned @ret: the state in error, or
 * settled on the range written. Returns @ret. */
static int store_finish(struct ma_state *mas, int ret, unsigned long first, unsigned long last)
{
	__mas_set_range(mas, first, last);
	if (ret) {
		store_set_err(mas, ret);
		return ret;
	}
	wr_debug_validate(mas->tree);
	store_settle(mas, first, last);
	return 0;
}

/* One try: store @entry over [index, last] with @gfp. A NULL store widens [index, last] over its
 * NULL neighbours, as the kernel's write walk does, whether it succeeds or not. */
static int store_try(struct ma_state *mas, void *entry, void **old, gfp_t gfp)
{
	return wr_store_old(mas->tree, &mas->index, &mas->last, entry, gfp, old);
}

/* Store @entry over [index, last]: once with @gfp, or with @retry as the kernel's mas_nomem loop
 * (GFP_NOWAIT first, then @gfp, the lock possibly dropped in between). 0 or a negative errno (the
 * state is then ma_error with index/last as asked). */
static int store_range(struct ma_state *mas, void *entry, void **old, gfp_t gfp, bool retry)
{
	unsigned long first = mas->index, last = mas->last;
	struct wr_retry rt;
	int ret;

	if (first > last) {
		store_set_err(mas, -EINVAL);
		return -EINVAL;
	}
	if (!retry) {
		ret = store_try(mas, entry, old, gfp);
	} else {
		wr_retry_init(&rt, mas->tree, gfp);
		do {
			__mas_set_range(mas, first, last);   /* undo the widening of the failed try */
			ret = store_try(mas, entry, old, wr_retry_gfp(&rt));
		} while (wr_retry_again(&rt, ret, first, last, entry));
		wr_retry_done(&rt);
	}
	return store_finish(mas, ret, first, last);
}

/**
 * mas_store() - store @entry over [mas->index, mas->last], whatever the state's status.
 * @mas: the maple state; the caller holds the tree lock. @entry: any value (no advanced check).
 *
 * Allocates with GFP_NOWAIT, as the kernel's mas_store() does.
 *
 * Return: the entry the range holding mas->index had before the write (the first entry
 * overwritten), or NULL. On failure NULL, the tree unchanged and the state ma_error with
 * xa_err(mas->node) = -EINVAL (index > last) or -ENOMEM.
 */
void *mas_store(struct ma_state *mas, void *entry)
{
	void *old = NULL;

	if (store_range(mas, entry, &old, GFP_NOWAIT, false))
		return NULL;
	return old;
}

/**
 * mas_store_gfp() - mas_store() reporting an error code instead of the old entry.
 * @mas: the maple state; the caller holds the tree lock. @entry: any value. @gfp: allocation
 * flags of the retry (the first try uses GFP_NOWAIT; see mt_set_nomem_hook).
 *
 * Return: 0; -EINVAL if index > last; -ENOMEM. On error the state is ma_error, the tree unchanged.
 */
int mas_store_gfp(struct ma_state *mas, void *entry, gfp_t gfp)
{
	void *old;

	return store_range(mas, entry, &old, gfp, true);
}

/* mas_erase()'s look-up (v6.12's state walk): like mas_walk in a node tree; in an empty tree
 * status ma_none and in a root-entry tree ma_root, index/last untouched. */
static void *store_erase_walk(struct ma_state *mas)
{
	void *root = mas->tree->ma_root;

	if (root_is_node(root))
		return mas_walk(mas);
	mas->node = NULL;
	mas->status = root ? ma_root : ma_none;
	if (!root || mas->index > 0)
		return NULL;
	mas->last = 0;
	return root;
}

/**
 * mas_erase() - make the whole range holding mas->index NULL.
 * @mas: the maple state; the caller holds the tree lock.
 *
 * Return: the range's entry as stored (zero entries included), or NULL (nothing is written). After
 * a non-NULL erase the state is as after mas_store(NULL) over that range. Allocates as the
 * kernel's mas_erase() does: GFP_NOWAIT, then GFP_KERNEL with the internal lock dropped; every
 * retry starts again from mas->index, since the range may have changed while the lock was dropped.
 * Only when the retries fail too is the entry returned with the tree unchanged and the state
 * ma_error (-ENOMEM).
 */
void *mas_erase(struct ma_state *mas)
{
	unsigned long index = mas->index, first, last;
	struct wr_retry rt;
	void *entry, *old;
	int ret;

	bool again = false;

	wr_retry_init(&rt, mas->tree, GFP_KERNEL);
	do {
		if (again)
			mas->index = mas->last = index;   /* from the index again: the range may have changed */
		again = true;
		entry = store_erase_walk(mas);
		first = mas->index;
		last = mas->last;
		ret = entry ? store_try(mas, NULL, &old, wr_retry_gfp(&rt)) : 0;
	} while (wr_retry_again(&rt, ret, first, last, NULL));
	wr_retry_done(&rt);
	if (entry)
		store_finish(mas, ret, first, last);
	return entry;
}
