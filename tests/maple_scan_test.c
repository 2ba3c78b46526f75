/* maple_scan_test.c - the walks' vector slot scans (maple/scan.h: AVX-512, AVX2) give the scalar
 * scan's answer on every node shape a walk can meet, and the choice between them follows the CPU
 * and MAPLE_SCAN. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../maple/scan.h"

#if SCAN_HAVE_VECTOR
static SCAN_AVX512_TARGET unsigned char scan_avx512(const struct maple_node *node, enum maple_type type,
						    unsigned long index)
{
	return node_scan_slot_avx512(node, type, index);
}

static SCAN_AVX2_TARGET unsigned char scan_avx2(const struct maple_node *node, enum maple_type type,
						unsigned long index)
{
	return node_scan_slot_avx2(node, type, index);
}
#endif

/* The vector scan of @kind (this CPU must have it). */
static unsigned char vector_scan(enum mt_slot_scan kind, const struct maple_node *node, enum maple_type type,
				 unsigned long index)
{
#if SCAN_HAVE_VECTOR
	if (kind == MT_SCAN_AVX512)
		return scan_avx512(node, type, index);
	if (kind == MT_SCAN_AVX2)
		return scan_avx2(node, type, index);
#endif
	(void)node;
	(void)type;
	(void)index;
	fail_msg("no vector scan %d here", (int)kind);
	return 0;
}

/* A fresh node with every word 1: below almost any index, so a scan that counted a word past the
 * pivots (slots, metadata) would be caught. */
static struct maple_node *node_of_ones(void)
{
	struct maple_node *node = aligned_alloc(MAPLE_NODE_SIZE, MAPLE_NODE_SIZE);
	unsigned long *word = (unsigned long *)node;

	assert_non_null(node);
	for (size_t i = 0; i < MAPLE_NODE_SIZE / sizeof(*word); i++)
		word[i] = 1;
	return node;
}

static unsigned long next_random(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A node of @type covering [min, max] with data up to @end: ascending pivots, the pivot at the end
 * the max (when there is one), zeros after it; every other word 1 (node_of_ones()). */
static struct maple_node *make_node(enum maple_type type, unsigned char end, unsigned long min,
				    unsigned long max, unsigned long *seed)
{
	struct maple_node *node = node_of_ones();
	unsigned char pivots = type_pivots(type);
	unsigned long at = min;

	for (unsigned char i = 0; i < pivots; i++)
		node->pivot[i] = 0;
	for (unsigned char i = 0; i < end && i < pivots; i++) {
		/* room for the slots still to come, each at least one index wide */
		unsigned long room = max - at - (unsigned long)(end - i);

		at += room ? next_random(seed) % (room < 64 ? room : 64) : 0;
		node->pivot[i] = at++;
	}
	if (end < pivots)
		node->pivot[end] = max;
	return node;
}

/* The scalar scan's answer at indices around every boundary of @node, and every vector scan's. */
static void assert_scans_agree(const struct maple_node *node, enum maple_type type, unsigned long min,
			       unsigned long max)
{
	unsigned char pivots = type_pivots(type);
	unsigned long probe[3 * MAPLE_RANGE64_PIVOTS + 2];
	unsigned int n = 0;

	probe[n++] = min;
	probe[n++] = max;
	for (unsigned char i = 0; i < pivots && (i == 0 || node->pivot[i]); i++) {
		unsigned long p = node->pivot[i];

		if (p > min)
			probe[n++] = p - 1;
		probe[n++] = p;
		if (p < max)
			probe[n++] = p + 1;
	}
	for (unsigned int k = 0; k < n; k++) {
		unsigned char want = node_scan_slot(node, type, probe[k]);

		assert_true(want <= pivots);
		for (enum mt_slot_scan kind = MT_SCAN_AVX2; kind <= scan_best(); kind++)
			assert_int_equal(vector_scan(kind, node, type, probe[k]), want);
	}
}

static void test_vector_scan_matches_scalar(void **state)
{
	static const enum maple_type types[] = { maple_leaf_64, maple_range_64, maple_arange_64 };
	static const unsigned long limits[][2] = {
		{ 0, 1000 }, { 0, ULONG_MAX }, { 5, 40 }, { ULONG_MAX - 500, ULONG_MAX }, { 1UL << 40, (1UL << 40) + 4096 },
	};
	unsigned long seed = 0x9e3779b97f4a7c15UL;

	(void)state;
	if (scan_best() == MT_SCAN_SCALAR)
		skip();     /* nothing to compare against on this CPU; the last test checks the choice */
	for (unsigned int t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		for (unsigned int l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
			for (unsigned char end = 0; end <= type_pivots(types[t]); end++) {
				for (int round = 0; round < 20; round++) {
					struct maple_node *node = make_node(types[t], end, limits[l][0],
									    limits[l][1], &seed);

					assert_scans_agree(node, types[t], limits[l][0], limits[l][1]);
					free(node);
				}
			}
		}
	}
}

/* Slot 0 may end at index 0 (the range [0, 0]): its zero pivot is real, the ones after the end are
 * not. */
static void test_zero_first_pivot(void **state)
{
	struct maple_node *node;

	(void)state;
	if (scan_best() == MT_SCAN_SCALAR)
		skip();
	node = node_of_ones();
	memset(node->pivot, 0, sizeof(node->pivot));
	node->pivot[1] = 7;
	node->pivot[2] = 100;            /* the end: the node's max */
	assert_scans_agree(node, maple_range_64, 0, 100);
	for (enum mt_slot_scan kind = MT_SCAN_AVX2; kind <= scan_best(); kind++) {
		assert_int_equal(vector_scan(kind, node, maple_range_64, 0), 0);
		assert_int_equal(vector_scan(kind, node, maple_range_64, 1), 1);
		assert_int_equal(vector_scan(kind, node, maple_range_64, 8), 2);
		assert_int_equal(vector_scan(kind, node, maple_range_64, 100), 2);
	}
	free(node);
}

/* The widest scan the CPU has, or the narrower one MAPLE_SCAN names. */
static void test_choice_follows_cpu_and_environment(void **state)
{
	const char *want = getenv("MAPLE_SCAN");
	enum mt_slot_scan expected = scan_best();

	(void)state;
	if (want && strcmp(want, "scalar") == 0)
		expected = MT_SCAN_SCALAR;
	else if (want && strcmp(want, "avx2") == 0 && expected > MT_SCAN_AVX2)
		expected = MT_SCAN_AVX2;
	assert_int_equal(scan_choice, expected);
#if SCAN_HAVE_VECTOR
	assert_int_equal(scan_best() == MT_SCAN_AVX512, __builtin_cpu_supports("avx512f") != 0);
#endif
}

/* mt_set_slot_scan narrows the start-up choice, never widens it, and MT_SCAN_BEST restores it. */
static void test_set_slot_scan(void **state)
{
	enum mt_slot_scan at_start = scan_choice;

	(void)state;
	for (enum mt_slot_scan asked = MT_SCAN_SCALAR; asked <= MT_SCAN_AVX512; asked++) {
		enum mt_slot_scan want = asked < at_start ? asked : at_start;

		assert_int_equal(mt_set_slot_scan(asked), want);
		assert_int_equal(scan_choice, want);
	}
	mt_set_slot_scan(MT_SCAN_BEST);
	assert_int_equal(scan_choice, at_start);
	mt_set_slot_scan((enum mt_slot_scan)7);          /* not a scan: the start-up choice */
	assert_int_equal(scan_choice, at_start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_scan_matches_scalar),
		cmocka_unit_test(test_zero_first_pivot),
		cmocka_unit_test(test_choice_follows_cpu_and_environment),
		cmocka_unit_test(test_set_slot_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
