/* exec_history.h - what the oracle held over the writes since the oldest active simulated reader
 * began: for each write, the indices it may have changed (its span) and the oracle's ranges over
 * that span before and after it. The reader checks (exec_readers.c) ask it which entries an index
 * held since a given write, and whether a range was touched at all. Harness only. */
#ifndef FUZZ_EXEC_HISTORY_H
#define FUZZ_EXEC_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <oracle/oracle.h>

#define HIST_SPAN_SEGMENTS 256     /* a wider span is kept as "opaque": any entry may have been there */
#define HIST_RUN_SEGMENTS 65536    /* the same limit for a reader-thread run, which replays the history */

/* One oracle range meeting a write's span, whole (not clipped to the span), so that storing a
 * write's "after" ranges in order rebuilds the oracle of every moment. */
struct hist_seg {
	unsigned long first, last;
	void *entry;
};

struct hist_write {
	unsigned long seq;              /* the write's sequence number */
	unsigned long op;               /* its op number in the stream */
	unsigned long first, last;      /* its span */
	bool opaque;                    /* too many ranges to keep: contents unknown */
	bool transient;                 /* another writer stored inside it: states between before and
					 * after existed too (any entry may have been seen in its span) */
	int mode_after;                 /* the oracle's mode after it (enum oracle_mode) */
	size_t before, n_before, after, n_after;   /* segments in the pool */
};

struct history {
	struct hist_write *w;
	size_t n, cap;
	struct hist_seg *seg;
	size_t nseg, capseg;
	size_t seg_limit;               /* ranges kept per span (0: HIST_SPAN_SEGMENTS) */
};

void hist_clear(struct history *h);
void hist_free(struct history *h);
/* Around one write (sequence number @seq, op number @op, span [first, last]): the oracle before,
 * then after. */
void hist_before(struct history *h, const struct oracle *o, unsigned long seq, unsigned long op,
		 unsigned long first, unsigned long last);
void hist_after(struct history *h, const struct oracle *o);
/* True when @index held @entry at some moment since just before write @since (the current oracle
 * answers for the indices no logged write touched). */
bool hist_held(const struct history *h, const struct oracle *o, unsigned long since, unsigned long index,
	       const void *entry);
/* The entry the @n segments from seg[@at] give @index (NULL where none holds it). */
const void *hist_seg_entry(const struct history *h, size_t at, size_t n, unsigned long index);
/* True when the spans of the writes h->w[from .. to) with a sequence number from @since on cover
 * all of [first, last]. */
bool hist_spans_cover(const struct history *h, size_t from, size_t to, unsigned long since,
		      unsigned long first, unsigned long last);
/* True when every index of [first, last] that the oracle does not map to @entry now lies in the
 * span of a write from @since on (the rule "an index no write touched still holds the entry"). */
bool hist_untouched_hold(const struct history *h, const struct oracle *o, unsigned long since,
			 unsigned long first, unsigned long last, const void *entry);

#endif
