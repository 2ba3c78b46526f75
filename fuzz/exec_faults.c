/* exec_faults.c - allocation faults from inside the stream: fail_nth, non_kernel, clear_faults, and
 * nomem_writer, another writer that runs at the next retry point of a write that ran out of nodes
 * (the kernel's check_nomem_writer_race idea: the internal lock is dropped there, so the tree may
 * change under the retrying write). The oracle applies that writer's store before the op it
 * interrupted. Changes the tree only through that writer. */
#include "exec_internal.h"

bool faults_is_op(enum op_code code)
{
	return code >= OP_FAIL_NTH && code <= OP_NOMEM_WRITER;
}

/* mt_set_nomem_hook: the armed writer stores, once, while the interrupted write's lock is dropped. */
static void writer_hook(struct maple_tree *mt, void *arg)
{
	struct exec *x = arg;

	if (!x->writer_armed || mt != &x->mt)
		return;
	x->writer_armed = false;
	x->writer_fired = true;
	if (x->opt->trace)
		fprintf(x->opt->trace, "     (nomem_writer runs at the retry point)\n");
	x->writer_ret = mtree_store_range(mt, x->writer.arg[0], x->writer.arg[1], ops_entry_ptr(x->writer.entry),
					  GFP_KERNEL);
}

void faults_init(struct exec *x)
{
	mt_set_nomem_hook(writer_hook, x);
}

void faults_finish(struct exec *x)
{
	(void)x;
	mt_set_nomem_hook(NULL, NULL);
	mt_clear_faults();
}

/**
 * faults_run() - one fault op (faults_is_op). Decoding without the tree only notes them.
 */
bool faults_run(struct exec *x, const struct op *op)
{
	switch (op->code) {
	case OP_FAIL_NTH:
		if (x->with_maple)
			mt_set_fail_nth(op->arg[0]);
		x->faults_armed = true;
		break;
	case OP_NON_KERNEL:
		if (x->with_maple)
			mt_set_non_kernel(op->arg[0]);
		x->faults_armed = true;
		break;
	case OP_CLEAR_FAULTS:
		if (x->with_maple)
			mt_clear_faults();
		x->faults_armed = false;
		break;
	default:
		x->writer = *op;
		x->writer_armed = x->with_maple;
		break;
	}
	return true;
}

/**
 * faults_writer_done() - after the maple side of an op: if the writer ran during it, the oracle
 * runs the same store first (unless the writer itself ran out of memory) and the results must agree.
 * A mas_erase retried there walks again from its index alone (index = last = the index it was
 * called with), which shows where the walk sets neither: in a tree the writer emptied or left a
 * root entry in.
 */
bool faults_writer_done(struct exec *x, const struct op *op)
{
	char a[16], b[16];
	int want;

	if (!x->writer_fired)
		return true;
	x->writer_fired = false;
	if (op->code == OP_MAS_ERASE)
		oracle_state_set_range_keep(&x->os, x->os.index, x->os.index);
	if (x->writer_ret == -ENOMEM)
		return true;
	want = oracle_store_range(&x->oracle, x->writer.arg[0], x->writer.arg[1], ops_entry_ptr(x->writer.entry));
	if (want == x->writer_ret)
		return true;
	snprintf(a, sizeof(a), "%d", want);
	snprintf(b, sizeof(b), "%d", x->writer_ret);
	return check_fail(x, op, "writer-ret", a, b);
}
