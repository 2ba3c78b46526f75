/* exec_readers.c - simulated RCU readers (ops reader_begin .. reader_end), the RCU mode switches,
 * and the grace-period queue that holds the tree's node frees while a reader that might see the
 * nodes is active. Deterministic: a reader runs only between writer ops, so every interleaving
 * replays from its file. The rules a reader's results are held to, and why each is sound, are in
 * docs/semantics.md "Simulated readers". Never changes the tree. */
#include "exec_internal.h"

#include <stdlib.h>
#include <string.h>
#include <urcu/urcu-memb.h>

/* ---- the grace-period queue (the library's frees, through mt_set_call_rcu) ---- */

struct gp_item {
	struct rcu_head *head;
	void (*free)(struct rcu_head *head);
	unsigned long tick;       /* the clock when it was queued */
};

static struct exec *gp_owner;
static struct gp_item *gp_items;
static size_t gp_n, gp_cap, gp_front;
static unsigned long gp_clock;

static bool any_reader(const struct exec *x)
{
	for (int i = 0; i < OPS_READERS; i++)
		if (x->readers[i].active)
			return true;
	return false;
}

/* The earliest begin tick of an active reader (ULONG_MAX: none). */
static unsigned long oldest_reader(const struct exec *x)
{
	unsigned long t = ULONG_MAX;

	for (int i = 0; i < OPS_READERS; i++)
		if (x->readers[i].active && x->readers[i].begin_tick < t)
			t = x->readers[i].begin_tick;
	return t;
}

static void gp_defer(struct rcu_head *head, void (*free_fn)(struct rcu_head *))
{
	if (!gp_owner || !any_reader(gp_owner)) {
		free_fn(head);            /* nobody can be looking at it */
		return;
	}
	if (gp_n == gp_cap) {
		gp_cap = gp_cap ? 2 * gp_cap : 256;
		gp_items = realloc(gp_items, gp_cap * sizeof(*gp_items));
		if (!gp_items)
			abort();
	}
	gp_items[gp_n++] = (struct gp_item){ head, free_fn, gp_clock };
}

/* Really free what no active reader may still see: queued before the oldest one began. */
static void gp_release(struct exec *x)
{
	unsigned long oldest = oldest_reader(x);

	while (gp_front < gp_n && gp_items[gp_front].tick < oldest) {
		gp_items[gp_front].free(gp_items[gp_front].head);
		gp_front++;
	}
	if (gp_front == gp_n)
		gp_front = gp_n = 0;
}

/* ---- life cycle ---- */

void readers_init(struct exec *x)
{
	gp_owner = x;
	gp_front = gp_n = 0;
	mt_set_call_rcu(gp_defer);
}

/* fuzz_threads: real readers, so real grace periods (liburcu's call_rcu unless the run's hooks
 * install their own deferral), and every write in the history. */
void threads_mode_init(struct exec *x)
{
	gp_owner = NULL;
	mt_set_call_rcu(NULL);
	x->log_every_write = true;
	x->hist.seg_limit = HIST_RUN_SEGMENTS;
}

static void reader_end(struct exec *x, struct sim_reader *r)
{
	if (!r->active)
		return;
	r->active = false;
	if (r->locked)
		urcu_memb_read_unlock();
	r->locked = false;
	gp_release(x);
	if (!any_reader(x))
		hist_clear(&x->hist);
}

void readers_finish(struct exec *x)
{
	for (int i = 0; i < OPS_READERS; i++)
		reader_end(x, &x->readers[i]);
	gp_release(x);
	hist_free(&x->hist);
	gp_owner = NULL;
}

void readers_before_write(struct exec *x, unsigned long first, unsigned long last)
{
	x->write_seq++;
	x->write_logged = any_reader(x) || x->log_every_write;
	if (x->write_logged) {
		hist_before(&x->hist, &x->oracle, x->write_seq, x->op_number, first, last);
		x->hist.w[x->hist.n - 1].transient = x->writer_armed;
	}
}

/* After the op of the last readers_before_write (nothing if there was none since). */
void readers_after_write(struct exec *x)
{
	if (x->write_logged)
		hist_after(&x->hist, &x->oracle);
	x->write_logged = false;
}

bool readers_is_op(enum op_code code)
{
	return code >= OP_READER_BEGIN && code <= OP_RCU_OFF;
}

/* ---- checks ---- */

static const char *status_text(int s)
{
	static const char *const names[] = { "active", "start", "root", "none", "pause", "overflow",
					     "underflow", "error" };

	return s >= 0 && s < 8 ? names[s] : "?";
}

static bool fail_ptr(struct exec *x, const struct op *op, const char *check, const void *want, const void *got)
{
	char a[48], b[48];

	return check_fail(x, op, check, ops_format_ptr(want, a, sizeof(a)), ops_format_ptr(got, b, sizeof(b)));
}

static bool fail_range(struct exec *x, const struct op *op, const char *check, const char *want,
		       const struct ma_state *mas)
{
	char got[80];

	snprintf(got, sizeof(got), "[%lu,%lu]", mas->index, mas->last);
	return check_fail(x, op, check, want, got);
}

/* Exactly what the oracle's state says (nothing was written since the reader began, or a walk). */
static bool check_exact(struct exec *x, const struct op *op, const struct ma_state *mas, void *entry,
			const struct oracle_state *os, void *want)
{
	char a[32], b[32];

	if (want != entry)
		return fail_ptr(x, op, "reader-entry", want, entry);
	if (os->index != mas->index || os->last != mas->last) {
		snprintf(a, sizeof(a), "[%lu,%lu]", os->index, os->last);
		return fail_range(x, op, "reader-range", a, mas);
	}
	if ((int)os->status != (int)mas->status) {
		snprintf(a, sizeof(a), "%s", status_text((int)os->status));
		snprintf(b, sizeof(b), "%s", status_text((int)mas->status));
		return check_fail(x, op, "reader-status", a, b);
	}
	return true;
}

static bool step_right(enum op_code c)
{
	return c == OP_READER_NEXT || c == OP_READER_FIND;
}

static bool step_left(enum op_code c)
{
	return c == OP_READER_PREV || c == OP_READER_FIND_REV;
}

/* The rules for a reader that writes went past (docs/semantics.md "Simulated readers"). */
static bool check_loose(struct exec *x, const struct op *op, const struct sim_reader *r, void *entry)
{
	const struct ma_state *mas = &r->mas;
	unsigned long limit = op->arg[1];

	/* A NULL answer claims no range: it is an overflow, an underflow, or (find past its limit)
	 * the state left where it was. Only an entry comes with a range that was read. */
	if (!entry)
		return true;
	if ((mas->status != ma_active && mas->status != ma_root) || mas->index > mas->last)
		return fail_range(x, op, "reader-bounds", "active or root, index <= last", mas);
	/* (a root entry [0, 0] may come back below the limit: docs/semantics.md, mas_find_rev) */
	if (mas->status == ma_active && step_right(op->code) && mas->index > limit)
		return fail_range(x, op, "reader-bounds", "index <= max", mas);
	if (mas->status == ma_active && step_left(op->code) && mas->last < limit)
		return fail_range(x, op, "reader-bounds", "last >= min", mas);
	if (!hist_held(&x->hist, &x->oracle, r->begin_seq + 1, mas->index, entry) ||
	    !hist_held(&x->hist, &x->oracle, r->begin_seq + 1, mas->last, entry))
		return fail_range(x, op, "reader-held", "an entry the range held since reader_begin", mas);
	if (!hist_untouched_hold(&x->hist, &x->oracle, r->begin_seq + 1, mas->index, mas->last, entry))
		return fail_range(x, op, "reader-untouched", "the entry on every untouched index", mas);
	if (r->moved && r->step_seq == x->write_seq) {
		if (step_right(op->code) && mas->index <= r->prev_last)
			return fail_range(x, op, "reader-order", "a range after the last one", mas);
		if (step_left(op->code) && mas->last >= r->prev_index)
			return fail_range(x, op, "reader-order", "a range before the last one", mas);
	}
	return true;
}

/* ---- running the reader ops ---- */

static void *step_maple(struct ma_state *mas, const struct op *op)
{
	switch (op->code) {
	case OP_READER_WALK: return mas_walk(mas);
	case OP_READER_NEXT: return mas_next(mas, op->arg[1]);
	case OP_READER_PREV: return mas_prev(mas, op->arg[1]);
	case OP_READER_FIND: return mas_find(mas, op->arg[1]);
	default: return mas_find_rev(mas, op->arg[1]);
	}
}

static void *step_oracle(struct oracle_state *s, const struct op *op)
{
	switch (op->code) {
	case OP_READER_WALK: return oracle_state_walk(s);
	case OP_READER_NEXT: return oracle_state_next(s, op->arg[1]);
	case OP_READER_PREV: return oracle_state_prev(s, op->arg[1]);
	case OP_READER_FIND: return oracle_state_find(s, op->arg[1]);
	default: return oracle_state_find_rev(s, op->arg[1]);
	}
}

static void trace_step(struct exec *x, const struct sim_reader *r, void *entry, bool exact)
{
	char e[48];

	if (x->opt->trace)
		fprintf(x->opt->trace, "     -> %s [%lu, %lu] %s (%s)\n", ops_format_ptr(entry, e, sizeof(e)),
			r->mas.index, r->mas.last, status_text((int)r->mas.status), exact ? "exact" : "loose");
}

/* Like the stream's state: an overflow/underflow reached straight from start is never stepped on
 * (v6.12 would dereference a NULL node); the reader starts over instead. */
static void reader_guard(struct sim_reader *r)
{
	if (!r->positioned && (r->mas.status == ma_overflow || r->mas.status == ma_underflow)) {
		mas_reset(&r->mas);
		oracle_state_reset(&r->os);
	}
}

static bool reader_step(struct exec *x, const struct op *op, struct sim_reader *r)
{
	bool exact = r->begin_seq == x->write_seq;
	unsigned long index = r->mas.index;
	void *entry, *want;
	bool ok;

	reader_guard(r);
	entry = step_maple(&r->mas, op);
	trace_step(x, r, entry, exact || op->code == OP_READER_WALK);
	if (exact) {
		want = step_oracle(&r->os, op);
		ok = check_exact(x, op, &r->mas, entry, &r->os, want);
	} else if (op->code == OP_READER_WALK) {
		struct oracle_state now;

		oracle_state_init(&now, &x->oracle, index, index);   /* a walk always starts at the root */
		want = oracle_state_walk(&now);
		ok = check_exact(x, op, &r->mas, entry, &now, want);
	} else {
		ok = check_loose(x, op, r, entry);
	}
	r->positioned = r->mas.status == ma_active ||
			(r->positioned && (r->mas.status == ma_overflow || r->mas.status == ma_underflow));
	r->moved = r->mas.status == ma_active;
	r->prev_index = r->mas.index;
	r->prev_last = r->mas.last;
	r->step_seq = x->write_seq;
	return ok;
}

static void reader_begin(struct exec *x, struct sim_reader *r, unsigned long index)
{
	reader_end(x, r);
	memset(r, 0, sizeof(*r));
	r->active = true;
	r->begin_seq = x->write_seq;
	r->begin_tick = ++gp_clock;
	r->mas = (struct ma_state){ .tree = &x->mt, .index = index, .last = index, .status = ma_start,
				    .max = ULONG_MAX };
	oracle_state_init(&r->os, &x->oracle, index, index);
	urcu_memb_read_lock();
	r->locked = true;
}

static const char *reader_skipped(struct exec *x, const struct op *op, const struct sim_reader *r)
{
	if (op->code == OP_RCU_OFF && any_reader(x))
		return "leaving RCU mode with readers active is a caller error";
	if (op->code == OP_READER_BEGIN && !mt_in_rcu(&x->mt))
		return "readers without the lock need RCU mode";
	if (op->code != OP_READER_BEGIN && op->code != OP_RCU_ON && op->code != OP_RCU_OFF && !r->active)
		return "the reader is not active";
	return NULL;
}

/**
 * readers_run() - run one reader or RCU-mode op (readers_is_op). Return: false on a failed check.
 */
bool readers_run(struct exec *x, const struct op *op)
{
	struct sim_reader *r = &x->readers[op->arg[0] % OPS_READERS];
	const char *why;

	if (!x->with_maple)
		return true;              /* decoding: readers change nothing the oracle tracks */
	why = reader_skipped(x, op, r);
	if (why) {
		if (x->opt->trace)
			fprintf(x->opt->trace, "     (skipped: %s)\n", why);
		return true;
	}
	switch (op->code) {
	case OP_RCU_ON: mt_set_in_rcu(&x->mt); return true;
	case OP_RCU_OFF: mt_clear_in_rcu(&x->mt); return true;
	case OP_READER_BEGIN: reader_begin(x, r, op->arg[1]); return true;
	case OP_READER_END: reader_end(x, r); return true;
	default: return reader_step(x, op, r);
	}
}
