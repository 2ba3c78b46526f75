/* threads_pool.c - the reader threads, kept from run to run. Starting and joining up to four
 * threads for every input was most of a reader-thread run's cost under ASan (stack maps and unmaps,
 * the TLB shoot-downs they cause, the wait for new threads to be scheduled); a pool thread sleeps on
 * a condition variable between runs and registers with RCU once. Threads are started lazily, so a
 * process forked before its first run (AFL++'s fork server) starts its own. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "threads_internal.h"

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;    /* work was handed out */
static pthread_cond_t pool_idle = PTHREAD_COND_INITIALIZER;    /* the last busy reader finished */
static struct reader_thread *pool_work[THREADS_MAX_READERS];   /* thread i's reader this run, or NULL */
static unsigned pool_threads;     /* threads started in this process */
static unsigned pool_busy;        /* readers of this run still reading */
static pid_t pool_pid;            /* the process the threads above belong to */

static void *pool_thread_main(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	urcu_memb_register_thread();
	pthread_mutex_lock(&pool_lock);
	for (;;) {
		struct reader_thread *r;

		while (!(r = pool_work[i]))
			pthread_cond_wait(&pool_wake, &pool_lock);
		pthread_mutex_unlock(&pool_lock);
		reader_run(r);
		pthread_mutex_lock(&pool_lock);
		pool_work[i] = NULL;
		if (--pool_busy == 0)
			pthread_cond_signal(&pool_idle);
	}
	return NULL;
}

/* A child forked from a process with a pool has none of its threads: start afresh. */
static void pool_adopt_process(void)
{
	if (pool_pid == getpid())
		return;
	pthread_mutex_init(&pool_lock, NULL);
	pthread_cond_init(&pool_wake, NULL);
	pthread_cond_init(&pool_idle, NULL);
	for (unsigned i = 0; i < THREADS_MAX_READERS; i++)
		pool_work[i] = NULL;
	pool_threads = 0;
	pool_busy = 0;
	pool_pid = getpid();
}

/** threads_pool_start() - readers[0..n) start reading (n <= THREADS_MAX_READERS), each on a pool
 * thread, until their run's stop flag is set; threads_pool_wait() waits for them. */
void threads_pool_start(struct reader_thread *readers, unsigned n)
{
	pool_adopt_process();
	pthread_mutex_lock(&pool_lock);
	while (pool_threads < n) {
		pthread_t tid;

		if (pthread_create(&tid, NULL, pool_thread_main, (void *)(uintptr_t)pool_threads) ||
		    pthread_detach(tid))
			abort();
		pool_threads++;
	}
	for (unsigned i = 0; i < n; i++)
		pool_work[i] = &readers[i];
	pool_busy = n;
	pthread_cond_broadcast(&pool_wake);
	pthread_mutex_unlock(&pool_lock);
}

/** threads_pool_wait() - until every reader threads_pool_start() handed out has returned; what they
 * wrote is visible to the caller after it. */
void threads_pool_wait(void)
{
	pthread_mutex_lock(&pool_lock);
	while (pool_busy)
		pthread_cond_wait(&pool_idle, &pool_lock);
	pthread_mutex_unlock(&pool_lock);
}
