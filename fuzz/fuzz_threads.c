/* fuzz_threads.c - fuzz target: the op stream runs as the writer of an RCU-mode tree (beside the
 * oracle, as in fuzz_ops) while 1-4 reader threads walk the tree; any divergence, broken read rule,
 * sanitizer report or leak aborts. The writer starts no op after a time budget (default 2000 ms,
 * MAPLEFUZZ_THREADS_BUDGET_MS overrides), so no input runs into the engine's timeout. */
#include <stdio.h>
#include <stdlib.h>

#include "threads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct threads_result total;     /* every input's counts added up */
static unsigned long inputs;

/* The proof that the race happened: how many reads overlapped a write of their range. */
static void print_totals(void)
{
	fprintf(stderr, "fuzz_threads: %lu inputs; ", inputs);
	threads_print_counts(stderr, &total);
}

static unsigned budget_ms(void)
{
	static unsigned budget;

	if (!budget) {
		const char *s = getenv("MAPLEFUZZ_THREADS_BUDGET_MS");

		budget = s && atoi(s) > 0 ? (unsigned)atoi(s) : 2000;
	}
	return budget;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct threads_options opt = { .report = stderr, .budget_ms = budget_ms() };
	struct threads_result res;

	if (!inputs++)
		atexit(print_totals);
	if (threads_run_bytes(data, size, &opt, &res))
		abort();
	total.readers = res.readers > total.readers ? res.readers : total.readers;
	total.reads += res.reads;
	total.judged += res.judged;
	total.exact += res.exact;
	total.overlapped += res.overlapped;
	return 0;
}
