/* write.h - private to maple/'s write path: the write state a store is classified with, the
 * subtree rebuild ("rebal") shared by split, rebalance and spanning stores, and the store-type
 * counters. Included only by the write-path files; never by readers, users or the harness. */
#ifndef MAPLE_WRITE_H
#define MAPLE_WRITE_H

#include "internal.h"

/* The most ranges one level of a rebuild can hold: a node's worth left of the change, up to three
 * new nodes (or the new range), a node's worth right of it, and a pulled neighbour. */
#define REBAL_MAX_ITEMS (3 * MAPLE_RANGE64_SLOTS + 4)
#define REBAL_MAX_MADE 4            /* new nodes one level may need */
#define REBAL_NEW_MAX (3 * MAPLE_HEIGHT_MAX + 2)   /* new nodes one rebuild may need */

/* Bulk mode (mas_expected_entries .. mas_destroy): a bit in the state's flags, mirrored in the
 * tree's flags so that every write of that tree sees it (writes reach wr_store without the state). */
#define WR_MAS_BULK 0x01u
#define WR_MT_FLAGS_BULK 0x80000000u

static inline bool wr_in_bulk(const struct maple_tree *mt)
{
	return mt->ma_flags & WR_MT_FLAGS_BULK;
}

/* One store, as the classification sees it (reference §3.2). */
struct wr_state {
	struct maple_tree *mt;
	struct walk_path path;       /* root to the leaf holding index */
	unsigned long index, last;   /* the store range; NULL stores extend over NULL neighbours */
	void *entry;
	gfp_t gfp;                   /* for every node the store allocates */
	unsigned long r_min, r_max;  /* bounds of leaf slot offset */
	unsigned long end_piv;       /* upper bound of leaf slot offset_end */
	unsigned char offset;        /* first leaf slot the store touches */
	unsigned char offset_end;    /* last leaf slot the store touches */
	unsigned char end;           /* the leaf's end before the store */
	unsigned char new_end;       /* the leaf's end after the store */
	void *old;                   /* the entry of the range holding index before the store */
	enum maple_store_type type;
};

/* A subtree rebuild: the nodes from l's to r's at each level are replaced by new nodes built from
 * items, level by level upwards, until one node can replace one node (or a new root is made). */
struct rebal_state {
	struct maple_tree *mt;
	gfp_t gfp;
	struct walk_path l, r;       /* paths to the leftmost and rightmost replaced node, same height */
	unsigned long span_min[MAPLE_HEIGHT_MAX], span_max[MAPLE_HEIGHT_MAX];  /* replaced, per level */
	struct node_range items[REBAL_MAX_ITEMS];  /* what replaces the span at the current level */
	unsigned char n;
	struct maple_enode *fresh[REBAL_NEW_MAX];   /* the new nodes so far, unreachable until published */
	unsigned char fresh_count[REBAL_NEW_MAX];   /* and their ranges */
	unsigned char fresh_n;
};

/* The leaf level of the store's path. */
static inline struct walk_level *wr_leaf(struct wr_state *wr)
{
	return &wr->path.lv[wr->path.height - 1];
}

/* ---- wr_classify.c ---- */
enum maple_store_type wr_classify(struct wr_state *wr);

/* ---- write.c ---- */
void wr_count(enum maple_store_type type);
void wr_publish_root(struct maple_tree *mt, struct maple_enode *root, unsigned int height);

/* ---- node.c (write-path helpers) ---- */
void node_write_slots(struct maple_node *node, unsigned char from, const struct node_range *r,
		      unsigned char n, unsigned char end);

/* ---- rebalance.c: the shared subtree rebuild, and the rebalance store ---- */
void rebal_init(struct rebal_state *rs, struct wr_state *wr);
void rebal_pull_left(struct rebal_state *rs, unsigned char d);
void rebal_pull_right(struct rebal_state *rs, unsigned char d);
int rebal_run(struct rebal_state *rs);
int wr_rebalance(struct wr_state *wr);

/* ---- split.c / spanning.c ---- */
int wr_split_store(struct wr_state *wr);
int wr_spanning_store(struct wr_state *wr);

#endif
