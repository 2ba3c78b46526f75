/* threads_internal.h - what the reader threads record and share with the writer and the judge
 * (threads_run.c, threads_reader.c, threads_check.c). Harness only. */
#ifndef FUZZ_THREADS_INTERNAL_H
#define FUZZ_THREADS_INTERNAL_H

#include <pthread.h>

#include "threads.h"

#define THREADS_LOG_READS 32768    /* reads each reader keeps for judging */
#define THREADS_CHAIN_STEPS 8      /* steps of one iteration */
#define THREADS_POOL_MAX 4096      /* indices the readers pick from */
#define THREADS_READS_PER_OP 32    /* reads a reader makes while one op runs, at most */
#define THREADS_FINAL_WAIT_MS 50   /* the readers' reads of the final tree may take this long */
#define THREADS_VALUE_SHIFT 9      /* entries stored by op k are xa_mk_value((k + 1) << 9); bulk's are below */

enum tread_kind {
	TREAD_LOAD, TREAD_WALK, TREAD_FIND, TREAD_FIND_REV, TREAD_MT_FIND, TREAD_NEXT, TREAD_PREV, TREAD_KINDS
};

/* The read kinds that step through the tree (an iteration), and those that step down. */
static inline bool tread_is_step(unsigned char kind)
{
	return kind == TREAD_FIND || kind == TREAD_FIND_REV || kind == TREAD_NEXT || kind == TREAD_PREV;
}

static inline bool tread_is_rev(unsigned char kind)
{
	return kind == TREAD_FIND_REV || kind == TREAD_PREV;
}

extern const char *const tread_names[TREAD_KINDS];   /* "reader_load", ... (failure kinds) */
extern const char *const tread_calls[TREAD_KINDS];   /* "mtree_load", ... */

/* One read. Its window: it began after op f0 - 1 had finished and ended before op s1 started, so
 * it saw the tree as it was at some moment between "f0 ops done" and "s1 ops done". */
struct tread {
	unsigned long f0, s1;
	unsigned long index;        /* the index asked (a step: where the search went on from) */
	unsigned long bound;        /* find: the max; find_rev: the min; mt_find: the max */
	unsigned long first, last;  /* the range reported (mt_find: last only) */
	unsigned long start;        /* a step: the index its iteration started from */
	unsigned long chain_f0;     /* a step: f0 of its iteration's first step (else f0) */
	void *entry;
	unsigned char kind;         /* enum tread_kind */
	unsigned char step;         /* the step's number in its iteration */
	unsigned char reader;
	bool end;                   /* a step that found nothing more */
};

struct threads_run;

struct reader_thread {
	struct threads_run *run;
	unsigned id;
	uint64_t rng;
	struct tread *log;
	size_t n;
	unsigned long reads;
	unsigned long done_with;    /* 1 + the last epoch it made all its reads in (atomic; threads_epoch) */
};

struct threads_run {
	const struct ops_list *list;          /* the stream as run (entries renumbered) */
	const struct threads_options *opt;
	struct threads_result *res;
	struct maple_tree *mt;
	unsigned long started, finished;      /* ops begun / ended by the writer (atomics) */
	int stop, ready;                      /* atomics */
	unsigned long last_pass;              /* 1 once the writer is done: the readers read the final tree (atomic) */
	unsigned wake, sleepers;              /* futex word bumped at each op begin and at stop; readers asleep on it (atomics) */
	unsigned nreaders;
	struct reader_thread readers[THREADS_MAX_READERS];
	unsigned long pool[THREADS_POOL_MAX];
	size_t npool;
	struct timespec t0;
	pthread_mutex_t fail_lock;
	bool spot_failed;                     /* a reader saw an impossible entry (atomic) */
	struct tread spot;                    /* that read */
	char spot_why[96];
	const struct tread *failed_read;      /* the read the judge failed (NULL: none, or no read) */
	/* A planted reader bug for the reducer's own tests (tests/reduce_threads_test.sh), off unless
	 * the environment says MAPLEFUZZ_PLANTED=reader-loads-next: then a reader's mtree_load reads
	 * the index after the one it logs, so a load next to a range boundary is judged wrong. */
	bool planted_load_next;
};

/* threads_reader.c: read until the run's stop flag is set (on a pool thread, registered with RCU) */
void reader_run(struct reader_thread *r);
unsigned long threads_op_of(const void *entry);   /* the op that stored a value entry, or ULONG_MAX */

/* threads_run.c: a reader done with epoch @version sleeps until the writer moves on; the writer
 * wakes the readers waiting when it starts an op or stops the run */
void threads_wait_next_op(struct threads_run *run, unsigned long version);
void threads_wake_readers(struct threads_run *run);

/* What the readers make their reads per: ops started, and one more for the final tree. */
static inline unsigned long threads_epoch(const struct threads_run *run)
{
	return __atomic_load_n(&run->started, __ATOMIC_SEQ_CST) + __atomic_load_n(&run->last_pass, __ATOMIC_SEQ_CST);
}

/* threads_pool.c: the threads the readers run on, kept from run to run */
void threads_pool_start(struct reader_thread *readers, unsigned n);
void threads_pool_wait(void);

/* threads_check.c: judge every logged read; false (and @f filled) at the first broken rule. */
bool threads_judge(struct threads_run *run, const struct history *h, const struct oracle *final,
		   struct exec_failure *f);
void threads_describe(const struct tread *t, char *buf, size_t len);

#endif
