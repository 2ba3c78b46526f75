/* tree.c - the tree's life cycle and the normal-API writers: init, lock, store, insert, erase,
 * destroy. Each writer checks its arguments, takes the lock, calls the store path and validates in
 * debug builds. Never reaches into nodes itself. */
#include "internal.h"

/**
 * mt_init_flags() - initialise an empty tree.
 * @mt: the tree. @flags: MT_FLAGS_* (the height bits are ignored).
 *
 * The internal lock is set up unless MT_FLAGS_LOCK_EXTERN. MT_FLAGS_ALLOC_RANGE trees get arange_64
 * internal nodes that track gaps (gap.c) for mas_empty_area and the mtree_alloc_* stores.
 */
void mt_init_flags(struct maple_tree *mt, unsigned int flags)
{
	mt->ma_flags = flags & ~MT_FLAGS_HEIGHT_MASK;
	mt->ma_root = NULL;
	mt->ma_external_lock = NULL;
	if (!mt_external_lock(mt))
		pthread_mutex_init(&mt->ma_lock, NULL);
	alloc_tree_forget(mt);
}

/** mtree_lock() - take the tree's internal lock (nothing with MT_FLAGS_LOCK_EXTERN). */
void mtree_lock(struct maple_tree *mt)
{
	if (!mt_external_lock(mt))
		pthread_mutex_lock(&mt->ma_lock);
}

/** mtree_unlock() - release the tree's internal lock (nothing with MT_FLAGS_LOCK_EXTERN). */
void mtree_unlock(struct maple_tree *mt)
{
	if (!mt_external_lock(mt))
		pthread_mutex_unlock(&mt->ma_lock);
}

/**
 * mt_lock_is_held() - the lock @mt's writers hold is locked (by some thread: a pthread mutex
 * cannot say by which); true for an external lock that was never declared.
 */
bool mt_lock_is_held(struct maple_tree *mt)
{
	pthread_mutex_t *lock = mt_external_lock(mt) ? mt->ma_external_lock : &mt->ma_lock;

	if (!lock || pthread_mutex_trylock(lock) != 0)
		return true;
	pthread_mutex_unlock(lock);
	return false;
}

/* End of every normal-API write: validate (debug builds), then unlock. */
static void tree_write_done(struct maple_tree *mt)
{
	wr_debug_validate(mt);
	mtree_unlock(mt);
}

/**
 * mtree_store_range() - store @entry over [@first, @last], cutting whatever was there.
 * @mt: the tree; takes the lock. @gfp: allocation flags for the nodes a retry needs (the first try
 * uses GFP_NOWAIT; a blocking @gfp drops the lock while it allocates, see mt_set_nomem_hook).
 *
 * Return: 0; -EINVAL for an advanced entry or @first > @last; -ENOMEM (tree unchanged).
 */
int mtree_store_range(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry, gfp_t gfp)
{
	struct wr_retry rt;
	int ret;

	if (xa_is_advanced(entry) || first > last)
		return -EINVAL;
	wr_retry_init(&rt, mt, gfp);
	mtree_lock(mt);
	do {
		unsigned long f = first, l = last;

		ret = wr_store(mt, &f, &l, entry, wr_retry_gfp(&rt));
	} while (wr_retry_again(&rt, ret, first, last, entry));
	wr_retry_done(&rt);
	tree_write_done(mt);
	return ret;
}

/** mtree_store() - mtree_store_range(@mt, @index, @index, @entry, @gfp). */
int mtree_store(struct maple_tree *mt, unsigned long index, void *entry, gfp_t gfp)
{
	return mtree_store_range(mt, index, index, entry, gfp);
}

/* True when any index of [first, last] maps to a non-NULL entry (zero entries included). */
static bool tree_range_busy(struct maple_tree *mt, unsigned long first, unsigned long last)
{
	MA_STATE(mas, mt, first, first);

	if (mas_walk(&mas))
		return true;
	return mas.last < last;     /* the range after a NULL range is never NULL */
}

/**
 * mtree_insert_range() - store @entry over [@first, @last] only if all of it is NULL now.
 * @mt: the tree; takes the lock. @gfp: allocation flags (as mtree_store_range()).
 *
 * Return: 0 (a NULL @entry stores nothing); -EINVAL as mtree_store_range(); -EEXIST if any index
 * is in use; -ENOMEM.
 */
int mtree_insert_range(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry, gfp_t gfp)
{
	struct wr_retry rt;
	int ret = 0;

	if (xa_is_advanced(entry) || first > last)
		return -EINVAL;
	wr_retry_init(&rt, mt, gfp);
	mtree_lock(mt);
	do {
		unsigned long f = first, l = last;

		if (tree_range_busy(mt, first, last))    /* again on a retry: the lock was dropped */
			ret = -EEXIST;
		else if (entry)
			ret = wr_store(mt, &f, &l, entry, wr_retry_gfp(&rt));
	} while (wr_retry_again(&rt, ret, first, last, entry));
	wr_retry_done(&rt);
	tree_write_done(mt);
	return ret;
}

/** mtree_insert() - mtree_insert_range(@mt, @index, @index, @entry, @gfp). */
int mtree_insert(struct maple_tree *mt, unsigned long index, void *entry, gfp_t gfp)
{
	return mtree_insert_range(mt, index, index, entry, gfp);
}

/**
 * mtree_erase() - make the whole range holding @index NULL.
 * @mt: the tree; takes the lock.
 *
 * mas_erase() under the lock: retries with GFP_KERNEL (it has no way to report -ENOMEM); only when
 * every retry fails too is the entry returned with the tree unchanged.
 *
 * Return: the range's entry as stored (zero entries included), or NULL.
 */
void *mtree_erase(struct maple_tree *mt, unsigned long index)
{
	MA_STATE(mas, mt, index, index);
	void *entry;

	mtree_lock(mt);
	entry = mas_erase(&mas);
	tree_write_done(mt);
	return entry;
}

/**
 * __mt_destroy() - free every node; the tree becomes empty (other flags kept). Caller holds the lock.
 * @mt: the tree.
 */
void __mt_destroy(struct maple_tree *mt)
{
	void *root = mt->ma_root;

	node_publish(&mt->ma_root, NULL);
	wr_set_height(mt, 0);
	if (root_is_node(root))
		rcu_retire_tree(mt, root_to_enode(root), ULONG_MAX);
}

/** mtree_destroy() - __mt_destroy() under the tree's lock. */
void mtree_destroy(struct maple_tree *mt)
{
	mtree_lock(mt);
	__mt_destroy(mt);
	tree_write_done(mt);
}
