/* maple_nomem_test.c - allocation-failure injection (mt_set_fail_nth, mt_set_non_kernel) and the
 * -ENOMEM rule of every write path: for each tree shape and write kind, the k-th node allocation is
 * failed for k = 1, 2, ... until the write succeeds; every failed attempt must report -ENOMEM (or
 * the documented error state), leave the tree with the same shape as a copy taken before, pass the
 * validator and leak no node. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maple/maple_tree.h>
#include <urcu/urcu-memb.h>

#include "maple_test_helpers.h"
#define SPAN 8UL     /* entry i covers [i*SPAN, i*SPAN+3]; [i*SPAN+4, i*SPAN+7] is a NULL gap */



/* A tree of @n entries laid out as SPAN says, with @flags. */
static void build(struct maple_tree *mt, unsigned int flags, unsigned long n)
{
	mt_init_flags(mt, flags);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(mtree_store_range(mt, i * SPAN, i * SPAN + 3, P(i + 1), GFP_KERNEL), 0);
	assert_valid(mt);
}

static void copy_of(struct maple_tree *mt, struct maple_tree *copy)
{
	mt_init_flags(copy, mt->ma_flags & ~MT_FLAGS_HEIGHT_MASK);
	assert_int_equal(mtree_dup(mt, copy, GFP_KERNEL), 0);
	assert_true(mt_same_shape(mt, copy));
}

/* ---- the write kinds ---- */
enum kind {
	K_STORE,          /* mtree_store_range */
	K_NULL_STORE,     /* mtree_store_range(NULL): erasing */
	K_MAS_STORE,      /* mas_store: NULL, ma_error, -ENOMEM */
	K_MAS_STORE_GFP,  /* mas_store_gfp */
	K_ALLOC_RANGE,    /* mtree_alloc_range, size 1, lowest window at or after first */
	K_BULK_STORE,     /* mas_store in bulk mode */
	K_ALLOC_CYCLIC,   /* mtree_alloc_cyclic over everything, next = first */
};

struct op {
	enum kind kind;
	unsigned long first, last;
	void *entry;
	bool prep;        /* a preparing write, never the candidate itself */
};

/* Run @op on @mt: 0 or a negative errno, checking the kind's own error contract. */
static int run_op(struct maple_tree *mt, const struct op *op)
{
	MA_STATE(mas, mt, op->first, op->last);
	unsigned long start = 12345, next = op->first;
	void *old;
	int ret;

	switch (op->kind) {
	case K_STORE:
	case K_NULL_STORE:
		return mtree_store_range(mt, op->first, op->last, op->entry, GFP_KERNEL);
	case K_MAS_STORE:
	case K_BULK_STORE:
		mtree_lock(mt);
		if (op->kind == K_BULK_STORE)
			assert_int_equal(mas_expected_entries(&mas, 1000), 0);
		old = mas_store(&mas, op->entry);
		ret = mas_is_err(&mas) ? xa_err(mas.node) : 0;
		if (ret) {
			assert_null(old);
			assert_int_equal(mas.status, ma_error);
			assert_int_equal(mas.index, op->first);
			assert_int_equal(mas.last, op->last);
		}
		if (op->kind == K_BULK_STORE)
			mas_destroy(&mas);
		mtree_unlock(mt);
		return ret;
	case K_MAS_STORE_GFP:
		mtree_lock(mt);
		ret = mas_store_gfp(&mas, op->entry, GFP_KERNEL);
		if (ret)
			assert_true(mas_is_err(&mas) && xa_err(mas.node) == ret);
		else
			assert_false(mas_is_err(&mas));
		mtree_unlock(mt);
		return ret;
	case K_ALLOC_RANGE:
		ret = mtree_alloc_range(mt, &start, op->entry, 1, op->first, ULONG_MAX, GFP_KERNEL);
		if (ret) {
			assert_int_equal(start, 12345);
		} else {
			assert_true(start >= op->first);
			assert_ptr_equal(mtree_load(mt, start), op->entry);
		}
		return ret;
	case K_ALLOC_CYCLIC:
		ret = mtree_alloc_cyclic(mt, &start, op->entry, 0, ULONG_MAX, &next, GFP_KERNEL);
		if (ret) {
			assert_int_equal(start, 12345);
			assert_int_equal(next, op->first);
		} else {
			assert_true(start >= op->first);
			assert_int_equal(next, start + 1);
			assert_ptr_equal(mtree_load(mt, start), op->entry);
		}
		return ret;
	}
	return -EINVAL;
}

/* The store type @op counts when run on a copy of @mt (without faults). */
static enum maple_store_type trial(struct maple_tree *mt, const struct op *op)
{
	struct maple_tree copy;
	struct mt_store_stats a, b;

	copy_of(mt, &copy);
	mt_store_stats(&a);
	assert_int_equal(run_op(&copy, op), 0);
	mt_store_stats(&b);
	mtree_destroy(&copy);
	return store_type_moved(&a, &b);
}

/* Allocation points failed so far, per store type (printed at the end: every allocating type
 * must show some). */
static unsigned long failed_points[MT_STORE_TYPES_NR];

/* @mt becomes a copy of @from again (after a retried write changed it). */
static void restore(struct maple_tree *mt, struct maple_tree *from)
{
	mtree_destroy(mt);
	mt_init_flags(mt, from->ma_flags & ~MT_FLAGS_HEIGHT_MASK);
	assert_int_equal(mtree_dup(from, mt, GFP_KERNEL), 0);
}

/* The kinds whose write retries after a failed allocation (the kernel's mas_nomem loop). */
static bool retries(const struct op *op)
{
	return op->kind != K_MAS_STORE && op->kind != K_BULK_STORE;
}

/* Phase 1: fail the k-th allocation of the first try, k = 1, 2, ... A kind without retries must
 * fail with -ENOMEM and leave the tree as it was; the others retry and must end exactly as a
 * fault-free run does (so the failed try changed nothing). Returns the allocations of the try. */
static unsigned int fault_first_try(struct maple_tree *mt, const struct op *op, struct maple_tree *ref)
{
	for (unsigned long k = 1;; k++) {
		struct maple_tree before;
		unsigned long live, failures;
		int ret;

		assert_true(k < 100);
		copy_of(mt, &before);
		live = live_nodes();
		failures = mt_alloc_failures();
		mt_set_fail_nth(k);
		ret = run_op(mt, op);
		mt_clear_faults();
		if (mt_alloc_failures() == failures) {     /* the write needs fewer than k */
			assert_int_equal(ret, 0);
			assert_valid(mt);
			restore(mt, &before);
			mtree_destroy(&before);
			return (unsigned int)(k - 1);
		}
		assert_int_equal(mt_alloc_failures(), failures + 1);
		assert_valid(mt);
		if (retries(op)) {
			assert_int_equal(ret, 0);
			assert_true(mt_same_shape(mt, ref));
			restore(mt, &before);
		} else {
			assert_int_equal(ret, -ENOMEM);
			assert_true(mt_same_shape(mt, &before));
			assert_int_equal(live_nodes(), live);
		}
		mtree_destroy(&before);
	}
}

/* Phase 2 (kinds that retry): the first try fails (no budget for GFP_NOWAIT), then the k-th node
 * of the retry's allocation fails, k = 1, 2, ...: -ENOMEM, the tree as it was, nothing leaked. */
static void fault_retry(struct maple_tree *mt, const struct op *op)
{
	for (unsigned long k = 2;; k++) {
		struct maple_tree before;
		unsigned long live;
		int ret;

		assert_true(k < 200);
		copy_of(mt, &before);
		live = live_nodes();
		mt_set_non_kernel(0);
		mt_set_fail_nth(k);
		ret = run_op(mt, op);
		mt_clear_faults();
		assert_valid(mt);
		if (ret == 0) {
			restore(mt, &before);
			mtree_destroy(&before);
			return;
		}
		assert_int_equal(ret, -ENOMEM);
		assert_true(mt_same_shape(mt, &before));
		assert_int_equal(live_nodes(), live);
		mtree_destroy(&before);
	}
}

/*
 * Fail every allocation point of @op in turn, in the first try and in the retry, then run it
 * cleanly. Returns the number of allocations the first try needs (all of them were failed once).
 */
static unsigned int fault_loop(struct maple_tree *mt, const struct op *op)
{
	struct maple_tree ref;
	struct mt_store_stats a, b;
	unsigned int points;

	copy_of(mt, &ref);
	mt_store_stats(&a);
	assert_int_equal(run_op(&ref, op), 0);
	mt_store_stats(&b);
	points = fault_first_try(mt, op, &ref);
	if (points && retries(op))
		fault_retry(mt, op);
	for (int i = 0; i < MT_STORE_TYPES_NR; i++)
		if (b.count[i] != a.count[i])
			failed_points[i] += points;
	assert_int_equal(run_op(mt, op), 0);
	assert_true(mt_same_shape(mt, &ref));
	mtree_destroy(&ref);
	return points;
}

/* The first op built by @make from candidates 0, 1, ... (1: made, 0: skip, -1: no more) whose
 * trial counts @want; with @apply_misses the others are applied to @mt (so leaves fill or empty
 * until one overflows or underflows). */
typedef int (*make_fn)(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op);

static bool find_op(struct maple_tree *mt, unsigned long n, make_fn make, enum maple_store_type want,
		    bool apply_misses, struct op *op)
{
	for (unsigned long c = 0; c < 4000; c++) {
		int r = make(mt, n, c, op);

		if (r < 0)
			return false;
		if (r > 0 && trial(mt, op) == want && !op->prep)
			return true;
		if (r > 0 && apply_misses)
			assert_int_equal(run_op(mt, op), 0);
	}
	return false;
}

/* Candidates, applied when they miss: the middle of entry c/2 (c even) or of its gap (c odd),
 * each adding two ranges to its leaf. */
static int make_fill(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op)
{
	unsigned long j = c / 2, at = j * SPAN + (c & 1 ? 5 : 1);

	(void)mt;
	if (j >= n)
		return -1;
	*op = (struct op){ K_STORE, at, at, P(100000 + c), false };
	return 1;
}

/* make_fill() for the allocating stores: the gap middles are allocations (mtree_alloc_range and
 * mtree_alloc_cyclic in turn), the entry middles preparing stores only. */
static int make_fill_alloc(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op)
{
	int r = make_fill(mt, n, c, op);

	if (r > 0 && (c & 1))
		op->kind = c & 2 ? K_ALLOC_CYCLIC : K_ALLOC_RANGE;
	else
		op->prep = true;
	return r;
}

/* Candidates: entries c .. c+w-1 overwritten by one (w = 2..12): leaves cross for large w. */
static int make_wide_store(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op)
{
	unsigned long i = c / 11, w = c % 11 + 2;

	(void)mt;
	if (i + w > n)
		return i < n ? 0 : -1;
	*op = (struct op){ K_STORE, i * SPAN + 1, (i + w - 1) * SPAN + 2, P(200000 + c), false };
	return 1;
}

/* Candidates: entries c .. c+w-1 erased (w = 1..8), with their gaps merging. */
static int make_erase(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op)
{
	unsigned long i = c / 8, w = c % 8 + 1;

	(void)mt;
	if (i >= n)
		return -1;
	if (i + w > n)
		return 0;
	*op = (struct op){ K_NULL_STORE, i * SPAN, (i + w - 1) * SPAN + 3, NULL, false };
	return 1;
}

/* Candidates: entry c erased alone. */
static int make_erase1(struct maple_tree *mt, unsigned long n, unsigned long c, struct op *op)
{
	(void)mt;
	if (c >= n)
		return -1;
	*op = (struct op){ K_NULL_STORE, c * SPAN, c * SPAN + 3, NULL, false };
	return 1;
}

struct shape {
	unsigned int flags;
	unsigned long n;
	unsigned int height;
};

static const struct shape shapes[] = {
	{ 0, 8, 1 }, { 0, 60, 2 }, { 0, 300, 3 },
	{ MT_FLAGS_ALLOC_RANGE, 8, 1 }, { MT_FLAGS_ALLOC_RANGE, 40, 2 }, { MT_FLAGS_ALLOC_RANGE, 300, 3 },
};

/* For every shape: find an op of @kind via @make whose type is @want, and fault-loop it. */
static void each_shape(make_fn make, enum kind kind, enum maple_store_type want, unsigned int min_height,
		       bool alloc_only, bool apply_misses)
{
	unsigned int covered = 0;

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		struct maple_tree mt;
		unsigned long live = live_nodes();
		struct op op;

		if (alloc_only && !(shapes[s].flags & MT_FLAGS_ALLOC_RANGE))
			continue;
		build(&mt, shapes[s].flags, shapes[s].n);
		assert_int_equal(mt_height(&mt), shapes[s].height);
		if (shapes[s].height < min_height) {
			mtree_destroy(&mt);
			continue;
		}
		if (!find_op(&mt, shapes[s].n, make, want, apply_misses, &op))
			fail_msg("shape %zu: no %s candidate", s, mt_store_type_name(want));
		op.kind = op.kind == K_STORE && kind != K_STORE ? kind : op.kind;
		assert_true(fault_loop(&mt, &op) >= 1);
		covered++;
		mtree_destroy(&mt);
		assert_int_equal(live_nodes(), live);
	}
	assert_true(covered >= 2);
}

static void test_split_store(void **state)
{
	(void)state;
	each_shape(make_fill, K_STORE, MT_STORE_SPLIT_STORE, 1, false, true);
}

static void test_spanning_store(void **state)
{
	(void)state;
	each_shape(make_wide_store, K_STORE, MT_STORE_SPANNING_STORE, 2, false, false);
}

static void test_rebalancing_erase(void **state)
{
	(void)state;
	each_shape(make_erase, K_NULL_STORE, MT_STORE_REBALANCE, 2, false, false);
}

static void test_mas_store_split(void **state)
{
	(void)state;
	each_shape(make_fill, K_MAS_STORE, MT_STORE_SPLIT_STORE, 1, false, true);
}

static void test_mas_store_gfp_spanning(void **state)
{
	(void)state;
	each_shape(make_wide_store, K_MAS_STORE_GFP, MT_STORE_SPANNING_STORE, 2, false, false);
}

static void test_alloc_range_split(void **state)
{
	(void)state;
	each_shape(make_fill_alloc, K_ALLOC_RANGE, MT_STORE_SPLIT_STORE, 1, true, true);
}

/* Both allocating kinds, whichever split comes first, on a deeper tree: find several in a row. */
static void test_alloc_cyclic_split(void **state)
{
	struct maple_tree mt;
	unsigned long live = live_nodes();
	unsigned int cyclic = 0;

	(void)state;
	build(&mt, MT_FLAGS_ALLOC_RANGE, 300);
	for (int i = 0; i < 12; i++) {
		struct op op;

		/* a fresh candidate run over the grown tree: entries keep filling the leaves */
		assert_true(find_op(&mt, 300, make_fill_alloc, MT_STORE_SPLIT_STORE, true, &op));
		cyclic += op.kind == K_ALLOC_CYCLIC;
		assert_true(fault_loop(&mt, &op) >= 1);
	}
	assert_true(cyclic >= 1);
	mtree_destroy(&mt);
	assert_int_equal(live_nodes(), live);
}

/* Expanding an empty tree or a root entry into a leaf, and [0, ULONG_MAX] (new root). */
static void test_root_stores(void **state)
{
	struct maple_tree mt;
	unsigned long live = live_nodes();
	struct op expand = { K_STORE, 5, 9, P(1), false }, all = { K_STORE, 0, ULONG_MAX, P(2), false };

	(void)state;
	mt_init_flags(&mt, 0);
	assert_int_equal(fault_loop(&mt, &expand), 1);
	mtree_destroy(&mt);

	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mtree_store(&mt, 0, P(7), GFP_KERNEL), 0);
	assert_ptr_equal(mt.ma_root, P(7));
	assert_int_equal(fault_loop(&mt, &expand), 1);
	assert_ptr_equal(mtree_load(&mt, 0), P(7));
	assert_int_equal(fault_loop(&mt, &all), 1);
	mtree_destroy(&mt);
	assert_int_equal(live_nodes(), live);
}

/* mtree_dup: every node of the copy fails in turn; @new stays empty and nothing is kept. */
static void test_dup(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		struct maple_tree mt, before, new;
		unsigned long live = live_nodes(), k;

		build(&mt, shapes[s].flags, shapes[s].n);
		copy_of(&mt, &before);
		for (k = 1;; k++) {
			unsigned long l = live_nodes(), failures = mt_alloc_failures();
			int ret;

			mt_init_flags(&new, shapes[s].flags);
			mt_set_fail_nth(k);
			ret = (k & 1) ? mtree_dup(&mt, &new, GFP_KERNEL) : __mt_dup(&mt, &new, GFP_NOWAIT);
			mt_clear_faults();
			if (ret == 0)
				break;
			assert_int_equal(ret, -ENOMEM);
			assert_int_equal(mt_alloc_failures(), failures + 1);
			assert_true(mtree_empty(&new));
			assert_int_equal(live_nodes(), l);
			assert_true(mt_same_shape(&mt, &before));
		}
		assert_true(k >= 2);
		assert_true(mt_same_shape(&mt, &new));
		assert_valid(&new);
		mtree_destroy(&new);
		mtree_destroy(&before);
		mtree_destroy(&mt);
		assert_int_equal(live_nodes(), live);
	}
}

/* Bulk mode from empty, in order, as the kernel's mas_expected_entries users do: every store that
 * allocates is fault-looped (splits of the rightmost leaf, a new root, growing heights). */
static void test_bulk(void **state)
{
	(void)state;
	for (unsigned int flags = 0; flags <= MT_FLAGS_ALLOC_RANGE; flags += MT_FLAGS_ALLOC_RANGE) {
		struct maple_tree mt;
		unsigned long live = live_nodes();
		unsigned int failed = 0;

		mt_init_flags(&mt, flags);
		for (unsigned long i = 0; i < 400; i++) {
			struct op op = { K_BULK_STORE, i * SPAN, i * SPAN + 3, P(i + 1), false };

			failed += fault_loop(&mt, &op);
		}
		assert_true(failed >= 20);
		assert_true(mt_height(&mt) >= 2);
		for (unsigned long i = 0; i < 400; i++)
			assert_ptr_equal(mtree_load(&mt, i * SPAN + 2), P(i + 1));
		mtree_destroy(&mt);
		assert_int_equal(live_nodes(), live);
	}
}

/* The erases have no error channel (mtree_erase) or retry as the kernel's do (mas_erase): one
 * injected failure is absorbed by the retry and the result equals a fault-free erase. */
static void test_erase_retries(void **state)
{
	struct maple_tree mt, control;
	unsigned long live = live_nodes(), failures;
	struct op op;

	(void)state;
	build(&mt, 0, 60);
	assert_true(find_op(&mt, 60, make_erase1, MT_STORE_REBALANCE, true, &op));
	copy_of(&mt, &control);
	assert_ptr_equal(mtree_erase(&control, op.first), P(op.first / SPAN + 1));

	failures = mt_alloc_failures();
	mt_set_fail_nth(1);
	assert_ptr_equal(mtree_erase(&mt, op.first + 1), P(op.first / SPAN + 1));
	mt_clear_faults();
	assert_int_equal(mt_alloc_failures(), failures + 1);
	assert_true(mt_same_shape(&mt, &control));

	/* mas_erase on the next entry, both trees. */
	{
		MA_STATE(mas, &mt, op.first + SPAN, op.first + SPAN);
		MA_STATE(cmas, &control, op.first + SPAN, op.first + SPAN);

		mas_lock(&cmas);
		assert_ptr_equal(mas_erase(&cmas), P(op.first / SPAN + 2));
		mas_unlock(&cmas);
		failures = mt_alloc_failures();
		mt_set_fail_nth(1);
		mas_lock(&mas);
		assert_ptr_equal(mas_erase(&mas), P(op.first / SPAN + 2));
		mas_unlock(&mas);
		mt_clear_faults();
		assert_false(mas_is_err(&mas));
		assert_int_equal(mas.index, cmas.index);
		assert_int_equal(mas.last, cmas.last);
		assert_true(mt_same_shape(&mt, &control));
	}
	assert_valid(&mt);
	mtree_destroy(&control);
	mtree_destroy(&mt);
	assert_int_equal(live_nodes(), live);
}

/* mt_set_non_kernel: non-blocking allocations need budget, GFP_KERNEL never does. */
static void test_non_kernel(void **state)
{
	struct maple_tree mt, before;
	unsigned long live = live_nodes(), failures, l, need;
	struct op op;

	(void)state;
	build(&mt, 0, 60);
	assert_true(find_op(&mt, 60, make_fill, MT_STORE_SPLIT_STORE, true, &op));
	copy_of(&mt, &before);
	l = live_nodes();

	/* Budget 0: GFP_NOWAIT and GFP_ATOMIC writes fail, mas_store (GFP_NOWAIT) too. */
	mt_set_non_kernel(0);
	failures = mt_alloc_failures();
	assert_int_equal(mtree_store_range(&mt, op.first, op.last, op.entry, GFP_NOWAIT), -ENOMEM);
	assert_int_equal(mtree_store_range(&mt, op.first, op.last, op.entry, GFP_ATOMIC), -ENOMEM);
	{
		MA_STATE(mas, &mt, op.first, op.last);

		mas_lock(&mas);
		assert_null(mas_store(&mas, op.entry));
		mas_unlock(&mas);
		assert_true(mas_is_err(&mas));
		assert_int_equal(xa_err(mas.node), -ENOMEM);
	}
	/* each normal-API write failed twice: its GFP_NOWAIT try and its retry's allocation */
	assert_int_equal(mt_alloc_failures(), failures + 5);
	assert_true(mt_same_shape(&mt, &before));
	assert_int_equal(live_nodes(), l);
	/* ... but a write that allocates nothing succeeds. */
	{
		MA_STATE(mas, &mt, 2, 2);
		void *e = mas_walk(&mas);

		assert_int_equal(mtree_store_range(&mt, mas.index, mas.last, e, GFP_NOWAIT), 0);
		assert_true(mt_same_shape(&mt, &before));
	}

	/* How many allocations the split needs, then a budget one short, then exactly enough. */
	need = fault_loop(&before, &op);
	assert_true(need >= 1);
	l = live_nodes();
	mt_set_non_kernel(need - 1);
	assert_int_equal(mtree_store_range(&mt, op.first, op.last, op.entry, GFP_NOWAIT), -ENOMEM);
	assert_int_equal(live_nodes(), l);
	mt_set_non_kernel(need);
	assert_int_equal(mtree_store_range(&mt, op.first, op.last, op.entry, GFP_NOWAIT), 0);
	assert_true(mt_same_shape(&mt, &before));
	mt_clear_faults();
	mtree_destroy(&mt);
	mtree_destroy(&before);

	/* GFP_KERNEL never fails by budget: with budget 0 every allocating write's GFP_NOWAIT try
	 * fails and its GFP_KERNEL retry succeeds; a whole build, a dup and an erase. */
	mt_set_non_kernel(0);
	failures = mt_alloc_failures();
	build(&mt, MT_FLAGS_ALLOC_RANGE, 300);
	assert_true(mt_alloc_failures() > failures);
	copy_of(&mt, &before);
	assert_ptr_equal(mtree_erase(&mt, 40), P(6));
	for (unsigned long i = 0; i < 300; i++)
		assert_ptr_equal(mtree_load(&before, i * SPAN), P(i + 1));
	/* mt_clear_faults ends budget mode: GFP_NOWAIT works again. */
	mt_clear_faults();
	{
		MA_STATE(mas, &mt, 1, 1);

		mas_lock(&mas);
		mas_store(&mas, P(9));
		mas_unlock(&mas);
		assert_false(mas_is_err(&mas));
	}
	mtree_destroy(&mt);
	mtree_destroy(&before);
	assert_int_equal(live_nodes(), live);
}

/* fail_nth is one-shot and counts only node allocations; 0 disables it; writes that retry absorb it. */
static void test_fail_nth_counting(void **state)
{
	struct maple_tree mt;
	unsigned long failures = mt_alloc_failures();

	(void)state;
	mt_init_flags(&mt, 0);
	mt_set_fail_nth(2);
	assert_int_equal(mtree_store(&mt, 3, P(3), GFP_KERNEL), 0);        /* allocation 1 */
	assert_int_equal(mtree_store(&mt, 4, P(4), GFP_KERNEL), 0);        /* in place: none */
	/* allocation 2 fails; the retry (allocation 3 on) succeeds: one shot */
	assert_int_equal(mtree_store_range(&mt, 0, ULONG_MAX, P(5), GFP_KERNEL), 0);
	assert_ptr_equal(mtree_load(&mt, 4), P(5));
	assert_int_equal(mt_alloc_failures(), failures + 1);
	mtree_destroy(&mt);
	{
		MA_STATE(mas, &mt, 7, 9);             /* expanding the empty tree; mas_store does not retry */

		mt_set_fail_nth(1);
		mas_lock(&mas);
		assert_null(mas_store(&mas, P(6)));
		mas_unlock(&mas);
		assert_true(mas_is_err(&mas));
		assert_true(mtree_empty(&mt));
	}
	assert_int_equal(mt_alloc_failures(), failures + 2);
	failures++;
	mtree_destroy(&mt);
	mt_set_fail_nth(1);
	mt_set_fail_nth(0);
	assert_int_equal(mtree_store(&mt, 3, P(3), GFP_KERNEL), 0);
	assert_int_equal(mt_alloc_failures(), failures + 1);
	mtree_destroy(&mt);
}

/* RCU mode: a node store builds a new leaf (one allocation) instead of rewriting it in place. */
static void test_rcu_node_store(void **state)
{
	struct maple_tree mt;
	unsigned long live = live_nodes();
	struct op op;

	(void)state;
	build(&mt, MT_FLAGS_USE_RCU, 4);
	assert_true(find_op(&mt, 4, make_fill, MT_STORE_NODE_STORE, false, &op));
	assert_int_equal(fault_loop(&mt, &op), 1);
	mtree_destroy(&mt);
	urcu_memb_barrier();
	assert_int_equal(live_nodes(), live);
}

/* Every store type that allocates had each of its allocation points failed (run last). */
static void test_every_type_failed(void **state)
{
	static const enum maple_store_type allocating[] = {
		MT_STORE_NEW_ROOT, MT_STORE_STORE_ROOT, MT_STORE_SPANNING_STORE, MT_STORE_SPLIT_STORE,
		MT_STORE_REBALANCE, MT_STORE_NODE_STORE,
	};

	(void)state;
	fprintf(stderr, "allocation points failed, per store type:\n");
	for (int i = 1; i < MT_STORE_TYPES_NR; i++)
		fprintf(stderr, "  %-18s %lu\n", mt_store_type_name((enum maple_store_type)i), failed_points[i]);
	for (size_t i = 0; i < sizeof(allocating) / sizeof(allocating[0]); i++)
		assert_true(failed_points[allocating[i]] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_nth_counting),
		cmocka_unit_test(test_root_stores),
		cmocka_unit_test(test_split_store),
		cmocka_unit_test(test_spanning_store),
		cmocka_unit_test(test_rebalancing_erase),
		cmocka_unit_test(test_mas_store_split),
		cmocka_unit_test(test_mas_store_gfp_spanning),
		cmocka_unit_test(test_alloc_range_split),
		cmocka_unit_test(test_alloc_cyclic_split),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_erase_retries),
		cmocka_unit_test(test_non_kernel),
		cmocka_unit_test(test_rcu_node_store),
		cmocka_unit_test(test_every_type_failed),
	};
	MAPLE_TEST_MAIN(tests);
}
