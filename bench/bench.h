/* bench.h - maple-bench's parts: the workloads, each timed on the maple tree and on the Judy
 * interval map (the oracle) in the same run (workloads.c), and the driver that repeats them,
 * takes medians and prints (maple_bench.c). Measures; asserts nothing. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* N ranges in index order: lengths 1-16, gaps 1-16 (0 when adjacent), 1 in 64 a large jump. */
struct ranges {
	unsigned long n;
	unsigned long *first, *last;
	unsigned long *order;        /* a random permutation of 0..n-1 */
	unsigned long *probe;        /* n present indices, random */
	unsigned long *probe_up;     /* the same indices, ascending */
};

void ranges_make(struct ranges *r, unsigned long n, bool adjacent, unsigned long seed);
void ranges_free(struct ranges *r);

enum workload {
	W_LOAD, W_LOAD_UP, W_WALK, W_WALK_UP, W_ITERATE, W_OVERWRITE, W_OVERWRITE_UP, W_APPEND, W_BUILD,
	W_ERASE, W_ERASE_UP, W_DUP, W_GAP_REV, W_COUNT
};

struct workload_desc {
	const char *name;
	double kernel_ratio;         /* the kernel's maple/Judy ratio at N = 1M (0: none measured) */
	double target_ratio;         /* what ours must reach (issue 9) */
};
extern const struct workload_desc workloads[W_COUNT];

/* ns per op of every workload, for the maple tree ([0]) and the Judy map ([1]); plain JudyL for
 * point lookups in judyl_load_ns. */
struct round {
	double ns[2][W_COUNT];
	double judyl_load_ns;
	double bytes_per_range[2];   /* after the ascending build: maple nodes, Judy + records */
};

void run_round(const struct ranges *r, struct round *out);
/* Bytes per range of a maple tree / Judy map holding @r (built ascending). */
void measure_bytes(const struct ranges *r, double bytes[2]);

#endif
