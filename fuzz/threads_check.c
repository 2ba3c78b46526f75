/* threads_check.c - judging a reader-thread run afterwards. The run's history holds every write
 * with the oracle's ranges over its span before and after; storing the "after" ranges in order
 * rebuilds the oracle as it was when each read began, and the writes inside a read's window say
 * what may have changed under it. Each rule, and why it is sound, is in docs/semantics.md
 * "Reader threads". The rebuilt oracle must end equal to the real one, or the judge says so. */
#include <stdlib.h>
#include <string.h>

#include <maple/maple_tree.h>

#include "exec_history.h"
#include "threads_internal.h"

#define JUDGE_RANGES 512       /* ranges one "untouched" check looks at, at most */

struct judge {
	const struct history *h;
	struct oracle work;        /* the oracle when the read being judged began */
	size_t applied;            /* writes stored into it */
	bool lost;                 /* a write too wide to log: the oracle is unknown from there */
	bool wrong_mode;           /* the rebuilt oracle's mode differed from the real one's */
	size_t lo, hi;             /* the writes inside the read's window: h->w[lo .. hi) */
	struct chain_replay {      /* per reader: the model's iteration the last exact step was judged on */
		bool valid;
		unsigned long chain_f0, start, bound;
		size_t applied;        /* the oracle it stepped through (no write applied since) */
		unsigned char kind, step;
		struct oracle_state s;
		void *entry;
	} chain[THREADS_MAX_READERS];
};

/* ---- the rebuilt oracle ---- */

static void store_after(struct judge *j, const struct hist_write *w)
{
	for (size_t i = 0; i < w->n_after && !j->lost; i++) {
		const struct hist_seg *s = &j->h->seg[w->after + i];

		if (oracle_store_range(&j->work, s->first, s->last, s->entry))
			j->lost = true;
	}
}

/*
 * Store the write's "after" ranges. A write another writer stored inside (transient: its span is
 * everything) may have gone through an empty tree, which a store of the ranges over the old ones
 * cannot reproduce: the writer emptied the tree and the op made a root entry of what a node tree
 * keeps as a node. Then the ranges are stored from an empty tree; if the mode still differs, the
 * way there is unknown and the rest is not judged (never a verdict on a guess).
 */
static void apply_write(struct judge *j, const struct hist_write *w)
{
	if (w->opaque) {
		j->lost = true;
		return;
	}
	store_after(j, w);
	if (j->lost || (int)oracle_mode(&j->work) == w->mode_after)
		return;
	if (!w->transient) {
		j->wrong_mode = true;
		return;
	}
	oracle_destroy(&j->work);
	store_after(j, w);
	if ((int)oracle_mode(&j->work) != w->mode_after)
		j->lost = true;
}

static void advance_to(struct judge *j, unsigned long version)
{
	while (j->applied < j->h->n && j->h->w[j->applied].op < version)
		apply_write(j, &j->h->w[j->applied++]);
}

/* The first write whose op is @op or later. */
static size_t write_from(const struct history *h, unsigned long op)
{
	size_t a = 0, b = h->n;

	while (a < b) {
		size_t m = (a + b) / 2;

		if (h->w[m].op < op)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* ---- what the writes of the window did ---- */

static bool span_meets(const struct hist_write *w, unsigned long first, unsigned long last)
{
	return w->first <= last && first <= w->last;
}

/* Whether @index held @entry at some moment of the window. */
static bool held(const struct judge *j, unsigned long index, const void *entry)
{
	if (oracle_range(&j->work, index, NULL, NULL) == entry)
		return true;
	for (size_t k = j->lo; k < j->hi; k++) {
		const struct hist_write *w = &j->h->w[k];

		if (span_meets(w, index, index) &&
		    (w->opaque || w->transient || hist_seg_entry(j->h, w->after, w->n_after, index) == entry))
			return true;
	}
	return false;
}

static bool touched(const struct judge *j, unsigned long first, unsigned long last)
{
	for (size_t k = j->lo; k < j->hi; k++)
		if (span_meets(&j->h->w[k], first, last))
			return true;
	return false;
}

/* Every index of [first, last] that no write of the window touched holds @entry. */
static bool untouched_hold(const struct judge *j, unsigned long first, unsigned long last, const void *entry)
{
	unsigned long i = first;

	for (unsigned n = 0; n < JUDGE_RANGES; n++) {
		unsigned long b;
		void *e = oracle_range(&j->work, i, NULL, &b);
		unsigned long to = b < last ? b : last;

		if (e != entry && !hist_spans_cover(j->h, j->lo, j->hi, 0, i, to))
			return false;
		if (b >= last)
			return true;
		i = b + 1;
	}
	return true;
}

/* ---- exact answers, for reads no write overlapped ---- */

static void *oracle_step(struct oracle_state *s, unsigned char kind, unsigned long bound)
{
	switch (kind) {
	case TREAD_FIND: return oracle_state_find(s, bound);
	case TREAD_FIND_REV: return oracle_state_find_rev(s, bound);
	case TREAD_NEXT: return oracle_state_next(s, bound);
	default: return oracle_state_prev(s, bound);
	}
}

/* The model's iteration up to @t's step, every step seeing the same tree: carried on from the
 * reader's earlier step of the same iteration when one was judged on this oracle (replaying each
 * step from the start made an 8-step iteration cost 36 model steps), else from its start. */
static void *replay_chain(struct judge *j, const struct tread *t, struct oracle_state *s)
{
	struct chain_replay *c = &j->chain[t->reader % THREADS_MAX_READERS];
	unsigned step = 0;
	void *e = NULL;

	if (c->valid && c->applied == j->applied && c->chain_f0 == t->chain_f0 && c->start == t->start &&
	    c->bound == t->bound && c->kind == t->kind && c->step < t->step) {
		*s = c->s;
		e = c->entry;
		step = c->step + 1u;
	} else {
		oracle_state_init(s, &j->work, t->start, t->start);
	}
	for (; step <= t->step; step++)
		e = oracle_step(s, t->kind, t->bound);
	*c = (struct chain_replay){ true, t->chain_f0, t->start, t->bound, j->applied, t->kind, t->step, *s, e };
	return e;
}

/* The model's answer to the read (an iteration: replayed from its start, every step seeing the
 * same tree), compared with what the reader got; @want says the answer only when they differ (most
 * reads agree, and formatting each answer was a tenth of the judge's time). */
static bool exact(struct judge *j, const struct tread *t, char *want, size_t len)
{
	struct oracle_state s;
	unsigned long at = t->index;
	void *e = NULL;
	char eb[48];

	switch (t->kind) {
	case TREAD_LOAD:
		e = oracle_load(&j->work, t->index);
		if (e == t->entry)
			return true;
		snprintf(want, len, "%s", ops_format_ptr(e, eb, sizeof(eb)));
		return false;
	case TREAD_MT_FIND:
		e = oracle_find(&j->work, &at, t->bound);
		if (e == t->entry && (!e || at - 1 == t->last))
			return true;
		snprintf(want, len, "%s up to %lu", ops_format_ptr(e, eb, sizeof(eb)), at - 1);
		return false;
	case TREAD_WALK:
		oracle_state_init(&s, &j->work, t->index, t->index);
		e = oracle_state_walk(&s);
		break;
	default:
		e = replay_chain(j, t, &s);
		if (!e) {
			if (t->end)
				return true;
			snprintf(want, len, "nothing more");
			return false;
		}
		break;
	}
	if (!t->end && e == t->entry && s.index == t->first && s.last == t->last)
		return true;
	snprintf(want, len, "%s [%lu, %lu]", ops_format_ptr(e, eb, sizeof(eb)), s.index, s.last);
	return false;
}

/* ---- one read ---- */

void threads_describe(const struct tread *t, char *buf, size_t len)
{
	char eb[48];
	int n;

	n = snprintf(buf, len, "reader %u: %s(%lu", t->reader, tread_calls[t->kind], t->index);
	if (tread_is_step(t->kind))
		n += snprintf(buf + n, len - (size_t)n, ", %lu) step %u", t->bound, t->step);
	else if (t->kind == TREAD_MT_FIND)
		n += snprintf(buf + n, len - (size_t)n, ", %lu)", t->bound);
	else
		n += snprintf(buf + n, len - (size_t)n, ")");
	n += snprintf(buf + n, len - (size_t)n, " -> %s", t->end ? "nothing" : ops_format_ptr(t->entry, eb, sizeof(eb)));
	if (t->kind != TREAD_LOAD && !t->end)
		n += snprintf(buf + n, len - (size_t)n, " [%lu, %lu]", t->kind == TREAD_MT_FIND ? t->index : t->first, t->last);
	snprintf(buf + n, len - (size_t)n, " after op %ld finished, before op %lu started",
		 (long)t->f0 - 1, t->s1);
}

static bool fail(struct threads_run *run, const struct tread *t, struct exec_failure *f,
		 const char *check, const char *want)
{
	char got[160];

	memset(f, 0, sizeof(*f));
	run->failed_read = t;
	f->op_number = t->f0;
	snprintf(f->kind, sizeof(f->kind), "%s", tread_names[t->kind]);
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->expected, sizeof(f->expected), "%s", want);
	threads_describe(t, got, sizeof(got));
	snprintf(f->op_text, sizeof(f->op_text), "%s", got);
	snprintf(f->got, sizeof(f->got), "%s", strchr(got, '>') ? strchr(got, '>') + 2 : got);
	return false;
}

/* The indices a read was about: overlap with a write's span there is what the counter counts. */
static void read_span(const struct tread *t, unsigned long *lo, unsigned long *hi)
{
	unsigned long a = t->index < t->first ? t->index : t->first;
	unsigned long b = t->index > t->last ? t->index : t->last;

	switch (t->kind) {
	case TREAD_LOAD: *lo = *hi = t->index; break;
	case TREAD_WALK: *lo = a; *hi = b; break;
	case TREAD_MT_FIND: *lo = t->index; *hi = t->end ? t->bound : t->last; break;
	default:
		if (tread_is_rev(t->kind)) {
			*lo = t->end ? t->bound : t->first;
			*hi = t->end ? t->index : b;
		} else {
			*lo = t->end ? t->index : a;
			*hi = t->end ? t->bound : t->last;
		}
		break;
	}
}

static bool judge_read(struct judge *j, struct threads_run *run, const struct tread *t,
		       struct exec_failure *f)
{
	struct threads_result *res = run->res;
	unsigned long lo, hi;
	char want[160];

	j->lo = write_from(j->h, t->f0);
	j->hi = write_from(j->h, t->s1);
	res->judged++;
	read_span(t, &lo, &hi);
	if (lo <= hi && touched(j, lo, hi))
		res->overlapped++;
	if (write_from(j->h, t->chain_f0) == j->hi) {   /* no write since the iteration began */
		res->exact++;
		if (!exact(j, t, want, sizeof(want)))
			return fail(run, t, f, "exact", want);
		return true;
	}
	if (t->end || t->kind == TREAD_MT_FIND) {
		if (t->entry && !held(j, t->last, t->entry))
			return fail(run, t, f, "held", "an entry its last index held meanwhile");
		return true;
	}
	if (t->kind == TREAD_LOAD) {
		if (!held(j, t->index, t->entry) && !(!t->entry && held(j, t->index, XA_ZERO_ENTRY)))
			return fail(run, t, f, "held", "an entry the index held meanwhile");
	} else if (t->kind == TREAD_WALK) {
		if (!held(j, t->index, t->entry))
			return fail(run, t, f, "held", "an entry the index held meanwhile");
	} else if (!held(j, t->first, t->entry) && !held(j, t->last, t->entry)) {
		return fail(run, t, f, "held", "an entry the range's first or last index held meanwhile");
	}
	if (t->kind != TREAD_LOAD && !untouched_hold(j, t->first, t->last, t->entry))
		return fail(run, t, f, "untouched", "the entry on every index of the range no write touched");
	return true;
}

/* ---- the whole run ---- */

static int by_window_start(const void *a, const void *b)
{
	const struct tread *x = *(const struct tread *const *)a, *y = *(const struct tread *const *)b;

	return x->f0 < y->f0 ? -1 : x->f0 > y->f0;
}

static bool same_oracle(const struct oracle *a, const struct oracle *b)
{
	unsigned long i = 0;

	for (;;) {
		unsigned long fa, la, fb, lb;
		void *ea = oracle_range(a, i, &fa, &la), *eb = oracle_range(b, i, &fb, &lb);

		if (ea != eb || fa != fb || la != lb)
			return false;
		if (la == ULONG_MAX)
			return true;
		i = la + 1;
	}
}

static struct tread **sorted_reads(const struct threads_run *run, size_t *n)
{
	struct tread **all;
	size_t total = 0, k = 0;

	for (unsigned i = 0; i < run->nreaders; i++)
		total += run->readers[i].n;
	all = malloc((total + 1) * sizeof(*all));
	if (!all)
		abort();
	for (unsigned i = 0; i < run->nreaders; i++)
		for (size_t r = 0; r < run->readers[i].n; r++)
			all[k++] = &run->readers[i].log[r];
	qsort(all, total, sizeof(*all), by_window_start);
	*n = total;
	return all;
}

bool threads_judge(struct threads_run *run, const struct history *h, const struct oracle *final,
		   struct exec_failure *f)
{
	struct judge j = { .h = h };
	size_t n;
	struct tread **all = sorted_reads(run, &n);
	bool ok = true;

	oracle_init(&j.work, final->flags & ORACLE_ALLOC_RANGE);
	for (size_t i = 0; i < n && ok; i++) {
		advance_to(&j, all[i]->f0);
		if (!j.lost)
			ok = judge_read(&j, run, all[i], f);
	}
	advance_to(&j, ULONG_MAX);
	if (ok && !j.lost && (j.wrong_mode || !same_oracle(&j.work, final))) {
		memset(f, 0, sizeof(*f));
		f->op_number = h->n ? h->w[h->n - 1].op : 0;
		snprintf(f->kind, sizeof(f->kind), "reader_history");
		snprintf(f->check, sizeof(f->check), "history");
		snprintf(f->expected, sizeof(f->expected), "the history rebuilds the final oracle");
		snprintf(f->got, sizeof(f->got), "a different oracle (a write changed what its span misses)");
		ok = false;
	}
	oracle_destroy(&j.work);
	free(all);
	return ok;
}
