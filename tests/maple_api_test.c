/* maple_api_test.c - maple/'s advanced API against literal tables: every iterator's state
 * transitions (reference §2.4 and docs/semantics.md), mas_store/mas_erase results and states, and
 * mtree_dup checked with mt_same_shape and contents. Each row states entry, index, last, status. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>

#include <maple/maple_tree.h>
#include <urcu/urcu-memb.h>

#include "maple_test_helpers.h"

#define MAX ULONG_MAX
#define V(n) ((void *)(((unsigned long)(n) << 1) | 1))   /* xa_mk_value, as a constant */

enum call {
	SET, SET_RANGE, KEEP, RESET, PAUSE, WALK, NEXT, PREV, FIND, FIND_RANGE, FIND_REV, FIND_RANGE_REV,
	NEXT_RANGE, PREV_RANGE, STORE, ERASE,
};

/* One call and the state it must leave: for SET/SET_RANGE/KEEP `a`/`b` are the range, for the
 * readers `a` is the limit, for STORE `entry_in` is stored; `entry` is the expected return. */
struct row {
	enum call call;
	unsigned long a, b;
	void *entry;
	unsigned long index, last;
	enum maple_status status;
	void *entry_in;
};

/* mas_store / mas_erase under the tree lock, as the advanced API requires of its writers. */
static void *locked_write(struct ma_state *mas, void *entry, bool erase)
{
	void *ret;

	mas_lock(mas);
	ret = erase ? mas_erase(mas) : mas_store(mas, entry);
	mas_unlock(mas);
	return ret;
}

static void *run_call(struct ma_state *mas, const struct row *r)
{
	switch (r->call) {
	case SET: mas_set(mas, r->a); return NULL;
	case SET_RANGE: mas_set_range(mas, r->a, r->b); return NULL;
	case KEEP: __mas_set_range(mas, r->a, r->b); return NULL;
	case RESET: mas_reset(mas); return NULL;
	case PAUSE: mas_pause(mas); return NULL;
	case WALK: return mas_walk(mas);
	case NEXT: return mas_next(mas, r->a);
	case PREV: return mas_prev(mas, r->a);
	case FIND: return mas_find(mas, r->a);
	case FIND_RANGE: return mas_find_range(mas, r->a);
	case FIND_REV: return mas_find_rev(mas, r->a);
	case FIND_RANGE_REV: return mas_find_range_rev(mas, r->a);
	case NEXT_RANGE: return mas_next_range(mas, r->a);
	case PREV_RANGE: return mas_prev_range(mas, r->a);
	case STORE: return locked_write(mas, r->entry_in, false);
	case ERASE: return locked_write(mas, NULL, true);
	}
	return NULL;
}

/* Run @n rows in order on one state of @mt; report the first row that differs. */
static void run_rows(struct maple_tree *mt, const struct row *rows, size_t n)
{
	MA_STATE(mas, mt, 0, 0);

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		void *got = run_call(&mas, r);

		if (got != r->entry || mas.index != r->index || mas.last != r->last || mas.status != r->status)
			fail_msg("row %zu (call %d): got %p [%#lx, %#lx] status %d, want %p [%#lx, %#lx] status %d",
				 i, r->call, got, mas.index, mas.last, mas.status, r->entry, r->index, r->last,
				 r->status);
	}
}

#define ROWS(mt, rows) run_rows(mt, rows, sizeof(rows) / sizeof(rows[0]))


static void build_abc(struct maple_tree *mt)
{
	mt_init(mt);
	assert_int_equal(mtree_store_range(mt, 0x1000, 0x1500, V(1), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(mt, 0x2000, 0x2500, V(2), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(mt, 0x3000, 0x3500, V(3), GFP_KERNEL), 0);
}

/* Reference §2.4: A [0x1000,0x1500], B [0x2000,0x2500], C [0x3000,0x3500]. */
static void test_state_table(void **unused)
{
	static const struct row rows[] = {
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ NEXT, MAX, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ NEXT, 0x2100, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		{ NEXT, 0x2999, 0, NULL, 0x2501, 0x2fff, ma_overflow, NULL },
		{ NEXT, MAX, 0, V(3), 0x3000, 0x3500, ma_active, NULL },
		{ NEXT, MAX, 0, NULL, 0x3501, MAX, ma_overflow, NULL },
		{ NEXT, MAX, 0, NULL, 0x3501, MAX, ma_overflow, NULL },
		{ PREV, 0, 0, V(3), 0x3000, 0x3500, ma_active, NULL },
		{ SET, 0x2000, 0, NULL, 0x2000, 0x2000, ma_start, NULL },
		{ WALK, 0, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		{ PREV, 0x1200, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ PREV, 0x1200, 0, NULL, 0x1000, 0x1500, ma_underflow, NULL },
		{ PREV, 0x100, 0, NULL, 0, 0xfff, ma_underflow, NULL },
		{ NEXT, MAX, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ SET, 0x2000, 0, NULL, 0x2000, 0x2000, ma_start, NULL },
		{ WALK, 0, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		{ PREV, 0x1600, 0, NULL, 0x1501, 0x1fff, ma_underflow, NULL },
		{ SET, 1200, 0, NULL, 1200, 1200, ma_start, NULL },
		{ FIND, MAX, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ SET, 0x1200, 0, NULL, 0x1200, 0x1200, ma_start, NULL },
		{ FIND_REV, 0, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ SET, 0x2000, 0, NULL, 0x2000, 0x2000, ma_start, NULL },
		{ WALK, 0, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		{ FIND, 0x2700, 0, NULL, 0x2501, 0x2fff, ma_active, NULL },
		{ FIND, 0x5000, 0, V(3), 0x3000, 0x3500, ma_active, NULL },
		{ FIND, MAX, 0, NULL, 0x3501, MAX, ma_active, NULL },
		{ FIND_REV, 0, 0, V(3), 0x3000, 0x3500, ma_active, NULL },
		{ FIND_REV, 0, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		{ PAUSE, 0, 0, NULL, 0x2000, 0x2500, ma_pause, NULL },
		{ FIND_REV, 0, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ FIND_REV, 0, 0, NULL, 0, 0xfff, ma_underflow, NULL },
		{ SET, 0x1600, 0, NULL, 0x1600, 0x1600, ma_start, NULL },
		{ WALK, 0, 0, NULL, 0x1501, 0x1fff, ma_active, NULL },
		/* pause then next resumes after the paused range */
		{ SET, 0x1200, 0, NULL, 0x1200, 0x1200, ma_start, NULL },
		{ FIND, MAX, 0, V(1), 0x1000, 0x1500, ma_active, NULL },
		{ PAUSE, 0, 0, NULL, 0x1000, 0x1500, ma_pause, NULL },
		{ FIND, MAX, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
		/* mas_reset keeps index/last; the next find walks from index */
		{ RESET, 0, 0, NULL, 0x2000, 0x2500, ma_start, NULL },
		{ FIND, MAX, 0, V(2), 0x2000, 0x2500, ma_active, NULL },
	};
	struct maple_tree mt;

	(void)unused;
	build_abc(&mt);
	ROWS(&mt, rows);
	mtree_destroy(&mt);
}

/* The _range forms return NULL ranges; next/prev skip them. Entries at [10,19] and [30,39]. */
static void test_range_forms(void **unused)
{
	static const struct row rows[] = {
		{ SET, 12, 0, NULL, 12, 12, ma_start, NULL },
		{ FIND_RANGE, MAX, 0, V(1), 10, 19, ma_active, NULL },
		{ FIND_RANGE, MAX, 0, NULL, 20, 29, ma_active, NULL },
		{ NEXT_RANGE, MAX, 0, V(2), 30, 39, ma_active, NULL },
		{ NEXT_RANGE, MAX, 0, NULL, 40, MAX, ma_active, NULL },
		{ NEXT_RANGE, MAX, 0, NULL, 40, MAX, ma_overflow, NULL },
		{ PREV_RANGE, 0, 0, V(2), 30, 39, ma_active, NULL },
		{ PREV_RANGE, 0, 0, NULL, 20, 29, ma_active, NULL },
		{ FIND_RANGE_REV, 0, 0, V(1), 10, 19, ma_active, NULL },
		{ FIND_RANGE_REV, 0, 0, NULL, 0, 9, ma_active, NULL },
		{ FIND_RANGE_REV, 0, 0, NULL, 0, 9, ma_underflow, NULL },
		{ SET, 25, 0, NULL, 25, 25, ma_start, NULL },
		{ FIND_RANGE, MAX, 0, V(2), 30, 39, ma_active, NULL },
		{ SET, 15, 0, NULL, 15, 15, ma_start, NULL },
		{ WALK, 0, 0, V(1), 10, 19, ma_active, NULL },
		{ FIND_RANGE, 19, 0, NULL, 10, 19, ma_active, NULL },
		{ FIND_RANGE, 25, 0, NULL, 20, 29, ma_active, NULL },
		{ FIND_RANGE, 25, 0, NULL, 20, 29, ma_active, NULL },
		{ SET, 22, 0, NULL, 22, 22, ma_start, NULL },
		{ FIND_RANGE, 25, 0, NULL, 20, 29, ma_overflow, NULL },
		{ SET, 22, 0, NULL, 22, 22, ma_start, NULL },
		{ FIND, 25, 0, NULL, 20, 29, ma_active, NULL },
		{ SET, 20, 0, NULL, 20, 20, ma_start, NULL },
		{ FIND_RANGE, 20, 0, NULL, 20, 29, ma_active, NULL },
		/* prev_range / next_range limits: underflow and overflow leave the range */
		{ SET, 35, 0, NULL, 35, 35, ma_start, NULL },
		{ WALK, 0, 0, V(2), 30, 39, ma_active, NULL },
		{ PREV_RANGE, 25, 0, NULL, 20, 29, ma_active, NULL },
		{ PREV_RANGE, 25, 0, NULL, 20, 29, ma_underflow, NULL },
		{ NEXT_RANGE, 35, 0, V(2), 30, 39, ma_active, NULL },
		{ NEXT_RANGE, 35, 0, NULL, 30, 39, ma_overflow, NULL },
		/* find_rev skips NULL ranges; from pause it restarts below index */
		{ SET, 45, 0, NULL, 45, 45, ma_start, NULL },
		{ FIND_REV, 0, 0, V(2), 30, 39, ma_active, NULL },
		{ PAUSE, 0, 0, NULL, 30, 39, ma_pause, NULL },
		{ FIND_REV, 0, 0, V(1), 10, 19, ma_active, NULL },
		{ FIND_REV, 11, 0, NULL, 10, 19, ma_active, NULL },     /* index below min: no step */
		{ FIND_REV, 10, 0, NULL, 10, 19, ma_underflow, NULL },
		/* a hand-set range steps from R(last) forward and R(index) back */
		{ SET, 12, 0, NULL, 12, 12, ma_start, NULL },
		{ WALK, 0, 0, V(1), 10, 19, ma_active, NULL },
		{ KEEP, 12, 33, NULL, 12, 33, ma_active, NULL },
		{ NEXT_RANGE, MAX, 0, NULL, 40, MAX, ma_active, NULL },
		{ KEEP, 12, 33, NULL, 12, 33, ma_active, NULL },
		{ PREV_RANGE, 0, 0, NULL, 0, 9, ma_active, NULL },
	};
	struct maple_tree mt;

	(void)unused;
	mt_init(&mt);
	assert_int_equal(mtree_store_range(&mt, 10, 19, V(1), GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(&mt, 30, 39, V(2), GFP_KERNEL), 0);
	ROWS(&mt, rows);
	mtree_destroy(&mt);
}

/* Single root entry P at [0,0] (reference §2.4 end) and the empty tree. */
static void test_small_trees(void **unused)
{
	void *P = (void *)0x4000UL;
	const struct row root_rows[] = {
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ PREV, 0, 0, NULL, 0, 0, ma_underflow, NULL },
		{ SET, 10, 0, NULL, 10, 10, ma_start, NULL },
		{ PREV, 0, 0, P, 0, 0, ma_root, NULL },
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ NEXT, MAX, 0, NULL, 1, MAX, ma_none, NULL },
		{ SET, 10, 0, NULL, 10, 10, ma_start, NULL },
		{ NEXT, MAX, 0, NULL, 1, MAX, ma_none, NULL },
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ FIND, MAX, 0, P, 0, 0, ma_root, NULL },
		{ FIND, MAX, 0, NULL, 1, MAX, ma_none, NULL },
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ FIND_REV, 0, 0, P, 0, 0, ma_root, NULL },
		{ FIND_REV, 0, 0, NULL, 0, 0, ma_none, NULL },
		{ NEXT, MAX, 0, NULL, 0, 0, ma_root, NULL },
		{ SET, 10, 0, NULL, 10, 10, ma_start, NULL },
		{ WALK, 0, 0, NULL, 1, MAX, ma_none, NULL },
		{ FIND_REV, 1, 0, NULL, 1, MAX, ma_none, NULL },
		{ FIND_REV, 0, 0, P, 0, 0, ma_root, NULL },
		{ SET, 50, 0, NULL, 50, 50, ma_start, NULL },
		{ FIND_RANGE_REV, 0, 0, P, 0, 0, ma_root, NULL },
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ FIND_RANGE, MAX, 0, P, 0, 0, ma_root, NULL },
		{ FIND_RANGE, MAX, 0, NULL, 1, MAX, ma_none, NULL },
	};
	static const struct row empty_rows[] = {
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ WALK, 0, 0, NULL, 0, MAX, ma_none, NULL },
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ FIND_REV, 0, 0, NULL, 0, 0, ma_root, NULL },
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ FIND, MAX, 0, NULL, 0, MAX, ma_none, NULL },
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ NEXT, MAX, 0, NULL, 0, MAX, ma_none, NULL },
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ PREV, 0, 0, NULL, 0, MAX, ma_none, NULL },
		{ SET, 5, 0, NULL, 5, 5, ma_start, NULL },
		{ FIND_RANGE_REV, 0, 0, NULL, 0, 0, ma_root, NULL },
	};
	struct maple_tree mt;

	(void)unused;
	mt_init(&mt);
	ROWS(&mt, empty_rows);
	assert_int_equal(mtree_store(&mt, 0, P, GFP_KERNEL), 0);
	ROWS(&mt, root_rows);
	assert_ptr_equal(mt_next(&mt, 0, MAX), NULL);
	assert_ptr_equal(mt_prev(&mt, 5, 0), P);
	mtree_destroy(&mt);
}

/* mas_store / mas_erase: the returned entry and the state each leaves (docs/semantics.md). */
static void test_store_erase(void **unused)
{
	void *P = (void *)0x8000UL;
	const struct row rows[] = {
		{ SET_RANGE, 10, 20, NULL, 10, 20, ma_start, NULL },
		{ STORE, 0, 0, NULL, 10, 20, ma_active, V(1) },
		{ SET_RANGE, 15, 30, NULL, 15, 30, ma_start, NULL },
		{ STORE, 0, 0, V(1), 15, 30, ma_active, V(2) },
		{ SET_RANGE, 40, 50, NULL, 40, 50, ma_start, NULL },
		{ STORE, 0, 0, NULL, 40, 50, ma_active, XA_ZERO_ENTRY },
		{ SET_RANGE, 12, 35, NULL, 12, 35, ma_start, NULL },   /* NULL: merged with [31,39] */
		{ STORE, 0, 0, V(1), 12, 39, ma_active, NULL },
		{ NEXT, MAX, 0, XA_ZERO_ENTRY, 40, 50, ma_active, NULL },
		{ SET, 45, 0, NULL, 45, 45, ma_start, NULL },
		{ ERASE, 0, 0, XA_ZERO_ENTRY, 12, MAX, ma_active, NULL },
		{ ERASE, 0, 0, NULL, 12, MAX, ma_active, NULL },       /* a NULL range: nothing written */
		{ SET_RANGE, 9, 8, NULL, 9, 8, ma_start, NULL },
		{ STORE, 0, 0, NULL, 9, 8, ma_error, V(3) },
		{ SET, 11, 0, NULL, 11, 11, ma_start, NULL },
		{ ERASE, 0, 0, V(1), 10, 11, ma_start, NULL },         /* the tree became empty */
		{ ERASE, 0, 0, NULL, 10, 11, ma_none, NULL },
		{ SET, 0, 0, NULL, 0, 0, ma_start, NULL },
		{ STORE, 0, 0, NULL, 0, 0, ma_start, P },        /* a root entry */
		{ SET_RANGE, 3, 9, NULL, 3, 9, ma_start, NULL },
		{ ERASE, 0, 0, NULL, 3, 9, ma_root, NULL },
		{ SET_RANGE, 0, 9, NULL, 0, 9, ma_start, NULL },
		{ ERASE, 0, 0, P, 0, 0, ma_start, NULL },
		{ SET_RANGE, 5, 5, NULL, 5, 5, ma_start, NULL },
		{ STORE, 0, 0, NULL, 5, 5, ma_start, NULL },     /* NULL into an empty tree */
		{ STORE, 0, 0, NULL, 5, 5, ma_active, P },       /* active: the store ignores status */
		{ STORE, 0, 0, P, 5, 5, ma_start, NULL },        /* NULL over the only entry: empty */
	};
	struct maple_tree mt;
	MA_STATE(mas, &mt, 7, 3);

	(void)unused;
	mt_init(&mt);
	ROWS(&mt, rows);
	assert_true(mtree_empty(&mt));
	mas_lock(&mas);
	assert_int_equal(mas_store_gfp(&mas, V(1), GFP_KERNEL), -EINVAL);
	mas_unlock(&mas);
	assert_int_equal(mas.status, ma_error);
	assert_int_equal(xa_err(mas.node), -EINVAL);
	mas_set_range(&mas, 3, 7);
	mas_lock(&mas);
	assert_int_equal(mas_store_gfp(&mas, V(1), GFP_KERNEL), 0);
	mas_unlock(&mas);
	assert_ptr_equal(mtree_load(&mt, 5), V(1));
	assert_int_equal(mas.index, 3);
	assert_int_equal(mas.last, 7);
	assert_int_equal(mas.status, ma_active);
	mtree_destroy(&mt);
}

/* Many stores through one state, crossing leaves: contents and return values stay right. */
static void test_store_many(void **unused)
{
	struct maple_tree mt;
	MA_STATE(mas, &mt, 0, 0);
	void *entry;
	unsigned long i, n = 0;

	(void)unused;
	mt_init(&mt);
	for (i = 0; i < 600; i++) {
		mas_set_range(&mas, i * 4, i * 4 + 2);
		assert_ptr_equal(locked_write(&mas, V(i), false), NULL);
		assert_int_equal(mas.index, i * 4);
		assert_int_equal(mas.last, i * 4 + 2);
	}
	assert_true(mt_height(&mt) >= 2);
	for (i = 0; i < 600; i += 2) {
		mas_set(&mas, i * 4 + 1);
		assert_ptr_equal(locked_write(&mas, NULL, true), V(i));
		assert_int_equal(mas.index, i ? i * 4 - 1 : 0);
		assert_int_equal(mas.last, i * 4 + 3);
	}
	mas_set(&mas, MAX);
	mas_for_each_rev(&mas, entry, 0) {
		assert_ptr_equal(entry, V(599 - 2 * n));
		n++;
	}
	assert_int_equal(n, 300);
	mtree_destroy(&mt);
}

/* Fill @mt with singletons until its height is @height. */
static void fill_to_height(struct maple_tree *mt, unsigned int height)
{
	for (unsigned long i = 0; mt_height(mt) < height; i++) {
		assert_true(i < 100000);
		assert_int_equal(mtree_store_range(mt, i * 10, i * 10 + 3, V(i), GFP_KERNEL), 0);
	}
}

static void assert_same_contents(struct maple_tree *a, struct maple_tree *b)
{
	MA_STATE(ma, a, 0, 0);
	MA_STATE(mb, b, 0, 0);
	void *ea, *eb;

	do {
		ea = mas_find_range(&ma, MAX);
		eb = mas_find_range(&mb, MAX);
		assert_ptr_equal(ea, eb);
		assert_int_equal(ma.index, mb.index);
		assert_int_equal(ma.last, mb.last);
	} while (ma.status == ma_active && ma.last != MAX);
}

static void test_dup_heights(void **unused)
{
	struct mt_alloc_stats before, after;

	(void)unused;
	mt_alloc_stats(&before);
	for (unsigned int h = 0; h <= 3; h++) {
		struct maple_tree src, copy;

		mt_init_flags(&src, MT_FLAGS_USE_RCU);
		mt_init_flags(&copy, MT_FLAGS_USE_RCU);
		if (h == 0)
			assert_int_equal(mtree_store(&src, 0, (void *)0x4000UL, GFP_KERNEL), 0);
		fill_to_height(&src, h);
		assert_int_equal(mtree_dup(&src, &copy, GFP_KERNEL), 0);
		assert_int_equal(mt_height(&copy), h);
		assert_true(mt_same_shape(&src, &copy));
		assert_true(src.ma_root != copy.ma_root || h == 0);
		assert_int_equal(copy.ma_flags, src.ma_flags);
		assert_same_contents(&src, &copy);
		mt_validate(&copy);
		/* the copy is independent: a change to it leaves the source alone and the shapes differ */
		assert_int_equal(mtree_store(&copy, 5, V(777), GFP_KERNEL), 0);
		assert_false(mt_same_shape(&src, &copy));
		assert_ptr_not_equal(mtree_load(&src, 5), V(777));
		mt_validate(&src);
		mtree_destroy(&copy);
		mtree_destroy(&src);
	}
	urcu_memb_barrier();            /* RCU trees may free nodes after a grace period */
	mt_alloc_stats(&after);
	assert_int_equal(after.live, before.live);
}

static void test_dup_refusals(void **unused)
{
	struct maple_tree src, full, alloc, empty;

	(void)unused;
	mt_init(&src);
	mt_init(&full);
	mt_init_flags(&alloc, MT_FLAGS_ALLOC_RANGE);
	mt_init(&empty);
	fill_to_height(&src, 2);
	assert_int_equal(mtree_store(&full, 3, V(3), GFP_KERNEL), 0);
	assert_int_equal(mtree_dup(&src, &full, GFP_KERNEL), -EINVAL);
	assert_ptr_equal(mtree_load(&full, 3), V(3));
	assert_int_equal(mtree_dup(&src, &alloc, GFP_KERNEL), -EINVAL);
	assert_true(mtree_empty(&alloc));
	assert_int_equal(__mt_dup(&src, &src, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_dup(&src, &src, GFP_KERNEL), -EINVAL);
	/* an empty source gives an empty copy; mt_same_shape sees a root entry's value */
	assert_int_equal(__mt_dup(&empty, &alloc, GFP_KERNEL), -EINVAL);
	mt_init(&alloc);
	assert_int_equal(__mt_dup(&empty, &alloc, GFP_KERNEL), 0);
	assert_true(mtree_empty(&alloc));
	assert_true(mt_same_shape(&empty, &alloc));
	assert_false(mt_same_shape(&src, &alloc));
	assert_int_equal(mtree_store(&empty, 0, (void *)0x4000UL, GFP_KERNEL), 0);
	assert_false(mt_same_shape(&empty, &alloc));
	mtree_destroy(&src);
	mtree_destroy(&full);
	mtree_destroy(&empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_range_forms),
		cmocka_unit_test(test_small_trees),
		cmocka_unit_test(test_store_erase),
		cmocka_unit_test(test_store_many),
		cmocka_unit_test(test_dup_heights),
		cmocka_unit_test(test_dup_refusals),
	};
	MAPLE_TEST_MAIN(tests);
}
