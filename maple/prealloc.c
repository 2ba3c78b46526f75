/* prealloc.c - nodes allocated ahead of a store. The kernel's mas_nomem retry: a write first tries
 * with GFP_NOWAIT; when that runs out it allocates what the store needs with the caller's gfp
 * (dropping the internal lock meanwhile if that gfp may block) and tries again from scratch, since
 * the tree may have changed. And mas_preallocate / mas_store_prealloc / mas_destroy. Never changes
 * the tree itself: wr_store does. */
#include "write.h"

#include <stdlib.h>

#define WR_RETRY_MAX 3          /* tries after the first; each one allocates afresh */

static mt_nomem_hook_fn nomem_hook;
static void *nomem_hook_arg;

/**
 * mt_set_nomem_hook() - testing hook (not a kernel API): @fn(@mt, @arg) runs at every retry point
 * of a write that ran out of nodes, after the nodes for the retry are allocated and before the
 * retry, with the internal lock dropped when the gfp may block (as another writer could run then).
 * NULL: none. Global.
 */
void mt_set_nomem_hook(mt_nomem_hook_fn fn, void *arg)
{
	nomem_hook = fn;
	nomem_hook_arg = arg;
}

/* The nodes a store's own path will take (reference §3.3, with our paths' counts). */
static unsigned int wr_type_nodes(const struct wr_state *wr)
{
	unsigned int h = wr->path.height;

	switch (wr->type) {
	case MT_STORE_SPANNING_STORE: return 3 * h + 2;
	case MT_STORE_SPLIT_STORE: return 2 * h + 2;
	case MT_STORE_REBALANCE: return 2 * h + 1;
	case MT_STORE_NODE_STORE: return mt_in_rcu(wr->mt) ? 1 : 0;
	case MT_STORE_NEW_ROOT: return wr->entry ? 1 : 0;
	case MT_STORE_STORE_ROOT:
		if (!wr->entry || (wr->index == 0 && wr->last == 0 && !xa_is_internal(wr->entry)))
			return 0;
		return 1;
	default: return 0;
	}
}

/** wr_nodes_needed() - how many nodes storing @entry over [@first, @last] allocates now. */
unsigned int wr_nodes_needed(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	struct wr_state wr = { .mt = mt, .index = first, .last = last, .entry = entry };

	wr_classify(&wr);
	return wr_type_nodes(&wr);
}

void wr_retry_init(struct wr_retry *rt, struct maple_tree *mt, gfp_t gfp)
{
	rt->mt = mt;
	rt->gfp = gfp;
	rt->tries = 0;
	rt->res.n = 0;
	rt->res.strict = false;
	rt->res.mt = mt;
	rt->prev = alloc_reserve_in_use();
}

/** wr_retry_gfp() - the gfp of this try: GFP_NOWAIT first, then the caller's (from the reserve). */
gfp_t wr_retry_gfp(const struct wr_retry *rt)
{
	return rt->tries ? rt->gfp : GFP_NOWAIT;
}

/* Allocate for the retry, the internal lock dropped if the gfp may block. */
static int wr_retry_alloc(struct wr_retry *rt, unsigned int count)
{
	bool drop = (rt->gfp & __GFP_DIRECT_RECLAIM) && !mt_external_lock(rt->mt);
	int ret;

	if (drop)
		mtree_unlock(rt->mt);
	ret = alloc_reserve_fill(&rt->res, rt->mt, count, rt->gfp);
	if (!ret && nomem_hook)
		nomem_hook(rt->mt, nomem_hook_arg);
	if (drop)
		mtree_lock(rt->mt);
	return ret;
}

/**
 * wr_retry_again() - after a try that returned @ret for [@first, @last] (the range as the caller
 * asked, not as the try widened it): true when the caller is to try again (nodes are reserved for
 * it, and the tree may have changed meanwhile); false when @ret stands.
 */
bool wr_retry_again(struct wr_retry *rt, int ret, unsigned long first, unsigned long last, void *entry)
{
	unsigned int need;

	alloc_use_reserve(rt->prev);
	alloc_reserve_drain(&rt->res);
	if (ret != -ENOMEM || rt->tries == WR_RETRY_MAX)
		return false;
	need = wr_nodes_needed(rt->mt, first, last, entry);
	rt->tries++;
	if (wr_retry_alloc(rt, need + 1)) {
		alloc_reserve_drain(&rt->res);
		return false;
	}
	alloc_use_reserve(&rt->res);
	return true;
}

/** wr_retry_done() - release whatever the last try left reserved. */
void wr_retry_done(struct wr_retry *rt)
{
	alloc_reserve_drain(&rt->res);
}

/* ---- mas_preallocate / mas_store_prealloc ---- */

static struct node_reserve *mas_reserve(struct ma_state *mas)
{
	return (struct node_reserve *)mas->alloc;
}

/**
 * mas_preallocate() - allocate, with @gfp, every node storing @entry over [mas->index, mas->last]
 * will need, so that mas_store_prealloc() cannot fail. The caller holds the tree lock and must not
 * change the tree before mas_store_prealloc() (or release the nodes with mas_destroy()).
 * Return: 0 or -ENOMEM (nothing kept; the state is then ma_error).
 */
int mas_preallocate(struct ma_state *mas, void *entry, gfp_t gfp)
{
	struct node_reserve *r = mas_reserve(mas);
	unsigned int need = wr_nodes_needed(mas->tree, mas->index, mas->last, entry);

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		mas->alloc = (struct maple_alloc *)r;
	}
	r->strict = true;
	if (alloc_reserve_fill(r, mas->tree, need, gfp)) {
		mas_destroy(mas);
		mas->status = ma_error;
		mas->node = (struct maple_enode *)xa_mk_internal((unsigned long)(long)-ENOMEM);
		return -ENOMEM;
	}
	return 0;
}

/**
 * mas_store_prealloc() - store @entry over [mas->index, mas->last] with the nodes mas_preallocate()
 * reserved (it aborts if they are not enough: a bug), then release what is left. The state ends
 * as after mas_store(). The caller holds the tree lock.
 */
void mas_store_prealloc(struct ma_state *mas, void *entry)
{
	struct node_reserve *r = mas_reserve(mas), *prev;
	struct node_reserve empty = { .mt = mas->tree, .strict = true };

	prev = alloc_use_reserve(r ? r : &empty);
	mas_store(mas, entry);
	alloc_use_reserve(prev);
	mas_destroy(mas);
}

/** mas_prealloc_count() - the nodes the state holds in reserve (a debugging helper). */
unsigned int mas_prealloc_count(const struct ma_state *mas)
{
	return mas->alloc ? ((const struct node_reserve *)mas->alloc)->n : 0;
}

/* mas_destroy()'s part: free the reserve. */
void prealloc_release(struct ma_state *mas)
{
	struct node_reserve *r = mas_reserve(mas);

	if (!r)
		return;
	alloc_reserve_drain(r);
	free(r);
	mas->alloc = NULL;
}
