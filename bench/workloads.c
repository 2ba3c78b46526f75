/* workloads.c - the benchmark's workloads, each on the maple tree and on the Judy interval map (the
 * oracle: a JudyL keyed by each range's last index), plus plain JudyL point lookups. Every
 * workload is timed alone; the trees it needs are built outside the timing. */
#include <Judy.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

#include "bench.h"

const struct workload_desc workloads[W_COUNT] = {
	[W_LOAD] = { "mtree_load (present)", 0.88, 0.88 },
	[W_LOAD_UP] = { "mtree_load (ascending)", 0, 0 },
	[W_WALK] = { "mas_walk (reused state)", 0.66, 0.66 },
	[W_WALK_UP] = { "mas_walk (ascending)", 0, 0 },
	[W_ITERATE] = { "iterate (per entry)", 0.21, 0.21 },
	[W_OVERWRITE] = { "store_range (overwrite)", 0.41, 0.41 },
	[W_OVERWRITE_UP] = { "overwrite (ascending)", 0, 0 },
	[W_APPEND] = { "store_range (append)", 0.48, 0.48 },
	[W_BUILD] = { "build (random order)", 1.51, 1.2 },
	[W_ERASE] = { "erase all (random order)", 2.42, 1.5 },
	[W_ERASE_UP] = { "erase all (ascending)", 0, 0 },
	[W_DUP] = { "mtree_dup (per range)", 0, 0 },
	[W_GAP_REV] = { "mas_empty_area_rev", 0, 0 },
};

static volatile unsigned long sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

void ranges_make(struct ranges *r, unsigned long n, bool adjacent, unsigned long seed)
{
	unsigned long s = seed | 1, at = 0;

	r->n = n;
	r->first = malloc(n * sizeof(*r->first));
	r->last = malloc(n * sizeof(*r->last));
	r->order = malloc(n * sizeof(*r->order));
	r->probe = malloc(n * sizeof(*r->probe));
	r->probe_up = malloc(n * sizeof(*r->probe_up));
	if (!r->first || !r->last || !r->order || !r->probe || !r->probe_up)
		abort();
	for (unsigned long i = 0; i < n; i++) {
		unsigned long gap = adjacent ? 0 : 1 + rnd(&s) % 16;

		if (!adjacent && rnd(&s) % 64 == 0)
			gap += 1UL << 20;        /* the occasional large jump */
		r->first[i] = at + gap;
		r->last[i] = r->first[i] + rnd(&s) % 16;
		at = r->last[i] + 1;
		r->order[i] = i;
	}
	for (unsigned long i = n; i > 1; i--) {   /* Fisher-Yates */
		unsigned long j = rnd(&s) % i, t = r->order[i - 1];

		r->order[i - 1] = r->order[j];
		r->order[j] = t;
	}
	for (unsigned long i = 0; i < n; i++) {
		unsigned long k = rnd(&s) % n;

		r->probe[i] = r->first[k] + rnd(&s) % (r->last[k] - r->first[k] + 1);
	}
	memcpy(r->probe_up, r->probe, n * sizeof(*r->probe));
	qsort(r->probe_up, n, sizeof(*r->probe_up), cmp_ulong);
}

void ranges_free(struct ranges *r)
{
	free(r->first);
	free(r->last);
	free(r->order);
	free(r->probe);
	free(r->probe_up);
}

static void *value(unsigned long i)
{
	return xa_mk_value(i + 1);
}

/* ---- building ---- */

static void maple_build(struct maple_tree *mt, const struct ranges *r, const unsigned long *order,
			unsigned int flags)
{
	mt_init_flags(mt, flags);
	for (unsigned long k = 0; k < r->n; k++) {
		unsigned long i = order ? order[k] : k;

		if (mtree_store_range(mt, r->first[i], r->last[i], value(i), GFP_KERNEL))
			abort();
	}
}

static void judy_build(struct oracle *o, const struct ranges *r, const unsigned long *order, unsigned int flags)
{
	oracle_init(o, flags);
	for (unsigned long k = 0; k < r->n; k++) {
		unsigned long i = order ? order[k] : k;

		if (oracle_store_range(o, r->first[i], r->last[i], value(i)))
			abort();
	}
}

/* ---- one workload per function pair: seconds for r->n operations ---- */

static double maple_load(struct maple_tree *mt, const unsigned long *probe, unsigned long n)
{
	unsigned long found = 0;
	double t0 = now();

	for (unsigned long i = 0; i < n; i++)
		found += mtree_load(mt, probe[i]) != NULL;
	sink = found;
	return now() - t0;
}

static double judy_load(struct oracle *o, const unsigned long *probe, unsigned long n)
{
	unsigned long found = 0;
	double t0 = now();

	for (unsigned long i = 0; i < n; i++)
		found += oracle_load(o, probe[i]) != NULL;
	sink = found;
	return now() - t0;
}

static double maple_walk(struct maple_tree *mt, const unsigned long *probe, unsigned long n)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long found = 0;
	double t0 = now();

	mt_rcu_read_lock();
	for (unsigned long i = 0; i < n; i++) {
		mas_set(&mas, probe[i]);
		found += mas_walk(&mas) != NULL;
	}
	mt_rcu_read_unlock();
	sink = found;
	return now() - t0;
}

static double judy_walk(struct oracle *o, const unsigned long *probe, unsigned long n)
{
	struct oracle_state s;
	unsigned long found = 0;
	double t0 = now();

	oracle_state_init(&s, o, 0, 0);
	for (unsigned long i = 0; i < n; i++) {
		oracle_state_set(&s, probe[i]);
		found += oracle_state_walk(&s) != NULL;
	}
	sink = found;
	return now() - t0;
}

static double maple_iterate(struct maple_tree *mt)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long n = 0;
	void *entry;
	double t0 = now();

	mt_rcu_read_lock();
	mas_for_each(&mas, entry, ULONG_MAX)
		n++;
	mt_rcu_read_unlock();
	sink = n;
	return now() - t0;
}

static double judy_iterate(struct oracle *o)
{
	unsigned long index = 0, n = 0;
	double t0 = now();

	for (void *e = oracle_find(o, &index, ULONG_MAX); e; e = oracle_find_after(o, &index, ULONG_MAX))
		n++;
	sink = n;
	return now() - t0;
}

/* Workloads taking an @order visit the ranges in that order, or ascending when it is NULL. */
static double maple_overwrite(struct maple_tree *mt, const struct ranges *r, const unsigned long *order)
{
	double t0 = now();

	for (unsigned long k = 0; k < r->n; k++) {
		unsigned long i = order ? order[k] : k;

		if (mtree_store_range(mt, r->first[i], r->last[i], value(k), GFP_KERNEL))
			abort();
	}
	return now() - t0;
}

static double judy_overwrite(struct oracle *o, const struct ranges *r, const unsigned long *order)
{
	double t0 = now();

	for (unsigned long k = 0; k < r->n; k++) {
		unsigned long i = order ? order[k] : k;

		if (oracle_store_range(o, r->first[i], r->last[i], value(k)))
			abort();
	}
	return now() - t0;
}

static double maple_erase(struct maple_tree *mt, const struct ranges *r, const unsigned long *order)
{
	double t0 = now();

	for (unsigned long k = 0; k < r->n; k++)
		mtree_erase(mt, r->first[order ? order[k] : k]);
	return now() - t0;
}

static double judy_erase(struct oracle *o, const struct ranges *r, const unsigned long *order)
{
	double t0 = now();

	for (unsigned long k = 0; k < r->n; k++)
		oracle_erase(o, r->first[order ? order[k] : k]);
	return now() - t0;
}

/* Reverse gap searches in an allocation tree holding the ranges: sizes 1-4 below random limits. */
static double maple_gap_rev(struct maple_tree *mt, const struct ranges *r)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long s = 12345, found = 0, top = r->last[r->n - 1];
	double t0 = now();

	for (unsigned long i = 0; i < r->n; i++) {
		mas_reset(&mas);
		found += mas_empty_area_rev(&mas, 0, rnd(&s) % top, 1 + i % 4) == 0;
	}
	sink = found;
	return now() - t0;
}

static double judy_gap_rev(struct oracle *o, const struct ranges *r)
{
	struct oracle_state st;
	unsigned long s = 12345, found = 0, top = r->last[r->n - 1];
	double t0 = now();

	oracle_state_init(&st, o, 0, 0);
	for (unsigned long i = 0; i < r->n; i++) {
		oracle_state_reset(&st);
		found += oracle_state_empty_area_rev(&st, 0, rnd(&s) % top, 1 + i % 4) == 0;
	}
	sink = found;
	return now() - t0;
}

/* The oracle has no dup: the same copy done by iterating one map into a new one. */
static double judy_dup(struct oracle *o)
{
	struct oracle copy;
	unsigned long first, last;
	double t0 = now();

	oracle_init(&copy, 0);
	for (unsigned long i = 0;; i = last + 1) {
		void *e = oracle_range(o, i, &first, &last);

		if (e && oracle_store_range(&copy, first, last, e))
			abort();
		if (last == ULONG_MAX)
			break;
	}
	t0 = now() - t0;
	oracle_destroy(&copy);
	return t0;
}

static double maple_dup(struct maple_tree *mt)
{
	struct maple_tree copy;
	double t0;

	mt_init_flags(&copy, 0);
	t0 = now();
	if (mtree_dup(mt, &copy, GFP_KERNEL))
		abort();
	t0 = now() - t0;
	mtree_destroy(&copy);
	return t0;
}

/* Plain JudyL: one key per range (its first index), looked up at range starts. */
static double judyl_point_load(const struct ranges *r)
{
	Pvoid_t judy = NULL;
	unsigned long found = 0;
	double t0;

	for (unsigned long i = 0; i < r->n; i++) {
		PWord_t slot;

		JLI(slot, judy, r->first[i]);
		*slot = i + 1;
	}
	t0 = now();
	for (unsigned long i = 0; i < r->n; i++) {
		PWord_t slot;

		JLG(slot, judy, r->first[r->order[i]]);
		found += slot != NULL;
	}
	t0 = now() - t0;
	sink = found;
	JudyLFreeArray(&judy, PJE0);
	return t0;
}

static double per_op(double seconds, unsigned long n)
{
	return seconds / (double)n * 1e9;
}

/* Reads, iteration, dup and overwrites on a tree built ascending (the build timed as append). */
static void round_ascending_tree(const struct ranges *r, struct round *out)
{
	struct maple_tree mt;
	struct oracle o;
	double t0;

	t0 = now(); maple_build(&mt, r, NULL, 0); out->ns[0][W_APPEND] = per_op(now() - t0, r->n);
	t0 = now(); judy_build(&o, r, NULL, 0); out->ns[1][W_APPEND] = per_op(now() - t0, r->n);
	out->ns[0][W_LOAD] = per_op(maple_load(&mt, r->probe, r->n), r->n);
	out->ns[1][W_LOAD] = per_op(judy_load(&o, r->probe, r->n), r->n);
	out->ns[0][W_LOAD_UP] = per_op(maple_load(&mt, r->probe_up, r->n), r->n);
	out->ns[1][W_LOAD_UP] = per_op(judy_load(&o, r->probe_up, r->n), r->n);
	out->ns[0][W_WALK] = per_op(maple_walk(&mt, r->probe, r->n), r->n);
	out->ns[1][W_WALK] = per_op(judy_walk(&o, r->probe, r->n), r->n);
	out->ns[0][W_WALK_UP] = per_op(maple_walk(&mt, r->probe_up, r->n), r->n);
	out->ns[1][W_WALK_UP] = per_op(judy_walk(&o, r->probe_up, r->n), r->n);
	out->ns[0][W_ITERATE] = per_op(maple_iterate(&mt), r->n);
	out->ns[1][W_ITERATE] = per_op(judy_iterate(&o), r->n);
	out->ns[0][W_DUP] = per_op(maple_dup(&mt), r->n);
	out->ns[1][W_DUP] = per_op(judy_dup(&o), r->n);
	out->ns[0][W_OVERWRITE] = per_op(maple_overwrite(&mt, r, r->order), r->n);
	out->ns[1][W_OVERWRITE] = per_op(judy_overwrite(&o, r, r->order), r->n);
	out->ns[0][W_OVERWRITE_UP] = per_op(maple_overwrite(&mt, r, NULL), r->n);
	out->ns[1][W_OVERWRITE_UP] = per_op(judy_overwrite(&o, r, NULL), r->n);
	mtree_destroy(&mt);
	oracle_destroy(&o);
}

/* Build in @order (timed as @build when it is a workload), then erase everything in @erase_order. */
static void round_build_erase(const struct ranges *r, const unsigned long *order, enum workload build,
			      const unsigned long *erase_order, enum workload erase, struct round *out)
{
	struct maple_tree mt;
	struct oracle o;
	double t0;

	t0 = now(); maple_build(&mt, r, order, 0); t0 = now() - t0;
	if (build != W_COUNT)
		out->ns[0][build] = per_op(t0, r->n);
	t0 = now(); judy_build(&o, r, order, 0); t0 = now() - t0;
	if (build != W_COUNT)
		out->ns[1][build] = per_op(t0, r->n);
	out->ns[0][erase] = per_op(maple_erase(&mt, r, erase_order), r->n);
	out->ns[1][erase] = per_op(judy_erase(&o, r, erase_order), r->n);
	mtree_destroy(&mt);
	oracle_destroy(&o);
}

void run_round(const struct ranges *r, struct round *out)
{
	struct maple_tree mt;
	struct oracle o;

	round_ascending_tree(r, out);
	round_build_erase(r, r->order, W_BUILD, r->order, W_ERASE, out);
	round_build_erase(r, NULL, W_COUNT, NULL, W_ERASE_UP, out);
	maple_build(&mt, r, NULL, MT_FLAGS_ALLOC_RANGE);
	judy_build(&o, r, NULL, ORACLE_ALLOC_RANGE);
	out->ns[0][W_GAP_REV] = per_op(maple_gap_rev(&mt, r), r->n);
	out->ns[1][W_GAP_REV] = per_op(judy_gap_rev(&o, r), r->n);
	mtree_destroy(&mt);
	oracle_destroy(&o);
	out->judyl_load_ns = per_op(judyl_point_load(r), r->n);
}

void measure_bytes(const struct ranges *r, double bytes[2])
{
	struct maple_tree mt;
	struct oracle o;
	struct mt_alloc_stats a, b;

	mt_alloc_stats(&a);
	maple_build(&mt, r, NULL, 0);
	mt_alloc_stats(&b);
	bytes[0] = (double)(b.live - a.live) * 256.0 / (double)r->n;
	judy_build(&o, r, NULL, 0);
	bytes[1] = (double)oracle_mem_used(&o) / (double)r->n;
	mtree_destroy(&mt);
	oracle_destroy(&o);
}
