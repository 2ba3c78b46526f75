/* alloc.c - the one place nodes come from and go back to. Counts allocations globally (for
 * mt_alloc_stats) and per tree (for the validator's alloc-balance check; a node waiting for its
 * RCU grace period counts globally, no longer for its tree). Every free is a real
 * free(); a slab-like cache comes later. Never touches a node's contents beyond zeroing it. */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong alloc_allocated;
static atomic_ulong alloc_freed;

/* Per-tree live counts, keyed by the tree's address: a small chained hash table. */
#define ALLOC_BUCKETS 64

struct alloc_owner {
	const struct maple_tree *mt;
	unsigned long live;
	struct alloc_owner *next;
};

static struct alloc_owner *alloc_owners[ALLOC_BUCKETS];
static pthread_mutex_t alloc_owner_lock = PTHREAD_MUTEX_INITIALIZER;

static struct alloc_owner **alloc_owner_slot(const struct maple_tree *mt)
{
	uintptr_t h = ((uintptr_t)mt >> 4) * 0x9E3779B97F4A7C15ULL;
	struct alloc_owner **pp = &alloc_owners[h >> 58];

	while (*pp && (*pp)->mt != mt)
		pp = &(*pp)->next;
	return pp;
}

/* Add @delta to @mt's live count; drops the record when it reaches zero. */
static void alloc_owner_add(const struct maple_tree *mt, long delta)
{
	struct alloc_owner **pp, *o;

	if (MAPLE_FAST_ALLOC)
		return;               /* release builds count no tree's nodes */
	pthread_mutex_lock(&alloc_owner_lock);
	pp = alloc_owner_slot(mt);
	o = *pp;
	if (!o && delta > 0) {
		o = calloc(1, sizeof(*o));
		if (o) {
			o->mt = mt;
			*pp = o;
		}
	}
	if (o) {
		o->live += (unsigned long)delta;
		if (o->live == 0) {
			*pp = o->next;
			free(o);
		}
	}
	pthread_mutex_unlock(&alloc_owner_lock);
}

/* ---- fault injection (mt_set_fail_nth, mt_set_non_kernel) ---- */
static atomic_ulong fault_nth;          /* allocations left until the failing one; 0: off */
static atomic_bool fault_budget_on;     /* mt_set_non_kernel mode */
static atomic_ulong fault_budget;       /* non-blocking allocations still allowed in that mode */
static atomic_ulong fault_failures;     /* injected failures so far */

/* Take one from *@v if it is non-zero; returns the value seen (0: nothing taken). */
static unsigned long fault_take(atomic_ulong *v)
{
	unsigned long n = atomic_load(v);

	while (n && !atomic_compare_exchange_weak(v, &n, n - 1))
		;
	return n;
}

/* Whether this allocation (with @gfp) is to fail by injection. */
static bool alloc_fault(gfp_t gfp)
{
	if (fault_take(&fault_nth) == 1)
		goto fail;
	if (atomic_load(&fault_budget_on) && !(gfp & __GFP_DIRECT_RECLAIM) && !fault_take(&fault_budget))
		goto fail;
	return false;
fail:
	atomic_fetch_add(&fault_failures, 1);
	return true;
}

/**
 * mt_set_fail_nth() - make the @n-th node allocation from now fail, whatever its gfp (one shot).
 * @n: 1 fails the next allocation; 0 disables.
 */
void mt_set_fail_nth(unsigned long n)
{
	atomic_store(&fault_nth, n);
}

/**
 * mt_set_non_kernel() - the kernel test shim's budget: from now on, allocations whose gfp lacks
 * __GFP_DIRECT_RECLAIM (GFP_NOWAIT, GFP_ATOMIC) fail unless the budget is > 0, each success taking
 * one from it. Blocking allocations (GFP_KERNEL) are never failed by it. mt_clear_faults() ends it.
 * @budget: non-blocking allocations still allowed (0: all fail).
 */
void mt_set_non_kernel(unsigned long budget)
{
	atomic_store(&fault_budget, budget);
	atomic_store(&fault_budget_on, true);
}

/** mt_clear_faults() - end both kinds of injection (the failure count is kept). */
void mt_clear_faults(void)
{
	atomic_store(&fault_nth, 0);
	atomic_store(&fault_budget_on, false);
	atomic_store(&fault_budget, 0);
}

/** mt_alloc_failures() - the number of node allocations failed by injection since start-up. */
unsigned long mt_alloc_failures(void)
{
	return atomic_load(&fault_failures);
}

/* ---- reserves: nodes allocated ahead (mas_nomem retries, mas_preallocate) ---- */
static __thread struct node_reserve *alloc_reserve;

/**
 * alloc_reserve_fill() - top @r (for @mt) up to @count nodes with @gfp. Return: 0, or -ENOMEM with
 * the nodes it got kept (alloc_reserve_drain() frees them).
 */
int alloc_reserve_fill(struct node_reserve *r, struct maple_tree *mt, unsigned int count, gfp_t gfp)
{
	r->mt = mt;
	if (count > NODE_RESERVE_MAX)
		count = NODE_RESERVE_MAX;
	while (r->n < count) {
		struct maple_node *node = alloc_node(mt, gfp);

		if (!node)
			return -ENOMEM;
		alloc_owner_add(mt, -1);    /* a reserved node is no node of the tree until taken */
		r->node[r->n++] = node;
	}
	return 0;
}

/** alloc_reserve_drain() - free what is left in @r. */
void alloc_reserve_drain(struct node_reserve *r)
{
	while (r->n)
		alloc_free_retired(r->node[--r->n]);
}

/** alloc_reserve_in_use() - the reserve alloc_node takes from now (NULL: none). */
struct node_reserve *alloc_reserve_in_use(void)
{
	return alloc_reserve;
}

/** alloc_use_reserve() - node allocations for @r's tree take from @r first (NULL: none); returns
 * the reserve in use before. A strict reserve that runs dry is a bug (preallocation too small). */
struct node_reserve *alloc_use_reserve(struct node_reserve *r)
{
	struct node_reserve *prev = alloc_reserve;

	alloc_reserve = r;
	return prev;
}

static struct maple_node *alloc_from_reserve(struct maple_tree *mt)
{
	struct node_reserve *r = alloc_reserve;
	struct maple_node *node;

	if (!r || r->mt != mt)
		return NULL;
	if (!r->n) {
		if (r->strict) {
			fprintf(stderr, "maple: mas_store_prealloc: the preallocated nodes were not enough\n");
			abort();
		}
		return NULL;
	}
	node = r->node[--r->n];
	memset(node, 0, sizeof(*node));
	alloc_owner_add(mt, 1);
	return node;
}

/* One node for @mt, not zeroed (a reserve's nodes are); NULL when out of memory (or failed by
 * injection). */
struct maple_node *alloc_node_raw(struct maple_tree *mt, gfp_t gfp)
{
	struct maple_node *node = alloc_from_reserve(mt);

	if (node)
		return node;
	if (alloc_fault(gfp))
		return NULL;
	node = node_cache_get();
	if (!node)
		return NULL;
	atomic_fetch_add(&alloc_allocated, 1);
	alloc_owner_add(mt, 1);
	return node;
}

/* One node for @mt, zeroed; NULL when out of memory (or failed by injection). */
struct maple_node *alloc_node(struct maple_tree *mt, gfp_t gfp)
{
	struct maple_node *node = alloc_node_raw(mt, gfp);

	if (node)
		memset(node, 0, sizeof(*node));
	return node;
}

void alloc_free_node(struct maple_tree *mt, struct maple_node *node)
{
	if (!node)
		return;
	atomic_fetch_add(&alloc_freed, 1);
	alloc_owner_add(mt, -1);
	node_cache_put(node);
}

/* RCU mode, in two steps: a node leaves @mt's count when it dies (so the validator's balance holds
 * while it waits), and leaves the global count when its grace period ends. */
void alloc_retire_node(struct maple_tree *mt)
{
	alloc_owner_add(mt, -1);
}

void alloc_free_retired(struct maple_node *node)
{
	atomic_fetch_add(&alloc_freed, 1);
	node_cache_put(node);
}

/* The number of nodes allocated for @mt and not yet freed (or retired). */
unsigned long alloc_tree_live(const struct maple_tree *mt)
{
	struct alloc_owner *o;
	unsigned long live;

	pthread_mutex_lock(&alloc_owner_lock);
	o = *alloc_owner_slot(mt);
	live = o ? o->live : 0;
	pthread_mutex_unlock(&alloc_owner_lock);
	return live;
}

/* A tree (re)initialised at this address starts with no nodes: whatever the old tree there
 * still owned is leaked (and stays visible in the global counters), not charged to the new one. */
void alloc_tree_forget(const struct maple_tree *mt)
{
	struct alloc_owner **pp, *o;

	pthread_mutex_lock(&alloc_owner_lock);
	pp = alloc_owner_slot(mt);
	o = *pp;
	if (o) {
		*pp = o->next;
		free(o);
	}
	pthread_mutex_unlock(&alloc_owner_lock);
}

/**
 * mt_alloc_stats() - read the node allocator's counters.
 * @stats: filled with the nodes allocated and freed since start-up and the difference (live).
 */
void mt_alloc_stats(struct mt_alloc_stats *stats)
{
	stats->allocated = atomic_load(&alloc_allocated);
	stats->freed = atomic_load(&alloc_freed);
	stats->live = stats->allocated - stats->freed;
	stats->bytes = node_cache_bytes();
}
