/* exec_ops.c - how each op runs on each side: the maple tree through its public API, the oracle
 * through its own. Records what each side returned; never compares (exec_check.c does). */
#include "exec_internal.h"

#include <stdlib.h>
#include <string.h>

/* The _fit searches ask for a window exactly as large as [min, max] (0, i.e. -EINVAL, for the
 * whole index space or a reversed window). */
static unsigned long fit_size(const struct op *op)
{
	return op->arg[1] >= op->arg[0] ? op->arg[1] - op->arg[0] + 1 : 0;
}

static void record_state_maple(const struct ma_state *mas, struct observation *ob)
{
	ob->index = mas->index;
	ob->last = mas->last;
	ob->status = (int)mas->status;
}

static void record_state_oracle(const struct oracle_state *s, struct observation *ob)
{
	ob->index = s->index;
	ob->last = s->last;
	ob->status = (int)s->status;
}

static void for_each_maple(struct maple_tree *mt, unsigned long index, unsigned long max,
			   struct observation *ob)
{
	void *entry;

	mt_for_each(mt, entry, index, max) {
		ob->step_entry[ob->steps] = entry;
		ob->step_index[ob->steps] = index;
		if (++ob->steps == OBS_MAX_STEPS)
			break;
	}
}

static void for_each_oracle(struct oracle *o, unsigned long index, unsigned long max,
			    struct observation *ob)
{
	for (void *e = oracle_find(o, &index, max); e; e = oracle_find_after(o, &index, max)) {
		ob->step_entry[ob->steps] = e;
		ob->step_index[ob->steps] = index;
		if (++ob->steps == OBS_MAX_STEPS)
			break;
	}
}

static void run_maple_state(struct exec *x, const struct op *op, struct observation *ob)
{
	struct ma_state *mas = &x->mas;

	switch (op->code) {
	case OP_MAS_SET_RANGE: mas_set_range(mas, op->arg[0], op->arg[1]); break;
	case OP_MAS_WALK: ob->entry = mas_walk(mas); break;
	case OP_MAS_FIND: ob->entry = mas_find(mas, op->arg[0]); break;
	case OP_MAS_NEXT: ob->entry = mas_next(mas, op->arg[0]); break;
	case OP_MAS_PREV: ob->entry = mas_prev(mas, op->arg[0]); break;
	case OP_MAS_PAUSE: mas_pause(mas); break;
	case OP_MAS_RESET: mas_reset(mas); break;
	case OP_MAS_FIND_RANGE: ob->entry = mas_find_range(mas, op->arg[0]); break;
	case OP_MAS_FIND_REV: ob->entry = mas_find_rev(mas, op->arg[0]); break;
	case OP_MAS_FIND_RANGE_REV: ob->entry = mas_find_range_rev(mas, op->arg[0]); break;
	case OP_MAS_NEXT_RANGE: ob->entry = mas_next_range(mas, op->arg[0]); break;
	case OP_MAS_PREV_RANGE: ob->entry = mas_prev_range(mas, op->arg[0]); break;
	case OP_MAS_STORE:           /* advanced writes: the caller holds the tree lock */
		mtree_lock(mas->tree);
		ob->entry = mas_store(mas, ops_entry_ptr(op->entry));
		mtree_unlock(mas->tree);
		break;
	case OP_MAS_STORE_GFP:
		mtree_lock(mas->tree);
		ob->ret = mas_store_gfp(mas, ops_entry_ptr(op->entry), GFP_KERNEL);
		mtree_unlock(mas->tree);
		break;
	case OP_MAS_ERASE:
		mtree_lock(mas->tree);
		ob->entry = mas_erase(mas);
		mtree_unlock(mas->tree);
		break;
	case OP_MAS_STORE_PREALLOC:
		mtree_lock(mas->tree);
		ob->ret = mas_preallocate(mas, ops_entry_ptr(op->entry), GFP_KERNEL);
		if (!ob->ret)
			mas_store_prealloc(mas, ops_entry_ptr(op->entry));
		mtree_unlock(mas->tree);
		break;
	case OP_MAS_SET_RANGE_KEEP: __mas_set_range(mas, op->arg[0], op->arg[1]); break;
	case OP_MAS_EMPTY_AREA: ob->ret = mas_empty_area(mas, op->arg[0], op->arg[1], op->arg[2]); break;
	case OP_MAS_EMPTY_AREA_REV: ob->ret = mas_empty_area_rev(mas, op->arg[0], op->arg[1], op->arg[2]); break;
	case OP_MAS_EMPTY_AREA_FIT: ob->ret = mas_empty_area(mas, op->arg[0], op->arg[1], fit_size(op)); break;
	case OP_MAS_EMPTY_AREA_REV_FIT:
		ob->ret = mas_empty_area_rev(mas, op->arg[0], op->arg[1], fit_size(op));
		break;
	default: return;
	}
	record_state_maple(mas, ob);
}

/* The bulk op's ranges: [base + 3i, base + 3i + 1] for i < count, stopping before ULONG_MAX. */
static bool bulk_range(const struct op *op, unsigned long i, unsigned long *first)
{
	unsigned long base = op->arg[1];

	if (i >= op->arg[0] % (OPS_BULK_MAX + 1) || 3 * i >= ULONG_MAX - 1 - base)
		return false;
	*first = base + 3 * i;
	return true;
}

/* In-order stores into an empty tree in bulk mode, the way the kernel once copied a VMA tree. */
static int run_bulk_maple(struct maple_tree *mt, const struct op *op)
{
	MA_STATE(mas, mt, 0, 0);
	unsigned long first;
	int ret;

	mtree_lock(mt);
	ret = mas_expected_entries(&mas, op->arg[0] % (OPS_BULK_MAX + 1));

	for (unsigned long i = 0; !ret && bulk_range(op, i, &first); i++) {
		mas_set_range(&mas, first, first + 1);
		ret = mas_store_gfp(&mas, xa_mk_value(i), GFP_KERNEL);
	}
	mas_destroy(&mas);
	mtree_unlock(mt);
	return ret;
}

static int run_bulk_oracle(struct oracle *o, const struct op *op)
{
	unsigned long first;
	int ret = 0;

	for (unsigned long i = 0; !ret && bulk_range(op, i, &first); i++)
		ret = oracle_store_range(o, first, first + 1, xa_mk_value(i));
	return ret;
}

/* mtree_erase has no error channel: it failed (every retry out of memory) when @index still maps
 * to something after it returned an entry. */
static bool erase_failed(struct maple_tree *mt, unsigned long index, void *returned)
{
	MA_STATE(mas, mt, index, index);

	return returned && mas_walk(&mas);
}

/* Copies the tree into x->copy; exec_check.c compares the copy, then it is destroyed. */
static int run_dup(struct exec *x)
{
	mt_init_flags(&x->copy, x->mt.ma_flags & ~MT_FLAGS_HEIGHT_MASK);
	mt_set_external_lock(&x->copy, x->mt.ma_external_lock);
	return mtree_dup(&x->mt, &x->copy, GFP_KERNEL);
}

void exec_run_maple(struct exec *x, const struct op *op, struct observation *ob)
{
	struct maple_tree *mt = &x->mt;
	const unsigned long *a = op->arg;
	void *e = ops_entry_ptr(op->entry);
	unsigned long index = a[0];

	memset(ob, 0, sizeof(*ob));
	switch (op->code) {
	case OP_STORE_RANGE: ob->ret = mtree_store_range(mt, a[0], a[1], e, GFP_KERNEL); break;
	case OP_STORE: ob->ret = mtree_store(mt, a[0], e, GFP_KERNEL); break;
	case OP_INSERT_RANGE: ob->ret = mtree_insert_range(mt, a[0], a[1], e, GFP_KERNEL); break;
	case OP_INSERT: ob->ret = mtree_insert(mt, a[0], e, GFP_KERNEL); break;
	case OP_ERASE:
		ob->entry = mtree_erase(mt, a[0]);
		ob->status = erase_failed(mt, a[0], ob->entry) ? ma_error : 0;
		break;
	case OP_LOAD: ob->entry = mtree_load(mt, a[0]); break;
	case OP_FIND: ob->entry = mt_find(mt, &index, a[1]); ob->index = index; break;
	case OP_FIND_AFTER: ob->entry = mt_find_after(mt, &index, a[1]); ob->index = index; break;
	case OP_FOR_EACH: for_each_maple(mt, a[0], a[1], ob); break;
	case OP_NEXT: ob->entry = mt_next(mt, a[0], a[1]); break;
	case OP_PREV: ob->entry = mt_prev(mt, a[0], a[1]); break;
	case OP_DESTROY: mtree_destroy(mt); break;
	case OP_DUP: ob->ret = run_dup(x); break;
	case OP_BULK: ob->ret = run_bulk_maple(mt, op); break;
	case OP_ALLOC_RANGE:
		ob->ret = mtree_alloc_range(mt, &ob->index, e, a[0], a[1], a[2], GFP_KERNEL);
		break;
	case OP_ALLOC_RRANGE:
		ob->ret = mtree_alloc_rrange(mt, &ob->index, e, a[0], a[1], a[2], GFP_KERNEL);
		break;
	case OP_ALLOC_CYCLIC:
		ob->ret = mtree_alloc_cyclic(mt, &ob->index, e, a[0], a[1], &x->next_maple, GFP_KERNEL);
		ob->last = x->next_maple;
		break;
	default: run_maple_state(x, op, ob); break;
	}
}

/* A planted divergence for the reducer's own tests (tests/reduce_test.sh), off unless the
 * environment says MAPLEFUZZ_PLANTED=erase-keeps-last: then the oracle's erase leaves the last
 * index of a range longer than one in place, so every stream that erases such a range fails. */
static bool planted_erase_bug(void)
{
	static int on = -1;

	if (on < 0) {
		const char *e = getenv("MAPLEFUZZ_PLANTED");

		on = e && !strcmp(e, "erase-keeps-last");
	}
	return on;
}

static void *oracle_erase_planted(struct oracle *o, unsigned long index)
{
	unsigned long first, last;
	void *entry;

	oracle_range(o, index, &first, &last);
	entry = oracle_erase(o, index);
	if (entry && last > first && planted_erase_bug())
		oracle_store_range(o, last, last, entry);
	return entry;
}

static void run_oracle_state(struct exec *x, const struct op *op, struct observation *ob)
{
	struct oracle_state *s = &x->os;

	switch (op->code) {
	case OP_MAS_SET_RANGE: oracle_state_set_range(s, op->arg[0], op->arg[1]); break;
	case OP_MAS_WALK: ob->entry = oracle_state_walk(s); break;
	case OP_MAS_FIND: ob->entry = oracle_state_find(s, op->arg[0]); break;
	case OP_MAS_NEXT: ob->entry = oracle_state_next(s, op->arg[0]); break;
	case OP_MAS_PREV: ob->entry = oracle_state_prev(s, op->arg[0]); break;
	case OP_MAS_PAUSE: oracle_state_pause(s); break;
	case OP_MAS_RESET: oracle_state_reset(s); break;
	case OP_MAS_FIND_RANGE: ob->entry = oracle_state_find_range(s, op->arg[0]); break;
	case OP_MAS_FIND_REV: ob->entry = oracle_state_find_rev(s, op->arg[0]); break;
	case OP_MAS_FIND_RANGE_REV: ob->entry = oracle_state_find_range_rev(s, op->arg[0]); break;
	case OP_MAS_NEXT_RANGE: ob->entry = oracle_state_next_range(s, op->arg[0]); break;
	case OP_MAS_PREV_RANGE: ob->entry = oracle_state_prev_range(s, op->arg[0]); break;
	case OP_MAS_STORE: ob->entry = oracle_state_store(s, ops_entry_ptr(op->entry)); break;
	case OP_MAS_STORE_GFP:
	case OP_MAS_STORE_PREALLOC:     /* the same store, its nodes reserved first */
		ob->ret = oracle_state_store_gfp(s, ops_entry_ptr(op->entry));
		break;
	case OP_MAS_ERASE: ob->entry = oracle_state_erase(s); break;
	case OP_MAS_SET_RANGE_KEEP: oracle_state_set_range_keep(s, op->arg[0], op->arg[1]); break;
	case OP_MAS_EMPTY_AREA: ob->ret = oracle_state_empty_area(s, op->arg[0], op->arg[1], op->arg[2]); break;
	case OP_MAS_EMPTY_AREA_REV:
		ob->ret = oracle_state_empty_area_rev(s, op->arg[0], op->arg[1], op->arg[2]);
		break;
	case OP_MAS_EMPTY_AREA_FIT:
		ob->ret = oracle_state_empty_area(s, op->arg[0], op->arg[1], fit_size(op));
		break;
	case OP_MAS_EMPTY_AREA_REV_FIT:
		ob->ret = oracle_state_empty_area_rev(s, op->arg[0], op->arg[1], fit_size(op));
		break;
	default: return;
	}
	record_state_oracle(s, ob);
}

void exec_run_oracle(struct exec *x, const struct op *op, struct observation *ob)
{
	struct oracle *o = &x->oracle;
	const unsigned long *a = op->arg;
	void *e = ops_entry_ptr(op->entry);
	unsigned long index = a[0];

	memset(ob, 0, sizeof(*ob));
	switch (op->code) {
	case OP_STORE_RANGE: ob->ret = oracle_store_range(o, a[0], a[1], e); break;
	case OP_STORE: ob->ret = oracle_store_range(o, a[0], a[0], e); break;
	case OP_INSERT_RANGE: ob->ret = oracle_insert_range(o, a[0], a[1], e); break;
	case OP_INSERT: ob->ret = oracle_insert_range(o, a[0], a[0], e); break;
	case OP_ERASE: ob->entry = oracle_erase_planted(o, a[0]); break;
	case OP_LOAD: ob->entry = oracle_load(o, a[0]); break;
	case OP_FIND: ob->entry = oracle_find(o, &index, a[1]); ob->index = index; break;
	case OP_FIND_AFTER: ob->entry = oracle_find_after(o, &index, a[1]); ob->index = index; break;
	case OP_FOR_EACH: for_each_oracle(o, a[0], a[1], ob); break;
	case OP_NEXT: ob->entry = oracle_next(o, a[0], a[1]); break;
	case OP_PREV: ob->entry = oracle_prev(o, a[0], a[1]); break;
	case OP_DESTROY: oracle_destroy(o); break;
	case OP_BULK: ob->ret = run_bulk_oracle(o, op); break;
	case OP_ALLOC_RANGE: ob->ret = oracle_alloc_range(o, &ob->index, e, a[0], a[1], a[2]); break;
	case OP_ALLOC_RRANGE: ob->ret = oracle_alloc_rrange(o, &ob->index, e, a[0], a[1], a[2]); break;
	case OP_ALLOC_CYCLIC:
		ob->ret = oracle_alloc_cyclic(o, &ob->index, e, a[0], a[1], &x->next_oracle);
		ob->last = x->next_oracle;
		break;
	default: run_oracle_state(x, op, ob); break;
	}
}
