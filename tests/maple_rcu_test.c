/* maple_rcu_test.c - RCU mode: writers replace what a reader may be standing on, mark it dead and
 * free it only after a grace period; readers that meet a dead node re-walk. A reader positioned
 * before a write must afterwards see, for each range, the old or the new entry (never garbage, never
 * freed memory: ASan), and reader threads running beside a writer must only ever see entries that
 * describe the index they asked for. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu/urcu-memb.h>

#include <maple/maple_tree.h>

#include "maple_test_helpers.h"

#define SPAN 10UL    /* entry i covers [i*SPAN, i*SPAN+5]; the rest of each span is NULL */
#define NEW(i) xa_mk_value(100000 + (i))

/* ---- a grace-period queue owned by the test: frees wait until flushed ---- */
#define QUEUE_MAX 4096
static struct rcu_head *queued[QUEUE_MAX];
static void (*queued_fn[QUEUE_MAX])(struct rcu_head *);
static unsigned queue_n;

static void queue_free(struct rcu_head *head, void (*fn)(struct rcu_head *))
{
	assert_true(queue_n < QUEUE_MAX);
	queued[queue_n] = head;
	queued_fn[queue_n++] = fn;
}

static unsigned queue_flush(void)
{
	unsigned n = queue_n;

	while (queue_n) {
		queue_n--;
		queued_fn[queue_n](queued[queue_n]);
	}
	return n;
}

static void build(struct maple_tree *mt, unsigned long n)
{
	mt_init_flags(mt, MT_FLAGS_USE_RCU);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(mtree_store_range(mt, i * SPAN, i * SPAN + 5, P(i), GFP_KERNEL), 0);
	assert_valid(mt);
}

/* The entry is what the range held before (P(i) for the span it is in) or a new one. */
static void assert_old_or_new(void *entry, unsigned long index)
{
	if (xa_to_value(entry) >= 100000)
		return;
	assert_true(xa_is_value(entry));
	assert_int_equal(xa_to_value(entry), index / SPAN);
}

/* Walk on from where @mas stands to the end: every entry old-or-new, indices strictly rising. */
static unsigned long finish_iteration(struct ma_state *mas, unsigned long after)
{
	unsigned long steps = 0;
	void *entry;

	while ((entry = mas_find(mas, ULONG_MAX)) != NULL) {
		assert_true(mas->index > after || steps == 0);
		assert_true(mas->index <= mas->last);
		assert_old_or_new(entry, mas->index);
		after = mas->last;
		steps++;
	}
	return steps;
}

enum write_kind { W_EXACT, W_HALF, W_SPAN_TWO, W_INSERT, W_MANY, W_WHOLE, W_ERASE, W_DESTROY, W_KINDS };

static void do_write(struct maple_tree *mt, enum write_kind k, unsigned long at)
{
	unsigned long f = at * SPAN;

	switch (k) {
	case W_EXACT: assert_int_equal(mtree_store_range(mt, f, f + 5, NEW(0), GFP_KERNEL), 0); break;
	case W_HALF: assert_int_equal(mtree_store_range(mt, f, f + 2, NEW(1), GFP_KERNEL), 0); break;
	case W_SPAN_TWO: assert_int_equal(mtree_store_range(mt, f + 3, f + 3 * SPAN, NEW(2), GFP_KERNEL), 0); break;
	case W_INSERT: assert_int_equal(mtree_store_range(mt, f + 7, f + 8, NEW(3), GFP_KERNEL), 0); break;
	case W_MANY:
		for (unsigned long i = 0; i < 40; i++)
			assert_int_equal(mtree_store(mt, f + 6 + (i % 4), NEW(4 + i), GFP_KERNEL), 0);
		break;
	case W_WHOLE: assert_int_equal(mtree_store_range(mt, 0, ULONG_MAX, NEW(99), GFP_KERNEL), 0); break;
	case W_ERASE: mtree_erase(mt, f); break;
	case W_DESTROY: mtree_destroy(mt); break;
	case W_KINDS: break;
	}
}

/* The kernel's check_rcu_simulated idea: position a reader, change the tree under it, step on. */
static void test_simulated_reader(void **unused)
{
	static const unsigned long sizes[] = { 3, 12, 60, 400 };
	unsigned long before = live_nodes();

	(void)unused;
	mt_set_call_rcu(queue_free);
	for (unsigned s = 0; s < 4; s++) {
		for (int k = 0; k < W_KINDS; k++) {
			for (unsigned long at = 0; at < sizes[s]; at += 1 + sizes[s] / 7) {
				struct maple_tree mt;

				build(&mt, sizes[s]);
				MA_STATE(mas, &mt, at * SPAN, at * SPAN);
				urcu_memb_read_lock();
				assert_old_or_new(mas_find(&mas, ULONG_MAX), mas.index);
				do_write(&mt, (enum write_kind)k, at);
				assert_valid(&mt);
				finish_iteration(&mas, mas.last);
				urcu_memb_read_unlock();
				queue_flush();
				mtree_destroy(&mt);
				queue_flush();
			}
		}
	}
	mt_set_call_rcu(NULL);
	assert_int_equal(live_nodes(), before);
}

/* Replaced nodes wait for the grace period; outside RCU mode they go at once. */
static void test_deferred_frees(void **unused)
{
	struct maple_tree mt;
	unsigned long live;

	(void)unused;
	mt_set_call_rcu(queue_free);
	build(&mt, 4);                        /* one leaf root */
	queue_flush();
	live = live_nodes();
	assert_int_equal(mtree_store_range(&mt, 21, 22, NEW(0), GFP_KERNEL), 0);  /* node store */
	assert_int_equal(queue_n, 1);         /* the old leaf root waits */
	assert_int_equal(live_nodes(), live + 1);
	assert_int_equal(queue_flush(), 1);
	assert_int_equal(live_nodes(), live);
	assert_int_equal(mtree_store_range(&mt, 0, 5, NEW(1), GFP_KERNEL), 0);    /* exact fit: in place */
	assert_int_equal(queue_n, 0);
	assert_int_equal(mtree_store_range(&mt, 0, ULONG_MAX, NEW(2), GFP_KERNEL), 0);
	assert_int_equal(queue_n, 1);         /* a leaf root replaced by a new root dies too */
	queue_flush();
	mtree_destroy(&mt);
	assert_int_equal(queue_flush(), 1);   /* and so does the leaf root of a destroyed tree */

	build(&mt, 400);
	queue_flush();
	mtree_store_range(&mt, 5, 3000, NEW(3), GFP_KERNEL);   /* spanning: many nodes die */
	assert_true(queue_n > 2);
	queue_flush();
	mt_clear_in_rcu(&mt);
	assert_false(mt_in_rcu(&mt));
	mtree_store_range(&mt, 3001, 3500, NEW(4), GFP_KERNEL);
	mtree_destroy(&mt);
	assert_int_equal(queue_n, 0);         /* no RCU mode: freed at once */
	mt_set_in_rcu(&mt);
	assert_true(mt_in_rcu(&mt));
	mt_set_call_rcu(NULL);
}

/* In RCU mode no leaf is appended to in place: an append becomes a node store on a new leaf. */
static void test_no_append_in_rcu(void **unused)
{
	struct mt_store_stats a, b;
	struct maple_tree mt;

	(void)unused;
	mt_init_flags(&mt, MT_FLAGS_USE_RCU);
	mt_store_stats(&a);
	for (unsigned long i = 0; i < 200; i++)
		assert_int_equal(mtree_store_range(&mt, i * 4, i * 4 + 1, P(i), GFP_KERNEL), 0);
	mt_store_stats(&b);
	assert_int_equal(b.count[MT_STORE_APPEND], a.count[MT_STORE_APPEND]);
	assert_true(b.count[MT_STORE_NODE_STORE] > a.count[MT_STORE_NODE_STORE]);
	assert_valid(&mt);
	mtree_destroy(&mt);
	urcu_memb_barrier();
}

/* ---- real reader threads beside a writer ---- */

/* A stored entry says which range it was stored over: value = first * 64 + length - 1. */
static void *range_entry(unsigned long first, unsigned long len)
{
	return xa_mk_value(first * 64 + len - 1);
}

static bool entry_covers(void *entry, unsigned long index)
{
	unsigned long v = xa_to_value(entry), first = v / 64, last = first + v % 64;

	return xa_is_value(entry) && first <= index && index <= last;
}

#define KEYS 4096UL
static struct maple_tree shared;
static volatile bool writer_done;
static unsigned long reader_errors, reader_reads;

static void *reader_thread(void *arg)
{
	unsigned long seed = (unsigned long)arg, reads = 0, errors = 0;

	urcu_memb_register_thread();
	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE)) {
		unsigned long i;
		void *entry;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		i = (seed >> 33) % KEYS;
		entry = mtree_load(&shared, i);
		errors += entry && !entry_covers(entry, i);
		urcu_memb_read_lock();
		MA_STATE(mas, &shared, i, i);
		unsigned long prev = 0;
		int steps = 0;
		mas_for_each(&mas, entry, KEYS) {
			errors += !entry_covers(entry, mas.index) || (steps && mas.index <= prev);
			prev = mas.last;
			if (++steps == 32)
				break;
		}
		urcu_memb_read_unlock();
		reads++;
	}
	__atomic_fetch_add(&reader_reads, reads, __ATOMIC_RELAXED);
	__atomic_fetch_add(&reader_errors, errors, __ATOMIC_RELAXED);
	urcu_memb_unregister_thread();
	return NULL;
}

/* The writer of test_reader_threads; with @mode_changes it also empties the tree and leaves a lone
 * root entry every few hundred stores, so readers race the tree out of and back into node mode. */
static void writer_loop(int n_ops, bool mode_changes)
{
	unsigned long seed = 12345;

	for (int n = 0; n < n_ops; n++) {
		unsigned long first, len;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		first = (seed >> 33) % KEYS;
		len = 1 + (seed >> 20) % 16;
		if (mode_changes && n % 300 == 299) {
			mtree_store_range(&shared, 0, ULONG_MAX, NULL, GFP_KERNEL);          /* empty */
			if (n % 600 == 599)
				mtree_store(&shared, 0, range_entry(0, 1), GFP_KERNEL);     /* root entry */
		} else if ((seed >> 12) % 4 == 0) {
			mtree_store_range(&shared, first, first + len - 1, NULL, GFP_KERNEL);
		} else {
			mtree_store_range(&shared, first, first + len - 1, range_entry(first, len), GFP_KERNEL);
		}
	}
}

static void run_reader_threads(bool mode_changes)
{
	pthread_t readers[2];
	unsigned long before = live_nodes();

	mt_init_flags(&shared, MT_FLAGS_USE_RCU);
	if (!mode_changes)   /* an entry the writer never touches keeps the tree in node mode */
		assert_int_equal(mtree_store(&shared, KEYS + 100, P(1), GFP_KERNEL), 0);
	writer_done = false;
	reader_errors = reader_reads = 0;
	for (long t = 0; t < 2; t++)
		assert_int_equal(pthread_create(&readers[t], NULL, reader_thread, (void *)(t + 1)), 0);
	writer_loop(20000, mode_changes);
	__atomic_store_n(&writer_done, true, __ATOMIC_RELEASE);
	for (int t = 0; t < 2; t++)
		pthread_join(readers[t], NULL);
	assert_valid(&shared);
	mtree_destroy(&shared);
	urcu_memb_barrier();
	fprintf(stderr, "reader threads%s: %lu reads, %lu errors\n", mode_changes ? " (mode changes)" : "",
		reader_reads, reader_errors);
	assert_true(reader_reads > 0);
	assert_int_equal(reader_errors, 0);
	assert_int_equal(live_nodes(), before);
}

/* Readers racing the tree out of node mode (empty, a lone root entry) and back. */
static void test_reader_threads_mode_changes(void **unused)
{
	(void)unused;
	run_reader_threads(true);
}

static void test_reader_threads(void **unused)
{
	(void)unused;
	run_reader_threads(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simulated_reader),
		cmocka_unit_test(test_deferred_frees),
		cmocka_unit_test(test_no_append_in_rcu),
		cmocka_unit_test(test_reader_threads),
		cmocka_unit_test(test_reader_threads_mode_changes),
	};
	MAPLE_TEST_MAIN(tests);
}
