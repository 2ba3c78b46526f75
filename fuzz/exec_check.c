/* exec_check.c - the executor's checks: results of one op, the tree's mode, its invariants, its
 * full contents and its node balance. Each failed check records the signature and reports once. */
#include "exec_internal.h"

#include <string.h>

static const char *const status_names[] = {
	"active", "start", "root", "none", "pause", "overflow", "underflow", "error",
};

static const char *status_name(int s)
{
	return s >= 0 && s < 8 ? status_names[s] : "?";
}

static void report_failure(struct exec *x, const struct exec_failure *f)
{
	FILE *out = x->opt->report;

	if (!out)
		return;
	exec_print_signature(out, f);
	if (f->line)
		fprintf(out, "  at input line %u: %s\n", f->line, f->op_text);
	else
		fprintf(out, "  op %lu: %s\n", f->op_number, f->op_text);
	fprintf(out, "  tree after the op:\n");
	mt_dump_to(out, &x->mt, mt_dump_hex);
	fflush(out);
}

/* The index a failing op is about, for the picture's red path. */
static unsigned long failing_index(const struct exec *x, const struct op *op)
{
	if (!op)
		return 0;
	if (op->code >= OP_READER_BEGIN && op->code <= OP_READER_END)
		return x->readers[op->arg[0] % OPS_READERS].mas.index;
	if (op->code >= OP_MAS_SET_RANGE && op->code <= OP_MAS_EMPTY_AREA_REV_FIT && ops_table[op->code].nargs < 2)
		return x->os.index;    /* a step of the stream's state: where the state stood */
	return op->arg[0];
}

bool check_fail(struct exec *x, const struct op *op, const char *check, const char *expected,
		const char *got)
{
	struct exec_failure *f = &x->res->failure;

	if (f->failed)
		return false;
	f->failed = true;
	f->op_number = x->op_number;
	f->line = x->line;
	snprintf(f->kind, sizeof(f->kind), "%s", op ? ops_table[op->code].name : "end");
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->expected, sizeof(f->expected), "%s", expected);
	snprintf(f->got, sizeof(f->got), "%s", got);
	if (op)
		ops_format(op, f->op_text, sizeof(f->op_text));
	else
		snprintf(f->op_text, sizeof(f->op_text), "(end of stream)");
	report_failure(x, f);
	if (x->opt->dot && strcmp(check, "validate"))
		mt_dump_dot(x->opt->dot, &x->mt, failing_index(x, op));
	return false;
}

void exec_print_signature(FILE *out, const struct exec_failure *f)
{
	fprintf(out, "maplefuzz: FAIL op=%lu kind=%s check=%s expected=%s got=%s\n", f->op_number, f->kind,
		f->check, f->expected, f->got);
}

static bool differ_ptr(struct exec *x, const struct op *op, const char *check, void *want, void *got)
{
	char a[48], b[48];

	if (want == got)
		return false;
	check_fail(x, op, check, ops_format_ptr(want, a, sizeof(a)), ops_format_ptr(got, b, sizeof(b)));
	return true;
}

static bool differ_ulong(struct exec *x, const struct op *op, const char *check, unsigned long want,
			 unsigned long got)
{
	char a[32], b[32];

	if (want == got)
		return false;
	snprintf(a, sizeof(a), "%lu", want);
	snprintf(b, sizeof(b), "%lu", got);
	check_fail(x, op, check, a, b);
	return true;
}

static bool differ_int(struct exec *x, const struct op *op, const char *check, int want, int got)
{
	char a[32], b[32];

	if (want == got)
		return false;
	snprintf(a, sizeof(a), "%d", want);
	snprintf(b, sizeof(b), "%d", got);
	check_fail(x, op, check, a, b);
	return true;
}

static bool differ_steps(struct exec *x, const struct op *op, const struct observation *m,
			 const struct observation *o)
{
	char check[32];

	for (unsigned i = 0; i < m->steps && i < o->steps; i++) {
		if (o->step_entry[i] != m->step_entry[i]) {
			snprintf(check, sizeof(check), "step%u-entry", i);
			return differ_ptr(x, op, check, o->step_entry[i], m->step_entry[i]);
		}
		if (o->step_index[i] != m->step_index[i]) {
			snprintf(check, sizeof(check), "step%u-index", i);
			return differ_ulong(x, op, check, o->step_index[i], m->step_index[i]);
		}
	}
	return differ_ulong(x, op, "steps", o->steps, m->steps);
}

bool check_observations(struct exec *x, const struct op *op, const struct observation *m,
			const struct observation *o)
{
	if (differ_int(x, op, "ret", o->ret, m->ret) || differ_ptr(x, op, "entry", o->entry, m->entry) ||
	    differ_ulong(x, op, "index", o->index, m->index) ||
	    differ_ulong(x, op, "last", o->last, m->last) || differ_steps(x, op, m, o))
		return false;
	if (o->status != m->status)
		return check_fail(x, op, "status", status_name(o->status), status_name(m->status));
	return true;
}

static enum oracle_mode maple_mode(const struct maple_tree *mt)
{
	unsigned long root = (unsigned long)mt->ma_root;

	if (!root)
		return ORACLE_EMPTY;
	return ((root & 3) == 2 && root > 4096) ? ORACLE_NODE : ORACLE_ROOT_ENTRY;
}

bool check_mode(struct exec *x, const struct op *op)
{
	static const char *const names[] = { "empty", "root-entry", "node" };
	enum oracle_mode want = oracle_mode(&x->oracle), got = maple_mode(&x->mt);

	if (want == got)
		return true;
	return check_fail(x, op, "mode", names[want], names[got]);
}

static bool validate_verdict(struct exec *x, const struct op *op, const char *broken, const char *where)
{
	char got[160];

	if (!broken)
		return true;
	snprintf(got, sizeof(got), "%s@%s", broken, where[0] ? where : "tree");
	return check_fail(x, op, "validate", "ok", got);
}

bool check_validate(struct exec *x, const struct op *op)
{
	char where[128] = "";
	const char *broken = mt_validate_report(&x->mt, where, sizeof(where));

	return validate_verdict(x, op, broken, where);
}

bool check_validate_span(struct exec *x, const struct op *op, unsigned long first, unsigned long last)
{
	char where[128] = "";
	const char *broken = mt_validate_span(&x->mt, first, last, where, sizeof(where));

	return validate_verdict(x, op, broken, where);
}

static void format_range(char *buf, size_t len, unsigned long first, unsigned long last, void *e)
{
	char v[48];

	snprintf(buf, len, "[%lu,%lu]=%s", first, last, ops_format_ptr(e, v, sizeof(v)));
}

static bool contents_differ(struct exec *x, const struct op *op, bool want_ok, unsigned long wf,
			    unsigned long wl, void *want, bool got_ok, const struct ma_state *mas, void *got)
{
	char a[128] = "end", b[128] = "end";

	if (want_ok)
		format_range(a, sizeof(a), wf, wl, want);
	if (got_ok)
		format_range(b, sizeof(b), mas->index, mas->last, got);
	return !check_fail(x, op, "contents", a, b);
}

/* Compares the non-NULL ranges of both sides in order, which fixes the NULL ranges too (they are
 * the maximal gaps between them). One pass with mas_find on the tree and one Judy step per range
 * on the oracle: O(n). */
bool check_contents(struct exec *x, const struct op *op, struct maple_tree *mt)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long n = 0, count = x->oracle.nr_ranges, first = 0, last = 0, from = 0;
	bool more = true;             /* the oracle may hold a range at or after `from` */
	void *got, *want = NULL;

	while (n <= count && (got = mas_find(&mas, ULONG_MAX)) != NULL) {
		bool want_ok = more && oracle_range_from(&x->oracle, from, &first, &last, &want);

		more = want_ok && last != ULONG_MAX;
		from = last + 1;
		if (!want_ok)
			want = NULL;
		if ((!want_ok || want != got || mas.index != first || mas.last != last) &&
		    contents_differ(x, op, want_ok, first, last, want, true, &mas, got))
			return false;
		n++;
	}
	if (n < count && more && oracle_range_from(&x->oracle, from, &first, &last, &want) &&
	    contents_differ(x, op, true, first, last, want, false, &mas, NULL))
		return false;
	return true;
}

/* The dup op: the copy must have the source's exact shape, pass validation, and hold the oracle's
 * contents; it is destroyed afterwards either way. */
bool check_dup(struct exec *x, const struct op *op)
{
	char where[128] = "", got[160];
	const char *broken;
	bool ok = true;

	if (!mt_same_shape(&x->mt, &x->copy)) {
		ok = check_fail(x, op, "dup-shape", "same", "different");
	} else if ((broken = mt_validate_report(&x->copy, where, sizeof(where))) != NULL) {
		snprintf(got, sizeof(got), "%s@copy:%s", broken, where[0] ? where : "tree");
		ok = check_fail(x, op, "validate", "ok", got);
	} else {
		ok = check_contents(x, op, &x->copy);
	}
	if (ok || strcmp(x->res->failure.check, "validate"))
		mtree_destroy(&x->copy);
	return ok;
}

bool check_leaks(struct exec *x, const struct op *op)
{
	struct mt_alloc_stats st;

	mt_alloc_stats(&st);
	return !differ_ulong(x, op, "leak", x->live_at_start, st.live);
}

/* One line for the trace: what the op returned (both sides agreed on it). */
void trace_result(FILE *out, const struct op *op, const struct observation *ob)
{
	char e[48], i[24], l[24];

	ops_format_ptr(ob->entry, e, sizeof(e));
	ops_format_index(ob->index, i, sizeof(i));
	ops_format_index(ob->last, l, sizeof(l));
	switch (op->code) {
	case OP_STORE_RANGE: case OP_STORE: case OP_INSERT_RANGE: case OP_INSERT: case OP_DUP: case OP_BULK:
		fprintf(out, "     -> %d\n", ob->ret);
		break;
	case OP_ALLOC_RANGE: case OP_ALLOC_RRANGE:
		fprintf(out, "     -> %d, start %s\n", ob->ret, i);
		break;
	case OP_ALLOC_CYCLIC:
		fprintf(out, "     -> %d, start %s, next %s\n", ob->ret, i, l);
		break;
	case OP_MAS_EMPTY_AREA: case OP_MAS_EMPTY_AREA_REV: case OP_MAS_EMPTY_AREA_FIT:
	case OP_MAS_EMPTY_AREA_REV_FIT: case OP_MAS_STORE_GFP: case OP_MAS_STORE_PREALLOC:
		fprintf(out, "     -> %d [%s, %s] %s\n", ob->ret, i, l, status_name(ob->status));
		break;
	case OP_ERASE: case OP_LOAD: case OP_NEXT: case OP_PREV:
		fprintf(out, "     -> %s\n", e);
		break;
	case OP_FIND: case OP_FIND_AFTER:
		fprintf(out, "     -> %s, index %s\n", e, i);
		break;
	case OP_FOR_EACH:
		fprintf(out, "     -> %u entries\n", ob->steps);
		break;
	case OP_MAS_WALK: case OP_MAS_FIND: case OP_MAS_NEXT: case OP_MAS_PREV: case OP_MAS_FIND_RANGE:
	case OP_MAS_FIND_REV: case OP_MAS_FIND_RANGE_REV: case OP_MAS_NEXT_RANGE: case OP_MAS_PREV_RANGE:
	case OP_MAS_STORE: case OP_MAS_ERASE:
		fprintf(out, "     -> %s [%s, %s] %s\n", e, i, l, status_name(ob->status));
		break;
	default:
		break;
	}
}
