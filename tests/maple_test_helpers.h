/* maple_test_helpers.h - the few helpers every maple/ unit test uses: a checkable entry, the live
 * node count, and a validity assertion that dumps the tree when it fails.
 * Include after <cmocka.h>; test code only, never part of the library. */
#ifndef TESTS_MAPLE_TEST_HELPERS_H
#define TESTS_MAPLE_TEST_HELPERS_H

#include <stdio.h>

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

#endif
