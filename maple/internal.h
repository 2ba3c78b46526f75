/* internal.h - private to maple/: the functions the library's files share with each other.
 * Never included by users or by the harness; the public API is <maple/maple_tree.h>. */
#ifndef MAPLE_INTERNAL_H
#define MAPLE_INTERNAL_H

#include "node.h"

#include <stddef.h>

/* ---- alloc.c: every node comes from here; counted globally and per tree ---- */
struct maple_node *alloc_node(struct maple_tree *mt, gfp_t gfp);
/* The same, not zeroed: for a worst-case pool whose nodes are zeroed only when taken. */
struct maple_node *alloc_node_raw(struct maple_tree *mt, gfp_t gfp);
/* Which sanitizer the build has (MAPLE_TSAN: ThreadSanitizer, whose grace periods rcu.c annotates).
 * Release builds (no sanitizer, no MAPLE_DEBUG) allocate for speed: nodes come from a slab-like
 * cache and are not counted per tree (the validator's alloc-balance check is off there). Sanitizer
 * and debug builds free every node for real and count every tree's nodes. */
#if defined(__SANITIZE_THREAD__)
#define MAPLE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MAPLE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MAPLE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define MAPLE_SANITIZED 1
#endif
#endif
#if defined(MAPLE_TSAN) || defined(MAPLE_SANITIZED) || defined(MAPLE_DEBUG)
#define MAPLE_FAST_ALLOC 0
#else
#define MAPLE_FAST_ALLOC 1
#endif

/* node_cache.c: node memory (a slab-like cache in release builds, malloc in sanitizer builds) */
struct maple_node *node_cache_get(void);
void node_cache_put(struct maple_node *node);
unsigned long node_cache_bytes(void);
void alloc_free_node(struct maple_tree *mt, struct maple_node *node);
void alloc_retire_node(struct maple_tree *mt);
void alloc_free_retired(struct maple_node *node);
unsigned long alloc_tree_live(const struct maple_tree *mt);

/* Nodes allocated ahead of a store. While one is in use (alloc_use_reserve) alloc_node takes from
 * it first; a strict one (mas_store_prealloc) must never run dry. */
#define NODE_RESERVE_MAX (3 * MAPLE_HEIGHT_MAX + 2)
struct node_reserve {
	struct maple_tree *mt;
	bool strict;
	unsigned int n;
	struct maple_node *node[NODE_RESERVE_MAX];
};
int alloc_reserve_fill(struct node_reserve *r, struct maple_tree *mt, unsigned int count, gfp_t gfp);
void alloc_reserve_drain(struct node_reserve *r);
struct node_reserve *alloc_use_reserve(struct node_reserve *r);
struct node_reserve *alloc_reserve_in_use(void);
void alloc_tree_forget(const struct maple_tree *mt);

/* ---- node.c: whole-node reads and writes ---- */
unsigned char node_read(const struct maple_enode *enode, unsigned long min, unsigned long max,
			struct node_range *out);
void node_fill(struct maple_enode *enode, const struct node_range *r, unsigned char n, unsigned long max);
void node_fill_ranges(struct maple_enode *enode, const struct node_range *r, unsigned char n, unsigned long max);
void node_adopt_children(struct maple_enode *enode, unsigned char n);
void node_free_tree(struct maple_tree *mt, struct maple_enode *enode, unsigned long max);
size_t range_apply(const struct node_range *in, size_t n, unsigned long first, unsigned long last,
		   void *entry, struct node_range *out);

/* ---- rcu.c: retiring nodes that left the tree (dead marking, deferred frees in RCU mode) ---- */
void rcu_retire_node(struct maple_tree *mt, struct maple_enode *enode);
void rcu_retire_tree(struct maple_tree *mt, struct maple_enode *enode, unsigned long max);

/* ---- walk.c: descending and moving between leaves ---- */
struct walk_level {
	struct maple_enode *enode;
	unsigned long min, max;
	unsigned char end;
	unsigned char slot;      /* the slot taken at this level (the leaf: the slot of the index) */
};

struct walk_path {
	unsigned char height;
	struct walk_level lv[MAPLE_HEIGHT_MAX];
};

bool walk_path_down(const struct maple_tree *mt, unsigned long index, struct walk_path *path);
bool walk_leaf(struct ma_state *mas, void **entry);
bool walk_lookup(const struct maple_tree *mt, unsigned long index, void **entry);
bool walk_next_leaf(struct ma_state *mas);
bool walk_prev_leaf(struct ma_state *mas);

/* ---- gap.c: gap tracking in allocation trees (arange_64 internal nodes) ---- */
unsigned long gap_leaf_max(const struct maple_node *leaf, unsigned long min, unsigned long max);
unsigned long gap_node_max(const struct maple_enode *enode, unsigned long min, unsigned long max);
unsigned char gap_max_offset(const struct maple_node *node);
void gap_fill_node(struct maple_node *node, const struct node_range *r, unsigned char n);
void gap_update_up(struct maple_tree *mt, struct maple_enode *enode, unsigned long min, unsigned long max);

/* ---- write.c ---- */
int wr_store(struct maple_tree *mt, unsigned long *first, unsigned long *last, void *entry, gfp_t gfp);
int wr_store_old(struct maple_tree *mt, unsigned long *first, unsigned long *last, void *entry, gfp_t gfp,
		 void **old);

/* ---- prealloc.c: the mas_nomem retry and preallocation ----
 * A writer's loop: wr_retry_init; then { restore the range; ret = wr_store(.., wr_retry_gfp(&rt)) }
 * while (wr_retry_again(&rt, ret, first, last, entry)); wr_retry_done. */
struct wr_retry {
	struct maple_tree *mt;
	gfp_t gfp;
	unsigned int tries;
	struct node_reserve res;
	struct node_reserve *prev;
};
void wr_retry_init(struct wr_retry *rt, struct maple_tree *mt, gfp_t gfp);
gfp_t wr_retry_gfp(const struct wr_retry *rt);
bool wr_retry_again(struct wr_retry *rt, int ret, unsigned long first, unsigned long last, void *entry);
void wr_retry_done(struct wr_retry *rt);
unsigned int wr_nodes_needed(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry);
void prealloc_release(struct ma_state *mas);
void wr_set_height(struct maple_tree *mt, unsigned int height);
void wr_debug_validate(struct maple_tree *mt);
void wr_debug_locked(struct maple_tree *mt);

#endif
