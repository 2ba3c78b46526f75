/* maple_store_test.c - unit tests of maple/'s write paths, one store type at a time on built shapes:
 * each checks the contents against an array model, the validator, the store-type counter that moved
 * and that every node comes back after destroy. Looks inside nodes (internal.h) only to pick targets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <maple/maple_tree.h>

#include "../maple/internal.h"

#include "maple_test_helpers.h"
#define MODEL_N 20000UL

/* The model: m[i] for i < MODEL_N, tail for [MODEL_N, ULONG_MAX - 1], top for ULONG_MAX.
 * Stores past MODEL_N must reach ULONG_MAX - 1 or ULONG_MAX. */
struct model {
	void *m[MODEL_N];
	void *tail, *top;
};

static struct model model;
static struct mt_store_stats stats_before;
static unsigned long live_before;


static int setup(void **state)
{
	(void)state;
	memset(&model, 0, sizeof(model));
	live_before = live_nodes();
	return 0;
}

static void model_store(unsigned long first, unsigned long last, void *entry)
{
	for (unsigned long i = first; i <= last && i < MODEL_N; i++)
		model.m[i] = entry;
	if (last >= MODEL_N) {
		assert_true(last >= ULONG_MAX - 1 && first <= MODEL_N);
		model.tail = entry;
	}
	if (last == ULONG_MAX)
		model.top = entry;
}

static void store(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	assert_int_equal(mtree_store_range(mt, first, last, entry, GFP_KERNEL), 0);
	model_store(first, last, entry);
}

static void erase(struct maple_tree *mt, unsigned long index)
{
	MA_STATE(mas, mt, index, index);
	void *entry = mas_walk(&mas);

	assert_ptr_equal(mtree_erase(mt, index), entry);
	if (entry)
		model_store(mas.index, mas.last, NULL);
}


/* Contents equal the model: every index below MODEL_N, a few beyond, and maximal ranges. */
static void assert_contents(struct maple_tree *mt)
{
	MA_STATE(mas, mt, 0, 0);

	for (unsigned long i = 0; i < MODEL_N; i++)
		assert_ptr_equal(mtree_load(mt, i), model.m[i]);
	assert_ptr_equal(mtree_load(mt, MODEL_N), model.tail);
	assert_ptr_equal(mtree_load(mt, ULONG_MAX - 1), model.tail);
	assert_ptr_equal(mtree_load(mt, ULONG_MAX), model.top);
	assert_ptr_equal(mtree_load(mt, ULONG_MAX / 2), model.tail);
	if (!root_is_node(mt->ma_root))
		return;
	for (;;) {          /* every range is maximal for NULLs: walk them and compare the bounds */
		void *e = mas_walk(&mas);

		if (mas.last < MODEL_N)
			assert_true(mas.last + 1 == MODEL_N || model.m[mas.last + 1] != e || e);
		if (mas.last == ULONG_MAX)
			break;
		mas_set(&mas, mas.last + 1);
	}
	assert_valid(mt);
}

static void stats_mark(void)
{
	mt_store_stats(&stats_before);
}

static unsigned long stats_moved(enum maple_store_type t)
{
	struct mt_store_stats now;

	mt_store_stats(&now);
	return now.count[t] - stats_before.count[t];
}

static void destroy_and_check(struct maple_tree *mt)
{
	mtree_destroy(mt);
	assert_true(mtree_empty(mt));
	assert_int_equal(live_nodes(), live_before);
}

/* [i*10, i*10+5] -> P(i) for i < n, ascending: NULL gaps between the entries. */
static void build(struct maple_tree *mt, unsigned long n)
{
	mt_init(mt);
	for (unsigned long i = 0; i < n; i++)
		store(mt, i * 10, i * 10 + 5, P(i + 1));
	assert_valid(mt);
}

/* The leaf holding @index: its limits and end. */
static struct walk_level leaf_at(struct maple_tree *mt, unsigned long index)
{
	struct walk_path path;

	walk_path_down(mt, index, &path);
	return path.lv[path.height - 1];
}

/* ---- the small store types ---- */

static void test_store_root_and_new_root(void **state)
{
	DEFINE_MTREE(mt);

	(void)state;
	mt_init(&mt);
	stats_mark();
	store(&mt, 0, 0, P(1));
	store(&mt, 5, 9, P(2));
	assert_int_equal(stats_moved(MT_STORE_STORE_ROOT), 2);
	assert_int_equal(mt_height(&mt), 1);
	assert_contents(&mt);
	destroy_and_check(&mt);

	build(&mt, 300);
	assert_true(mt_height(&mt) >= 3);
	stats_mark();
	store(&mt, 0, ULONG_MAX, P(7));
	assert_int_equal(stats_moved(MT_STORE_NEW_ROOT), 1);
	assert_int_equal(mt_height(&mt), 1);
	assert_int_equal(live_nodes(), live_before + 1);
	assert_contents(&mt);
	store(&mt, 0, ULONG_MAX, NULL);
	assert_true(mtree_empty(&mt));
	assert_contents(&mt);
	destroy_and_check(&mt);
}

static void test_exact_fit_append_slot_node(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long n;

	(void)state;
	build(&mt, 40);
	stats_mark();
	store(&mt, 100, 105, P(1000));                 /* an existing range */
	store(&mt, 106, 109, P(1001));                 /* an existing NULL gap */
	assert_int_equal(stats_moved(MT_STORE_EXACT_FIT), 2);
	assert_contents(&mt);

	for (n = 40; leaf_at(&mt, ULONG_MAX).end > MAPLE_RANGE64_SLOTS - 4; n++)
		store(&mt, n * 10, n * 10 + 5, P(n + 1));   /* room for two more slots */
	stats_mark();
	store(&mt, n * 10, n * 10 + 1, P(1002));       /* inside the rightmost leaf's last range */
	assert_int_equal(stats_moved(MT_STORE_APPEND), 1);
	assert_contents(&mt);

	stats_mark();
	assert_true(leaf_at(&mt, 80).min < 80 && leaf_at(&mt, 80).max > 89);
	store(&mt, 80, 87, P(1003));                   /* one range + the head of the gap */
	assert_int_equal(stats_moved(MT_STORE_SLOT_STORE), 1);
	assert_contents(&mt);

	for (n = 0; leaf_at(&mt, n * 10).end > MAPLE_RANGE64_SLOTS - 4; n++)
		;                                          /* a leaf with room for two more slots */
	stats_mark();
	store(&mt, n * 10 + 2, n * 10 + 3, P(1004));   /* one range becomes three */
	assert_int_equal(stats_moved(MT_STORE_NODE_STORE), 1);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* ---- split: a full leaf ---- */

static void test_split_full_leaf(void **state)
{
	DEFINE_MTREE(mt);
	struct walk_level leaf;
	unsigned long i, first;

	(void)state;
	build(&mt, 200);
	leaf = leaf_at(&mt, 500);
	first = leaf.min;
	/* fill the leaf holding 500 with single-index entries until it is full */
	for (i = first; leaf_at(&mt, first).end < MAPLE_RANGE64_SLOTS - 1; i++) {
		if (mtree_load(&mt, i) == NULL)
			store(&mt, i, i, P(5000 + i));
		assert_true(i < leaf.max);
	}
	assert_contents(&mt);
	stats_mark();
	for (i = first; leaf_at(&mt, first).end == MAPLE_RANGE64_SLOTS - 1; i++) {
		if (mtree_load(&mt, i) == NULL)
			store(&mt, i, i, P(9000 + i));
	}
	assert_int_equal(stats_moved(MT_STORE_SPLIT_STORE), 1);
	assert_int_equal(stats_moved(MT_STORE_EV_PUSH_LEFT) + stats_moved(MT_STORE_EV_PUSH_RIGHT), 0);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* A leaf next to a small sibling pushes into it rather than splitting. */
static void test_push_to_sibling(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long i, pushes = 0, splits = 0;

	(void)state;
	mt_init(&mt);
	stats_mark();
	for (i = 0; i < 200; i++)                       /* ascending appends at the right edge */
		store(&mt, i * 2, i * 2, P(i + 1));
	pushes = stats_moved(MT_STORE_EV_PUSH_LEFT);
	splits = stats_moved(MT_STORE_SPLIT_STORE);
	assert_true(pushes > 0);
	assert_true(splits > pushes);
	assert_contents(&mt);
	destroy_and_check(&mt);
	mt_init(&mt);
	memset(&model, 0, sizeof(model));
	stats_mark();
	for (i = 0; i < 200; i++)                       /* descending fills at the left edge */
		store(&mt, 10000 - i * 2, 10000 - i * 2, P(i + 1));
	assert_true(stats_moved(MT_STORE_EV_PUSH_RIGHT) > 0);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* ---- rebalance: a leaf at the minimum ---- */

static void test_rebalance_leaf_at_minimum(void **state)
{
	DEFINE_MTREE(mt);
	struct walk_level leaf;
	unsigned long i;

	(void)state;
	build(&mt, 200);
	leaf = leaf_at(&mt, 700);
	assert_true(leaf.max != ULONG_MAX);
	stats_mark();
	for (i = leaf.min; stats_moved(MT_STORE_REBALANCE) == 0; i++) {
		assert_true(i <= leaf.max);
		erase(&mt, i);
		assert_valid(&mt);
	}
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* ---- spanning stores ---- */

/* The max of the first child of the root (an internal node's max in a tree of height >= 3). */
static unsigned long root_child_max(struct maple_tree *mt, unsigned char slot)
{
	struct maple_enode *root = root_to_enode(mt->ma_root);
	struct maple_node *node = mte_to_node(root);
	unsigned char end = node_data_end(node, ULONG_MAX);

	return node_slot_max(node, slot, end, ULONG_MAX);
}

static void test_spanning_to_internal_max(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long max;

	(void)state;
	build(&mt, 1000);
	assert_true(mt_height(&mt) >= 3);
	max = root_child_max(&mt, 0);
	stats_mark();
	store(&mt, 333, max, P(77777));                /* ends exactly at an internal node's max */
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 1);
	assert_contents(&mt);
	max = root_child_max(&mt, 1);
	stats_mark();
	store(&mt, max - 200, max, NULL);             /* NULL ending at an internal node's max */
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 1);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

static void test_spanning_to_ulong_max(void **state)
{
	DEFINE_MTREE(mt);

	(void)state;
	build(&mt, 1000);
	stats_mark();
	store(&mt, 4321, ULONG_MAX, P(5));
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 1);
	assert_contents(&mt);
	store(&mt, 1234, ULONG_MAX, NULL);
	assert_contents(&mt);
	store(&mt, 3, ULONG_MAX - 1, P(6));
	assert_contents(&mt);
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 3);
	destroy_and_check(&mt);
}

/* NULL stores ending at a leaf's max, where the next leaf starts with NULL: one merged range. */
static void test_null_across_leaf_boundary(void **state)
{
	DEFINE_MTREE(mt);
	struct walk_level leaf, next;
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	build(&mt, 300);
	leaf = leaf_at(&mt, 1000);
	next = leaf_at(&mt, leaf.max + 1);
	erase(&mt, next.min);                          /* the next leaf now starts with NULL */
	assert_contents(&mt);
	stats_mark();
	store(&mt, leaf.max - 5, leaf.max, NULL);      /* NULL up to the leaf's max */
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 1);
	assert_contents(&mt);
	mas_set(&mas, leaf.max);
	assert_null(mas_walk(&mas));
	assert_true(mas.last > leaf.max);              /* merged with the next leaf's NULL */
	assert_true(mas.index < leaf.max - 5);         /* and with the gap before */
	destroy_and_check(&mt);
}

/* A spanning store that leaves its level short next to a parent's last child pulls in the first
 * child of the next parent (a cousin), across the parents' boundary. */
static void test_spanning_pulls_cousin(void **state)
{
	DEFINE_MTREE(mt);
	struct walk_path path;
	struct walk_level parent, last;

	(void)state;
	build(&mt, 1000);
	assert_true(mt_height(&mt) >= 3);
	walk_path_down(&mt, 0, &path);
	parent = path.lv[path.height - 2];             /* the leftmost parent of leaves */
	walk_path_down(&mt, parent.max, &path);
	last = path.lv[path.height - 1];               /* its last child */
	assert_true(last.max == parent.max && last.max != ULONG_MAX);
	stats_mark();
	store(&mt, parent.min + 1, last.max - 1, NULL);   /* leaves 3 ranges: short */
	assert_int_equal(stats_moved(MT_STORE_SPANNING_STORE), 1);
	assert_int_equal(stats_moved(MT_STORE_EV_COUSIN_PULL), 1);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* Erase from the right of a tall tree: rebalances cascade and the root collapses to one leaf. */
static void test_erase_from_right_collapses(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long i;
	unsigned int height;

	(void)state;
	build(&mt, 1500);
	height = mt_height(&mt);
	assert_true(height >= 3);
	stats_mark();
	for (i = 1500; i-- > 0;) {
		erase(&mt, i * 10);
		assert_valid(&mt);
		assert_true(mt_height(&mt) <= height);
		height = mt_height(&mt);
		if (i % 97 == 0)
			assert_contents(&mt);
	}
	assert_true(mtree_empty(&mt));
	assert_true(stats_moved(MT_STORE_EV_ROOT_COLLAPSE) >= 2);
	assert_true(stats_moved(MT_STORE_REBALANCE) > 0);
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* Random overlapping stores over a small window: every write keeps the tree valid and equal. */
static void test_random_mix(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long seed = 12345;

	(void)state;
	build(&mt, 500);
	for (int op = 0; op < 4000; op++) {
		unsigned long a, len;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		a = (seed >> 33) % 6000;
		len = (seed >> 20) % 8 == 0 ? (seed >> 40) % 700 : (seed >> 45) % 12;
		store(&mt, a, a + len, (seed >> 13) % 3 == 0 ? NULL : P(op + 1));
		assert_valid(&mt);
		if (op % 500 == 0)
			assert_contents(&mt);
	}
	assert_contents(&mt);
	destroy_and_check(&mt);
}

/* Bulk mode: in-order stores split left-heavy (no more nodes than plain in-order stores, which push
 * into the left sibling instead), the counter moves, mas_destroy ends it. */
static void test_bulk_in_order(void **state)
{
	DEFINE_MTREE(mt);
	DEFINE_MTREE(plain);
	MA_STATE(mas, &mt, 0, 0);
	unsigned long i, bulk_nodes, plain_nodes, base;

	(void)state;
	mt_init(&mt);
	mt_init(&plain);
	stats_mark();
	mtree_lock(&mt);
	assert_int_equal(mas_expected_entries(&mas, 1000), 0);
	for (i = 0; i < 1000; i++) {
		mas_set_range(&mas, i * 10, i * 10 + 5);
		assert_int_equal(mas_store_gfp(&mas, P(i + 1), GFP_KERNEL), 0);
		model_store(i * 10, i * 10 + 5, P(i + 1));
	}
	mas_destroy(&mas);
	mtree_unlock(&mt);
	assert_int_equal(stats_moved(MT_STORE_EV_BULK), 1000);
	assert_contents(&mt);
	base = live_nodes();
	for (i = 0; i < 1000; i++)
		assert_int_equal(mtree_store_range(&plain, i * 10, i * 10 + 5, P(i + 1), GFP_KERNEL), 0);
	assert_int_equal(stats_moved(MT_STORE_EV_BULK), 1000);   /* the flag left with mas_destroy */
	plain_nodes = live_nodes() - base;
	mtree_destroy(&plain);
	bulk_nodes = base - live_before;
	assert_true(bulk_nodes <= plain_nodes);
	destroy_and_check(&mt);
}

/* In-order appends push into the left sibling at every level, not only at the leaves, so internal
 * nodes fill up too: 20000 ranges with gaps need more than ten leaves per internal node (splitting
 * internal nodes in halves gave about seven). */
static void test_append_fills_internal_nodes(void **state)
{
	DEFINE_MTREE(mt);
	MA_STATE(mas, &mt, 0, 0);
	unsigned long i, leaves = 0, internal;
	const struct maple_enode *leaf = NULL;
	void *entry;

	(void)state;
	for (i = 0; i < 20000; i++)
		assert_int_equal(mtree_store_range(&mt, i * 4, i * 4 + 1, P(i + 1), GFP_KERNEL), 0);
	mas_for_each(&mas, entry, ULONG_MAX) {
		if (mas.node != leaf)
			leaves++;
		leaf = mas.node;
	}
	internal = live_nodes() - live_before - leaves;
	assert_true(internal > 0);
	assert_true(leaves > 10 * internal);
	destroy_and_check(&mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_store_root_and_new_root, setup),
		cmocka_unit_test_setup(test_exact_fit_append_slot_node, setup),
		cmocka_unit_test_setup(test_append_fills_internal_nodes, setup),
		cmocka_unit_test_setup(test_split_full_leaf, setup),
		cmocka_unit_test_setup(test_push_to_sibling, setup),
		cmocka_unit_test_setup(test_rebalance_leaf_at_minimum, setup),
		cmocka_unit_test_setup(test_spanning_to_internal_max, setup),
		cmocka_unit_test_setup(test_spanning_to_ulong_max, setup),
		cmocka_unit_test_setup(test_null_across_leaf_boundary, setup),
		cmocka_unit_test_setup(test_spanning_pulls_cousin, setup),
		cmocka_unit_test_setup(test_erase_from_right_collapses, setup),
		cmocka_unit_test_setup(test_random_mix, setup),
		cmocka_unit_test_setup(test_bulk_in_order, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
