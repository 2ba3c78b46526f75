/* maple-bench - the maple tree against a Judy interval map (the oracle, a JudyL keyed by each
 * range's last index) in the same run, on N random non-overlapping ranges (lengths 1-16, gaps 1-16,
 * 1 in 64 a large jump; value entries), for N = 1k, 10k, 100k, 1M (--large: and 10M; -n: the sizes
 * given), each where the memory available allows: ns/op of each
 * workload on both sides, the ratio maple/Judy (the median of -r rounds), the kernel's ratio where
 * it was measured, plain JudyL point lookups, and bytes per range (gapped and adjacent ranges).
 *
 *   maple-bench [-n N[,N...]] [--large] [-r ROUNDS] [--csv FILE]
 *
 * Build with the release preset (-O2, the node cache, no validation): sanitizer builds measure the
 * sanitizer. --csv appends one line per size and workload for bench/plot. Asserts nothing. */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu/urcu-memb.h>

#include "bench.h"

#define MAX_ROUNDS 31
#define MAX_SIZES 8
#define BYTES_PER_RANGE_NEEDED 320   /* peak resident bytes per range (1M ranges: 268) */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct medians {
	double ns[2][W_COUNT];
	double judyl_load_ns;
	double bytes[2][2];          /* [gapped, adjacent][maple, judy] */
};

static void measure_size(unsigned long n, int rounds, struct medians *m)
{
	static struct round all[MAX_ROUNDS];
	struct ranges r, adjacent;
	double v[MAX_ROUNDS];

	ranges_make(&r, n, false, 0x9e3779b97f4a7c15UL);
	ranges_make(&adjacent, n, true, 0x9e3779b97f4a7c15UL);
	for (int k = 0; k < rounds; k++)
		run_round(&r, &all[k]);
	for (int side = 0; side < 2; side++) {
		for (int w = 0; w < W_COUNT; w++) {
			for (int k = 0; k < rounds; k++)
				v[k] = all[k].ns[side][w];
			m->ns[side][w] = median(v, rounds);
		}
	}
	for (int k = 0; k < rounds; k++)
		v[k] = all[k].judyl_load_ns;
	m->judyl_load_ns = median(v, rounds);
	measure_bytes(&r, m->bytes[0]);
	measure_bytes(&adjacent, m->bytes[1]);
	ranges_free(&r);
	ranges_free(&adjacent);
}

static void print_size(unsigned long n, int rounds, const struct medians *m)
{
	printf("\nN = %lu ranges, median of %d rounds\n", n, rounds);
	printf("%-26s %12s %12s %7s %8s %8s\n", "workload", "maple ns/op", "judy ns/op", "ratio", "kernel", "target");
	for (int w = 0; w < W_COUNT; w++) {
		char k[16] = "-", t[16] = "-";

		if (workloads[w].kernel_ratio > 0) {
			snprintf(k, sizeof(k), "%.2f", workloads[w].kernel_ratio);
			snprintf(t, sizeof(t), "<= %.2f", workloads[w].target_ratio);
		}
		printf("%-26s %12.1f %12.1f %7.2f %8s %8s\n", workloads[w].name, m->ns[0][w], m->ns[1][w],
		       m->ns[0][w] / m->ns[1][w], k, t);
	}
	printf("%-26s %12s %12.1f   (plain JudyL, one key per range)\n", "JudyL point lookup", "", m->judyl_load_ns);
	printf("%-26s %12.1f %12.1f %7.2f %8s   (kernel 41.6 B)\n", "bytes/range (gapped)", m->bytes[0][0],
	       m->bytes[0][1], m->bytes[0][0] / m->bytes[0][1], "");
	printf("%-26s %12.1f %12.1f %7.2f %8s   (kernel 21.3 B)\n", "bytes/range (adjacent)", m->bytes[1][0],
	       m->bytes[1][1], m->bytes[1][0] / m->bytes[1][1], "");
}

static void write_csv(FILE *csv, unsigned long n, const struct medians *m)
{
	for (int w = 0; w < W_COUNT; w++)
		fprintf(csv, "%lu,%s,%.2f,%.2f,%.4f\n", n, workloads[w].name, m->ns[0][w], m->ns[1][w],
			m->ns[0][w] / m->ns[1][w]);
	fprintf(csv, "%lu,bytes/range (gapped),%.2f,%.2f,%.4f\n", n, m->bytes[0][0], m->bytes[0][1],
		m->bytes[0][0] / m->bytes[0][1]);
	fprintf(csv, "%lu,bytes/range (adjacent),%.2f,%.2f,%.4f\n", n, m->bytes[1][0], m->bytes[1][1],
		m->bytes[1][0] / m->bytes[1][1]);
}

static int usage(void)
{
	fprintf(stderr, "usage: maple-bench [-n N[,N...] (16 or more, up to %d sizes)] [--large] [-r ROUNDS (1-%d)] [--csv FILE]\n",
		MAX_SIZES, MAX_ROUNDS);
	return 2;
}

/* The sizes of -n: a comma-separated list; 0 when it is not one. */
static unsigned long parse_sizes(const char *arg, unsigned long *sizes)
{
	unsigned long n = 0;
	char *end;

	do {
		unsigned long v = strtoul(arg, &end, 0);

		if (end == arg || v < 16 || n == MAX_SIZES || (*end && *end != ','))
			return 0;
		sizes[n++] = v;
		arg = end + 1;
	} while (*end == ',');
	return n;
}

/* MemAvailable from /proc/meminfo in bytes; ULONG_MAX when it cannot be read. */
static unsigned long mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long kib = 0;
	char line[128];
	bool found = false;

	if (!f)
		return ULONG_MAX;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "MemAvailable: %lu kB", &kib) == 1;
	fclose(f);
	return found ? kib * 1024 : ULONG_MAX;
}

static bool memory_allows(unsigned long n)
{
	unsigned long avail = mem_available(), need = n * BYTES_PER_RANGE_NEEDED;

	if (n <= avail / BYTES_PER_RANGE_NEEDED)
		return true;
	printf("\nN = %lu ranges: skipped, needs about %lu MiB, %lu MiB available\n", n, need >> 20, avail >> 20);
	return false;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = { { "csv", required_argument, NULL, 'c' },
					       { "large", no_argument, NULL, 'L' }, { NULL, 0, NULL, 0 } };
	unsigned long sizes[MAX_SIZES] = { 1000, 10000, 100000, 1000000 }, n_sizes = 4;
	int rounds = 3, opt;
	bool large = false;
	FILE *csv = NULL;

	while ((opt = getopt_long(argc, argv, "n:r:", longs, NULL)) != -1) {
		if (opt == 'n') {
			n_sizes = parse_sizes(optarg, sizes);
			if (!n_sizes)
				return usage();
		} else if (opt == 'L') {
			large = true;
		} else if (opt == 'r') {
			rounds = atoi(optarg);
		} else if (opt == 'c') {
			csv = fopen(optarg, "a");
			if (!csv) {
				perror(optarg);
				return 2;
			}
		} else {
			return usage();
		}
	}
	if (optind != argc || rounds < 1 || rounds > MAX_ROUNDS || (large && n_sizes == MAX_SIZES))
		return usage();
	if (large)
		sizes[n_sizes++] = 10000000;
	urcu_memb_register_thread();
	printf("maple-bench: maple tree vs a Judy interval map; ratio = maple ns / Judy ns (below 1: maple faster)\n");
	for (unsigned long i = 0; i < n_sizes; i++) {
		struct medians m;

		if (!memory_allows(sizes[i]))
			continue;
		measure_size(sizes[i], rounds, &m);
		print_size(sizes[i], rounds, &m);
		if (csv)
			write_csv(csv, sizes[i], &m);
		fflush(stdout);
	}
	if (csv)
		fclose(csv);
	urcu_memb_unregister_thread();
	return 0;
}
