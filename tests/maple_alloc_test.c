/* maple_alloc_test.c - unit tests of allocation trees: arange_64 nodes and their gaps, the gap
 * searches (reference §2.5 worked examples), mtree_alloc_range/_rrange/_cyclic (§2.6), refusals, a
 * random run against the oracle with the validator after every write, and one corruption per gap
 * check of the validator. Looks inside nodes (internal.h) only to check and corrupt them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

#include "../maple/internal.h"

#include "maple_test_helpers.h"



/* The kernel test's tree: [i*10, i*10+9] -> P(i) for i = 1..20, then [160,169] erased. */
static void build_tens(struct maple_tree *mt, unsigned int flags)
{
	mt_init_flags(mt, flags);
	for (unsigned long i = 1; i <= 20; i++)
		assert_int_equal(mtree_store_range(mt, i * 10, i * 10 + 9, P(i), GFP_KERNEL), 0);
	assert_ptr_equal(mtree_erase(mt, 161), P(16));
	assert_valid(mt);
}

struct gap_case {
	bool rev;
	unsigned long min, max, size;
	int ret;
	unsigned long index, last;
};

/* Reference §2.5: the 14 worked examples. */
static const struct gap_case tens_cases[] = {
	{ true, 5, 90, 10, -EBUSY, 0, 0 },     { true, 6, 90, 5, -EBUSY, 0, 0 },
	{ true, 5, 90, 5, 0, 5, 9 },           { true, 5, 217, 9, 0, 161, 169 },
	{ true, 100, 218, 3, 0, 216, 218 },    { true, 100, 218, 16, -EBUSY, 0, 0 },
	{ true, 167, 200, 4, -EBUSY, 0, 0 },   { true, 100, 162, 4, -EBUSY, 0, 0 },
	{ false, 0, 100, 9, 0, 0, 8 },         { false, 0, 100, 4, 0, 0, 3 },
	{ false, 0, 100, 11, -EBUSY, 0, 0 },   { false, 5, 100, 6, -EBUSY, 0, 0 },
	{ false, 0, 8, 10, -EINVAL, 0, 0 },    { false, 100, 163, 6, -EBUSY, 0, 0 },
};

static int run_case(const struct gap_case *c, struct ma_state *mas)
{
	return c->rev ? mas_empty_area_rev(mas, c->min, c->max, c->size) :
			mas_empty_area(mas, c->min, c->max, c->size);
}

static void check_tens_cases(unsigned int flags)
{
	struct maple_tree mt;

	build_tens(&mt, flags);
	for (size_t k = 0; k < sizeof(tens_cases) / sizeof(tens_cases[0]); k++) {
		const struct gap_case *c = &tens_cases[k];
		MA_STATE(mas, &mt, 77, 78);
		int ret = run_case(c, &mas);

		if (ret != c->ret)
			fail_msg("case %zu: ret %d, want %d", k, ret, c->ret);
		if (ret == 0) {
			assert_int_equal(mas.index, c->index);
			assert_int_equal(mas.last, c->last);
			assert_int_equal(mas.status, ma_active);
		} else if (ret == -EBUSY) {
			assert_int_equal(mas.status, ma_error);
			assert_int_equal(xa_err(mas.node), -EBUSY);
			assert_int_equal(mas.index, c->min);
			assert_int_equal(mas.last, c->max);
		} else {
			assert_int_equal(mas.status, ma_start);      /* -EINVAL: untouched */
			assert_int_equal(mas.index, 77);
			assert_int_equal(mas.last, 78);
		}
	}
	mtree_destroy(&mt);
}

static void test_worked_examples(void **state)
{
	(void)state;
	check_tens_cases(MT_FLAGS_ALLOC_RANGE);
	check_tens_cases(0);                   /* plain trees answer the same (docs/semantics.md) */
}

/* An allocation tree's internal nodes are arange_64; its root's gaps name the free ranges. */
static void test_arange_layout(void **state)
{
	struct maple_tree mt;
	struct maple_node *root;
	unsigned long best = 0;

	(void)state;
	build_tens(&mt, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mt_height(&mt), 2);
	assert_int_equal(mte_type(root_to_enode(mt.ma_root)), maple_arange_64);
	root = mte_to_node(root_to_enode(mt.ma_root));
	assert_true(root->ma64.meta.end < MAPLE_ARANGE64_SLOTS);
	for (unsigned char i = 0; i <= root->ma64.meta.end; i++)
		best = root->ma64.gap[i] > best ? root->ma64.gap[i] : best;
	assert_int_equal(best, ULONG_MAX - 210 + 1);                  /* [210, ULONG_MAX] */
	assert_int_equal(root->ma64.gap[root->ma64.meta.gap], best);
	mtree_destroy(&mt);
	mt_init(&mt);
	for (unsigned long i = 1; i <= 20; i++)
		mtree_store_range(&mt, i * 10, i * 10 + 9, P(i), GFP_KERNEL);
	assert_int_equal(mte_type(root_to_enode(mt.ma_root)), maple_range_64);
	mtree_destroy(&mt);
}

/* The search reads the gaps: hiding the only fitting gap makes it fail. */
static void test_search_uses_gaps(void **state)
{
	struct maple_tree mt;
	struct maple_node *root;
	unsigned char slot;
	unsigned long saved;
	MA_STATE(mas, &mt, 0, 0);

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (unsigned long i = 0; i < 200; i++)
		mtree_store_range(&mt, i * 10, i * 10 + 8, P(i), GFP_KERNEL);   /* gaps of 1 */
	mtree_store_range(&mt, 1000, 1039, NULL, GFP_KERNEL);                 /* one gap of 41 */
	assert_valid(&mt);
	assert_int_equal(mas_empty_area(&mas, 0, 1999, 30), 0);
	assert_int_equal(mas.index, 999);
	root = mte_to_node(root_to_enode(mt.ma_root));
	slot = node_scan_slot(root, maple_arange_64, 999);
	saved = root->ma64.gap[slot];
	assert_int_equal(saved, 41);
	root->ma64.gap[slot] = 1;
	assert_int_equal(mas_empty_area(&mas, 0, 1999, 30), -EBUSY);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 1999, 30), -EBUSY);
	root->ma64.gap[slot] = saved;
	assert_int_equal(mas_empty_area_rev(&mas, 0, 1999, 30), 0);
	assert_int_equal(mas.index, 1010);
	mtree_destroy(&mt);
}

static void test_empty_and_root_entry(void **state)
{
	struct maple_tree mt;
	MA_STATE(mas, &mt, 5, 6);

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mas_empty_area(&mas, 0, 100, 10), 0);
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, 9);
	assert_int_equal(mas.status, ma_none);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 100, 10), 0);
	assert_int_equal(mas.index, 91);
	assert_int_equal(mas.last, 100);
	assert_int_equal(mas_empty_area(&mas, 5, 4, 1), -EINVAL);
	assert_int_equal(mas.index, 91);
	assert_int_equal(mtree_store(&mt, 0, P(1), GFP_KERNEL), 0);    /* root entry */
	assert_true(!root_is_node(mt.ma_root));
	assert_int_equal(mas_empty_area(&mas, 0, 100, 10), 0);
	assert_int_equal(mas.index, 1);
	assert_int_equal(mas.last, 10);
	assert_int_equal(mas.status, ma_root);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 100, 100), 0);
	assert_int_equal(mas.index, 1);
	mas_set_range(&mas, 40, 41);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 100, 101), -EBUSY);
	assert_int_equal(mas.status, ma_root);
	assert_int_equal(mas.index, 40);
	assert_int_equal(mas_empty_area(&mas, 0, 0, 1), -EBUSY);
	/* single entry in a node: a window may not cover it */
	assert_int_equal(mtree_store_range(&mt, 0, 0, NULL, GFP_KERNEL), 0);
	assert_int_equal(mtree_store_range(&mt, 50, 59, P(2), GFP_KERNEL), 0);
	assert_int_equal(mas_empty_area(&mas, 45, 100, 6), 0);
	assert_int_equal(mas.index, 60);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 65, 6), 0);
	assert_int_equal(mas.index, 60);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 65, 50), 0);
	assert_int_equal(mas.index, 0);
	assert_int_equal(mas.last, 49);
	assert_int_equal(mas_empty_area_rev(&mas, 0, 65, 51), -EBUSY);
	assert_int_equal(mas.status, ma_error);
	mtree_destroy(&mt);
}

/* Reference §2.6 with range_lo 2. */
static void test_cyclic(void **state)
{
	struct maple_tree mt;
	unsigned long next = 0, id = 0;

	(void)state;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	for (unsigned long i = 2; i <= 1024; i++) {
		assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(i), 2, 1024, &next, GFP_KERNEL), 0);
		assert_int_equal(id, i);
		assert_int_equal(next, i + 1);
	}
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(1), 2, 1024, &next, GFP_KERNEL), -EBUSY);
	assert_int_equal(next, 1025);
	mtree_erase(&mt, 123);
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(1), 2, 1024, &next, GFP_KERNEL), 1);
	assert_int_equal(id, 123);
	assert_int_equal(next, 124);
	mtree_erase(&mt, 100);
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(1), 2, 1024, &next, GFP_KERNEL), 1);
	assert_int_equal(id, 100);
	assert_valid(&mt);
	mtree_destroy(&mt);

	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	next = ULONG_MAX - 1;
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(1), 2, ULONG_MAX, &next, GFP_KERNEL), 0);
	assert_int_equal(id, ULONG_MAX - 1);
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(2), 2, ULONG_MAX, &next, GFP_KERNEL), 0);
	assert_int_equal(id, ULONG_MAX);
	assert_int_equal(next, 0);
	assert_true(mt.ma_flags & MT_FLAGS_ALLOC_WRAPPED);
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(3), 2, ULONG_MAX, &next, GFP_KERNEL), 1);
	assert_int_equal(id, 2);
	assert_int_equal(next, 3);
	assert_false(mt.ma_flags & MT_FLAGS_ALLOC_WRAPPED);
	assert_int_equal(mtree_alloc_cyclic(&mt, &id, P(4), 2, ULONG_MAX, &next, GFP_KERNEL), 0);
	assert_int_equal(id, 3);
	mtree_destroy(&mt);
}

static void test_refusals(void **state)
{
	struct maple_tree mt;
	unsigned long start = 4242, next = 0;
	void *internal_ok = xa_mk_internal(MAPLE_RESERVED_RANGE / 4);     /* == 4098 */

	(void)state;
	mt_init(&mt);
	assert_int_equal(mtree_alloc_range(&mt, &start, P(1), 1, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_alloc_rrange(&mt, &start, P(1), 1, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_alloc_cyclic(&mt, &start, P(1), 0, 10, &next, GFP_KERNEL), -EINVAL);
	assert_true(mtree_empty(&mt));
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mtree_alloc_range(&mt, &start, XA_ZERO_ENTRY, 1, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_alloc_rrange(&mt, &start, XA_RETRY_ENTRY, 1, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_alloc_cyclic(&mt, &start, xa_mk_internal(1023), 0, 10, &next, GFP_KERNEL),
			 -EINVAL);
	assert_int_equal(mtree_alloc_range(&mt, &start, P(1), 0, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(mtree_alloc_range(&mt, &start, P(1), 12, 0, 10, GFP_KERNEL), -EINVAL);
	assert_int_equal(start, 4242);
	assert_true(mtree_empty(&mt));
	assert_int_equal(mtree_alloc_range(&mt, &start, internal_ok, 11, 0, 10, GFP_KERNEL), 0);
	assert_int_equal(start, 0);
	assert_ptr_equal(mtree_load(&mt, 10), internal_ok);
	assert_int_equal(mtree_alloc_range(&mt, &start, P(1), 1, 0, 10, GFP_KERNEL), -EBUSY);
	assert_int_equal(mtree_alloc_rrange(&mt, &start, P(1), 5, 3, 20, GFP_KERNEL), 0);
	assert_int_equal(start, 16);
	assert_int_equal(mtree_alloc_range(&mt, &start, NULL, 3, 0, 100, GFP_KERNEL), 0);
	assert_int_equal(start, 11);
	assert_null(mtree_load(&mt, 11));                                   /* NULL stores nothing */
	assert_int_equal(mtree_alloc_cyclic(&mt, &start, P(2), 0, 10, &next, GFP_KERNEL), -EBUSY);
	assert_int_equal(next, 0);
	mtree_destroy(&mt);
}

/* ---- random writes against the oracle ---- */

static unsigned long rnd_state = 0x2545F4914F6CDD1DUL;

static unsigned long rnd(unsigned long n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : rnd_state;
}

struct pair {
	struct maple_tree mt;
	struct oracle o;
	unsigned long next_m, next_o;
};

static void random_write(struct pair *p, unsigned long dom)
{
	unsigned long a = rnd(dom), len = rnd(4) ? rnd(12) : rnd(300), sz = 1 + rnd(40), mi = rnd(dom);
	unsigned long sm = 1, so = 2, ma = mi + rnd(dom);
	void *e = rnd(5) ? P(rnd(1000)) : NULL;
	int ret;

	switch (rnd(6)) {
	case 0:
	case 1:
		assert_int_equal(mtree_store_range(&p->mt, a, a + len, e, GFP_KERNEL),
				 oracle_store_range(&p->o, a, a + len, e));
		return;
	case 2:
		assert_ptr_equal(mtree_erase(&p->mt, a), oracle_erase(&p->o, a));
		return;
	case 3:
		ret = mtree_alloc_range(&p->mt, &sm, e, sz, mi, ma, GFP_KERNEL);
		assert_int_equal(ret, oracle_alloc_range(&p->o, &so, e, sz, mi, ma));
		break;
	case 4:
		ret = mtree_alloc_rrange(&p->mt, &sm, e, sz, mi, ma, GFP_KERNEL);
		assert_int_equal(ret, oracle_alloc_rrange(&p->o, &so, e, sz, mi, ma));
		break;
	default:
		ret = mtree_alloc_cyclic(&p->mt, &sm, P(7), mi, ma, &p->next_m, GFP_KERNEL);
		assert_int_equal(ret, oracle_alloc_cyclic(&p->o, &so, P(7), mi, ma, &p->next_o));
		assert_int_equal(p->next_m, p->next_o);
		break;
	}
	if (ret >= 0) {
		assert_int_equal(sm, so);
	} else {
		assert_int_equal(sm, 1);             /* untouched on error */
		assert_int_equal(so, 2);
	}
}

static void compare_state(const struct ma_state *mas, const struct oracle_state *s)
{
	assert_int_equal(mas->status, s->status);
	if (s->status == ORACLE_ERROR)
		assert_int_equal(xa_err(mas->node), s->error);
	assert_int_equal(mas->index, s->index);
	assert_int_equal(mas->last, s->last);
}

static void random_query(struct pair *p, unsigned long dom)
{
	unsigned long mi = rnd(dom), ma = mi + rnd(dom / 2), sz = 1 + (rnd(3) ? rnd(8) : rnd(200));
	bool rev = rnd(2);
	MA_STATE(mas, &p->mt, 3, 4);
	struct oracle_state s;
	int rm, ro;

	oracle_state_init(&s, &p->o, 3, 4);
	rm = rev ? mas_empty_area_rev(&mas, mi, ma, sz) : mas_empty_area(&mas, mi, ma, sz);
	ro = rev ? oracle_state_empty_area_rev(&s, mi, ma, sz) : oracle_state_empty_area(&s, mi, ma, sz);
	assert_int_equal(rm, ro);
	compare_state(&mas, &s);
	if (rm == 0 && s.status == ORACLE_ACTIVE) {       /* stepping from the window */
		if (rnd(2))
			assert_ptr_equal(mas_next(&mas, ULONG_MAX), oracle_state_next(&s, ULONG_MAX));
		else
			assert_ptr_equal(mas_prev(&mas, 0), oracle_state_prev(&s, 0));
		compare_state(&mas, &s);
	}
}

static void random_run(unsigned int flags, unsigned long dom, unsigned int writes)
{
	struct pair p = { .next_m = 0, .next_o = 0 };
	unsigned long before = live_nodes();

	mt_init_flags(&p.mt, flags);
	oracle_init(&p.o, flags ? ORACLE_ALLOC_RANGE : 0);
	for (unsigned int w = 0; w < writes; w++) {
		random_write(&p, dom);
		assert_valid(&p.mt);
		for (int q = 0; q < 3; q++)
			random_query(&p, dom);
	}
	assert_true(mt_height(&p.mt) >= (flags ? 3u : 2u));
	mtree_destroy(&p.mt);
	oracle_destroy(&p.o);
	assert_int_equal(live_nodes(), before);
}

static void test_random_vs_oracle(void **state)
{
	(void)state;
	random_run(MT_FLAGS_ALLOC_RANGE, 4000, 6000);
	random_run(MT_FLAGS_ALLOC_RANGE, 100000, 4000);
	random_run(0, 4000, 2000);
}

/* ---- duplication keeps the gaps ---- */

static void test_dup_gaps(void **state)
{
	struct maple_tree a, b;
	struct maple_node *root;

	(void)state;
	mt_init_flags(&a, MT_FLAGS_ALLOC_RANGE);
	for (unsigned long i = 0; i < 400; i++)
		mtree_store_range(&a, i * 7, i * 7 + (i % 5), P(i), GFP_KERNEL);
	mt_init_flags(&b, MT_FLAGS_ALLOC_RANGE);
	assert_int_equal(mtree_dup(&a, &b, GFP_KERNEL), 0);
	assert_valid(&b);
	assert_true(mt_same_shape(&a, &b));
	root = mte_to_node(root_to_enode(b.ma_root));
	root->ma64.gap[0]++;
	assert_false(mt_same_shape(&a, &b));
	root->ma64.gap[0]--;
	assert_true(mt_same_shape(&a, &b));
	mtree_destroy(&a);
	mtree_destroy(&b);
}

/* ---- the validator's gap checks ---- */

/* An allocation tree of height >= 3 with every kind of gap. */
static void build_tall(struct maple_tree *mt)
{
	mt_init_flags(mt, MT_FLAGS_ALLOC_RANGE);
	for (unsigned long i = 0; i < 3000; i++)
		mtree_store_range(mt, i * 10, i * 10 + 5 + (i % 4), P(i), GFP_KERNEL);
	assert_true(mt_height(mt) >= 3);
	assert_valid(mt);
}

static void expect_fail(struct maple_tree *mt, const char *name)
{
	const char *fail = mt_validate_report(mt, NULL, 0);

	if (!fail || strcmp(fail, name))
		fail_msg("validator said %s, want %s", fail ? fail : "(nothing)", name);
	fail = mt_validate_span(mt, 0, ULONG_MAX, NULL, 0);
	if (!fail || strcmp(fail, name))
		fail_msg("span validator said %s, want %s", fail ? fail : "(nothing)", name);
}

static struct maple_node *tall_root(struct maple_tree *mt)
{
	return mte_to_node(root_to_enode(mt->ma_root));
}

/* The leftmost internal node whose children are leaves. */
static struct maple_node *leaf_parent(struct maple_tree *mt)
{
	struct maple_enode *enode = root_to_enode(mt->ma_root);

	while (!mte_is_leaf(mte_to_node(enode)->ma64.slot[0]))
		enode = mte_to_node(enode)->ma64.slot[0];
	return mte_to_node(enode);
}

/* The first child of the root that is not full (a non-rightmost internal node). */
static struct maple_node *roomy_child(struct maple_node *root)
{
	for (unsigned char i = 0; i < root->ma64.meta.end; i++) {
		struct maple_node *child = mte_to_node(root->ma64.slot[i]);

		if (child->ma64.meta.end < MAPLE_ARANGE64_SLOTS - 1)
			return child;
	}
	fail_msg("no child with room");
	return NULL;
}

static void test_validate_gaps(void **state)
{
	struct maple_tree mt;
	struct maple_node *root, *child, saved;
	unsigned char mg;

	(void)state;
	build_tall(&mt);
	root = tall_root(&mt);
	child = mte_to_node(root->ma64.slot[0]);

	root->ma64.gap[1]--;                              /* internal child: gap-mismatch */
	expect_fail(&mt, "gap-mismatch");
	root->ma64.gap[1]++;
	child = leaf_parent(&mt);
	child->ma64.gap[1]--;                             /* leaf child: leaf-gap */
	expect_fail(&mt, "leaf-gap");
	child->ma64.gap[1]++;
	assert_valid(&mt);

	mg = child->ma64.meta.gap;                        /* meta.gap no longer at a maximum */
	child->ma64.gap[mg ? 0 : 1] = child->ma64.gap[mg] + 1;
	expect_fail(&mt, "gap-meta");
	child->ma64.gap[mg ? 0 : 1] = child->ma64.gap[mg];
	child->ma64.meta.gap = (unsigned char)(child->ma64.meta.end + 1);   /* past the end */
	expect_fail(&mt, "gap-meta");
	child->ma64.meta.gap = mg;
	assert_valid(&mt);

	child = roomy_child(root);
	child->ma64.gap[MAPLE_ARANGE64_SLOTS - 1] = 5;    /* gap after the end */
	expect_fail(&mt, "gap-after-end");
	child->ma64.gap[MAPLE_ARANGE64_SLOTS - 1] = 0;
	assert_valid(&mt);

	/* arange occupancy: a non-rightmost internal node cut to end 3 (5 slots are the minimum) */
	child = mte_to_node(root->ma64.slot[0]);
	saved = *child;
	assert_true(child->ma64.meta.end >= 4);
	child->ma64.pivot[3] = root->ma64.pivot[0];
	for (unsigned char i = 4; i < MAPLE_ARANGE64_SLOTS; i++) {
		if (i < MAPLE_ARANGE64_PIVOTS)
			child->ma64.pivot[i] = 0;
		child->ma64.slot[i] = NULL;
		child->ma64.gap[i] = 0;
	}
	child->ma64.meta.end = 3;
	child->ma64.meta.gap = gap_max_offset(child);
	expect_fail(&mt, "occupancy");
	*child = saved;
	assert_valid(&mt);
	mtree_destroy(&mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_arange_layout),
		cmocka_unit_test(test_search_uses_gaps),
		cmocka_unit_test(test_empty_and_root_entry),
		cmocka_unit_test(test_cyclic),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_random_vs_oracle),
		cmocka_unit_test(test_dup_gaps),
		cmocka_unit_test(test_validate_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
