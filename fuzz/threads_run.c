/* threads_run.c - a reader-thread run: renumber the stream's entries so that each names the op that
 * stored it, start the readers, let the executor replay the stream as the writer (publishing which
 * op began and which ended), stop the readers and have every read judged. */
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>

#include "threads_internal.h"

unsigned threads_preamble_readers(const struct ops_config *cfg)
{
	return 1u + (cfg->readers & 3u);
}

/* Every value, pointer or internal entry becomes the value naming its op, so a read can tell on the
 * spot whether its entry was possible (only NULL, zero entries and these values are), and a
 * failure names the op behind it. */
static void renumber_entries(struct ops_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct op *op = &list->ops[i];

		if (op->entry.kind == ENTRY_VALUE || op->entry.kind == ENTRY_POINTER ||
		    op->entry.kind == ENTRY_INTERNAL)
			op->entry = (struct op_entry){ ENTRY_VALUE, (i + 1) << THREADS_VALUE_SHIFT };
	}
}

static void pool_add(struct threads_run *run, unsigned long index)
{
	if (run->npool < THREADS_POOL_MAX)
		run->pool[run->npool++] = index;
}

/* The readers look where the stream writes: its index arguments and their neighbours. */
static void fill_pool(struct threads_run *run)
{
	pool_add(run, 0);
	pool_add(run, ULONG_MAX);
	for (size_t i = 0; i < run->list->count; i++) {
		const struct op *op = &run->list->ops[i];

		for (unsigned a = 0; a < ops_table[op->code].nargs; a++) {
			unsigned long v = op->arg[a];

			if (ops_table[op->code].kinds[a] != ARG_INDEX)
				continue;
			pool_add(run, v);
			if (v)
				pool_add(run, v - 1);
			if (v != ULONG_MAX)
				pool_add(run, v + 1);
		}
	}
}

static uint64_t stream_hash(const struct ops_list *list)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < list->count; i++)
		h = (h ^ (uint64_t)list->ops[i].code ^ list->ops[i].arg[0]) * 1099511628211ULL;
	return h | 1;
}

/* ---- grace periods ----
 * liburcu's call_rcu worker sleeps 10 ms between batches, so waiting for it (rcu_barrier) at the
 * end of every input would cost more than the input. The run defers its frees itself: queued,
 * and freed in batches after urcu_memb_synchronize_rcu(), a full grace period; at the end, once
 * the readers are gone, the rest at once. */
#define THREADS_FREE_BATCH 64

struct deferred_free {
	struct rcu_head *head;
	void (*free)(struct rcu_head *head);
};

static struct deferred_free pending[THREADS_FREE_BATCH];
static size_t npending;

static void free_pending(bool after_grace_period)
{
	if (after_grace_period)
		urcu_memb_synchronize_rcu();
	for (size_t i = 0; i < npending; i++)
		pending[i].free(pending[i].head);
	npending = 0;
}

static void defer_free(struct rcu_head *head, void (*free_fn)(struct rcu_head *head))
{
	if (npending == THREADS_FREE_BATCH)
		free_pending(true);
	pending[npending++] = (struct deferred_free){ head, free_fn };
}

/* ---- the executor's hooks ---- */

static void run_start(void *ctx, struct maple_tree *mt)
{
	struct threads_run *run = ctx;
	uint64_t seed = stream_hash(run->list);

	run->mt = mt;
	mt_set_call_rcu(defer_free);
	clock_gettime(CLOCK_MONOTONIC, &run->t0);
	for (unsigned i = 0; i < run->nreaders; i++) {
		struct reader_thread *r = &run->readers[i];

		r->run = run;
		r->id = i;
		r->rng = seed * (2 * i + 3);
	}
	threads_pool_start(run->readers, run->nreaders);
	while (__atomic_load_n(&run->ready, __ATOMIC_ACQUIRE) < (int)run->nreaders)
		sched_yield();         /* the readers are reading before the first write */
}

/* ---- the readers' sleep between ops: a futex word the writer bumps ---- */

/* Done with epoch @version: sleep until the writer starts the next op or stops the run, instead of
 * spinning beside it (up to four readers and the writer share two cores). The wake word is read
 * before the check, so a wake-up between the two makes the wait return at once; the timeout only
 * bounds what a missed one could cost. */
void threads_wait_next_op(struct threads_run *run, unsigned long version)
{
	static const struct timespec bound = { 0, 10 * 1000 * 1000 };
	unsigned w;

	__atomic_fetch_add(&run->sleepers, 1, __ATOMIC_SEQ_CST);
	w = __atomic_load_n(&run->wake, __ATOMIC_SEQ_CST);
	if (threads_epoch(run) == version && !__atomic_load_n(&run->stop, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &run->wake, FUTEX_WAIT_PRIVATE, w, &bound, NULL, 0);
	__atomic_fetch_sub(&run->sleepers, 1, __ATOMIC_SEQ_CST);
}

void threads_wake_readers(struct threads_run *run)
{
	__atomic_fetch_add(&run->wake, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&run->sleepers, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &run->wake, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static unsigned long elapsed_ms(const struct threads_run *run)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long)(now.tv_sec - run->t0.tv_sec) * 1000 +
	       (unsigned long)((now.tv_nsec - run->t0.tv_nsec) / 1000000);
}

static bool run_op_begin(void *ctx, unsigned long op)
{
	struct threads_run *run = ctx;

	if (__atomic_load_n(&run->spot_failed, __ATOMIC_ACQUIRE))
		return false;
	if (run->opt->budget_ms && elapsed_ms(run) > run->opt->budget_ms)
		return false;
	__atomic_store_n(&run->started, op + 1, __ATOMIC_RELEASE);
	threads_wake_readers(run);
	return true;
}

static void run_op_end(void *ctx, unsigned long op)
{
	struct threads_run *run = ctx;

	__atomic_store_n(&run->finished, op + 1, __ATOMIC_RELEASE);
}

static void spot_failure(const struct threads_run *run, struct exec_failure *f)
{
	const struct tread *t = &run->spot;

	memset(f, 0, sizeof(*f));
	f->op_number = t->f0;
	snprintf(f->kind, sizeof(f->kind), "%s", tread_names[t->kind]);
	snprintf(f->check, sizeof(f->check), "impossible");
	snprintf(f->expected, sizeof(f->expected), "null, zero, a value of bulk, or a value of the %lu ops started",
		 t->s1);
	snprintf(f->got, sizeof(f->got), "%s", run->spot_why);
	threads_describe(t, f->op_text, sizeof(f->op_text));
}

/* A read's failure: its signature, the read, and the ops that ran while it did. */
static void report_read_failure(const struct threads_run *run, const struct exec_failure *f,
				const struct tread *t, FILE *out)
{
	exec_print_signature(out, f);
	fprintf(out, "  read: %s\n", f->op_text);
	if (!t)
		return;
	for (unsigned long k = t->chain_f0; k < t->s1 && k < run->list->count; k++) {
		char text[256];

		ops_format(&run->list->ops[k], text, sizeof(text));
		fprintf(out, "  op %lu (running meanwhile): %s\n", k, text);
	}
}

/* Let every reader make its reads of the final tree too (a short stream is otherwise over before
 * they have read much), within a bound. */
static void wait_final_reads(struct threads_run *run)
{
	unsigned long version, until = elapsed_ms(run) + THREADS_FINAL_WAIT_MS;

	__atomic_store_n(&run->last_pass, 1, __ATOMIC_SEQ_CST);
	threads_wake_readers(run);
	version = threads_epoch(run) + 1;

	for (unsigned i = 0; i < run->nreaders; i++)
		while (__atomic_load_n(&run->readers[i].done_with, __ATOMIC_ACQUIRE) != version &&
		       !__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE) && elapsed_ms(run) < until)
			sched_yield();
}

static bool run_stop(void *ctx, const struct history *h, const struct oracle *final, struct exec_failure *f)
{
	struct threads_run *run = ctx;

	wait_final_reads(run);
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELEASE);
	threads_wake_readers(run);
	threads_pool_wait();
	for (unsigned i = 0; i < run->nreaders; i++)
		run->res->reads += run->readers[i].reads;
	free_pending(false);        /* no reader is left to see them */
	if (run->spot_failed)
		spot_failure(run, f);
	else if (threads_judge(run, h, final, f))
		return true;
	if (run->opt->report)
		report_read_failure(run, f, run->spot_failed ? &run->spot : run->failed_read, run->opt->report);
	return false;
}

static void run_drain(void *ctx)
{
	(void)ctx;
	free_pending(false);
}

/* The run's state (33 KB with its index pool), kept like the logs: a fresh calloc per input was, under
 * ASan, a chunk the quarantine keeps from reuse, so every input faulted in new pages. One run at a
 * time: the readers' pool and logs are shared anyway. */
static struct threads_run *run_state(void)
{
	static struct threads_run run;

	memset(&run, 0, sizeof(run));
	return &run;
}

/* Reader @i's log, kept from run to run: at 2.6 MB, each run's malloc and free of it was ASan
 * mapping, faulting in and unmapping it again, a fifth of a reader-thread run's time. */
static struct tread *reader_log(unsigned i)
{
	static struct tread *logs[THREADS_MAX_READERS];

	if (!logs[i]) {
		logs[i] = malloc(THREADS_LOG_READS * sizeof(struct tread));
		if (!logs[i])
			abort();
	}
	return logs[i];
}

int threads_run_list(const struct ops_list *in, const struct threads_options *opt, struct threads_result *res)
{
	struct threads_run *run = run_state();
	struct ops_list list = *in;
	struct exec_thread_hooks hooks = { run, run_start, run_op_begin, run_op_end, run_stop, run_drain };
	struct exec_options eopt = { .trace = opt->trace, .report = opt->report, .threads = &hooks,
				     .profile = opt->profile };
	int rc;

	memset(res, 0, sizeof(*res));
	list.ops = malloc((in->count + 1) * sizeof(*list.ops));
	if (!list.ops)
		abort();
	if (in->count)
		memcpy(list.ops, in->ops, in->count * sizeof(*list.ops));
	renumber_entries(&list);
	run->list = &list;
	run->opt = opt;
	run->res = res;
	run->nreaders = opt->readers ? opt->readers : threads_preamble_readers(&in->cfg);
	if (run->nreaders > THREADS_MAX_READERS)
		run->nreaders = THREADS_MAX_READERS;
	res->readers = run->nreaders;
	run->planted_load_next = getenv("MAPLEFUZZ_PLANTED") && !strcmp(getenv("MAPLEFUZZ_PLANTED"), "reader-loads-next");
	pthread_mutex_init(&run->fail_lock, NULL);
	for (unsigned i = 0; i < run->nreaders; i++)
		run->readers[i].log = reader_log(i);
	fill_pool(run);
	rc = exec_list(&list, &eopt, &res->exec);
	mt_set_call_rcu(NULL);      /* run_stop and run_drain freed everything deferred */
	free(list.ops);
	pthread_mutex_destroy(&run->fail_lock);
	return rc;
}

int threads_run_bytes(const uint8_t *data, size_t size, const struct threads_options *opt,
		      struct threads_result *res)
{
	struct ops_list list;
	int rc;

	exec_decode_to_list(data, size, &list);
	rc = threads_run_list(&list, opt, res);
	ops_list_free(&list);
	return rc;
}

void threads_print_counts(FILE *out, const struct threads_result *res)
{
	fprintf(out, "readers %u, reads %lu, judged %lu (exact %lu, overlapped %lu)\n", res->readers,
		res->reads, res->judged, res->exact, res->overlapped);
}
