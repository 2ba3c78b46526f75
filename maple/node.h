/* node.h - private to maple/: the 256-byte node, its pointer encodings and the small helpers every
 * file uses to read one. Nothing here allocates, locks or changes a tree; it only reads and encodes.
 * The layout follows docs/reference §1 (leaf_64 / range_64 / arange_64), written in our own words. */
#ifndef MAPLE_NODE_H
#define MAPLE_NODE_H

#include <maple/maple_tree.h>
#include <stddef.h>
#include <stdint.h>

#define MAPLE_NODE_SIZE 256
#define MAPLE_RANGE64_SLOTS 16
#define MAPLE_RANGE64_PIVOTS 15
#define MAPLE_MIN_END 6              /* a non-root, non-rightmost node ends at offset >= 6 */
#define MAPLE_ARANGE64_SLOTS 10
#define MAPLE_ARANGE64_PIVOTS 9
#define MAPLE_ARANGE64_MIN_END 4     /* the same for arange_64 nodes */
#define MAPLE_NODE_MASK 255UL
#define MAPLE_ENODE_NULL 0x04UL      /* always set in an encoded node */
#define MAPLE_ENODE_TYPE_SHIFT 3
#define MAPLE_ENODE_TYPE_MASK 0x0FUL
#define MAPLE_ROOT_NODE 0x02UL       /* tag of a node in mt->ma_root */
#define MAPLE_PARENT_ROOT 0x01UL     /* the root node's parent is the tree | 1 */
#define MAPLE_PARENT_RANGE64 0x06UL  /* parent kind bits of a non-root node */
#define MAPLE_PARENT_SLOT_SHIFT 3
#define MAPLE_PARENT_SLOT_MASK 0xF8UL

enum maple_type { maple_dense, maple_leaf_64, maple_range_64, maple_arange_64 };

struct maple_metadata {
	unsigned char end;
	unsigned char gap;
};

/* The internal node of an allocation tree: parent, 9 pivots, 10 slots, 10 gaps (gap[i] = child i's
 * largest NULL range, in indices), and its own metadata (end, offset of the largest gap). */
struct maple_arange_64 {
	void *parent;
	unsigned long pivot[MAPLE_ARANGE64_PIVOTS];
	void *slot[MAPLE_ARANGE64_SLOTS];
	unsigned long gap[MAPLE_ARANGE64_SLOTS];
	struct maple_metadata meta;
};

/* One node. The direct members are the leaf_64 / range_64 view: parent, 15 pivots, 16 slots; while
 * such a node is not full, the last slot's storage holds the metadata (its end offset). An arange_64
 * node is read through ma64 (its pivots alias the first 9 of the other view; slots and meta do not). */
struct maple_node {
	union {
		struct {
			void *parent;
			unsigned long pivot[MAPLE_RANGE64_PIVOTS];
			union {
				void *slot[MAPLE_RANGE64_SLOTS];
				struct {
					void *pad[MAPLE_RANGE64_SLOTS - 1];
					struct maple_metadata meta;
				};
			};
		};
		struct maple_arange_64 ma64;
	};
};

_Static_assert(sizeof(struct maple_node) == MAPLE_NODE_SIZE, "a node is 256 bytes");
_Static_assert(offsetof(struct maple_node, ma64.pivot) == offsetof(struct maple_node, pivot),
	       "pivots are at the same place in every view");

/* A field that lockless readers load while an RCU-mode writer may change it in place (pivots, the
 * metadata end, parent pointers): read once, as one relaxed atomic access. */
#define node_read_once(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/* The writer's side of that: the tree's flags (height, RCU, bulk) change while readers load them. */
static inline void tree_set_flags(struct maple_tree *mt, unsigned int flags)
{
	__atomic_store_n(&mt->ma_flags, flags, __ATOMIC_RELAXED);
}

/* ---- per-type sizes ---- */
static inline unsigned char type_slots(enum maple_type type)
{
	return type == maple_arange_64 ? MAPLE_ARANGE64_SLOTS : MAPLE_RANGE64_SLOTS;
}

static inline unsigned char type_pivots(enum maple_type type)
{
	return type == maple_arange_64 ? MAPLE_ARANGE64_PIVOTS : MAPLE_RANGE64_PIVOTS;
}

/* The smallest end offset of a node that is neither the root nor the rightmost of its level. */
static inline unsigned char type_min_end(enum maple_type type)
{
	return type == maple_arange_64 ? MAPLE_ARANGE64_MIN_END : MAPLE_MIN_END;
}

/* The slot array of a node of @type. */
static inline void **node_slots(const struct maple_node *node, enum maple_type type)
{
	return type == maple_arange_64 ? (void **)node->ma64.slot : (void **)node->slot;
}

/* The metadata of a node of @type (in a range_64 / leaf_64 node only valid while not full). */
static inline struct maple_metadata *node_meta(const struct maple_node *node, enum maple_type type)
{
	return (struct maple_metadata *)(type == maple_arange_64 ? &node->ma64.meta : &node->meta);
}

/* One range of a node's contents: [first, last] -> entry (a user entry or a child enode). */
struct node_range {
	unsigned long first, last;
	void *entry;
};

/* ---- encoded nodes ---- */
static inline struct maple_node *mte_to_node(const struct maple_enode *enode)
{
	return (struct maple_node *)((uintptr_t)enode & ~MAPLE_NODE_MASK);
}

static inline enum maple_type mte_type(const struct maple_enode *enode)
{
	return (enum maple_type)(((uintptr_t)enode >> MAPLE_ENODE_TYPE_SHIFT) & MAPLE_ENODE_TYPE_MASK);
}

static inline struct maple_enode *mt_mk_enode(struct maple_node *node, enum maple_type type)
{
	return (struct maple_enode *)((uintptr_t)node | ((uintptr_t)type << MAPLE_ENODE_TYPE_SHIFT) |
				      MAPLE_ENODE_NULL);
}

static inline bool mte_is_leaf(const struct maple_enode *enode)
{
	return mte_type(enode) < maple_range_64;
}

/* ---- the root pointer ---- */

/* The root pointer, loaded once with acquire order: a lockless reader decides on one value (an
 * RCU writer may turn it from an entry into a node, or back, at any time). */
static inline void *tree_root(const struct maple_tree *mt)
{
	return __atomic_load_n(&((struct maple_tree *)mt)->ma_root, __ATOMIC_ACQUIRE);
}

static inline bool root_is_node(const void *root)
{
	return xa_is_internal(root) && (uintptr_t)root > MAPLE_RESERVED_RANGE;
}

static inline struct maple_enode *root_to_enode(const void *root)
{
	return (struct maple_enode *)((uintptr_t)root & ~MAPLE_ROOT_NODE);
}

static inline void *enode_to_root(struct maple_enode *enode)
{
	return (void *)((uintptr_t)enode | MAPLE_ROOT_NODE);
}

/* Internal nodes are arange_64 in allocation trees, range_64 in the others. */
static inline bool tree_is_alloc(const struct maple_tree *mt)
{
	return node_read_once(mt->ma_flags) & MT_FLAGS_ALLOC_RANGE;
}

static inline enum maple_type tree_internal_type(const struct maple_tree *mt)
{
	return tree_is_alloc(mt) ? maple_arange_64 : maple_range_64;
}

/* ---- parent pointers ---- */
static inline bool node_is_root(const struct maple_node *node)
{
	return (uintptr_t)node->parent & MAPLE_PARENT_ROOT;
}

static inline struct maple_node *node_parent(const struct maple_node *node)
{
	return (struct maple_node *)((uintptr_t)node->parent & ~MAPLE_NODE_MASK);
}

static inline unsigned char node_parent_slot(const struct maple_node *node)
{
	return (unsigned char)(((uintptr_t)node->parent & MAPLE_PARENT_SLOT_MASK) >> MAPLE_PARENT_SLOT_SHIFT);
}

/* Parent pointers are stored with release order: a reader walking up may follow one at any time. */
static inline void node_set_parent(struct maple_node *node, struct maple_node *parent, unsigned char slot)
{
	__atomic_store_n(&node->parent, (void *)((uintptr_t)parent | ((uintptr_t)slot << MAPLE_PARENT_SLOT_SHIFT) |
						 MAPLE_PARENT_RANGE64), __ATOMIC_RELEASE);
}

static inline void node_set_root_parent(struct maple_node *node, struct maple_tree *mt)
{
	__atomic_store_n(&node->parent, (void *)((uintptr_t)mt | MAPLE_PARENT_ROOT), __ATOMIC_RELEASE);
}

/* ---- dead nodes (RCU mode): a replaced node's parent points to itself ---- */

/* True when @node has been replaced; whatever was read from it before this check may be stale or
 * clobbered, so a reader restarts from the root. */
static inline bool node_is_dead(const struct maple_node *node)
{
	void *parent;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	parent = __atomic_load_n(&((struct maple_node *)node)->parent, __ATOMIC_ACQUIRE);
	return ((uintptr_t)parent & ~MAPLE_NODE_MASK) == (uintptr_t)node;
}

/* Ask for all four cache lines of a node about to be read: its end, pivots and slot are spread
 * over them, and fetched together they cost one memory latency instead of three in a row. */
static inline void node_prefetch(const struct maple_enode *enode)
{
	/* Integer arithmetic: @enode may be NULL or stale (a prefetch never faults; pointer
	 * arithmetic on NULL would be undefined). */
	uintptr_t p = (uintptr_t)mte_to_node(enode);

	__builtin_prefetch((const void *)p);
	__builtin_prefetch((const void *)(p + 64));
	__builtin_prefetch((const void *)(p + 128));
	__builtin_prefetch((const void *)(p + 192));
}

/* Publish @value into a slot (or the root pointer) that readers may be loading concurrently. */
static inline void node_publish(void **slot, void *value)
{
	__atomic_store_n(slot, value, __ATOMIC_RELEASE);
}

/* ---- reading a node ---- */

/* The offset of the last used slot (reference §1.4): arange_64 keeps it in its metadata; the others
 * use the metadata while not full, otherwise 14 or 15 depending on whether the last pivot is the max. */
static inline unsigned char ma_data_end(const struct maple_node *node, enum maple_type type,
					unsigned long max)
{
	unsigned long last = node_read_once(node->pivot[MAPLE_RANGE64_PIVOTS - 1]);
	unsigned char end;

	/* A lockless reader may read the metadata of a node that died meanwhile (its slots, the
	 * metadata among them, clobbered): clamp, so that what it reads next stays inside the node
	 * until it sees the node dead. */
	if (type == maple_arange_64) {
		end = node_read_once(node->ma64.meta.end);
		return end < MAPLE_ARANGE64_SLOTS ? end : MAPLE_ARANGE64_SLOTS - 1;
	}
	if (last == 0) {
		end = node_read_once(node->meta.end);
		return end < MAPLE_RANGE64_PIVOTS ? end : MAPLE_RANGE64_PIVOTS - 1;
	}
	if (last == max)
		return MAPLE_RANGE64_PIVOTS - 1;
	return MAPLE_RANGE64_PIVOTS;
}

/* ma_data_end() of a leaf_64 or range_64 node (never an arange_64 one). */
static inline unsigned char node_data_end(const struct maple_node *node, unsigned long max)
{
	return ma_data_end(node, maple_range_64, max);
}

/* Pivot reads (the three helpers below) are the same for every node type: the pivots alias. */

/* Upper bound of slot @i of a node whose data ends at @end and whose max is @max. */
static inline unsigned long node_slot_max(const struct maple_node *node, unsigned char i,
					  unsigned char end, unsigned long max)
{
	return i < end ? node_read_once(node->pivot[i]) : max;
}

/* Lower bound of slot @i of a node whose min is @min. */
static inline unsigned long node_slot_min(const struct maple_node *node, unsigned char i, unsigned long min)
{
	return i ? node_read_once(node->pivot[i - 1]) + 1 : min;
}

/* The offset of the slot holding @index in a node of @type that covers it, found without its end:
 * the pivot at the end is the node's max and the pivots after it are zero, so the scan for the
 * first pivot at or above @index stops inside the data (a full node's last slot has no pivot). A
 * reader can start it before the end is read. Bounded by the node for any contents (a dead one).
 * Scalar, the scan stops early: a branch-free scalar count was no faster (395 ns a walk of 1M
 * ranges against 317; level in a later try), its 15 compares too many for the CPU to run ahead to
 * the next walk. The walks use scan.h's vector count where the CPU has one; this scan is their
 * fallback and the writers' end-of-range scan. */
static inline unsigned char node_scan_slot(const struct maple_node *node, enum maple_type type,
					   unsigned long index)
{
	unsigned char slot = 0, pivots = type_pivots(type);

	while (slot < pivots && node_read_once(node->pivot[slot]) < index)
		slot++;
	return slot;
}

#endif
