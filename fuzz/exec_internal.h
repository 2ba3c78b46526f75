/* exec_internal.h - the executor's private state, shared by exec.c, exec_ops.c and exec_check.c.
 * Only the harness includes this; maple/ and oracle/ know nothing of it. */
#ifndef FUZZ_EXEC_INTERNAL_H
#define FUZZ_EXEC_INTERNAL_H

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

#include "exec.h"
#include "exec_history.h"

#define OBS_MAX_STEPS 64   /* for_each compares at most this many steps */

/* What one side observed while running one op; fields an op does not set stay zero. */
struct observation {
	int ret;
	void *entry;
	unsigned long index, last;
	int status;
	unsigned steps;
	void *step_entry[OBS_MAX_STEPS];
	unsigned long step_index[OBS_MAX_STEPS];
};

/* A simulated RCU reader (exec_readers.c): a maple state inside rcu_read_lock, stepped between
 * writer ops. While nothing was written since it began it is compared exactly with its oracle
 * state; afterwards by the looser rules of docs/semantics.md "Simulated readers". */
struct sim_reader {
	bool active;
	bool locked;               /* holds rcu_read_lock */
	bool positioned;           /* as exec.positioned, for this state */
	bool moved;                /* its last step left it active (a range to move on from) */
	unsigned long begin_seq;   /* exec.write_seq when it began */
	unsigned long begin_tick;  /* the grace-period clock when it began */
	unsigned long step_seq;    /* exec.write_seq at its last step */
	unsigned long prev_index, prev_last;   /* the range its last step reported */
	struct ma_state mas;
	struct oracle_state os;
};

struct exec {
	struct maple_tree mt;
	struct maple_tree copy;         /* the dup op's destination */
	pthread_mutex_t extern_lock;    /* the writers' lock of an MT_FLAGS_LOCK_EXTERN stream */
	unsigned long next_maple, next_oracle;   /* alloc_cyclic's *next, one per side */
	struct oracle oracle;
	struct ma_state mas;
	struct oracle_state os;
	struct ops_config cfg;
	const struct exec_options *opt;
	struct exec_result *res;
	unsigned long op_number;
	unsigned line;
	unsigned long live_at_start;
	bool with_maple;        /* false: oracle only (decoding) */
	bool tree_used;         /* the tree ran (at first): destroyed at the end even after a divergence */
	bool positioned;        /* the kernel's state would point at a node (see exec.c) */
	bool fault_spent;       /* the stream's injected allocation failure has happened */
	bool faults_armed;              /* a fault op set fail_nth or a budget (until clear_faults) */
	bool writer_armed, writer_fired;    /* nomem_writer: waiting for a retry point / ran in this op */
	int writer_ret;
	struct op writer;
	exec_expect_fn expect_fn;       /* exec_expect: told the oracle's answer to every op */
	void *expect_ctx;
	size_t expect_i;
	struct sim_reader readers[OPS_READERS];
	unsigned long write_seq;        /* writes run so far */
	bool write_logged;              /* the history holds a "before" for the write running now */
	bool log_every_write;           /* reader threads: the history keeps the whole run */
	struct history hist;            /* the writes since the oldest active reader began */
};

/* exec_readers.c: simulated readers, RCU mode switches and the grace-period queue */
bool readers_is_op(enum op_code code);
bool readers_run(struct exec *x, const struct op *op);
void readers_init(struct exec *x);
void readers_before_write(struct exec *x, unsigned long first, unsigned long last);
void readers_after_write(struct exec *x);
void readers_finish(struct exec *x);
void threads_mode_init(struct exec *x);

/* exec_faults.c: fault ops and the writer at the retry point */
bool faults_is_op(enum op_code code);
bool faults_run(struct exec *x, const struct op *op);
void faults_init(struct exec *x);
void faults_finish(struct exec *x);
bool faults_writer_done(struct exec *x, const struct op *op);

void exec_run_maple(struct exec *x, const struct op *op, struct observation *ob);
void exec_run_oracle(struct exec *x, const struct op *op, struct observation *ob);

bool check_observations(struct exec *x, const struct op *op, const struct observation *m,
			const struct observation *o);
bool check_mode(struct exec *x, const struct op *op);
bool check_validate(struct exec *x, const struct op *op);
bool check_validate_span(struct exec *x, const struct op *op, unsigned long first, unsigned long last);
bool check_contents(struct exec *x, const struct op *op, struct maple_tree *mt);
bool check_dup(struct exec *x, const struct op *op);
bool check_leaks(struct exec *x, const struct op *op);
void trace_result(FILE *out, const struct op *op, const struct observation *ob);
bool check_fail(struct exec *x, const struct op *op, const char *check, const char *expected,
		const char *got);

#endif
