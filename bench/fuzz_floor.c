/* fuzz_floor.c - a libFuzzer target that makes only the heap calls of fuzz_ops' inputs: how fast
 * fuzz_ops could run if the tree, the oracle and the checks cost nothing but their allocations.
 * bench/fuzz-floor measures the pattern (libFuzzer's -trace_malloc on the corpus) and runs this.
 *
 * FUZZ_FLOOR_PATTERN names a file: a first line "inputs N", then lines "SIZE COUNT", COUNT the
 * mallocs of SIZE bytes the N inputs made together. Each run makes its share of every size (spread
 * so that N runs make exactly COUNT), 256-byte ones with aligned_alloc(256) as the tree's nodes
 * are, and frees them all. Its own input is ignored. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FLOOR_SIZES_MAX 256
#define FLOOR_CALLS_MAX 65536
#define NODE_BYTES 256

struct floor_size {
	size_t bytes;
	unsigned long count;   /* over all the pattern's inputs */
};

static struct floor_size sizes[FLOOR_SIZES_MAX];
static unsigned int nr_sizes;
static unsigned long nr_inputs = 1;
static unsigned long run_number;

static void floor_die(const char *path, const char *why)
{
	fprintf(stderr, "fuzz_floor: %s: %s\n", path ? path : "FUZZ_FLOOR_PATTERN", why);
	exit(2);
}

static void floor_read_pattern(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long bytes, count, most_per_run = 0;

	if (!f)
		floor_die(path, "cannot open");
	if (fscanf(f, "inputs %lu", &nr_inputs) != 1 || nr_inputs == 0)
		floor_die(path, "the first line must be \"inputs N\", N > 0");
	while (fscanf(f, "%lu %lu", &bytes, &count) == 2) {
		if (nr_sizes == FLOOR_SIZES_MAX)
			floor_die(path, "too many sizes");
		sizes[nr_sizes++] = (struct floor_size){ bytes, count };
		most_per_run += (count + nr_inputs - 1) / nr_inputs;   /* floor_share() never exceeds it */
	}
	if (most_per_run > FLOOR_CALLS_MAX)
		floor_die(path, "more heap calls a run than fuzz_floor holds");
	if (!feof(f))
		floor_die(path, "a line is not \"SIZE COUNT\"");
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_FLOOR_PATTERN");

	(void)argc;
	(void)argv;
	if (!path)
		floor_die(NULL, "not set");
	floor_read_pattern(path);
	return 0;
}

/* This run's share of @count calls over nr_inputs runs, so that every nr_inputs runs make @count. */
static unsigned long floor_share(unsigned long count)
{
	unsigned long k = run_number % nr_inputs;

	return (k + 1) * count / nr_inputs - k * count / nr_inputs;
}

static void *floor_alloc(size_t bytes)
{
	void *p = bytes == NODE_BYTES ? aligned_alloc(NODE_BYTES, NODE_BYTES) : malloc(bytes ? bytes : 1);

	if (!p)
		abort();
	*(volatile char *)p = 1;   /* touched, as the real callers touch theirs */
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void *live[FLOOR_CALLS_MAX];
	unsigned long n = 0;

	(void)data;
	(void)size;
	for (unsigned int s = 0; s < nr_sizes; s++)
		for (unsigned long i = floor_share(sizes[s].count); i; i--)
			live[n++] = floor_alloc(sizes[s].bytes);
	while (n)
		free(live[--n]);
	run_number++;
	return 0;
}
