/* threads_judge_test.c - the judge of reader-thread runs (fuzz/threads_check.c) on made-up reads
 * against a made-up history: each rule passes a read it must allow (old and new entries of a write
 * in the window, mixed bounds where a write touched them) and fails the read it must refuse, with
 * the check its failure names; a history that does not rebuild the final oracle is refused too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <maple/maple_tree.h>

#include "exec_history.h"
#include "threads_internal.h"

#define A xa_mk_value(1UL << THREADS_VALUE_SHIFT)     /* stored by op 0 */
#define B xa_mk_value(2UL << THREADS_VALUE_SHIFT)     /* stored by op 1 */

/* op 0 stores [10, 19] -> A, op 1 stores [15, 30] -> B; spans one index wider either side. */
struct world {
	struct oracle o;
	struct history h;
	struct threads_result res;
	struct threads_run run;
	struct tread log[4];
};

static void logged_store(struct world *w, unsigned long op, unsigned long first, unsigned long last, void *e)
{
	hist_before(&w->h, &w->o, op + 1, op, first - 1, last + 1);
	oracle_store_range(&w->o, first, last, e);
	hist_after(&w->h, &w->o);
}

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	oracle_init(&w->o, 0);
	w->h.seg_limit = HIST_RUN_SEGMENTS;
	logged_store(w, 0, 10, 19, A);
	logged_store(w, 1, 15, 30, B);
	w->run.res = &w->res;
	w->run.nreaders = 1;
	w->run.readers[0].log = w->log;
}

static void world_free(struct world *w)
{
	oracle_destroy(&w->o);
	hist_free(&w->h);
}

/* Judge the @n reads @t (n <= 4) of one reader together: true when all pass, else false with @f. */
static bool judge_reads(const struct tread *t, size_t n, struct exec_failure *f)
{
	struct world w;
	bool ok;

	world_init(&w);
	memcpy(w.log, t, n * sizeof(*t));
	w.run.readers[0].n = n;
	ok = threads_judge(&w.run, &w.h, &w.o, f);
	world_free(&w);
	return ok;
}

static bool judge_read_alone(const struct tread *t, struct exec_failure *f)
{
	return judge_reads(t, 1, f);
}

/* Judge the one read @t: "" when it passes, else the failure's check. */
static const char *judge_one(const struct tread *t, char *check)
{
	struct exec_failure f;

	strcpy(check, judge_read_alone(t, &f) ? "" : f.check);
	return check;
}

static struct tread read_of(enum tread_kind kind, unsigned long f0, unsigned long s1, unsigned long index,
			    unsigned long first, unsigned long last, void *entry)
{
	return (struct tread){ .kind = kind, .f0 = f0, .s1 = s1, .chain_f0 = f0, .index = index, .first = first,
			       .last = last, .entry = entry };
}

static void test_load_between_ops_is_exact(void **state)
{
	char c[48];

	(void)state;
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 1, .s1 = 1, .chain_f0 = 1,
						       .index = 16, .entry = A }, c), "");
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 1, .s1 = 1, .chain_f0 = 1,
						       .index = 16, .entry = B }, c), "exact");
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 2, .s1 = 2, .chain_f0 = 2,
						       .index = 16, .entry = B }, c), "");
}

static void test_load_during_a_write_sees_old_or_new(void **state)
{
	char c[48];

	(void)state;
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 1, .s1 = 2, .chain_f0 = 1,
						       .index = 16, .entry = A }, c), "");
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 1, .s1 = 2, .chain_f0 = 1,
						       .index = 16, .entry = B }, c), "");
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 1, .s1 = 2, .chain_f0 = 1,
						       .index = 16, .entry = NULL }, c), "held");
	/* op 0 in the window too: NULL (before it) is possible again */
	assert_string_equal(judge_one(&(struct tread){ .kind = TREAD_LOAD, .f0 = 0, .s1 = 2, .chain_f0 = 0,
						       .index = 16, .entry = NULL }, c), "");
}

static void test_walk_range_exact_between_ops(void **state)
{
	char c[48];
	struct tread t = read_of(TREAD_WALK, 1, 1, 12, 10, 19, A);

	(void)state;
	assert_string_equal(judge_one(&t, c), "");
	t.last = 18;
	assert_string_equal(judge_one(&t, c), "exact");
}

/* A read no write overlapped that differs from the model is told what the model answers. */
static void test_exact_failure_says_the_answer(void **state)
{
	struct exec_failure f;
	struct tread t = read_of(TREAD_WALK, 1, 1, 12, 10, 18, A);

	(void)state;
	assert_false(judge_read_alone(&t, &f));
	assert_string_equal(f.expected, "v512 [10, 19]");
	t = read_of(TREAD_LOAD, 1, 1, 16, 16, 16, B);
	assert_false(judge_read_alone(&t, &f));
	assert_string_equal(f.expected, "v512");
	t = read_of(TREAD_FIND, 2, 2, 31, 0, 0, A);    /* nothing is stored past 30 */
	t.start = 31;
	t.bound = ULONG_MAX;
	assert_false(judge_read_alone(&t, &f));
	assert_string_equal(f.expected, "nothing more");
}

static void test_walk_untouched_indices_hold_the_entry(void **state)
{
	char c[48];
	/* during op 1 (span 14..31): A's range may read [10, 19] or [10, 14] */
	struct tread t = read_of(TREAD_WALK, 1, 2, 12, 10, 19, A);

	(void)state;
	assert_string_equal(judge_one(&t, c), "");
	t.last = 14;
	assert_string_equal(judge_one(&t, c), "");
	t.first = 5;           /* 5..9 held NULL throughout */
	assert_string_equal(judge_one(&t, c), "untouched");
}

static void test_iteration_steps(void **state)
{
	char c[48];
	/* mas_find from 0 to the end, first step, no write in the window: A [10, 19] */
	struct tread t = { .kind = TREAD_FIND, .f0 = 1, .s1 = 1, .chain_f0 = 1, .start = 0, .index = 0,
			   .bound = ULONG_MAX, .first = 10, .last = 19, .entry = A };

	(void)state;
	assert_string_equal(judge_one(&t, c), "");
	t.end = true;          /* claiming nothing is there skips A */
	t.entry = NULL;
	assert_string_equal(judge_one(&t, c), "exact");
	/* the second step after op 1: B [15, 30] follows A [10, 14] */
	t = (struct tread){ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 0, .index = 15,
			    .bound = ULONG_MAX, .step = 1, .first = 15, .last = 30, .entry = B };
	assert_string_equal(judge_one(&t, c), "");
	t.first = 16;
	assert_string_equal(judge_one(&t, c), "exact");
}

/* Steps of one iteration judged in one run (the judge carries the model's iteration on from step
 * to step): every step is still held to its own exact answer, also with another iteration of the
 * same reader judged in between. After op 1: A [10, 14], B [15, 30], then nothing. */
static void test_iteration_steps_judged_together(void **state)
{
	struct exec_failure f;
	struct tread t[4] = {
		{ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 0, .index = 0,
		  .bound = ULONG_MAX, .step = 0, .first = 10, .last = 14, .entry = A },
		{ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 0, .index = 15,
		  .bound = ULONG_MAX, .step = 1, .first = 15, .last = 30, .entry = B },
		{ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 20, .index = 20,
		  .bound = ULONG_MAX, .step = 0, .first = 15, .last = 30, .entry = B },
		{ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 0, .index = 31,
		  .bound = ULONG_MAX, .step = 2, .end = true },
	};

	(void)state;
	assert_true(judge_reads(t, 4, &f));
	t[3].end = false;                /* a third range from 0 that does not exist */
	t[3].first = 31;
	t[3].last = 40;
	t[3].entry = B;
	assert_false(judge_reads(t, 4, &f));
	assert_string_equal(f.check, "exact");
	assert_string_equal(f.expected, "nothing more");
	t[3] = (struct tread){ .kind = TREAD_FIND, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 0,
			       .index = 31, .bound = ULONG_MAX, .step = 2, .end = true };
	t[1].last = 29;                  /* a wrong middle step fails though step 0 passed */
	assert_false(judge_reads(t, 4, &f));
	assert_string_equal(f.expected, "v1024 [15, 30]");
}

static void test_next_and_prev_steps(void **state)
{
	char c[48];
	/* after op 1: A [10, 14], B [15, 30]; mas_next from 12 goes past A's range to B */
	struct tread t = { .kind = TREAD_NEXT, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 12, .index = 12,
			   .bound = ULONG_MAX, .first = 15, .last = 30, .entry = B };

	(void)state;
	assert_string_equal(judge_one(&t, c), "");
	t.first = 10;
	t.last = 14;
	t.entry = A;          /* the range it started in is not "next" */
	assert_string_equal(judge_one(&t, c), "exact");
	/* mas_prev from 20 goes back to A */
	t = (struct tread){ .kind = TREAD_PREV, .f0 = 2, .s1 = 2, .chain_f0 = 2, .start = 20, .index = 20,
			    .bound = 0, .first = 10, .last = 14, .entry = A };
	assert_string_equal(judge_one(&t, c), "");
	t.entry = B;
	assert_string_equal(judge_one(&t, c), "exact");
}

static void test_history_must_rebuild_the_oracle(void **state)
{
	struct world w;
	struct exec_failure f;

	(void)state;
	world_init(&w);
	oracle_store_range(&w.o, 40, 41, A);     /* a change no logged write covers */
	assert_false(threads_judge(&w.run, &w.h, &w.o, &f));
	assert_string_equal(f.check, "history");
	world_free(&w);
}

static void test_reads_are_counted(void **state)
{
	struct world w;
	struct exec_failure f;

	(void)state;
	world_init(&w);
	w.log[0] = read_of(TREAD_LOAD, 1, 2, 16, 16, 16, B);     /* op 1 wrote 16 meanwhile */
	w.log[1] = read_of(TREAD_LOAD, 1, 2, 5, 5, 5, NULL);     /* op 1 did not touch 5 */
	w.log[2] = read_of(TREAD_LOAD, 2, 2, 5, 5, 5, NULL);     /* no write in the window */
	w.run.readers[0].n = 3;
	assert_true(threads_judge(&w.run, &w.h, &w.o, &f));
	assert_int_equal(w.res.judged, 3);
	assert_int_equal(w.res.overlapped, 1);
	assert_int_equal(w.res.exact, 1);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_between_ops_is_exact),
		cmocka_unit_test(test_load_during_a_write_sees_old_or_new),
		cmocka_unit_test(test_walk_range_exact_between_ops),
		cmocka_unit_test(test_exact_failure_says_the_answer),
		cmocka_unit_test(test_walk_untouched_indices_hold_the_entry),
		cmocka_unit_test(test_iteration_steps),
		cmocka_unit_test(test_iteration_steps_judged_together),
		cmocka_unit_test(test_next_and_prev_steps),
		cmocka_unit_test(test_history_must_rebuild_the_oracle),
		cmocka_unit_test(test_reads_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
