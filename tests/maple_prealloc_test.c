/* maple_prealloc_test.c - nodes allocated ahead of a store: mas_preallocate reserves exactly what
 * each store type takes (the kernel's check_prealloc idea, with our paths' counts) and
 * mas_store_prealloc allocates nothing more; mas_destroy releases an unused reserve. And the
 * mas_nomem retry: another writer at the retry point (the kernel's check_nomem_writer_race), the
 * internal lock dropped there and an external one kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>

#include "maple_test_helpers.h"

#define SPAN 8UL      /* entry i covers [i*SPAN, i*SPAN+3] */

static unsigned long allocated(void)
{
	struct mt_alloc_stats s;

	mt_alloc_stats(&s);
	return s.allocated;
}

static void build(struct maple_tree *mt, unsigned int flags, unsigned long n)
{
	mt_init_flags(mt, flags);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(mtree_store_range(mt, i * SPAN, i * SPAN + 3, P(i + 1), GFP_KERNEL), 0);
}

/* The store type a store counts, found on a copy. */
static enum maple_store_type store_type(struct maple_tree *mt, unsigned long first, unsigned long last, void *e)
{
	struct maple_tree copy;
	struct mt_store_stats a, b;

	mt_init_flags(&copy, mt->ma_flags & ~MT_FLAGS_HEIGHT_MASK);
	assert_int_equal(mtree_dup(mt, &copy, GFP_KERNEL), 0);
	mt_store_stats(&a);
	assert_int_equal(mtree_store_range(&copy, first, last, e, GFP_KERNEL), 0);
	mt_store_stats(&b);
	mtree_destroy(&copy);
	return store_type_moved(&a, &b);
}

/* Our paths' node counts per store type at height h (docs/semantics.md "Preallocation"). */
static unsigned int expected(enum maple_store_type t, unsigned int h, bool rcu, void *entry, unsigned long first,
			     unsigned long last)
{
	switch (t) {
	case MT_STORE_SPANNING_STORE: return 3 * h + 2;
	case MT_STORE_SPLIT_STORE: return 2 * h + 2;
	case MT_STORE_REBALANCE: return 2 * h + 1;
	case MT_STORE_NODE_STORE: return rcu;
	case MT_STORE_NEW_ROOT: return entry != NULL;
	case MT_STORE_STORE_ROOT: return entry && !(first == 0 && last == 0);
	default: return 0;
	}
}

static unsigned int covered[MT_STORE_TYPES_NR];

/* Preallocate for one store, check the count, store, check nothing else was allocated. */
static void prealloc_one(struct maple_tree *mt, unsigned long first, unsigned long last, void *entry)
{
	enum maple_store_type t = store_type(mt, first, last, entry);
	unsigned int h = mt_height(mt), want = expected(t, h, mt_in_rcu(mt), entry, first, last);
	MA_STATE(mas, mt, first, last);
	unsigned long before;

	mas_lock(&mas);
	assert_int_equal(mas_preallocate(&mas, entry, GFP_KERNEL), 0);
	if (mas_prealloc_count(&mas) != want)
		fail_msg("%s at height %u: %u nodes reserved, want %u", mt_store_type_name(t), h,
			 mas_prealloc_count(&mas), want);
	before = allocated();
	mas_store_prealloc(&mas, entry);
	assert_int_equal(allocated(), before);       /* the reserve was enough: nothing else taken */
	assert_int_equal(mas_prealloc_count(&mas), 0);
	mas_unlock(&mas);
	assert_valid(mt);
	if (entry)
		assert_ptr_equal(mtree_load(mt, first), entry == XA_ZERO_ENTRY ? NULL : entry);
	covered[t]++;
}

static void test_prealloc_counts(void **unused)
{
	static const unsigned int flags[] = { 0, MT_FLAGS_ALLOC_RANGE, MT_FLAGS_USE_RCU };
	static const unsigned long sizes[] = { 1, 7, 60, 400 };
	unsigned long live = live_nodes();

	(void)unused;
	for (unsigned f = 0; f < 3; f++) {
		for (unsigned s = 0; s < 4; s++) {
			struct maple_tree mt;
			unsigned long n = sizes[s];

			mt_init_flags(&mt, flags[f]);
			prealloc_one(&mt, 0, 0, P(7));                    /* root entry: nothing */
			prealloc_one(&mt, 5, 9, P(8));                    /* expand: one leaf */
			mtree_destroy(&mt);
			build(&mt, flags[f], n);
			for (unsigned long i = 0; i < n; i += 3) {
				prealloc_one(&mt, i * SPAN, i * SPAN + 3, P(1000 + i));          /* exact fit */
				prealloc_one(&mt, i * SPAN + 5, i * SPAN + 5, P(2000 + i));      /* gap middle */
			}
			prealloc_one(&mt, n * SPAN + 100, n * SPAN + 100, P(3));            /* at the end */
			prealloc_one(&mt, 2, n * SPAN / 2 + 1, P(4));                       /* wide */
			for (unsigned long i = n / 2; i < n; i++)
				prealloc_one(&mt, i * SPAN, i * SPAN + 7, NULL);                  /* erasing */
			prealloc_one(&mt, 0, ULONG_MAX, P(5));                              /* new root */
			prealloc_one(&mt, 0, ULONG_MAX, NULL);
			mtree_destroy(&mt);
		}
	}
	urcu_memb_barrier();
	assert_int_equal(live_nodes(), live);
	for (int t = MT_STORE_NEW_ROOT; t < MT_STORE_TYPES_NR; t++)
		if (!covered[t])
			fail_msg("no store of type %s was preallocated", mt_store_type_name((enum maple_store_type)t));
}

/* An unused reserve goes back with mas_destroy; a failed preallocation keeps nothing. */
static void test_prealloc_release(void **unused)
{
	struct maple_tree mt;
	unsigned long live;

	(void)unused;
	build(&mt, 0, 300);
	live = live_nodes();
	{
		MA_STATE(mas, &mt, 5, 2000);

		mas_lock(&mas);
		assert_int_equal(mas_preallocate(&mas, P(1), GFP_KERNEL), 0);
		assert_true(mas_prealloc_count(&mas) >= 3);
		assert_true(live_nodes() > live);
		mas_destroy(&mas);
		assert_int_equal(mas_prealloc_count(&mas), 0);
		assert_int_equal(live_nodes(), live);
		mt_set_fail_nth(2);
		assert_int_equal(mas_preallocate(&mas, P(1), GFP_KERNEL), -ENOMEM);
		mt_clear_faults();
		assert_true(mas_is_err(&mas));
		assert_int_equal(mas_prealloc_count(&mas), 0);
		mas_unlock(&mas);
	}
	assert_int_equal(live_nodes(), live);
	assert_valid(&mt);
	mtree_destroy(&mt);
}

/* ---- the retry point ---- */

struct writer {
	unsigned long first, last;
	void *entry;
	int runs;
	bool lock_held;
};

static void writer_at_retry(struct maple_tree *mt, void *arg)
{
	struct writer *w = arg;

	if (w->runs++)
		return;
	w->lock_held = mt_lock_is_held(mt);
	assert_int_equal(mtree_store_range(mt, w->first, w->last, w->entry, GFP_KERNEL), 0);
}

/* In RCU mode every node store allocates, so a budget of 0 sends each write to its retry. */
static void race_tree(struct maple_tree *mt, unsigned int flags)
{
	mt_init_flags(mt, MT_FLAGS_USE_RCU | flags);
	assert_int_equal(mtree_store_range(mt, 10, 19, P(1), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(mt, 30, 39, P(2), GFP_KERNEL), 0);
}

/* mtree_erase / mas_erase retry from the index: the writer's entry next to the erased range stays. */
static void test_erase_writer_race(void **unused)
{
	struct maple_tree mt;
	struct writer w = { 0, 5, P(9), 0, true };

	(void)unused;
	race_tree(&mt, 0);
	mt_set_nomem_hook(writer_at_retry, &w);
	mt_set_non_kernel(0);
	assert_ptr_equal(mtree_erase(&mt, 15), P(1));  /* the first try widened over [0, 29] */
	mt_clear_faults();
	mt_set_nomem_hook(NULL, NULL);
	assert_true(w.runs >= 1);    /* (the writer's own retry calls the hook again) */
	assert_false(w.lock_held);                    /* GFP_KERNEL: the internal lock was dropped */
	assert_ptr_equal(mtree_load(&mt, 3), P(9));
	assert_null(mtree_load(&mt, 15));
	assert_ptr_equal(mtree_load(&mt, 35), P(2));
	assert_valid(&mt);
	mtree_destroy(&mt);
	urcu_memb_barrier();
}

/* mas_store_gfp(NULL) retries over the range as asked, not as the failed try widened it. */
static void test_null_store_writer_race(void **unused)
{
	struct maple_tree mt;
	struct writer w = { 22, 23, P(9), 0, true };
	MA_STATE(mas, &mt, 10, 19);

	(void)unused;
	race_tree(&mt, 0);
	mt_set_nomem_hook(writer_at_retry, &w);
	mt_set_non_kernel(0);
	mas_lock(&mas);
	assert_int_equal(mas_store_gfp(&mas, NULL, GFP_KERNEL), 0);
	mas_unlock(&mas);
	mt_clear_faults();
	mt_set_nomem_hook(NULL, NULL);
	assert_true(w.runs >= 1);    /* (the writer's own retry calls the hook again) */
	assert_ptr_equal(mtree_load(&mt, 22), P(9));  /* inside the widened [10, 29]: kept */
	assert_null(mtree_load(&mt, 12));
	assert_valid(&mt);
	mtree_destroy(&mt);
	urcu_memb_barrier();
}

/* MT_FLAGS_LOCK_EXTERN: the retry allocates with the caller's lock still held. */
static void test_external_lock(void **unused)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct maple_tree mt;
	struct writer w = { 50, 55, P(9), 0, false };

	(void)unused;
	race_tree(&mt, MT_FLAGS_LOCK_EXTERN);    /* no lock declared yet: nothing to check */
	mt_set_external_lock(&mt, &lock);
	assert_false(mt_lock_is_held(&mt));
	pthread_mutex_lock(&lock);
	assert_true(mt_lock_is_held(&mt));
	mt_set_nomem_hook(writer_at_retry, &w);
	mt_set_non_kernel(0);
	assert_int_equal(mtree_store_range(&mt, 25, 26, P(3), GFP_KERNEL), 0);
	mt_clear_faults();
	mt_set_nomem_hook(NULL, NULL);
	assert_true(w.runs >= 1);    /* (the writer's own retry calls the hook again) */
	assert_true(w.lock_held);
	assert_ptr_equal(mtree_load(&mt, 52), P(9));
	assert_ptr_equal(mtree_load(&mt, 25), P(3));
	assert_valid(&mt);
	mtree_destroy(&mt);
	pthread_mutex_unlock(&lock);
	urcu_memb_barrier();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prealloc_counts),
		cmocka_unit_test(test_prealloc_release),
		cmocka_unit_test(test_erase_writer_race),
		cmocka_unit_test(test_null_store_writer_race),
		cmocka_unit_test(test_external_lock),
	};
	MAPLE_TEST_MAIN(tests);
}
