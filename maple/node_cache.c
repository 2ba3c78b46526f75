/* node_cache.c - where node memory comes from. Release builds keep a slab-like cache, as the kernel
 * does with its maple_node kmem_cache: nodes are carved from 2 MiB slabs, each asked to be one
 * transparent huge page (a walk of a big tree then misses the TLB far less; the kernel's own slabs
 * sit on its huge-page direct map), and a freed node goes on a free list for the next allocation,
 * never back to the system. Sanitizer builds
 * (ASan, TSan, and MAPLE_DEBUG) allocate and free every node for real, so a use after free is seen.
 * Only memory; the node counters are alloc.c's. */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#define SLAB_BYTES (2UL << 20)

static atomic_ulong cache_bytes;      /* bytes taken from the system for nodes */

#if MAPLE_FAST_ALLOC
struct free_node {
	struct free_node *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct free_node *free_list;
static char *slab_next, *slab_end;    /* the unused part of the newest slab */

static struct maple_node *cache_carve(void)
{
	struct maple_node *node;

	if (slab_next == slab_end) {
		slab_next = aligned_alloc(SLAB_BYTES, SLAB_BYTES);
		if (!slab_next)
			return NULL;
		madvise(slab_next, SLAB_BYTES, MADV_HUGEPAGE);   /* a hint: without it, small pages */
		slab_end = slab_next + SLAB_BYTES;
		atomic_fetch_add(&cache_bytes, SLAB_BYTES);
	}
	node = (struct maple_node *)slab_next;
	slab_next += MAPLE_NODE_SIZE;
	return node;
}

/** node_cache_get() - one node's memory (not zeroed), or NULL when the system has none. */
struct maple_node *node_cache_get(void)
{
	struct maple_node *node;

	pthread_mutex_lock(&cache_lock);
	if (free_list) {
		node = (struct maple_node *)free_list;
		free_list = free_list->next;
	} else {
		node = cache_carve();
	}
	pthread_mutex_unlock(&cache_lock);
	return node;
}

/** node_cache_put() - @node's memory is free for the next node_cache_get(). */
void node_cache_put(struct maple_node *node)
{
	struct free_node *f = (struct free_node *)node;

	pthread_mutex_lock(&cache_lock);
	f->next = free_list;
	free_list = f;
	pthread_mutex_unlock(&cache_lock);
}
#else
struct maple_node *node_cache_get(void)
{
	struct maple_node *node = aligned_alloc(MAPLE_NODE_SIZE, MAPLE_NODE_SIZE);

	if (node)
		atomic_fetch_add(&cache_bytes, MAPLE_NODE_SIZE);
	return node;
}

void node_cache_put(struct maple_node *node)
{
	atomic_fetch_sub(&cache_bytes, MAPLE_NODE_SIZE);
	free(node);
}
#endif

/** node_cache_bytes() - the bytes node memory holds from the system now (slabs included). */
unsigned long node_cache_bytes(void)
{
	return atomic_load(&cache_bytes);
}
