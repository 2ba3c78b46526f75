/* exec.c - the executor's loop: set up both sides from the preamble, run each op on both, compare,
 * validate on schedule, and finish with a full comparison, a destroy and a leak check.
 * Never aborts: the caller decides what a failure means (fuzz targets abort, tools report). */
#include "exec_internal.h"

#include <string.h>
#include <time.h>
#include <urcu/urcu-memb.h>

/* Up to this many ranges the whole tree is validated after every write; above it, the nodes the
 * write could have touched after every write, and the whole tree every K ops: K = validate + 1, or
 * more on a big tree, so that whole validations cost about RANGES_PER_OP_VALIDATED ranges an op
 * (with validate=0 on a 256-range tree they were a fifth of fuzz_ops' time). */
#define SMALL_TREE_RANGES 16
#define RANGES_PER_OP_VALIDATED 32

static void register_reader_once(void)
{
	static bool registered;

	if (!registered) {
		urcu_memb_register_thread();
		registered = true;
	}
}

static unsigned int tree_flags(const struct ops_config *cfg, bool threads)
{
	return ((cfg->flags & OPS_CFG_ALLOC_RANGE) ? MT_FLAGS_ALLOC_RANGE : 0) |
	       ((cfg->flags & OPS_CFG_RCU) || threads ? MT_FLAGS_USE_RCU : 0) |
	       ((cfg->flags & OPS_CFG_LOCK_EXTERN) ? MT_FLAGS_LOCK_EXTERN : 0);
}

static void exec_init(struct exec *x, const struct ops_config *cfg, const struct exec_options *opt,
		      struct exec_result *res, bool with_maple)
{
	struct mt_alloc_stats st;

	memset(x, 0, sizeof(*x));
	memset(res, 0, sizeof(*res));
	register_reader_once();
	x->cfg = *cfg;
	x->opt = opt;
	x->res = res;
	x->with_maple = with_maple;
	x->tree_used = with_maple;
	mt_init_flags(&x->mt, tree_flags(cfg, opt->threads));
	/* each stream names its scan, so that fuzzers reach every walk this CPU can run */
	mt_set_slot_scan((enum mt_slot_scan)((cfg->flags & OPS_CFG_SCAN_MASK) >> OPS_CFG_SCAN_SHIFT));
	if (mt_external_lock(&x->mt)) {
		/* The caller's lock, held for the whole stream (a retry never drops it); debug builds
		 * check every write holds it. */
		pthread_mutex_init(&x->extern_lock, NULL);
		mt_set_external_lock(&x->mt, &x->extern_lock);
		pthread_mutex_lock(&x->extern_lock);
	}
	oracle_init(&x->oracle, (cfg->flags & OPS_CFG_ALLOC_RANGE) ? ORACLE_ALLOC_RANGE : 0);
	x->mas = (struct ma_state){ .tree = &x->mt, .status = ma_start, .max = ULONG_MAX };
	oracle_state_init(&x->os, &x->oracle, 0, 0);
	readers_init(x);
	if (opt->threads)
		threads_mode_init(x);
	faults_init(x);
	mt_alloc_stats(&st);
	x->live_at_start = st.live;
	mt_clear_faults();
	if (cfg->fault && with_maple)
		mt_set_fail_nth(cfg->fault);     /* the fault-th node allocation of the stream fails */
}

static bool whole_validation_due(struct exec *x, const struct op *op)
{
	unsigned long period = 1UL + x->cfg.validate_period;
	unsigned long by_size = x->oracle.nr_ranges / RANGES_PER_OP_VALIDATED;

	if (op->code == OP_CHECK)
		return true;
	if (!ops_table[op->code].writes)
		return false;
	if (by_size > period)
		period = by_size;
	return x->oracle.nr_ranges <= SMALL_TREE_RANGES || x->op_number % period == 0;
}

/* The indices whose nodes a write may change: its range (for erase, the range it empties) and one
 * index either side, where NULL neighbours merge. Taken before the op runs. */
static void write_span(struct exec *x, const struct op *op, unsigned long *first, unsigned long *last)
{
	const unsigned long *a = op->arg;

	switch (op->code) {
	case OP_ERASE: oracle_range(&x->oracle, a[0], first, last); break;
	case OP_MAS_ERASE: oracle_range(&x->oracle, x->os.index, first, last); break;
	case OP_MAS_STORE:
	case OP_MAS_STORE_GFP:
	case OP_MAS_STORE_PREALLOC:
		*first = x->os.index;
		*last = x->os.last >= x->os.index ? x->os.last : x->os.index;
		break;
	case OP_BULK:
	case OP_DESTROY: *first = 0; *last = ULONG_MAX; break;
	case OP_ALLOC_RANGE:
	case OP_ALLOC_RRANGE: *first = a[1]; *last = a[2]; break;  /* lands inside [min, max] */
	case OP_ALLOC_CYCLIC: *first = a[0]; *last = a[1]; break;
	default:
		*first = a[0];
		*last = ops_table[op->code].range ? a[1] : a[0];
		break;
	}
	if (*first)
		(*first)--;
	if (*last != ULONG_MAX)
		(*last)++;
}

/* The monotonic clock in seconds when the run is profiled, else 0 (no clock read at all). */
static double profile_clock(const struct exec *x)
{
	struct timespec ts;

	if (!x->opt->profile)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool validate_after(struct exec *x, const struct op *op, unsigned long first, unsigned long last)
{
	double t0 = profile_clock(x);
	bool ok = true;

	if (whole_validation_due(x, op))
		ok = check_validate(x, op);
	else if (ops_table[op->code].writes && op->code != OP_DESTROY)
		ok = check_validate_span(x, op, first, last);
	x->res->profile.validate += profile_clock(x) - t0;
	return ok;
}

/* A write through the normal API invalidates any state positioned in the tree. */
static void reset_states(struct exec *x)
{
	mas_reset(&x->mas);
	oracle_state_reset(&x->os);
	x->positioned = false;
}

static bool is_state_step(enum op_code code)
{
	switch (code) {
	case OP_MAS_WALK: case OP_MAS_FIND: case OP_MAS_NEXT: case OP_MAS_PREV:
	case OP_MAS_FIND_RANGE: case OP_MAS_FIND_REV: case OP_MAS_FIND_RANGE_REV:
	case OP_MAS_NEXT_RANGE: case OP_MAS_PREV_RANGE:
	case OP_MAS_EMPTY_AREA: case OP_MAS_EMPTY_AREA_REV: case OP_MAS_EMPTY_AREA_FIT:
	case OP_MAS_EMPTY_AREA_REV_FIT:
		return true;
	default:
		return false;
	}
}

/* v6.12 can reach overflow/underflow straight from start (the limit was already passed) without
 * ever pointing at a node; stepping on from there dereferences a NULL node, so a kernel caller
 * must not do it, and neither does the harness: it resets such a state first
 * (docs/semantics.md, "Unpositioned states"). */
static void guard_unpositioned(struct exec *x, const struct op *op)
{
	enum oracle_status st = x->os.status;

	if (!is_state_step(op->code) || x->positioned || (st != ORACLE_OVERFLOW && st != ORACLE_UNDERFLOW))
		return;
	if (x->opt->trace)
		fprintf(x->opt->trace, "     (state reset first: overflow/underflow without a position)\n");
	mas_reset(&x->mas);
	oracle_state_reset(&x->os);
}

static void track_position(struct exec *x, const struct op *op)
{
	enum oracle_status st = x->os.status;

	if (is_state_step(op->code))
		x->positioned = st == ORACLE_ACTIVE ||
				(x->positioned && (st == ORACLE_OVERFLOW || st == ORACLE_UNDERFLOW));
	else if (ops_table[op->code].keeps_state)
		x->positioned = st == ORACLE_ACTIVE;
	else if (op->code == OP_MAS_SET_RANGE || op->code == OP_MAS_RESET || op->code == OP_MAS_PAUSE ||
		 op->code == OP_MAS_SET_RANGE_KEEP)
		x->positioned = false;
}

/* Caller errors the harness never commits: mas_store performs no entry check, and the kernel
 * reserves advanced entries (retry, internal values up to 1026) for itself; bulk mode is only for
 * an empty tree. */
static const char *skipped(struct exec *x, const struct op *op)
{
	void *e = ops_entry_ptr(op->entry);

	if ((op->code == OP_MAS_STORE || op->code == OP_MAS_STORE_GFP || op->code == OP_MAS_STORE_PREALLOC) &&
	    xa_is_advanced(e))
		return "an advanced entry through mas_store is a caller error";
	if (x->opt->threads && readers_is_op(op->code))
		return "simulated readers and RCU mode switches are not part of a reader-thread run";
	if (op->code == OP_BULK && oracle_mode(&x->oracle) != ORACLE_EMPTY)
		return "bulk mode needs an empty tree";
	if (op->code == OP_BULK && ((x->cfg.fault && !x->fault_spent) || x->faults_armed || x->writer_armed))
		return "bulk under a pending injected failure is not modelled";
	return NULL;
}

static bool failed_as_documented(const struct op *op, const struct observation *m)
{
	switch (op->code) {
	case OP_MAS_STORE: return !m->entry && m->status == ma_error;
	case OP_MAS_ERASE: return m->status == ma_error;
	case OP_ERASE: return m->status == ma_error;   /* the range still held: see exec_ops.c */
	default: return m->ret == -ENOMEM;
	}
}

/* Every write but mas_store (GFP_NOWAIT, no retry) and dup retries after a failed allocation, as
 * the kernel's mas_nomem loop does, so an injected failure can be absorbed: then the op simply
 * succeeded and the oracle runs it. */
static bool recovered(const struct op *op, const struct observation *m)
{
	if (op->code == OP_MAS_STORE || op->code == OP_DUP || op->code == OP_MAS_STORE_PREALLOC)
		return false;      /* no retry: a failure stands */
	return !failed_as_documented(op, m);
}

/* The injected allocation failure hit this op: it must report -ENOMEM as docs/semantics.md says
 * and leave the tree exactly as it was, so the oracle does not run it and the trees must still
 * agree. The stream's state goes to error on both sides when the op wrote through it. */
static bool check_failed_write(struct exec *x, const struct op *op, const struct observation *m,
			       unsigned long first, unsigned long last)
{
	x->fault_spent = true;
	if (x->opt->trace)
		fprintf(x->opt->trace, "     (injected allocation failure)\n");
	if (!failed_as_documented(op, m))
		return check_fail(x, op, "enomem", "-ENOMEM", "success");
	if (ops_table[op->code].keeps_state) {
		if (op->code == OP_MAS_ERASE)    /* it walked to the range before it failed */
			oracle_range(&x->oracle, x->os.index, &x->os.index, &x->os.last);
		x->os.status = ORACLE_ERROR;
		x->os.error = -ENOMEM;
		x->positioned = false;
	} else if (ops_table[op->code].writes) {
		reset_states(x);
	}
	if (op->code == OP_DUP && !mtree_empty(&x->copy))
		return check_fail(x, op, "enomem", "empty copy", "nodes left in the copy");
	return check_mode(x, op) && check_validate_span(x, op, first, last) &&
	       check_contents(x, op, &x->mt);
}

static bool run_op(struct exec *x, const struct op *op)
{
	struct observation m, o;
	unsigned long span_first, span_last, failures;
	const char *why = skipped(x, op);

	if (x->opt->trace) {
		char text[256];

		ops_format(op, text, sizeof(text));
		fprintf(x->opt->trace, "op %lu: %s\n", x->op_number, text);
	}
	if (why) {
		if (x->opt->trace)
			fprintf(x->opt->trace, "     (skipped: %s)\n", why);
		if (x->expect_fn)
			x->expect_fn(x->expect_ctx, x->expect_i, op, &(struct exec_expected){ .skipped = true });
		return true;
	}
	if (readers_is_op(op->code))
		return readers_run(x, op);
	if (faults_is_op(op->code))
		return faults_run(x, op);
	guard_unpositioned(x, op);
	write_span(x, op, &span_first, &span_last);
	if (ops_table[op->code].writes || x->writer_armed)
		readers_before_write(x, x->writer_armed ? 0 : span_first, x->writer_armed ? ULONG_MAX : span_last);
	failures = mt_alloc_failures();
	if (x->with_maple) {
		double t0 = profile_clock(x);

		exec_run_maple(x, op, &m);
		x->res->profile.maple += profile_clock(x) - t0;
	}
	if (x->writer_fired) {
		span_first = 0;              /* the writer may have changed anything: validate it all */
		span_last = ULONG_MAX;
		if (!faults_writer_done(x, op))
			return false;
	}
	if (x->with_maple && mt_alloc_failures() != failures && !recovered(op, &m)) {
		readers_after_write(x);
		return check_failed_write(x, op, &m, span_first, span_last);
	}
	{
		double t0 = profile_clock(x);

		exec_run_oracle(x, op, &o);
		x->res->profile.oracle += profile_clock(x) - t0;
	}
	readers_after_write(x);
	if (x->expect_fn)
		x->expect_fn(x->expect_ctx, x->expect_i, op,
			     &(struct exec_expected){ false, o.ret, o.entry, o.index, o.last, o.status, &x->oracle });
	track_position(x, op);
	if (!x->with_maple)
		return true;
	if (!check_observations(x, op, &m, &o))
		return false;
	if (x->opt->trace)
		trace_result(x->opt->trace, op, &m);
	if (ops_table[op->code].writes) {
		if (!ops_table[op->code].keeps_state)
			reset_states(x);
		if (!check_mode(x, op))
			return false;
	}
	if (op->code == OP_DUP && !check_dup(x, op))
		return false;
	if (!validate_after(x, op, span_first, span_last))
		return false;
	if (op->code == OP_CHECK && !check_contents(x, op, &x->mt))
		return false;
	return true;
}

/* One op, checked; with --profile its time goes to its kind. */
static bool exec_op(struct exec *x, const struct op *op)
{
	double t0 = profile_clock(x);
	bool ok = run_op(x, op);

	if (x->opt->profile) {
		x->res->profile.op_time[op->code] += profile_clock(x) - t0;
		x->res->profile.op_count[op->code]++;
	}
	return ok;
}

static int exec_finish(struct exec *x)
{
	bool ok = !x->res->failure.failed;
	const struct exec_thread_hooks *th = x->opt->threads;
	struct exec_failure reader_failure = { 0 };

	if (th && !th->stop(th->ctx, &x->hist, &x->oracle, &reader_failure) && ok) {
		x->res->failure = reader_failure;
		x->res->failure.failed = true;
		ok = false;
	}
	faults_finish(x);
	readers_finish(x);
	if (x->with_maple && ok) {
		double t0 = profile_clock(x);

		ok = check_validate(x, NULL) && check_contents(x, NULL, &x->mt);
		x->res->profile.validate += profile_clock(x) - t0;
	}
	if (x->with_maple && ok && x->opt->final_dump)
		mt_dump_to(x->opt->final_dump, &x->mt, mt_dump_dec);
	if (x->with_maple && ok && x->opt->dot)
		mt_dump_dot(x->opt->dot, &x->mt, 0);
	/* A tree that failed validation may be unsafe to walk: leave it (and its nodes) alone. */
	if (x->tree_used && (ok || strcmp(x->res->failure.check, "validate"))) {
		mtree_destroy(&x->mt);
		if (th)
			th->drain(th->ctx);      /* the destroyed nodes' grace periods end */
		if (ok)
			ok = check_leaks(x, NULL);
	}
	oracle_destroy(&x->oracle);
	if (mt_external_lock(&x->mt)) {
		pthread_mutex_unlock(&x->extern_lock);
		pthread_mutex_destroy(&x->extern_lock);
	}
	return ok ? 0 : 1;
}

static bool nth_range(void *ctx, unsigned long n, unsigned long *first, unsigned long *last)
{
	struct exec *x = ctx;

	return x->oracle.nr_ranges && oracle_nth_range(&x->oracle, n % x->oracle.nr_ranges, first, last);
}

static int run_bytes(const uint8_t *data, size_t size, const struct exec_options *opt,
		     struct exec_result *res, struct ops_list *decoded, bool decode_with_tree)
{
	struct exec x;
	struct ops_reader r;
	struct ops_config cfg;
	struct ops_env env = { 0 };
	struct op op;
	double t0;
	int rc;

	ops_reader_init(&r, data, size, &cfg);
	/* Decoding needs the tree only to know which op an injected allocation failure hit (the
	 * oracle skips that op) and when a nomem_writer ran, so without faults it stays oracle-only
	 * and cannot crash. */
	exec_init(&x, &cfg, opt, res, decoded == NULL || cfg.fault != 0 || decode_with_tree);
	t0 = profile_clock(&x);
	if (decoded)
		decoded->cfg = cfg;
	env.ctx = &x;
	env.nth_range = nth_range;
	while (ops_reader_more(&r) && x.op_number < OPS_MAX_OPS) {
		env.op_number = x.op_number;
		ops_decode(&r, &env, &op);
		if (decoded)
			ops_list_push(decoded, &op, 0);
		if (!exec_op(&x, &op)) {
			if (!decoded)
				break;
			x.with_maple = false;   /* decoding goes on, oracle-only, past a divergence */
		}
		x.op_number++;
	}
	res->ops_run = x.op_number;
	rc = exec_finish(&x);
	res->profile.total = profile_clock(&x) - t0;
	return rc;
}

int exec_bytes(const uint8_t *data, size_t size, const struct exec_options *opt, struct exec_result *res)
{
	return run_bytes(data, size, opt, res, NULL, true);
}

static bool has_fault_ops(const struct ops_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		if (faults_is_op(list->ops[i].code))
			return true;
	return false;
}

void exec_decode_to_list(const uint8_t *data, size_t size, struct ops_list *list)
{
	static const struct exec_options quiet;
	struct exec_result res;

	memset(list, 0, sizeof(*list));
	run_bytes(data, size, &quiet, &res, list, false);
	if (!has_fault_ops(list))
		return;
	ops_list_free(list);             /* faults inside the stream: decode again beside the tree */
	memset(list, 0, sizeof(*list));
	run_bytes(data, size, &quiet, &res, list, true);
}

void exec_expect(const struct ops_list *list, exec_expect_fn fn, void *ctx)
{
	static const struct exec_options quiet;
	struct exec_result res;
	struct exec x;

	exec_init(&x, &list->cfg, &quiet, &res, false);
	x.expect_fn = fn;
	x.expect_ctx = ctx;
	for (size_t i = 0; i < list->count; i++) {
		x.expect_i = i;
		exec_op(&x, &list->ops[i]);
		x.op_number++;
	}
	exec_finish(&x);
}

int exec_list(const struct ops_list *list, const struct exec_options *opt, struct exec_result *res)
{
	struct exec x;
	const struct exec_thread_hooks *th = opt->threads;
	double t0;
	int rc;

	exec_init(&x, &list->cfg, opt, res, true);
	t0 = profile_clock(&x);
	if (th)
		th->start(th->ctx, &x.mt);
	for (size_t i = 0; i < list->count; i++) {
		bool ok;

		x.line = list->lines[i];
		if (th && !th->op_begin(th->ctx, i))
			break;
		ok = exec_op(&x, &list->ops[i]);
		if (th)
			th->op_end(th->ctx, i);
		if (!ok)
			break;
		x.op_number++;
	}
	res->ops_run = x.op_number;
	rc = exec_finish(&x);
	res->profile.total = profile_clock(&x) - t0;
	return rc;
}
