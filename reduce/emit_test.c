/* emit_test.c - maple-reduce --emit-test: a reduced stream as a cmocka unit test that calls the
 * public maple tree API op by op and asserts, after each, what the oracle answered (the expected
 * results come from exec_expect, so the test fails until the bug is fixed). Streams with readers or
 * injected faults are not expressible this way and are refused. */
#include "reduce.h"

#include <stdio.h>
#include <string.h>

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

#include "exec.h"

struct emitter {
	FILE *out;
	bool ok;
	const char *unsupported;
};

/* The C expression of an entry pointer as the harness makes them (ops_entry_ptr). */
static const char *c_ptr(const void *p, char *buf, size_t len)
{
	char t[48];

	ops_format_ptr(p, t, sizeof(t));
	if (!strcmp(t, "null"))
		snprintf(buf, len, "NULL");
	else if (!strcmp(t, "zero"))
		snprintf(buf, len, "XA_ZERO_ENTRY");
	else if (t[0] == 'v')
		snprintf(buf, len, "xa_mk_value(%sUL)", t + 1);
	else if (t[0] == 'p')
		snprintf(buf, len, "(void *)(0x100000UL + 16UL * %s)", t + 1);
	else if (t[0] == 'i')
		snprintf(buf, len, "xa_mk_internal(%sUL)", t + 1);
	else
		snprintf(buf, len, "(void *)%sUL", t);
	return buf;
}

/* The expected contents after a check: every range, in order, from mas_find_range over the tree. */
static void emit_contents(struct emitter *m, const struct oracle *o)
{
	unsigned long i = 0, first, last;
	char e[80];

	fprintf(m->out, "\t{\n\t\tMA_STATE(all, &mt, 0, 0);\n\n");
	for (;;) {
		void *entry = oracle_range(o, i, &first, &last);

		if (entry) {
			fprintf(m->out, "\t\tmas_set(&all, %luUL);\n\t\tassert_ptr_equal(mas_walk(&all), %s);\n", first,
				c_ptr(entry, e, sizeof(e)));
			fprintf(m->out, "\t\tassert_int_equal(all.index, %luUL);\n\t\tassert_int_equal(all.last, %luUL);\n",
				first, last);
		} else {
			fprintf(m->out, "\t\tassert_null(mtree_load(&mt, %luUL));\n", first);
		}
		if (last == ULONG_MAX)
			break;
		i = last + 1;
	}
	fprintf(m->out, "\t}\n");
}

static void emit_state(struct emitter *m, const char *call, const struct exec_expected *e)
{
	char p[80];

	fprintf(m->out, "\tassert_ptr_equal(%s, %s);\n", call, c_ptr(e->entry, p, sizeof(p)));
	fprintf(m->out, "\tassert_int_equal(mas.index, %luUL);\n\tassert_int_equal(mas.last, %luUL);\n", e->index,
		e->last);
	fprintf(m->out, "\tassert_int_equal(mas.status, %d);\n", e->status);
}

static void emit_locked_state(struct emitter *m, const char *call, const struct exec_expected *e)
{
	fprintf(m->out, "\tmas_lock(&mas);\n");
	emit_state(m, call, e);
	fprintf(m->out, "\tmas_unlock(&mas);\n");
}

static void emit_op(void *ctx, size_t i, const struct op *op, const struct exec_expected *e)
{
	struct emitter *m = ctx;
	const unsigned long *a = op->arg;
	char text[256], ent[80], exp[80], call[256];

	ops_format(op, text, sizeof(text));
	fprintf(m->out, "\t/* op %zu: %s%s */\n", i, text, e->skipped ? " (skipped by the harness)" : "");
	if (e->skipped)
		return;
	c_ptr(ops_entry_ptr(op->entry), ent, sizeof(ent));
	c_ptr(e->entry, exp, sizeof(exp));
	switch (op->code) {
	case OP_STORE_RANGE: case OP_STORE: case OP_INSERT_RANGE: case OP_INSERT:
		fprintf(m->out, "\tassert_int_equal(mtree_%s_range(&mt, %luUL, %luUL, %s, GFP_KERNEL), %d);\n",
			op->code <= OP_STORE ? "store" : "insert", a[0], ops_table[op->code].range ? a[1] : a[0], ent,
			e->ret);
		break;
	case OP_ERASE: fprintf(m->out, "\tassert_ptr_equal(mtree_erase(&mt, %luUL), %s);\n", a[0], exp); break;
	case OP_LOAD: fprintf(m->out, "\tassert_ptr_equal(mtree_load(&mt, %luUL), %s);\n", a[0], exp); break;
	case OP_FIND: case OP_FIND_AFTER:
		fprintf(m->out, "\tidx = %luUL;\n\tassert_ptr_equal(%s(&mt, &idx, %luUL), %s);\n", a[0],
			op->code == OP_FIND ? "mt_find" : "mt_find_after", a[1], exp);
		fprintf(m->out, "\tassert_int_equal(idx, %luUL);\n", e->index);
		break;
	case OP_NEXT: case OP_PREV:
		fprintf(m->out, "\tassert_ptr_equal(mt_%s(&mt, %luUL, %luUL), %s);\n", op->code == OP_NEXT ? "next" : "prev",
			a[0], a[1], exp);
		break;
	case OP_DESTROY: fprintf(m->out, "\tmtree_destroy(&mt);\n"); break;
	case OP_CHECK: emit_contents(m, e->oracle); break;
	case OP_MAS_SET_RANGE: fprintf(m->out, "\tmas_set_range(&mas, %luUL, %luUL);\n", a[0], a[1]); break;
	case OP_MAS_PAUSE: fprintf(m->out, "\tmas_pause(&mas);\n"); break;
	case OP_MAS_RESET: fprintf(m->out, "\tmas_reset(&mas);\n"); break;
	case OP_MAS_WALK: emit_state(m, "mas_walk(&mas)", e); break;
	case OP_MAS_FIND: case OP_MAS_NEXT: case OP_MAS_PREV: case OP_MAS_FIND_REV: case OP_MAS_FIND_RANGE:
	case OP_MAS_FIND_RANGE_REV: case OP_MAS_NEXT_RANGE: case OP_MAS_PREV_RANGE:
		snprintf(call, sizeof(call), "%s(&mas, %luUL)", ops_table[op->code].name, a[0]);
		emit_state(m, call, e);
		break;
	case OP_MAS_SET_RANGE_KEEP: fprintf(m->out, "\t__mas_set_range(&mas, %luUL, %luUL);\n", a[0], a[1]); break;
	case OP_MAS_EMPTY_AREA: case OP_MAS_EMPTY_AREA_REV: case OP_MAS_EMPTY_AREA_FIT: case OP_MAS_EMPTY_AREA_REV_FIT: {
		bool rev = op->code == OP_MAS_EMPTY_AREA_REV || op->code == OP_MAS_EMPTY_AREA_REV_FIT;
		bool fit = op->code == OP_MAS_EMPTY_AREA_FIT || op->code == OP_MAS_EMPTY_AREA_REV_FIT;
		unsigned long size = fit ? (a[1] >= a[0] ? a[1] - a[0] + 1 : 0) : a[2];

		fprintf(m->out, "\tassert_int_equal(mas_empty_area%s(&mas, %luUL, %luUL, %luUL), %d);\n", rev ? "_rev" : "",
			a[0], a[1], size, e->ret);
		fprintf(m->out, "\tassert_int_equal(mas.index, %luUL);\n\tassert_int_equal(mas.last, %luUL);\n"
			"\tassert_int_equal(mas.status, %d);\n", e->index, e->last, e->status);
		break;
	}
	case OP_ALLOC_RANGE: case OP_ALLOC_RRANGE:
		fprintf(m->out, "\tidx = 0;\n\tassert_int_equal(mtree_alloc_%s(&mt, &idx, %s, %luUL, %luUL, %luUL, GFP_KERNEL), %d);\n",
			op->code == OP_ALLOC_RANGE ? "range" : "rrange", ent, a[0], a[1], a[2], e->ret);
		if (!e->ret)
			fprintf(m->out, "\tassert_int_equal(idx, %luUL);\n", e->index);
		break;
	case OP_ALLOC_CYCLIC:
		fprintf(m->out, "\tassert_int_equal(mtree_alloc_cyclic(&mt, &idx, %s, %luUL, %luUL, &next, GFP_KERNEL), %d);\n",
			ent, a[0], a[1], e->ret);
		fprintf(m->out, "\tassert_int_equal(next, %luUL);\n", e->last);
		if (e->ret >= 0)
			fprintf(m->out, "\tassert_int_equal(idx, %luUL);\n", e->index);
		break;
	case OP_MAS_STORE_PREALLOC:
		fprintf(m->out, "\tmas_lock(&mas);\n\tassert_int_equal(mas_preallocate(&mas, %s, GFP_KERNEL), %d);\n", ent,
			e->ret);
		if (!e->ret)
			fprintf(m->out, "\tmas_store_prealloc(&mas, %s);\n", ent);
		fprintf(m->out, "\tmas_unlock(&mas);\n\tassert_int_equal(mas.index, %luUL);\n"
			"\tassert_int_equal(mas.last, %luUL);\n", e->index, e->last);
		break;
	case OP_RCU_ON: fprintf(m->out, "\tmt_set_in_rcu(&mt);\n"); break;
	case OP_RCU_OFF: fprintf(m->out, "\tmt_clear_in_rcu(&mt);\n"); break;
	case OP_MAS_STORE:
		snprintf(call, sizeof(call), "mas_store(&mas, %s)", ent);
		emit_locked_state(m, call, e);
		break;
	case OP_MAS_ERASE: emit_locked_state(m, "mas_erase(&mas)", e); break;
	case OP_MAS_STORE_GFP:
		fprintf(m->out, "\tmas_lock(&mas);\n\tassert_int_equal(mas_store_gfp(&mas, %s, GFP_KERNEL), %d);\n"
			"\tmas_unlock(&mas);\n", ent, e->ret);
		fprintf(m->out, "\tassert_int_equal(mas.index, %luUL);\n\tassert_int_equal(mas.last, %luUL);\n",
			e->index, e->last);
		break;
	default:
		m->ok = false;
		m->unsupported = ops_table[op->code].name;
		break;
	}
	if (ops_table[op->code].writes && !ops_table[op->code].keeps_state)
		fprintf(m->out, "\tmas_reset(&mas);\n");
}

static bool expressible(const struct ops_list *list, const char **why)
{
	if (list->cfg.fault) {
		*why = "an injected fault (preamble)";
		return false;
	}
	for (size_t i = 0; i < list->count; i++) {
		enum op_code c = list->ops[i].code;

		if ((c >= OP_READER_BEGIN && c <= OP_READER_END) || (c >= OP_FAIL_NTH && c <= OP_NOMEM_WRITER)) {
			*why = ops_table[c].name;
			return false;
		}
	}
	return true;
}

/**
 * emit_test() - write @list as a cmocka test file named after @name; 0, or -1 (with a message)
 * when the stream holds an op this form cannot express.
 */
int emit_test(FILE *out, const char *name, const struct ops_list *list, const char *signature)
{
	struct emitter m = { out, true, NULL };
	const char *why = NULL;
	unsigned int flags = ((list->cfg.flags & OPS_CFG_ALLOC_RANGE) ? MT_FLAGS_ALLOC_RANGE : 0) |
			     ((list->cfg.flags & OPS_CFG_RCU) ? MT_FLAGS_USE_RCU : 0);

	if (!expressible(list, &why)) {
		fprintf(stderr, "maple-reduce: --emit-test cannot express %s; the regression stream covers it\n", why);
		return -1;
	}
	fprintf(out, "/* %s.c - generated by maple-reduce --emit-test: a reduced stream that failed with\n"
		     " * \"%s\", replayed through the public API; each assertion is the oracle's answer. */\n",
		name, signature);
	fprintf(out, "#include <stdarg.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <setjmp.h>\n"
		     "#include <cmocka.h>\n#include <urcu/urcu-memb.h>\n\n#include <maple/maple_tree.h>\n\n");
	fprintf(out, "static void test_%s(void **unused)\n{\n\tstruct maple_tree mt;\n\tMA_STATE(mas, &mt, 0, 0);\n"
		     "\tunsigned long idx = 0, next = 0;\n\n\t(void)unused;\n\t(void)idx;\n\t(void)next;\n"
		     "\tmt_init_flags(&mt, 0x%xu);\n", name, flags);
	exec_expect(list, emit_op, &m);
	if (!m.ok) {
		fprintf(stderr, "maple-reduce: --emit-test cannot express op %s yet\n", m.unsupported);
		return -1;
	}
	fprintf(out, "\tmtree_destroy(&mt);\n\turcu_memb_barrier();\n}\n\nint main(void)\n{\n"
		     "\tconst struct CMUnitTest tests[] = { cmocka_unit_test(test_%s) };\n\tint rc;\n\n"
		     "\turcu_memb_register_thread();\n\trc = cmocka_run_group_tests(tests, NULL, NULL);\n"
		     "\turcu_memb_unregister_thread();\n\treturn rc;\n}\n", name);
	return 0;
}
