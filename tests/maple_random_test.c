/* maple_random_test.c - random stores, inserts and erases on maple/, compared after every write
 * with a plain per-index array model of a small window of the key space (at 0, in the middle of
 * a big tree's key space, and ending at ULONG_MAX): entries, range bounds, mt_for_each, mt_next,
 * mt_prev, insert results, and the validator. Deterministic (fixed seeds). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include <maple/maple_tree.h>
#include <urcu/urcu-memb.h>

#include "maple_test_helpers.h"

/* The model: per window index, the entry and the id of the store that put it there (0: NULL).
 * A range is a maximal run of equal ids; NULL runs extend beyond the window. */
struct model {
	unsigned long base, k, next_id;
	void **entry;
	unsigned long *id;
};

struct mrange {
	unsigned long first, last;
	void *entry;
};

static uint64_t rng_state;

static unsigned long rnd(unsigned long n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned long)(rng_state >> 33) % n;
}

static void model_init(struct model *m, unsigned long base, unsigned long k)
{
	m->base = base;
	m->k = k;
	m->next_id = 1;
	m->entry = calloc(k, sizeof(*m->entry));
	m->id = calloc(k, sizeof(*m->id));
	assert_non_null(m->entry);
	assert_non_null(m->id);
}

static void model_free(struct model *m)
{
	free(m->entry);
	free(m->id);
}

static void model_store(struct model *m, unsigned long f, unsigned long l, void *entry)
{
	unsigned long id = entry ? m->next_id++ : 0;

	for (unsigned long j = f; j <= l; j++) {
		m->entry[j] = entry;
		m->id[j] = id;
	}
}

/* The model's ranges in tree coordinates, leading and trailing NULL included. */
static size_t model_ranges(const struct model *m, struct mrange *out)
{
	size_t n = 0;

	if (m->base > 0)
		out[n++] = (struct mrange){ 0, m->base - 1, NULL };
	for (unsigned long j = 0; j < m->k; j++) {
		unsigned long a = m->base + j;

		if (n && ((!m->entry[j] && !out[n - 1].entry) ||
			  (j > 0 && m->id[j] == m->id[j - 1] && m->entry[j]))) {
			out[n - 1].last = a;
			continue;
		}
		out[n++] = (struct mrange){ a, a, m->entry[j] };
	}
	if (m->base + m->k - 1 != ULONG_MAX) {
		if (out[n - 1].entry)
			out[n++] = (struct mrange){ m->base + m->k, ULONG_MAX, NULL };
		else
			out[n - 1].last = ULONG_MAX;
	}
	return n;
}

static size_t mrange_find(const struct mrange *r, size_t n, unsigned long index)
{
	size_t i = 0;

	while (i < n && r[i].last < index)
		i++;
	return i;
}

static void *model_next(const struct mrange *r, size_t n, unsigned long index, unsigned long max)
{
	for (size_t i = mrange_find(r, n, index) + 1; i < n && r[i].first <= max; i++) {
		if (r[i].entry)
			return r[i].entry;
	}
	return NULL;
}

static void *model_prev(const struct mrange *r, size_t n, unsigned long index, unsigned long min)
{
	for (size_t i = mrange_find(r, n, index); i-- > 0 && r[i].last >= min;) {
		if (r[i].entry)
			return r[i].entry;
	}
	return NULL;
}

static void check_for_each(struct maple_tree *mt, const struct mrange *r, size_t n)
{
	unsigned long index = 0;
	size_t i = 0;
	void *entry;

	mt_for_each(mt, entry, index, ULONG_MAX) {
		while (i < n && (!r[i].entry || r[i].entry == XA_ZERO_ENTRY))
			i++;
		assert_true(i < n);
		assert_ptr_equal(entry, r[i].entry);
		assert_int_equal(index, r[i].last + 1);
		i++;
	}
	while (i < n && (!r[i].entry || r[i].entry == XA_ZERO_ENTRY))
		i++;
	assert_int_equal(i, n);
}

/* Compare the whole window: every index's entry and range, iteration, neighbours. */
static void model_check(struct maple_tree *mt, const struct model *m, struct mrange *r)
{
	size_t n = model_ranges(m, r);
	char where[300];
	const char *fail = mt_validate_report(mt, where, sizeof(where));

	if (fail)
		fprintf(stderr, "invalid: %s at %s\n", fail, where);
	assert_null(fail);
	for (unsigned long j = 0; j < m->k; j++) {
		unsigned long a = m->base + j;
		size_t i = mrange_find(r, n, a);
		MA_STATE(mas, mt, a, a);

		assert_ptr_equal(mas_walk(&mas), r[i].entry);
		assert_int_equal(mas.index, r[i].first);
		assert_int_equal(mas.last, r[i].last);
		assert_ptr_equal(mtree_load(mt, a), r[i].entry == XA_ZERO_ENTRY ? NULL : r[i].entry);
	}
	check_for_each(mt, r, n);
	for (int t = 0; t < 8; t++) {
		unsigned long a = m->base + rnd(m->k), lim = m->base + rnd(m->k);

		assert_ptr_equal(mt_next(mt, a, lim), model_next(r, n, a, lim));
		assert_ptr_equal(mt_next(mt, a, ULONG_MAX), model_next(r, n, a, ULONG_MAX));
		assert_ptr_equal(mt_prev(mt, a, lim), model_prev(r, n, a, lim));
		assert_ptr_equal(mt_prev(mt, a, 0), model_prev(r, n, a, 0));
	}
}

static void *random_entry(unsigned long op)
{
	unsigned long c = rnd(100);

	if (c < 15)
		return NULL;
	if (c < 20)
		return XA_ZERO_ENTRY;
	if (c < 23)
		return xa_mk_internal(2000 + op % 100);         /* internal, not advanced */
	return xa_mk_value(op);
}

static void random_range(const struct model *m, unsigned long *f, unsigned long *l)
{
	unsigned long len = rnd(10) == 0 ? rnd(m->k) + 1 : rnd(6) + 1;

	*f = rnd(m->k);
	*l = *f + len - 1 < m->k ? *f + len - 1 : m->k - 1;
}

static bool model_busy(const struct model *m, unsigned long f, unsigned long l)
{
	for (unsigned long j = f; j <= l; j++) {
		if (m->entry[j])
			return true;
	}
	return false;
}

/* One random operation on both the tree and the model. */
static void random_op(struct maple_tree *mt, struct model *m, unsigned long op)
{
	unsigned long c = rnd(100), f, l, b = m->base;
	void *e = random_entry(op);

	random_range(m, &f, &l);
	if (c < 45) {
		assert_int_equal(mtree_store_range(mt, b + f, b + l, e, GFP_KERNEL), 0);
		model_store(m, f, l, e);
	} else if (c < 55) {
		assert_int_equal(mtree_store(mt, b + f, e, GFP_KERNEL), 0);
		model_store(m, f, f, e);
	} else if (c < 75) {
		bool busy = model_busy(m, f, l);

		assert_int_equal(mtree_insert_range(mt, b + f, b + l, e, GFP_KERNEL), busy ? -EEXIST : 0);
		if (!busy && e)
			model_store(m, f, l, e);
	} else if (c < 95) {
		void *old = m->entry[f];

		assert_ptr_equal(mtree_erase(mt, b + f), old);
		if (old) {
			while (f > 0 && m->id[f - 1] == m->id[f])
				f--;
			l = f;
			while (l + 1 < m->k && m->id[l + 1] == m->id[f])
				l++;
			model_store(m, f, l, NULL);
		}
	} else {
		assert_int_equal(mtree_store_range(mt, b + f, b + l, XA_RETRY_ENTRY, GFP_KERNEL), -EINVAL);
	}
}

static void run_random(unsigned long base, unsigned long k, unsigned long ops, unsigned long check_every,
		       uint64_t seed, unsigned int flags)
{
	struct maple_tree mt;
	struct model m;
	struct mrange *r = malloc((k + 4) * sizeof(*r));
	struct mt_alloc_stats before, after;

	assert_non_null(r);
	mt_alloc_stats(&before);
	rng_state = seed;
	mt_init_flags(&mt, flags);
	model_init(&m, base, k);
	for (unsigned long op = 1; op <= ops; op++) {
		random_op(&mt, &m, op);
		if (op % check_every == 0)
			model_check(&mt, &m, r);
		else
			assert_null(mt_validate_report(&mt, NULL, 0));
	}
	model_check(&mt, &m, r);
	mtree_destroy(&mt);
	mt_alloc_stats(&after);
	assert_int_equal(after.live, before.live);
	model_free(&m);
	free(r);
}

static void test_random_small(void **state)
{
	(void)state;
	run_random(0, 64, 20000, 1, 1, 0);
	run_random(0, 24, 5000, 1, 2, 0);
}

static void test_random_at_ulong_max(void **state)
{
	(void)state;
	run_random(ULONG_MAX - 63, 64, 20000, 1, 3, 0);
}

static void test_random_middle(void **state)
{
	(void)state;
	run_random(1UL << 40, 200, 10000, 1, 4, MT_FLAGS_ALLOC_RANGE);
}

/* A window wide enough for trees of height 3 and stores spanning many leaves. */
static void test_random_large(void **state)
{
	(void)state;
	run_random(1000, 4000, 30000, 500, 5, 0);
}

/* Dense trees first, then random work on them (splits at every level, merges, spans). */
static void test_random_dense(void **state)
{
	struct maple_tree mt;
	struct model m;
	unsigned long k = 3000;
	struct mrange *r = malloc((k + 4) * sizeof(*r));

	(void)state;
	assert_non_null(r);
	rng_state = 6;
	mt_init(&mt);
	model_init(&m, 0, k);
	for (unsigned long j = 0; j < k; j++) {
		assert_int_equal(mtree_store(&mt, j, xa_mk_value(j), GFP_KERNEL), 0);
		model_store(&m, j, j, xa_mk_value(j));
	}
	assert_true(mt_height(&mt) >= 3);
	model_check(&mt, &m, r);
	for (unsigned long op = 1; op <= 20000; op++) {
		random_op(&mt, &m, op + k);
		if (op % 400 == 0)
			model_check(&mt, &m, r);
	}
	model_check(&mt, &m, r);
	mtree_destroy(&mt);
	model_free(&m);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_at_ulong_max),
		cmocka_unit_test(test_random_middle),
		cmocka_unit_test(test_random_large),
		cmocka_unit_test(test_random_dense),
	};
	MAPLE_TEST_MAIN(tests);
}
