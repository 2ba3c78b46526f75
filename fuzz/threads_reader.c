/* threads_reader.c - one reader thread of a reader-thread run: until told to stop, it picks a read
 * (mtree_load, mas_walk, an iteration with mas_find, mas_find_rev, mas_next or mas_prev, mt_find)
 * at an index the stream uses, runs it inside an RCU read section, and logs what it saw with its
 * window. Every read is checked on the spot for an entry no op could have stored; the rest is
 * judged afterwards (threads_check.c). Never writes the tree. */
#include <stdio.h>
#include <string.h>

#include <maple/maple_tree.h>

#include "threads_internal.h"

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static unsigned long pick_index(struct reader_thread *r)
{
	const struct threads_run *run = r->run;

	return run->pool[rng_next(&r->rng) % run->npool];
}

static unsigned long ops_finished(const struct threads_run *run)
{
	return __atomic_load_n(&run->finished, __ATOMIC_ACQUIRE);
}

/* Loaded after the read: the acquire fence keeps every load of the read before it. */
static unsigned long ops_started(const struct threads_run *run)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&run->started, __ATOMIC_ACQUIRE);
}

unsigned long threads_op_of(const void *entry)
{
	unsigned long v;

	if (!entry || !xa_is_value(entry))
		return ULONG_MAX;
	v = xa_to_value(entry) >> THREADS_VALUE_SHIFT;
	return v ? v - 1 : ULONG_MAX;
}

/* The entry must be NULL, one of bulk's small values, or stored by an op that had started. */
static const char *impossible(const struct tread *t)
{
	if (!t->entry)
		return NULL;
	if (!xa_is_value(t->entry) && !xa_is_zero(t->entry))
		return "an entry that is no value or zero entry (a node pointer or a clobbered slot?)";
	if (xa_is_value(t->entry) && xa_to_value(t->entry) >> THREADS_VALUE_SHIFT &&
	    threads_op_of(t->entry) >= t->s1)
		return "an entry stored by an op that had not started";
	if (t->kind != TREAD_MT_FIND && t->kind != TREAD_LOAD && t->first > t->last)
		return "a range whose first index is above its last";
	return NULL;
}

static void spot_fail(struct reader_thread *r, const struct tread *t, const char *why)
{
	struct threads_run *run = r->run;

	pthread_mutex_lock(&run->fail_lock);
	if (!run->spot_failed) {
		run->spot = *t;
		snprintf(run->spot_why, sizeof(run->spot_why), "%s", why);
		__atomic_store_n(&run->spot_failed, true, __ATOMIC_RELEASE);
		__atomic_store_n(&run->stop, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&run->fail_lock);
}

/* Check @t on the spot and keep it for judging (while the log has room). */
static void record(struct reader_thread *r, struct tread *t)
{
	const char *why = impossible(t);

	t->reader = (unsigned char)r->id;
	r->reads++;
	if (why)
		spot_fail(r, t, why);
	if (r->n < THREADS_LOG_READS)
		r->log[r->n++] = *t;
}

static void read_load(struct reader_thread *r, unsigned long index)
{
	struct tread t = { .kind = TREAD_LOAD, .index = index, .first = index, .last = index };
	unsigned long at = index + (r->run->planted_load_next && index != ULONG_MAX);

	t.f0 = ops_finished(r->run);
	t.entry = mtree_load(r->run->mt, at);
	t.s1 = ops_started(r->run);
	t.chain_f0 = t.f0;
	record(r, &t);
}

static void read_walk(struct reader_thread *r, unsigned long index)
{
	MA_STATE(mas, r->run->mt, index, index);
	struct tread t = { .kind = TREAD_WALK, .index = index };

	mt_rcu_read_lock();
	t.f0 = ops_finished(r->run);
	t.entry = mas_walk(&mas);
	t.s1 = ops_started(r->run);
	mt_rcu_read_unlock();
	t.first = mas.index;
	t.last = mas.last;
	t.chain_f0 = t.f0;
	record(r, &t);
}

const char *const tread_names[TREAD_KINDS] = { "reader_load", "reader_walk", "reader_find", "reader_find_rev",
						      "reader_mt_find", "reader_next", "reader_prev" };
const char *const tread_calls[TREAD_KINDS] = { "mtree_load", "mas_walk", "mas_find", "mas_find_rev", "mt_find",
						      "mas_next", "mas_prev" };

static void *step_once(struct ma_state *mas, unsigned char kind, unsigned long bound)
{
	switch (kind) {
	case TREAD_FIND: return mas_find(mas, bound);
	case TREAD_FIND_REV: return mas_find_rev(mas, bound);
	case TREAD_NEXT: return mas_next(mas, bound);
	default: return mas_prev(mas, bound);
	}
}

/* An iteration in one read section: mas_find, mas_find_rev, mas_next or mas_prev (@kind) from
 * @index to @bound, each step logged with its own window and where it searched from. */
static void read_chain(struct reader_thread *r, unsigned long index, unsigned long bound, unsigned char kind)
{
	MA_STATE(mas, r->run->mt, index, index);
	unsigned long from = index, chain_f0 = 0;
	bool rev = tread_is_rev(kind);

	mt_rcu_read_lock();
	for (unsigned char step = 0; step < THREADS_CHAIN_STEPS; step++) {
		struct tread t = { .kind = kind, .index = from, .bound = bound, .step = step, .start = index };

		t.f0 = ops_finished(r->run);
		t.entry = step_once(&mas, kind, bound);
		t.s1 = ops_started(r->run);
		if (!step)
			chain_f0 = t.f0;
		t.chain_f0 = chain_f0;
		t.first = mas.index;
		t.last = mas.last;
		t.end = !t.entry;
		record(r, &t);
		if (t.end || (rev ? t.first <= bound || t.first == 0 : t.last >= bound || t.last == ULONG_MAX))
			break;
		from = rev ? t.first - 1 : t.last + 1;
	}
	mt_rcu_read_unlock();
}

static void read_mt_find(struct reader_thread *r, unsigned long index, unsigned long max)
{
	struct tread t = { .kind = TREAD_MT_FIND, .index = index, .bound = max };
	unsigned long at = index;

	t.f0 = ops_finished(r->run);
	t.entry = mt_find(r->run->mt, &at, max);
	t.s1 = ops_started(r->run);
	t.chain_f0 = t.f0;
	t.last = at - 1;
	t.end = !t.entry;
	record(r, &t);
}

/* A limit @index .. @index + up to 2^k, or the end of the index space. */
static unsigned long pick_bound(struct reader_thread *r, unsigned long index, bool down)
{
	uint64_t x = rng_next(&r->rng);
	unsigned long span = (x & 1) ? ULONG_MAX : (1UL << ((x >> 1) % 40));

	if (down)
		return index > span ? index - span : 0;
	return ULONG_MAX - index > span ? index + span : ULONG_MAX;
}

static void read_one(struct reader_thread *r)
{
	unsigned long index = pick_index(r);
	unsigned char kind = (unsigned char)(rng_next(&r->rng) % TREAD_KINDS);

	switch (kind) {
	case TREAD_LOAD: read_load(r, index); break;
	case TREAD_WALK: read_walk(r, index); break;
	case TREAD_MT_FIND: read_mt_find(r, index, pick_bound(r, index, false)); break;
	default: read_chain(r, index, pick_bound(r, index, tread_is_rev(kind)), kind); break;
	}
}

void reader_run(struct reader_thread *r)
{
	struct threads_run *run = r->run;
	unsigned long version = ULONG_MAX;
	unsigned reads_here = 0;

	__atomic_fetch_add(&run->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE)) {
		unsigned long now = threads_epoch(run);

		/* More reads of a tree no op is changing find nothing new: wait for the next op. */
		if (now != version) {
			version = now;
			reads_here = 0;
		}
		if (reads_here >= THREADS_READS_PER_OP) {
			__atomic_store_n(&r->done_with, version + 1, __ATOMIC_RELEASE);
			threads_wait_next_op(run, version);
			continue;
		}
		reads_here++;
		read_one(r);
	}
}
