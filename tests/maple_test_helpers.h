/* maple_test_helpers.h - the few helpers every maple/ unit test uses: a checkable entry, the live
 * node count, and a validity assertion that dumps the tree when it fails.
 * Include after <cmocka.h>; test code only, never part of the library. */
#ifndef TESTS_MAPLE_TEST_HELPERS_H
#define TESTS_MAPLE_TEST_HELPERS_H

#include <stdio.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>

#define P(i) xa_mk_value(i)

static inline unsigned long live_nodes(void)
{
	struct mt_alloc_stats s;

	mt_alloc_stats(&s);
	return s.live;
}

static inline void assert_valid(struct maple_tree *mt)
{
	char where[300];
	const char *fail = mt_validate_report(mt, where, sizeof(where));

	if (fail) {
		fprintf(stderr, "invalid tree: %s at %s\n", fail, where);
		mt_dump(mt, mt_dump_dec);
	}
	assert_null(fail);
}

/* The store type whose counter moved between two mt_store_stats() snapshots (the last one). */
static inline enum maple_store_type store_type_moved(const struct mt_store_stats *a, const struct mt_store_stats *b)
{
	enum maple_store_type t = MT_STORE_INVALID;

	for (int i = 0; i < MT_STORE_TYPES_NR; i++)
		if (b->count[i] != a->count[i])
			t = (enum maple_store_type)i;
	return t;
}

/* main() of a test binary: every thread that reads a tree registers with liburcu first. */
#define MAPLE_TEST_MAIN(tests)                                          \
	do {                                                            \
		int rc_;                                                \
		urcu_memb_register_thread();                            \
		rc_ = cmocka_run_group_tests(tests, NULL, NULL);        \
		urcu_memb_unregister_thread();                          \
		return rc_;                                             \
	} while (0)

#endif
