/* maple_tree.h - the public API of maplefuzz's userspace maple tree.
 * Names, arguments, return values and error codes are the Linux kernel's (v6.12, 64-bit); the exact
 * observable rules are in docs/semantics.md. Self-sufficient: a program written against the kernel
 * API compiles with only this include.
 *
 * Threads: every thread that reads a tree (the main thread included) must call
 * urcu_memb_register_thread() once before its first read, as liburcu requires; the library never
 * registers threads itself. */
#ifndef MAPLE_MAPLE_TREE_H
#define MAPLE_MAPLE_TREE_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- gfp flags: whether an allocation may block ---- */
typedef unsigned int gfp_t;
#define __GFP_DIRECT_RECLAIM 0x400u
#define GFP_NOWAIT 0x800u
#define GFP_ATOMIC 0x820u
#define GFP_KERNEL (0xc0u | __GFP_DIRECT_RECLAIM)

/* ---- XArray entry helpers the API relies on ---- */
static inline void *xa_mk_value(unsigned long v) { return (void *)((v << 1) | 1); }
static inline unsigned long xa_to_value(const void *entry) { return (unsigned long)entry >> 1; }
static inline bool xa_is_value(const void *entry) { return (unsigned long)entry & 1; }
static inline void *xa_mk_internal(unsigned long v) { return (void *)((v << 2) | 2); }
static inline unsigned long xa_to_internal(const void *entry) { return (unsigned long)entry >> 2; }
static inline bool xa_is_internal(const void *entry) { return ((unsigned long)entry & 3) == 2; }
#define XA_RETRY_ENTRY xa_mk_internal(256)
#define XA_ZERO_ENTRY xa_mk_internal(257)
static inline bool xa_is_zero(const void *entry) { return entry == XA_ZERO_ENTRY; }
static inline bool xa_is_err(const void *entry)
{
	return xa_is_internal(entry) && (unsigned long)entry >= (unsigned long)xa_mk_internal(-4095L);
}
static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}
static inline bool xa_is_advanced(const void *entry)
{
	return xa_is_internal(entry) && (unsigned long)entry <= (unsigned long)XA_RETRY_ENTRY;
}

/* ---- the tree ---- */
#define MT_FLAGS_ALLOC_RANGE 0x01u
#define MT_FLAGS_USE_RCU 0x02u
#define MT_FLAGS_HEIGHT_OFFSET 0x02u
#define MT_FLAGS_HEIGHT_MASK 0x7Cu
#define MT_FLAGS_LOCK_MASK 0x300u
#define MT_FLAGS_LOCK_IRQ 0x100u
#define MT_FLAGS_LOCK_BH 0x200u
#define MT_FLAGS_LOCK_EXTERN 0x300u
#define MT_FLAGS_ALLOC_WRAPPED 0x800u   /* mtree_alloc_cyclic handed out ULONG_MAX; next call returns 1 */
#define MAPLE_HEIGHT_MAX 31
#define MAPLE_RESERVED_RANGE 4096

struct maple_tree {
	pthread_mutex_t ma_lock;       /* internal lock (unused with MT_FLAGS_LOCK_EXTERN) */
	void *ma_external_lock;        /* recorded by mt_set_external_lock */
	unsigned int ma_flags;
	void *ma_root;                 /* NULL, a root entry, or an encoded node with bit 1 set */
};

#define MTREE_INIT(name, flags) { .ma_lock = PTHREAD_MUTEX_INITIALIZER, .ma_flags = (flags), .ma_root = NULL }
#define DEFINE_MTREE(name) struct maple_tree name = MTREE_INIT(name, 0)

void mt_init_flags(struct maple_tree *mt, unsigned int flags);
static inline void mt_init(struct maple_tree *mt) { mt_init_flags(mt, 0); }
static inline bool mtree_empty(const struct maple_tree *mt) { return mt->ma_root == NULL; }
static inline unsigned int mt_height(const struct maple_tree *mt)
{
	return (__atomic_load_n(&mt->ma_flags, __ATOMIC_RELAXED) & MT_FLAGS_HEIGHT_MASK) >> MT_FLAGS_HEIGHT_OFFSET;
}
static inline bool mt_in_rcu(const struct maple_tree *mt)
{
	return __atomic_load_n(&mt->ma_flags, __ATOMIC_RELAXED) & MT_FLAGS_USE_RCU;
}
/* RCU mode (MT_FLAGS_USE_RCU at init, or these): readers need only rcu_read_lock(); writers replace
 * nodes, mark the old ones dead and free them after a grace period (liburcu call_rcu). Before
 * re-initialising or freeing the memory of a tree that was in RCU mode, call urcu_memb_barrier()
 * so that every pending node free has run. Both take the tree lock. */
void mt_set_in_rcu(struct maple_tree *mt);
void mt_clear_in_rcu(struct maple_tree *mt);
/* Read sections for lockless readers of an RCU-mode tree: liburcu memb's read lock and unlock.
 * Plain urcu_memb_read_lock() works as well; these add, under ThreadSanitizer, the happens-before
 * edge from a read section's end to the frees after the next grace period that TSan cannot see
 * through liburcu, so a TSan run reports only real races. */
void mt_rcu_read_lock(void);
void mt_rcu_read_unlock(void);
/* mt_set_call_rcu: testing hook (not a kernel API): RCU-mode node frees go through @fn instead of
 * urcu_memb_call_rcu (NULL: back to it). @fn(head, free) must call free(head) once no reader that
 * might have seen the node is still in its read section. Global. */
struct rcu_head;
typedef void (*mt_call_rcu_fn)(struct rcu_head *head, void (*free)(struct rcu_head *head));
void mt_set_call_rcu(mt_call_rcu_fn fn);
static inline bool mt_external_lock(const struct maple_tree *mt)
{
	return (mt->ma_flags & MT_FLAGS_LOCK_MASK) == MT_FLAGS_LOCK_EXTERN;
}
void mtree_lock(struct maple_tree *mt);
void mtree_unlock(struct maple_tree *mt);
/* MT_FLAGS_LOCK_EXTERN: writers hold the caller's lock, never the internal one; declare it here
 * (the kernel's takes a lockdep map, ours the pthread mutex itself) and MAPLE_DEBUG builds check it
 * is locked on every write, as they check the internal lock for other trees. */
static inline void mt_set_external_lock(struct maple_tree *mt, pthread_mutex_t *lock)
{
	mt->ma_external_lock = lock;
}
/* mt_lock_is_held: the lock writers must hold (internal, or the declared external one) is locked
 * by some thread; true when an external lock was never declared. */
bool mt_lock_is_held(struct maple_tree *mt);

/* ---- normal API: takes the tree lock (writes) or RCU (reads) itself ---- */
void *mtree_load(struct maple_tree *mt, unsigned long index);
int mtree_store_range(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry, gfp_t gfp);
int mtree_store(struct maple_tree *mt, unsigned long index, void *entry, gfp_t gfp);
int mtree_insert_range(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry, gfp_t gfp);
int mtree_insert(struct maple_tree *mt, unsigned long index, void *entry, gfp_t gfp);
void *mtree_erase(struct maple_tree *mt, unsigned long index);
void mtree_destroy(struct maple_tree *mt);
void __mt_destroy(struct maple_tree *mt);
void *mt_find(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *mt_find_after(struct maple_tree *mt, unsigned long *index, unsigned long max);
void *mt_next(struct maple_tree *mt, unsigned long index, unsigned long max);
void *mt_prev(struct maple_tree *mt, unsigned long index, unsigned long min);
/* mtree_dup: copy @mt node by node into the empty tree @new (same flags other than the height);
 * entries are shared. 0; -EINVAL if @new is not empty, is @mt, or the flags differ; -ENOMEM
 * (@new left empty, nothing leaked). Takes both trees' locks; __mt_dup takes none. */
int mtree_dup(struct maple_tree *mt, struct maple_tree *new, gfp_t gfp);
int __mt_dup(struct maple_tree *mt, struct maple_tree *new, gfp_t gfp);

#define mt_for_each(__tree, __entry, __index, __max) \
	for (__entry = mt_find(__tree, &(__index), __max); __entry; \
	     __entry = mt_find_after(__tree, &(__index), __max))

/* ---- advanced API: the caller holds the lock (writes) or RCU / the lock (reads) ---- */
enum maple_status {
	ma_active, ma_start, ma_root, ma_none, ma_pause, ma_overflow, ma_underflow, ma_error,
};

struct maple_enode;   /* an encoded node pointer: node address | type | flags */

struct ma_state {
	struct maple_tree *tree;
	unsigned long index, last;     /* the range asked for, then the range found */
	struct maple_enode *node;      /* current node while active; an encoded error in ma_error */
	unsigned long min, max;        /* the limits of node */
	enum maple_status status;
	unsigned char depth, offset, end;
	unsigned char mas_flags;
	struct maple_alloc *alloc;     /* nodes reserved by mas_preallocate; mas_destroy frees them */
};

#define MA_STATE(name, mt, first, end) \
	struct ma_state name = { .tree = (mt), .index = (first), .last = (end), .node = NULL, \
				 .min = 0, .max = ULONG_MAX, .status = ma_start }

static inline void mas_reset(struct ma_state *mas) { mas->status = ma_start; mas->node = NULL; }
static inline void __mas_set_range(struct ma_state *mas, unsigned long first, unsigned long last)
{
	mas->index = first;
	mas->last = last;
}
static inline void mas_set_range(struct ma_state *mas, unsigned long first, unsigned long last)
{
	__mas_set_range(mas, first, last);
	mas_reset(mas);
}
static inline void mas_set(struct ma_state *mas, unsigned long index) { mas_set_range(mas, index, index); }
static inline bool mas_is_err(const struct ma_state *mas) { return mas->status == ma_error; }
static inline void mas_lock(struct ma_state *mas) { mtree_lock(mas->tree); }
static inline void mas_unlock(struct ma_state *mas) { mtree_unlock(mas->tree); }
static inline bool mas_is_active(const struct ma_state *mas) { return mas->status == ma_active; }
void mas_pause(struct ma_state *mas);

void *mas_walk(struct ma_state *mas);
void *mas_find(struct ma_state *mas, unsigned long max);
void *mas_next(struct ma_state *mas, unsigned long max);
void *mas_prev(struct ma_state *mas, unsigned long min);

#define mas_for_each(__mas, __entry, __max) \
	while (((__entry) = mas_find((__mas), (__max))) != NULL)

void *mas_find_range(struct ma_state *mas, unsigned long max);
void *mas_find_rev(struct ma_state *mas, unsigned long min);
void *mas_find_range_rev(struct ma_state *mas, unsigned long min);
void *mas_next_range(struct ma_state *mas, unsigned long max);
void *mas_prev_range(struct ma_state *mas, unsigned long min);

#define mas_for_each_rev(__mas, __entry, __min) \
	while (((__entry) = mas_find_rev((__mas), (__min))) != NULL)

/* Advanced writes (caller holds the lock; no advanced-entry check). On failure the state is
 * ma_error and xa_err(mas->node) is the errno. */
void *mas_store(struct ma_state *mas, void *entry);
int mas_store_gfp(struct ma_state *mas, void *entry, gfp_t gfp);
void *mas_erase(struct ma_state *mas);

/* ---- allocation trees (MT_FLAGS_ALLOC_RANGE): gap searches and allocating stores ----
 * Rules: docs/semantics.md "Gap searches" and "Allocating stores".
 * mas_empty_area / _rev: the lowest / highest window of @size NULL indices inside [min, max]
 * (inclusive). 0: [index, last] is the window (status ma_active; ma_root / ma_none in a root-entry /
 * empty tree). -EINVAL if min > max, size == 0 or max - min < size - 1 (state untouched). -EBUSY if
 * nothing fits (node tree: [index, last] = [min, max], ma_error). The caller holds RCU or the lock.
 * Repeated searches: every call starts afresh from the root, ignoring where the state stood and its
 * status (as if mas_reset() came first), so calling it twice gives the same window; v6.12 would go
 * on from its cached slot. Plain trees (no MT_FLAGS_ALLOC_RANGE) are searched too, with the same
 * answers (they keep no gaps, so every subtree is tried); v6.12 answers -EBUSY there above height 1.
 * mtree_alloc_range / _rrange: store @entry over that window; *startp = its start. -EINVAL also for
 * trees without MT_FLAGS_ALLOC_RANGE and reserved entries (internal and < 4096).
 * mtree_alloc_cyclic / mas_alloc_cyclic: one index from [max(range_lo, *next), range_hi], else from
 * [range_lo, range_hi]; *next = index + 1; returns 1 when it restarted from range_lo (see
 * MT_FLAGS_ALLOC_WRAPPED). Errors leave the tree, *startp and *next unchanged. */
int mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size);
int mas_empty_area_rev(struct ma_state *mas, unsigned long min, unsigned long max, unsigned long size);
int mtree_alloc_range(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long size,
		      unsigned long min, unsigned long max, gfp_t gfp);
int mtree_alloc_rrange(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long size,
		       unsigned long min, unsigned long max, gfp_t gfp);
int mtree_alloc_cyclic(struct maple_tree *mt, unsigned long *startp, void *entry, unsigned long range_lo,
		       unsigned long range_hi, unsigned long *next, gfp_t gfp);
int mas_alloc_cyclic(struct ma_state *mas, unsigned long *startp, void *entry, unsigned long range_lo,
		     unsigned long range_hi, unsigned long *next, gfp_t gfp);

/* ---- debugging ---- */
enum mt_dump_format { mt_dump_dec, mt_dump_hex };
void mt_dump(const struct maple_tree *mt, enum mt_dump_format format);
void mt_dump_to(FILE *out, const struct maple_tree *mt, enum mt_dump_format format);
/* mt_dump_dot: the tree as a Graphviz digraph (records per node, gaps in allocation trees), the
 * path from the root to @mark in red. Debugging helper, not a kernel API. */
void mt_dump_dot(FILE *out, const struct maple_tree *mt, unsigned long mark);
/* mt_same_shape: debugging helper (not a kernel API): true when @a and @b have the same height and
 * node structure: node types, pivots, data ends, metadata, gaps, parent slots and leaf entries equal,
 * children compared recursively (not by address); root entries compared by value. */
bool mt_same_shape(const struct maple_tree *a, const struct maple_tree *b);

/* mt_validate: check every invariant; returns 0 or the first broken invariant's stable name
 * ("pivot-order", "sequential-nulls", ...; in allocation trees also "leaf-gap", "gap-mismatch",
 * "gap-meta", "gap-after-end") and writes the node path to *where (may be NULL).
 * In MAPLE_DEBUG builds the library runs it after every write and aborts with a dump on failure. */
const char *mt_validate_report(struct maple_tree *mt, char *where, size_t where_len);
void mt_validate(struct maple_tree *mt);
/* mt_validate_span: the same checks on the nodes whose range meets [first, last] only. */
const char *mt_validate_span(struct maple_tree *mt, unsigned long first, unsigned long last, char *where,
			     size_t where_len);

/* ---- the node allocator's counters ---- */
/* bytes: node memory held from the system (release builds keep freed nodes in a cache). */
struct mt_alloc_stats { unsigned long allocated, freed, live, bytes; };
void mt_alloc_stats(struct mt_alloc_stats *stats);

/* ---- allocation-failure injection (section added by the -ENOMEM work; not kernel APIs) ----
 * Every node allocation passes a gfp: mas_store uses GFP_NOWAIT and never retries (as the
 * kernel's); the other writes try with GFP_NOWAIT first and retry with their gfp (mtree_erase and
 * mas_erase: GFP_KERNEL), see mt_set_nomem_hook; the dups use the caller's gfp once. A try that
 * meets a failed allocation leaves the tree exactly as it was, nothing leaked; when the retry's
 * allocation fails too the write returns -ENOMEM (or sets it in the state).
 * mt_set_fail_nth: the @n-th node allocation from now fails, whatever its gfp (one shot; 0: off).
 * mt_set_non_kernel: budget mode on: non-blocking allocations (gfp without __GFP_DIRECT_RECLAIM)
 *   fail unless @budget > 0, each success taking one; GFP_KERNEL allocations never fail by it.
 * mt_clear_faults: both off. mt_alloc_failures: injected failures since start-up (never reset).
 * Global (all trees, all threads). */
void mt_set_fail_nth(unsigned long n);
void mt_set_non_kernel(unsigned long budget);
void mt_clear_faults(void);
unsigned long mt_alloc_failures(void);

/* ---- the walks' slot scan (maple/scan.h; not a kernel API) ----
 * Walks find their slot with the widest vector scan the CPU has (AVX-512F, AVX2), else scalar;
 * MAPLE_SCAN=scalar|avx2 in the environment narrows that at start-up. mt_set_slot_scan narrows it
 * further from now on (the harness does, per stream, so that fuzzers reach every scan): MT_SCAN_BEST
 * the start-up choice, or one of the others, capped at it. Returns the scan now in use. Global; not
 * while other threads walk. */
enum mt_slot_scan { MT_SCAN_BEST, MT_SCAN_SCALAR, MT_SCAN_AVX2, MT_SCAN_AVX512 };   /* narrow to wide */
enum mt_slot_scan mt_set_slot_scan(enum mt_slot_scan scan);

/* ---- write paths: store-type statistics and bulk mode (section added by the write-path work) ---- */
/* The kernel's store types (enum store_type, reference §3.2) in its order, then events inside the
 * algorithms. Every successful write counts exactly one store type; events count as they happen. */
enum maple_store_type {
	MT_STORE_INVALID,          /* wr_invalid: never counted */
	MT_STORE_NEW_ROOT,         /* [0, ULONG_MAX], or a write that leaves only NULL */
	MT_STORE_STORE_ROOT,       /* empty or root-entry tree: keep the root entry or expand */
	MT_STORE_EXACT_FIT,        /* one existing range replaced: one slot pointer */
	MT_STORE_SPANNING_STORE,   /* crosses leaves: subtree rebuilt */
	MT_STORE_SPLIT_STORE,      /* leaf overflow: push to a sibling or split upwards */
	MT_STORE_REBALANCE,        /* leaf underflow: combine with a sibling upwards */
	MT_STORE_APPEND,           /* at the leaf's last slot, in place */
	MT_STORE_NODE_STORE,       /* leaf rewritten in place */
	MT_STORE_SLOT_STORE,       /* same slot count: slots and pivots adjusted in place */
	MT_STORE_EV_PUSH_LEFT,     /* event: a split pushed into the left sibling instead */
	MT_STORE_EV_PUSH_RIGHT,    /* event: a split pushed into the right sibling instead */
	MT_STORE_EV_SPLIT_3WAY,    /* event: one level became three nodes */
	MT_STORE_EV_ROOT_COLLAPSE, /* event: the height shrank */
	MT_STORE_EV_COUSIN_PULL,   /* event: a short level took a neighbour with another parent */
	MT_STORE_EV_BULK,          /* event: a store ran in bulk mode */
	MT_STORE_NR
};
#define MT_STORE_TYPES_NR MT_STORE_EV_PUSH_LEFT   /* entries below this are store types */

struct mt_store_stats { unsigned long count[MT_STORE_NR]; };
/* mt_store_stats: the global counters (all trees, all threads, since start-up). */
void mt_store_stats(struct mt_store_stats *out);
/* mt_store_type_name: "wr_exact_fit", ... (the kernel's names), events by their own name. */
const char *mt_store_type_name(enum maple_store_type t);

/* Preallocation: mas_preallocate reserves every node storing @entry over [index, last] needs
 * (0 or -ENOMEM); mas_store_prealloc then stores without failing and releases the rest; mas_destroy
 * releases a reserve that was not used. The caller holds the lock throughout and changes nothing
 * in between. mas_prealloc_count: the nodes held (a debugging helper, not a kernel API). */
int mas_preallocate(struct ma_state *mas, void *entry, gfp_t gfp);
void mas_store_prealloc(struct ma_state *mas, void *entry);
unsigned int mas_prealloc_count(const struct ma_state *mas);

/* Retries (the kernel's mas_nomem): every write but mas_store, the dups and bulk first allocates with
 * GFP_NOWAIT; when that fails it allocates again with its gfp, dropping the internal lock while it
 * does if that gfp may block (GFP_KERNEL), and runs again from scratch. mt_set_nomem_hook: testing
 * hook (not a kernel API): called at each such retry point, after the allocation, lock dropped. */
typedef void (*mt_nomem_hook_fn)(struct maple_tree *mt, void *arg);
void mt_set_nomem_hook(mt_nomem_hook_fn fn, void *arg);

/* Bulk mode (kernel <= 6.12): announce @nr_entries in-order stores into an empty non-RCU tree;
 * mas_destroy ends it (and fixes the last node). 0 or -ENOMEM / -EINVAL. */
int mas_expected_entries(struct ma_state *mas, unsigned long nr_entries);
void mas_destroy(struct ma_state *mas);

#endif
