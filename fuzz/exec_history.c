/* exec_history.c - the write history behind the simulated-reader checks (exec_history.h). Only
 * records while a reader is active; answers conservatively (a span too wide to keep counts as
 * "anything may have been there"), so a check built on it can miss a bug but never invent one. */
#include "exec_history.h"

#include <stdlib.h>
#include <string.h>

#define HIST_CHECK_SEGMENTS 512    /* hist_untouched_hold looks at no more oracle ranges than this */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = need > 2 * *cap ? need : 2 * *cap;
	p = realloc(p, *cap * size);
	if (!p)
		abort();
	return p;
}

void hist_clear(struct history *h)
{
	h->n = 0;
	h->nseg = 0;
}

void hist_free(struct history *h)
{
	size_t limit = h->seg_limit;

	free(h->w);
	free(h->seg);
	memset(h, 0, sizeof(*h));
	h->seg_limit = limit;
}

/* Append the oracle's ranges that meet [first, last]; false if there are too many. */
static bool snapshot(struct history *h, const struct oracle *o, unsigned long first, unsigned long last,
		     size_t *at, size_t *n)
{
	unsigned long i = first;
	size_t limit = h->seg_limit ? h->seg_limit : HIST_SPAN_SEGMENTS;

	*at = h->nseg;
	*n = 0;
	for (;;) {
		unsigned long a, b;
		void *e = oracle_range(o, i, &a, &b);

		if (*n == limit) {
			h->nseg = *at;
			return false;
		}
		h->seg = grow(h->seg, &h->capseg, h->nseg + 1, sizeof(*h->seg));
		h->seg[h->nseg++] = (struct hist_seg){ a, b, e };
		(*n)++;
		if (b >= last)
			return true;
		i = b + 1;
	}
}

void hist_before(struct history *h, const struct oracle *o, unsigned long seq, unsigned long op,
		 unsigned long first, unsigned long last)
{
	struct hist_write *w;

	h->w = grow(h->w, &h->cap, h->n + 1, sizeof(*h->w));
	w = &h->w[h->n++];
	memset(w, 0, sizeof(*w));
	w->seq = seq;
	w->op = op;
	w->first = first;
	w->last = last;
	w->opaque = !snapshot(h, o, first, last, &w->before, &w->n_before);
}

void hist_after(struct history *h, const struct oracle *o)
{
	struct hist_write *w = &h->w[h->n - 1];

	w->mode_after = oracle_mode(o);
	if (!w->opaque)
		w->opaque = !snapshot(h, o, w->first, w->last, &w->after, &w->n_after);
}

const void *hist_seg_entry(const struct history *h, size_t at, size_t n, unsigned long index)
{
	for (size_t i = 0; i < n; i++) {
		const struct hist_seg *s = &h->seg[at + i];

		if (s->first <= index && index <= s->last)
			return s->entry;
	}
	return NULL;
}

static bool covers(const struct hist_write *w, unsigned long index)
{
	return w->first <= index && index <= w->last;
}

bool hist_held(const struct history *h, const struct oracle *o, unsigned long since, unsigned long index,
	       const void *entry)
{
	bool first_seen = false;

	for (size_t k = 0; k < h->n; k++) {
		const struct hist_write *w = &h->w[k];

		if (w->seq < since || !covers(w, index))
			continue;
		if (w->opaque)
			return true;
		if (!first_seen && hist_seg_entry(h, w->before, w->n_before, index) == entry)
			return true;       /* what it held when the reader began */
		first_seen = true;
		if (hist_seg_entry(h, w->after, w->n_after, index) == entry)
			return true;
	}
	return !first_seen && oracle_range(o, index, NULL, NULL) == entry;
}

bool hist_spans_cover(const struct history *h, size_t from, size_t to, unsigned long since,
		      unsigned long first, unsigned long last)
{
	unsigned long at = first;

	for (;;) {
		bool found = false;
		unsigned long reach = 0;

		for (size_t k = from; k < to; k++) {
			const struct hist_write *w = &h->w[k];

			if (w->seq >= since && covers(w, at) && (!found || w->last > reach)) {
				reach = w->last;
				found = true;
			}
		}
		if (!found)
			return false;
		if (reach >= last)
			return true;
		at = reach + 1;
	}
}

bool hist_untouched_hold(const struct history *h, const struct oracle *o, unsigned long since,
			 unsigned long first, unsigned long last, const void *entry)
{
	unsigned long i = first;

	for (unsigned n = 0; n < HIST_CHECK_SEGMENTS; n++) {
		unsigned long a, b;
		void *e = oracle_range(o, i, &a, &b);
		unsigned long to = b < last ? b : last;

		if (e != entry && !hist_spans_cover(h, 0, h->n, since, i, to))
			return false;
		if (b >= last)
			return true;
		i = b + 1;
	}
	return true;      /* too many ranges to look at: no verdict */
}
