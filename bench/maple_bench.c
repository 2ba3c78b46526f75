/* maple-bench - time the maple tree and the Judy oracle side by side on the same workload:
 * N ranges stored in order, N random lookups, one full iteration, N random overwrites; then gap
 * searches (mas_empty_area_rev) in an allocation tree of G ranges.
 *
 *   maple-bench [-n N] [-g G] [-r REPEATS]   (defaults: N = 1000000, G = 100000, 3 repeats; best time)
 *
 * Build with the release preset (-O2, no validation); numbers from a sanitizer build mean little.
 * Prints a table: operation, ns/op and Mops/s for each side. Measures; asserts nothing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

struct side {
	const char *name;
	void *(*setup)(void);
	void (*teardown)(void *t);
	void (*store)(void *t, unsigned long first, unsigned long last, void *entry);
	void *(*load)(void *t, unsigned long index);
	unsigned long (*iterate)(void *t);
};

/* ---- the maple tree ---- */
static void *maple_setup(void)
{
	struct maple_tree *mt = malloc(sizeof(*mt));

	mt_init_flags(mt, 0);
	return mt;
}

static void maple_teardown(void *t)
{
	mtree_destroy(t);
	free(t);
}

static void maple_store(void *t, unsigned long first, unsigned long last, void *entry)
{
	if (mtree_store_range(t, first, last, entry, GFP_KERNEL))
		abort();
}

static void *maple_load(void *t, unsigned long index)
{
	return mtree_load(t, index);
}

static unsigned long maple_iterate(void *t)
{
	unsigned long index = 0, n = 0;
	void *entry;

	mt_for_each((struct maple_tree *)t, entry, index, ULONG_MAX)
		n++;
	return n;
}

/* ---- the oracle ---- */
static void *oracle_setup(void)
{
	struct oracle *o = malloc(sizeof(*o));

	oracle_init(o, 0);
	return o;
}

static void oracle_teardown(void *t)
{
	oracle_destroy(t);
	free(t);
}

static void oracle_store(void *t, unsigned long first, unsigned long last, void *entry)
{
	if (oracle_store_range(t, first, last, entry))
		abort();
}

static void *oracle_load_op(void *t, unsigned long index)
{
	return oracle_load(t, index);
}

static unsigned long oracle_iterate(void *t)
{
	unsigned long index = 0, n = 0;

	for (void *e = oracle_find(t, &index, ULONG_MAX); e; e = oracle_find_after(t, &index, ULONG_MAX))
		n++;
	return n;
}

static const struct side sides[2] = {
	{ "maple", maple_setup, maple_teardown, maple_store, maple_load, maple_iterate },
	{ "oracle", oracle_setup, oracle_teardown, oracle_store, oracle_load_op, oracle_iterate },
};

/* ---- workload ---- */
enum { OP_FILL, OP_LOAD, OP_ITERATE, OP_OVERWRITE, OP_KINDS };
static const char *const op_names[OP_KINDS] = {
	"store_range (in order)", "load (random)", "iterate (all)", "store_range (random)",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned long next_random(unsigned long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static volatile unsigned long sink;

/* One round on one side: fills seconds[] per operation kind. */
static void run_round(const struct side *s, unsigned long n, double seconds[OP_KINDS])
{
	void *t = s->setup();
	unsigned long rnd = 88172645463325252UL, found = 0;
	double t0;

	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		s->store(t, i * 10, i * 10 + 5, (void *)((i << 1) | 1));
	seconds[OP_FILL] = now() - t0;

	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		found += s->load(t, next_random(&rnd) % (n * 10)) != NULL;
	seconds[OP_LOAD] = now() - t0;

	t0 = now();
	found += s->iterate(t);
	seconds[OP_ITERATE] = now() - t0;

	t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		unsigned long first = next_random(&rnd) % (n * 10);

		s->store(t, first, first + 3, (void *)((i << 1) | 1));
	}
	seconds[OP_OVERWRITE] = now() - t0;
	sink = found;
	s->teardown(t);
}

/* Gap searches: an allocation tree of g ranges [10i, 10i+5] (holes of 4), then g reverse searches
 * for 3 free indices below a random limit, on each side. Returns the seconds per side. */
static void run_gap_round(unsigned long g, double seconds[2])
{
	struct maple_tree mt;
	struct oracle o;
	MA_STATE(mas, &mt, 0, 0);
	struct oracle_state s;
	unsigned long rnd = 88172645463325252UL, found = 0;
	double t0;

	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE);
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	oracle_state_init(&s, &o, 0, 0);
	for (unsigned long i = 0; i < g; i++) {
		if (mtree_store_range(&mt, i * 10, i * 10 + 5, xa_mk_value(i), GFP_KERNEL) ||
		    oracle_store_range(&o, i * 10, i * 10 + 5, xa_mk_value(i)))
			abort();
	}
	t0 = now();
	for (unsigned long i = 0; i < g; i++) {
		mas_reset(&mas);
		found += mas_empty_area_rev(&mas, 0, 10 + next_random(&rnd) % (g * 10), 3) == 0;
	}
	seconds[0] = now() - t0;
	t0 = now();
	for (unsigned long i = 0; i < g; i++) {
		oracle_state_reset(&s);
		found += oracle_state_empty_area_rev(&s, 0, 10 + next_random(&rnd) % (g * 10), 3) == 0;
	}
	seconds[1] = now() - t0;
	sink = found;
	mtree_destroy(&mt);
	oracle_destroy(&o);
}

static void print_row(const char *name, double maple_s, double oracle_s, unsigned long n)
{
	double m = maple_s / n * 1e9, o = oracle_s / n * 1e9;

	printf("%-24s %12.1f %10.2f %12.1f %10.2f\n", name, m, 1e3 / m, o, 1e3 / o);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000, g = 100000;
	int repeats = 3, opt;
	double best[2][OP_KINDS], gap_best[2] = { 1e30, 1e30 };

	while ((opt = getopt(argc, argv, "n:g:r:")) != -1) {
		if (opt == 'n')
			n = strtoul(optarg, NULL, 0);
		else if (opt == 'g')
			g = strtoul(optarg, NULL, 0);
		else if (opt == 'r')
			repeats = atoi(optarg);
		else {
			fprintf(stderr, "usage: maple-bench [-n N] [-g G] [-r REPEATS]\n");
			return 2;
		}
	}
	if (n == 0 || g == 0 || repeats < 1) {
		fprintf(stderr, "maple-bench: N, G and REPEATS must be positive\n");
		return 2;
	}
	urcu_memb_register_thread();
	for (int s = 0; s < 2; s++) {
		for (int k = 0; k < OP_KINDS; k++)
			best[s][k] = 1e30;
		for (int r = 0; r < repeats; r++) {
			double sec[OP_KINDS];

			run_round(&sides[s], n, sec);
			for (int k = 0; k < OP_KINDS; k++)
				best[s][k] = sec[k] < best[s][k] ? sec[k] : best[s][k];
		}
	}
	for (int r = 0; r < repeats; r++) {
		double sec[2];

		run_gap_round(g, sec);
		gap_best[0] = sec[0] < gap_best[0] ? sec[0] : gap_best[0];
		gap_best[1] = sec[1] < gap_best[1] ? sec[1] : gap_best[1];
	}
	printf("maple-bench: %lu ranges (gap search: %lu ranges), best of %d\n", n, g, repeats);
	printf("%-24s %12s %10s %12s %10s\n", "operation", "maple ns/op", "Mops/s", "oracle ns/op", "Mops/s");
	for (int k = 0; k < OP_KINDS; k++)
		print_row(op_names[k], best[0][k], best[1][k], n);   /* iterate: per entry visited */
	print_row("mas_empty_area_rev", gap_best[0], gap_best[1], g);
	urcu_memb_unregister_thread();
	return 0;
}
