/* maple_basic_test.c - unit tests of maple/: root entry <-> node transitions, argument errors,
 * zero entries, sequential inserts up to height >= 3, iteration and the reference §2.4 state
 * table, and that the validator names deliberately corrupted invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <maple/maple_tree.h>
#include <urcu/urcu-memb.h>

#include "../maple/node.h"

#include "maple_test_helpers.h"



static void assert_walk(struct maple_tree *mt, unsigned long index, void *entry, unsigned long first,
			unsigned long last, enum maple_status status)
{
	MA_STATE(mas, mt, index, index);

	assert_ptr_equal(mas_walk(&mas), entry);
	assert_int_equal(mas.index, first);
	assert_int_equal(mas.last, last);
	assert_int_equal(mas.status, status);
}

/* ---- root handling ---- */

static void test_store_null_into_empty_and_root(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long before = live_nodes();

	(void)state;
	mt_init(&mt);
	assert_int_equal(mtree_store_range(&mt, 5, 10, NULL, GFP_KERNEL), 0);
	assert_true(mtree_empty(&mt));
	assert_int_equal(mtree_store(&mt, 0, NULL, GFP_KERNEL), 0);
	assert_true(mtree_empty(&mt));
	assert_int_equal(mtree_insert(&mt, 7, NULL, GFP_KERNEL), 0);
	assert_true(mtree_empty(&mt));
	assert_int_equal(live_nodes(), before);

	assert_int_equal(mtree_store(&mt, 0, P(1), GFP_KERNEL), 0);
	assert_ptr_equal(mt.ma_root, P(1));
	assert_int_equal(mt_height(&mt), 0);
	assert_int_equal(mtree_store_range(&mt, 3, 9, NULL, GFP_KERNEL), 0);
	assert_ptr_equal(mt.ma_root, P(1));             /* NULL away from 0: nothing changes */
	assert_int_equal(mtree_store_range(&mt, 0, 4, NULL, GFP_KERNEL), 0);
	assert_true(mtree_empty(&mt));                  /* NULL from 0: empty */
	assert_int_equal(live_nodes(), before);
	assert_valid(&mt);
}

static void test_root_expand_and_collapse(void **state)
{
	DEFINE_MTREE(mt);

	(void)state;
	mt_init(&mt);
	assert_walk(&mt, 5, NULL, 0, ULONG_MAX, ma_none);
	assert_int_equal(mtree_insert(&mt, 0, P(1), GFP_KERNEL), 0);
	assert_walk(&mt, 0, P(1), 0, 0, ma_root);
	assert_walk(&mt, 10, NULL, 1, ULONG_MAX, ma_none);
	assert_int_equal(mtree_insert(&mt, 0, P(2), GFP_KERNEL), -EEXIST);

	assert_int_equal(mtree_store_range(&mt, 5, 8, P(2), GFP_KERNEL), 0);
	assert_int_equal(mt_height(&mt), 1);
	assert_valid(&mt);
	assert_walk(&mt, 0, P(1), 0, 0, ma_active);
	assert_walk(&mt, 3, NULL, 1, 4, ma_active);
	assert_walk(&mt, 6, P(2), 5, 8, ma_active);
	assert_walk(&mt, 9, NULL, 9, ULONG_MAX, ma_active);

	assert_ptr_equal(mtree_erase(&mt, 7), P(2));
	assert_int_equal(mt_height(&mt), 1);          /* a node tree with only [0,0] stays a node tree */
	assert_walk(&mt, 7, NULL, 1, ULONG_MAX, ma_active);
	assert_valid(&mt);
	assert_ptr_equal(mtree_erase(&mt, 0), P(1));
	assert_true(mtree_empty(&mt));
	assert_int_equal(mt_height(&mt), 0);
	assert_valid(&mt);

	/* a root entry with low bits 10 must live in a node */
	assert_int_equal(mtree_store(&mt, 0, xa_mk_internal(3000), GFP_KERNEL), 0);
	assert_int_equal(mt_height(&mt), 1);
	assert_ptr_equal(mtree_load(&mt, 0), xa_mk_internal(3000));
	assert_valid(&mt);

	/* [0, ULONG_MAX] stores: a one-slot leaf root, or empty */
	assert_int_equal(mtree_store_range(&mt, 0, ULONG_MAX, P(9), GFP_KERNEL), 0);
	assert_int_equal(mt_height(&mt), 1);
	assert_walk(&mt, 12345, P(9), 0, ULONG_MAX, ma_active);
	assert_valid(&mt);
	assert_int_equal(mtree_store_range(&mt, 0, ULONG_MAX, NULL, GFP_KERNEL), 0);
	assert_true(mtree_empty(&mt));
	assert_valid(&mt);

	/* the old root entry survives an expansion from index 1 on */
	assert_int_equal(mtree_store(&mt, 0, P(4), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(&mt, 1, ULONG_MAX, P(5), GFP_KERNEL), 0);
	assert_walk(&mt, 0, P(4), 0, 0, ma_active);
	assert_walk(&mt, 1, P(5), 1, ULONG_MAX, ma_active);
	assert_valid(&mt);
	mtree_destroy(&mt);
	assert_true(mtree_empty(&mt));
	assert_valid(&mt);
}

/* ---- argument errors and zero entries ---- */

static void test_insert_errors(void **state)
{
	DEFINE_MTREE(mt);

	(void)state;
	mt_init(&mt);
	assert_int_equal(mtree_store_range(&mt, 10, 9, P(1), GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_insert_range(&mt, 10, 9, P(1), GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_store(&mt, 3, XA_RETRY_ENTRY, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_insert(&mt, 3, xa_mk_internal(1), GFP_KERNEL), -EINVAL);
	assert_true(mtree_empty(&mt));
	assert_int_equal(mtree_store(&mt, 3, xa_mk_internal(300), GFP_KERNEL), 0);   /* not advanced */

	assert_int_equal(mtree_insert_range(&mt, 10, 20, P(1), GFP_KERNEL), 0);
	assert_int_equal(mtree_insert_range(&mt, 20, 30, P(2), GFP_KERNEL), -EEXIST);
	assert_int_equal(mtree_insert_range(&mt, 0, 10, P(2), GFP_KERNEL), -EEXIST);
	assert_int_equal(mtree_insert_range(&mt, 4, 9, P(2), GFP_KERNEL), 0);
	assert_int_equal(mtree_insert(&mt, 15, P(3), GFP_KERNEL), -EEXIST);
	assert_int_equal(mtree_insert(&mt, 15, NULL, GFP_KERNEL), -EEXIST);
	assert_int_equal(mtree_insert_range(&mt, 21, 100, NULL, GFP_KERNEL), 0);
	assert_walk(&mt, 50, NULL, 21, ULONG_MAX, ma_active);
	assert_int_equal(mtree_insert(&mt, ULONG_MAX, P(7), GFP_KERNEL), 0);
	assert_int_equal(mtree_insert(&mt, ULONG_MAX, P(7), GFP_KERNEL), -EEXIST);
	assert_valid(&mt);
	mtree_destroy(&mt);
}

static void test_zero_entry(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long index = 0;

	(void)state;
	mt_init(&mt);
	assert_int_equal(mtree_store_range(&mt, 5, 10, XA_ZERO_ENTRY, GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(&mt, 20, 30, P(1), GFP_KERNEL), 0);
	assert_null(mtree_load(&mt, 7));
	assert_walk(&mt, 7, XA_ZERO_ENTRY, 5, 10, ma_active);
	assert_ptr_equal(mt_find(&mt, &index, ULONG_MAX), P(1));
	assert_int_equal(index, 31);
	index = 0;
	assert_null(mt_find(&mt, &index, 15));
	assert_int_equal(index, 0);
	assert_ptr_equal(mt_next(&mt, 0, ULONG_MAX), XA_ZERO_ENTRY);
	assert_ptr_equal(mt_prev(&mt, 25, 0), XA_ZERO_ENTRY);
	assert_int_equal(mtree_insert(&mt, 8, P(2), GFP_KERNEL), -EEXIST);
	assert_ptr_equal(mtree_erase(&mt, 8), XA_ZERO_ENTRY);
	assert_walk(&mt, 8, NULL, 0, 19, ma_active);
	assert_int_equal(mtree_insert(&mt, 8, P(2), GFP_KERNEL), 0);

	/* a zero entry at [0,0] is internal: it needs a node */
	assert_int_equal(mtree_store(&mt, 0, XA_ZERO_ENTRY, GFP_KERNEL), 0);
	assert_walk(&mt, 0, XA_ZERO_ENTRY, 0, 0, ma_active);
	assert_valid(&mt);
	mtree_destroy(&mt);
}

/* ---- sequential inserts and height ---- */

static void check_sequence(bool ascending, unsigned long n, unsigned long stride)
{
	DEFINE_MTREE(mt);
	unsigned long before = live_nodes();

	mt_init(&mt);
	for (unsigned long k = 0; k < n; k++) {
		unsigned long i = ascending ? k : n - 1 - k;

		assert_int_equal(mtree_insert(&mt, i * stride, P(i), GFP_KERNEL), 0);
		assert_ptr_equal(mtree_load(&mt, i * stride), P(i));
		if (stride > 1)
			assert_null(mtree_load(&mt, i * stride + 1));
		assert_valid(&mt);
	}
	for (unsigned long i = 0; i < n; i++)
		assert_ptr_equal(mtree_load(&mt, i * stride), P(i));
	if (n >= 10000)
		assert_true(mt_height(&mt) >= 3);
	mtree_destroy(&mt);
	assert_int_equal(live_nodes(), before);
}

static void test_sequential_ascending(void **state)
{
	(void)state;
	check_sequence(true, 10000, 1);
	check_sequence(true, 3000, 3);
}

static void test_sequential_descending(void **state)
{
	(void)state;
	check_sequence(false, 10000, 1);
	check_sequence(false, 3000, 5);
}

static void test_erase_all_shrinks(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long before = live_nodes(), n = 5000, x;

	(void)state;
	mt_init(&mt);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(mtree_store_range(&mt, i * 4, i * 4 + 1, P(i), GFP_KERNEL), 0);
	assert_true(mt_height(&mt) >= 3);
	for (unsigned long k = 0; k < n; k++) {
		x = (k * 7919) % n;                     /* a permutation of 0..n-1 */
		assert_ptr_equal(mtree_erase(&mt, x * 4 + 1), P(x));
		assert_null(mtree_load(&mt, x * 4));
		if (k % 97 == 0)
			assert_valid(&mt);
	}
	assert_true(mtree_empty(&mt));
	assert_int_equal(mt_height(&mt), 0);
	assert_int_equal(live_nodes(), before);
}

/* ---- iteration ---- */

static void test_find_and_for_each(void **state)
{
	DEFINE_MTREE(mt);
	unsigned long index = 0, count = 0;
	void *entry;

	(void)state;
	mt_init(&mt);
	for (unsigned long i = 0; i < 300; i++)
		assert_int_equal(mtree_store_range(&mt, i * 10, i * 10 + 5, P(i), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(&mt, ULONG_MAX - 5, ULONG_MAX, P(999), GFP_KERNEL), 0);
	mt_for_each(&mt, entry, index, ULONG_MAX) {
		if (count < 300) {
			assert_ptr_equal(entry, P(count));
			assert_int_equal(index, count * 10 + 6);
		} else {
			assert_ptr_equal(entry, P(999));
			assert_int_equal(index, 0);            /* wrapped after ULONG_MAX */
		}
		count++;
	}
	assert_int_equal(count, 301);

	index = 17;                                         /* inside the NULL [16,19] */
	assert_ptr_equal(mt_find(&mt, &index, 20), P(2));   /* [20,25] starts at the limit */
	assert_int_equal(index, 26);
	index = 17;
	assert_null(mt_find(&mt, &index, 19));
	assert_int_equal(index, 17);
	index = 23;                                         /* the range holding *index counts */
	assert_ptr_equal(mt_find(&mt, &index, 23), P(2));
	index = 24;
	assert_null(mt_find(&mt, &index, 23));
	index = 0;
	assert_null(mt_find_after(&mt, &index, ULONG_MAX));

	assert_ptr_equal(mt_next(&mt, 23, ULONG_MAX), P(3));
	assert_null(mt_next(&mt, 23, 29));
	assert_ptr_equal(mt_next(&mt, 23, 30), P(3));
	assert_ptr_equal(mt_prev(&mt, 23, 0), P(1));
	assert_null(mt_prev(&mt, 23, 16));
	assert_ptr_equal(mt_prev(&mt, 23, 15), P(1));
	assert_ptr_equal(mt_prev(&mt, ULONG_MAX - 9, 0), P(299));
	assert_ptr_equal(mt_next(&mt, 2995, ULONG_MAX), P(999));
	assert_null(mt_next(&mt, ULONG_MAX, ULONG_MAX));

	/* mas_for_each over the whole tree, across every leaf */
	{
		MA_STATE(mas, &mt, 0, 0);

		count = 0;
		mas_for_each(&mas, entry, 2999)
			assert_ptr_equal(entry, P(count++));
		assert_int_equal(count, 300);
	}
	/* and backwards with mas_prev */
	{
		MA_STATE(mas, &mt, ULONG_MAX, ULONG_MAX);

		count = 300;
		while ((entry = mas_prev(&mas, 0)) != NULL) {
			if (entry == P(999))
				continue;
			assert_ptr_equal(entry, P(--count));
		}
		assert_int_equal(count, 0);
		assert_int_equal(mas.status, ma_underflow);
	}
	mtree_destroy(&mt);
}

static void assert_state(const struct ma_state *mas, unsigned long index, unsigned long last,
			 enum maple_status status)
{
	assert_int_equal(mas->index, index);
	assert_int_equal(mas->last, last);
	assert_int_equal(mas->status, status);
}

/* Reference §2.4: A [0x1000,0x1500], B [0x2000,0x2500], C [0x3000,0x3500]; padded with more
 * entries above so that the tree has several leaves. */
static void test_state_table(void **state)
{
	DEFINE_MTREE(mt);
	void *A = P(0xA), *B = P(0xB), *C = P(0xC);
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init(&mt);
	mtree_store_range(&mt, 0x1000, 0x1500, A, GFP_KERNEL);
	mtree_store_range(&mt, 0x2000, 0x2500, B, GFP_KERNEL);
	mtree_store_range(&mt, 0x3000, 0x3500, C, GFP_KERNEL);

	mas_set(&mas, 0);
	assert_ptr_equal(mas_next(&mas, ULONG_MAX), A);
	assert_state(&mas, 0x1000, 0x1500, ma_active);
	assert_ptr_equal(mas_next(&mas, 0x2100), B);
	assert_state(&mas, 0x2000, 0x2500, ma_active);
	assert_null(mas_next(&mas, 0x2999));
	assert_state(&mas, 0x2501, 0x2fff, ma_overflow);
	assert_null(mas_next(&mas, 0x2999));
	assert_state(&mas, 0x2501, 0x2fff, ma_overflow);
	assert_ptr_equal(mas_next(&mas, ULONG_MAX), C);
	assert_state(&mas, 0x3000, 0x3500, ma_active);
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_state(&mas, 0x3501, ULONG_MAX, ma_overflow);
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_state(&mas, 0x3501, ULONG_MAX, ma_overflow);
	assert_ptr_equal(mas_prev(&mas, 0), C);
	assert_state(&mas, 0x3000, 0x3500, ma_active);
	assert_ptr_equal(mas_prev(&mas, 0), B);
	assert_ptr_equal(mas_prev(&mas, 0x1200), A);
	assert_state(&mas, 0x1000, 0x1500, ma_active);
	assert_null(mas_prev(&mas, 0x1200));
	assert_state(&mas, 0x1000, 0x1500, ma_underflow);
	assert_null(mas_prev(&mas, 0x100));
	assert_state(&mas, 0, 0xfff, ma_underflow);
	assert_ptr_equal(mas_next(&mas, ULONG_MAX), A);
	assert_state(&mas, 0x1000, 0x1500, ma_active);
	assert_ptr_equal(mas_next(&mas, ULONG_MAX), B);
	assert_null(mas_prev(&mas, 0x1600));
	assert_state(&mas, 0x1501, 0x1fff, ma_underflow);

	mas_set(&mas, 1200);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), A);
	assert_state(&mas, 0x1000, 0x1500, ma_active);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), B);
	assert_null(mas_find(&mas, 0x2700));
	assert_state(&mas, 0x2501, 0x2fff, ma_active);
	assert_ptr_equal(mas_find(&mas, 0x5000), C);
	assert_state(&mas, 0x3000, 0x3500, ma_active);
	assert_null(mas_find(&mas, ULONG_MAX));
	assert_state(&mas, 0x3501, ULONG_MAX, ma_active);
	assert_null(mas_find(&mas, ULONG_MAX));

	mas_set(&mas, 0x1600);
	assert_null(mas_walk(&mas));
	assert_state(&mas, 0x1501, 0x1fff, ma_active);

	/* pause: resume after the current range */
	mas_set(&mas, 0);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), A);
	mas_pause(&mas);
	assert_int_equal(mas.status, ma_pause);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), B);
	mas_pause(&mas);
	assert_ptr_equal(mas_next(&mas, ULONG_MAX), C);
	mtree_destroy(&mt);
}

static void test_state_single_entry(void **state)
{
	DEFINE_MTREE(mt);
	void *p = P(77);
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init(&mt);
	assert_null(mas_walk(&mas));
	assert_state(&mas, 0, ULONG_MAX, ma_none);
	mas_set(&mas, 0);
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_state(&mas, 0, ULONG_MAX, ma_none);

	mtree_store(&mt, 0, p, GFP_KERNEL);
	mas_set(&mas, 0);
	assert_null(mas_prev(&mas, 0));
	assert_int_equal(mas.status, ma_underflow);
	mas_set(&mas, 10);
	assert_ptr_equal(mas_prev(&mas, 0), p);
	assert_state(&mas, 0, 0, ma_root);
	assert_null(mas_prev(&mas, 0));
	assert_int_equal(mas.status, ma_underflow);
	mas_set(&mas, 0);
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	mas_set(&mas, 10);
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	mas_set(&mas, 0);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), p);
	assert_state(&mas, 0, 0, ma_root);
	assert_null(mas_find(&mas, ULONG_MAX));
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	mas_set(&mas, 10);
	assert_null(mas_walk(&mas));
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	mas_set(&mas, 0);
	assert_ptr_equal(mas_walk(&mas), p);
	assert_state(&mas, 0, 0, ma_root);
	assert_ptr_equal(mt_prev(&mt, 5, 0), p);
	assert_null(mt_next(&mt, 0, ULONG_MAX));
	mtree_destroy(&mt);

	/* 30 singletons: mas_prev at 0 underflows, then mas_find returns the entry at 0 again */
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (unsigned long i = 0; i < 30; i++)
		mtree_store(&mt, i, P(i + 100), GFP_KERNEL);
	mas_set(&mas, 0);
	assert_null(mas_prev(&mas, 0));
	assert_int_equal(mas.status, ma_underflow);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), P(100));
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), P(101));
	mtree_destroy(&mt);
}

/* Less common transitions of docs/semantics.md: overflow/underflow kept on the current range,
 * then a walk; error; root status. */
static void test_state_more(void **state)
{
	DEFINE_MTREE(mt);
	void *A = P(0xA), *B = P(0xB), *p = P(5);
	MA_STATE(mas, &mt, 0x1000, 0x1000);

	(void)state;
	mt_init(&mt);
	for (unsigned long i = 0; i < 40; i++)              /* several leaves around A and B */
		mtree_store_range(&mt, 0x4000 + i * 16, 0x4000 + i * 16 + 7, P(i + 100), GFP_KERNEL);
	mtree_store_range(&mt, 0x1000, 0x1500, A, GFP_KERNEL);
	mtree_store_range(&mt, 0x2000, 0x2500, B, GFP_KERNEL);

	assert_ptr_equal(mas_walk(&mas), A);
	assert_null(mas_next(&mas, 0x1200));                 /* last >= max: overflow in place */
	assert_state(&mas, 0x1000, 0x1500, ma_overflow);
	assert_ptr_equal(mas_prev(&mas, 0), A);              /* overflow: walk finds A again */
	assert_state(&mas, 0x1000, 0x1500, ma_active);

	assert_ptr_equal(mas_next(&mas, 0x2100), B);
	assert_null(mas_next(&mas, 0x2100));
	assert_state(&mas, 0x2000, 0x2500, ma_overflow);
	assert_null(mas_find(&mas, 0x2200));
	assert_state(&mas, 0x2000, 0x2500, ma_overflow);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), B);      /* overflow: walk returns B again */
	assert_state(&mas, 0x2000, 0x2500, ma_active);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), P(100));
	assert_state(&mas, 0x4000, 0x4007, ma_active);
	for (unsigned long i = 1; i < 40; i++)               /* across leaf boundaries */
		assert_ptr_equal(mas_next(&mas, ULONG_MAX), P(i + 100));
	for (unsigned long i = 39; i-- > 0;)
		assert_ptr_equal(mas_prev(&mas, 0), P(i + 100));

	mas_set(&mas, 0x1000);
	assert_ptr_equal(mas_walk(&mas), A);
	assert_null(mas_prev(&mas, 0x1200));
	assert_state(&mas, 0x1000, 0x1500, ma_underflow);
	assert_null(mas_find(&mas, 0x1000));                 /* underflow, index >= max */
	assert_state(&mas, 0x1000, 0x1500, ma_overflow);
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), A);
	assert_null(mas_prev(&mas, 0x1200));
	assert_ptr_equal(mas_find(&mas, ULONG_MAX), A);      /* underflow: walk finds A */

	mas.status = ma_error;
	assert_null(mas_next(&mas, ULONG_MAX));
	assert_null(mas_prev(&mas, 0));
	assert_null(mas_find(&mas, ULONG_MAX));
	assert_int_equal(mas.status, ma_error);
	mtree_destroy(&mt);

	/* root entry tree */
	mtree_store(&mt, 0, p, GFP_KERNEL);
	mas_set(&mas, 0);
	assert_ptr_equal(mas_walk(&mas), p);
	assert_null(mas_next(&mas, ULONG_MAX));               /* status root on entry */
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	assert_null(mas_find(&mas, ULONG_MAX));
	assert_state(&mas, 1, ULONG_MAX, ma_none);
	mas_set(&mas, 0);
	assert_ptr_equal(mas_walk(&mas), p);
	__mas_set_range(&mas, 5, 5);
	assert_ptr_equal(mas_prev(&mas, 0), p);               /* status root, index > 0 */
	assert_state(&mas, 0, 0, ma_root);
	mas_set(&mas, 0);
	assert_ptr_equal(mas_walk(&mas), p);
	assert_null(mas_next(&mas, 0));
	assert_state(&mas, 0, 0, ma_overflow);
	assert_null(mas_next(&mas, ULONG_MAX));               /* the range after [0,0] */
	assert_state(&mas, 1, ULONG_MAX, ma_overflow);
	assert_ptr_equal(mas_prev(&mas, 0), p);
	assert_state(&mas, 0, 0, ma_root);
	mtree_destroy(&mt);
}

/* ---- the validator catches corruption ---- */

static struct maple_node *child_node(struct maple_tree *mt, unsigned char slot)
{
	struct maple_node *root = mte_to_node(root_to_enode(mt->ma_root));

	return mte_to_node(root->slot[slot]);
}

static void assert_broken(struct maple_tree *mt, const char *name, const char *path)
{
	char where[300];
	const char *fail = mt_validate_report(mt, where, sizeof(where));

	assert_non_null(fail);
	assert_string_equal(fail, name);
	if (path)
		assert_string_equal(where, path);
}

static void test_validator_catches(void **state)
{
	DEFINE_MTREE(mt);
	struct maple_node *leaf;
	unsigned long saved;
	unsigned char end, i;
	void *saved_ptr;

	(void)state;
	mt_init(&mt);
	/* NULLs between entries; stored downwards, so that the leaves split evenly and have room (the
	 * right edge of the tree, where appends land, packs them) */
	for (unsigned long i = 50; i-- > 0;)
		mtree_store(&mt, i * 2, P(i), GFP_KERNEL);
	assert_int_equal(mt_height(&mt), 2);
	assert_valid(&mt);
	leaf = child_node(&mt, 1);

	saved = leaf->pivot[3];
	leaf->pivot[3] = leaf->pivot[2];
	assert_broken(&mt, "pivot-order", "root/1");
	leaf->pivot[3] = saved;
	assert_valid(&mt);

	end = leaf->meta.end;
	assert_true(end < 14);
	leaf->meta.end = (unsigned char)(end - 1);
	assert_broken(&mt, "meta-end", "root/1");
	leaf->meta.end = end;
	assert_valid(&mt);

	for (i = 1; !leaf->slot[i]; i++)
		;
	assert_true(i < end);
	saved_ptr = leaf->slot[i];
	leaf->slot[i] = NULL;                               /* NULL, NULL, NULL */
	assert_broken(&mt, "sequential-nulls", "root/1");
	leaf->slot[i] = saved_ptr;

	/* a pivot after the end, in a leaf with room for one before the last pivot position */
	for (i = 0; child_node(&mt, i)->meta.end + 1 >= MAPLE_RANGE64_PIVOTS - 1; i++)
		assert_true(i < 7);
	{
		struct maple_node *roomy = child_node(&mt, i);
		unsigned char roomy_end = roomy->meta.end;
		char path[16];

		snprintf(path, sizeof(path), "root/%u", i);
		saved = roomy->pivot[roomy_end + 1];
		roomy->pivot[roomy_end + 1] = 7;
		assert_broken(&mt, "pivot-after-end", path);
		roomy->pivot[roomy_end + 1] = saved;
	}

	saved_ptr = leaf->parent;
	node_set_parent(leaf, node_parent(leaf), 2);
	assert_broken(&mt, "parent-slot", "root/1");
	leaf->parent = saved_ptr;

	saved_ptr = leaf->slot[end];
	leaf->slot[end] = NULL;
	assert_broken(&mt, "leaf-ends-null", "root/1");
	leaf->slot[end] = saved_ptr;

	saved_ptr = leaf->slot[2];
	leaf->slot[2] = XA_RETRY_ENTRY;
	assert_broken(&mt, "advanced-entry", "root/1");
	leaf->slot[2] = saved_ptr;

	{
		unsigned int flags = mt.ma_flags;

		mt.ma_flags = (flags & ~MT_FLAGS_HEIGHT_MASK) | (3u << MT_FLAGS_HEIGHT_OFFSET);
		assert_broken(&mt, "height", NULL);
		mt.ma_flags = flags;
	}

	saved_ptr = mt.ma_root;
	mt.ma_root = NULL;                                  /* nodes still allocated */
	mt.ma_flags &= ~MT_FLAGS_HEIGHT_MASK;
	assert_broken(&mt, "alloc-balance", "root");
	mt.ma_root = saved_ptr;
	mt.ma_flags |= 2u << MT_FLAGS_HEIGHT_OFFSET;
	assert_valid(&mt);
	mtree_destroy(&mt);
	assert_valid(&mt);
}

/* Run @walk on @mt in a child process: it must abort (not run on, not finish) and say @message. */
static void assert_walk_aborts(void (*walk)(struct maple_tree *mt), struct maple_tree *mt, const char *message)
{
	char said[1024] = "";
	size_t got = 0;
	ssize_t n;
	int out[2], status;
	pid_t pid;

	assert_int_equal(pipe(out), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], STDERR_FILENO);
		alarm(20);          /* a walk that runs on dies of SIGALRM, which fails the test */
		walk(mt);
		_exit(0);
	}
	close(out[1]);
	while (got < sizeof(said) - 1 && (n = read(out[0], said + got, sizeof(said) - 1 - got)) > 0)
		got += (size_t)n;
	close(out[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	if (!strstr(said, message))
		fail_msg("the walk said \"%s\", not \"%s\"", said, message);
}

static unsigned long cycle_index;   /* an index the corrupted walks below go for */

static void load_at_cycle(struct maple_tree *mt)
{
	mtree_load(mt, cycle_index);
}

static void store_at_cycle(struct maple_tree *mt)
{
	mtree_store(mt, cycle_index, P(1), GFP_KERNEL);
}

static void next_from_cycle(struct maple_tree *mt)
{
	MA_STATE(mas, mt, cycle_index, cycle_index);

	mt_rcu_read_lock();
	mas_walk(&mas);
	mas_next(&mas, ULONG_MAX);
	mt_rcu_read_unlock();
}

/* A corrupt tree whose child or parent pointers make a cycle stops the walk with a message, instead
 * of running on (a reader) or past the end of its path (a writer). */
static void test_pointer_cycles_stop_walks(void **state)
{
	DEFINE_MTREE(mt);
	struct maple_node *root, *leaf;
	void *saved_slot, *saved_leaf_parent, *saved_root_parent;

	(void)state;
	mt_init(&mt);
	for (unsigned long i = 50; i-- > 0;)
		mtree_store(&mt, i * 2, P(i), GFP_KERNEL);
	assert_int_equal(mt_height(&mt), 2);
	root = mte_to_node(root_to_enode(mt.ma_root));
	leaf = child_node(&mt, 1);

	saved_slot = root->slot[1];             /* slot 1 of the root holds the root again */
	root->slot[1] = mt_mk_enode(root, maple_range_64);
	cycle_index = root->pivot[0] + 1;
	assert_walk_aborts(load_at_cycle, &mt, "maple: walk: a descent of more than 31 levels");
	assert_walk_aborts(store_at_cycle, &mt, "maple: walk: a descent of more than 31 levels");
	root->slot[1] = saved_slot;

	/* leaf 1 claims to be the root's last child, and the root claims leaf 1 as its parent */
	saved_leaf_parent = leaf->parent;
	saved_root_parent = root->parent;
	node_set_parent(leaf, root, ma_data_end(root, maple_range_64, ULONG_MAX));
	node_set_parent(root, leaf, MAPLE_RANGE64_SLOTS - 1);
	cycle_index = root->pivot[1];           /* the last range of leaf 1: mas_next leaves it */
	assert_walk_aborts(next_from_cycle, &mt, "maple: walk: an ascent of more than 31 levels");
	leaf->parent = saved_leaf_parent;
	root->parent = saved_root_parent;
	assert_valid(&mt);
	mtree_destroy(&mt);
}

static void test_dump(void **state)
{
	DEFINE_MTREE(mt);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	mt_init(&mt);
	for (unsigned long i = 0; i < 40; i++)
		mtree_store_range(&mt, i * 10, i * 10 + 3, P(i), GFP_KERNEL);
	mt_dump_to(out, &mt, mt_dump_dec);
	fclose(out);
	assert_non_null(strstr(buf, "height 2"));
	assert_non_null(strstr(buf, "range_64"));
	assert_non_null(strstr(buf, "leaf_64"));
	assert_non_null(strstr(buf, "[390, 393] value 39"));
	free(buf);
	mtree_destroy(&mt);
}


/* mt_validate_span checks the nodes meeting the span, and only those. */
static void test_validate_span(void **state)
{
	DEFINE_MTREE(mt);
	struct maple_node *root, *leaf;
	unsigned long saved, leaf_min, leaf_max;
	char where[300];
	const char *fail;

	(void)state;
	mt_init(&mt);
	for (unsigned long i = 0; i < 50; i++)
		mtree_store(&mt, i * 2, P(i), GFP_KERNEL);
	assert_int_equal(mt_height(&mt), 2);
	root = mte_to_node(root_to_enode(mt.ma_root));
	leaf = child_node(&mt, 1);
	leaf_min = root->pivot[0] + 1;
	leaf_max = root->pivot[1];
	assert_null(mt_validate_span(&mt, 0, ULONG_MAX, where, sizeof(where)));

	saved = leaf->pivot[3];
	leaf->pivot[3] = leaf->pivot[2];
	fail = mt_validate_span(&mt, leaf_min + 1, leaf_min + 1, where, sizeof(where));
	assert_non_null(fail);
	assert_string_equal(fail, "pivot-order");
	assert_string_equal(where, "root/1");
	assert_null(mt_validate_span(&mt, 0, leaf_min - 1, where, sizeof(where)));
	assert_null(mt_validate_span(&mt, leaf_max + 1, ULONG_MAX, where, sizeof(where)));
	leaf->pivot[3] = saved;
	assert_null(mt_validate_span(&mt, leaf_min, leaf_max, where, sizeof(where)));
	mtree_destroy(&mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_null_into_empty_and_root),
		cmocka_unit_test(test_root_expand_and_collapse),
		cmocka_unit_test(test_insert_errors),
		cmocka_unit_test(test_zero_entry),
		cmocka_unit_test(test_sequential_ascending),
		cmocka_unit_test(test_sequential_descending),
		cmocka_unit_test(test_erase_all_shrinks),
		cmocka_unit_test(test_find_and_for_each),
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_state_single_entry),
		cmocka_unit_test(test_state_more),
		cmocka_unit_test(test_validator_catches),
		cmocka_unit_test(test_validate_span),
		cmocka_unit_test(test_pointer_cycles_stop_walks),
		cmocka_unit_test(test_dump),
	};
	MAPLE_TEST_MAIN(tests);
}
