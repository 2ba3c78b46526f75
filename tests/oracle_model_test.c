/* oracle_model_test.c - checks oracle/ two ways: against a brute-force model (an array of cells,
 * scanned linearly) over seeded random operation streams on a small key space with 0, 1,
 * ULONG_MAX-1, ULONG_MAX and large values mapped in; and against the literal tables of reference
 * §2.4 (state transitions), §2.5 (gap search) and §2.6 (cyclic allocation). A failure is any
 * difference in a return value, an out-parameter, a state's index/last/status/error, the tree's
 * ranges, its range count or its mode. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <oracle/oracle.h>

#define MAX ULONG_MAX
#define V(n) ((void *)(((unsigned long)(n) << 1) | 1))      /* a value entry, like xa_mk_value */
#define ZERO ORACLE_ZERO_ENTRY

/* ======================================================================================
 * The brute-force model: the index space cut into cells [start, next start - 1]. Every cell
 * holds an entry and the id of the store that wrote it; a range is a maximal run of cells with
 * the same non-NULL id, or of NULL cells. Cells are split on demand and never merged.
 * ====================================================================================== */

#define MAX_CELLS 4096

struct cell {
	unsigned long start;
	void *entry;
	unsigned long id;
};

struct model {
	struct cell c[MAX_CELLS];
	int n;
	unsigned long next_id;
	enum oracle_mode mode;
	unsigned int flags;
};

static void model_clear(struct model *m)
{
	m->n = 1;
	m->c[0] = (struct cell){ 0, NULL, 0 };
}

static void model_init(struct model *m, unsigned int flags)
{
	model_clear(m);
	m->next_id = 0;
	m->mode = ORACLE_EMPTY;
	m->flags = flags;
}

static int cell_of(const struct model *m, unsigned long i)
{
	int j = m->n - 1;

	while (m->c[j].start > i)
		j--;
	return j;
}

static unsigned long cell_end(const struct model *m, int j)
{
	return j + 1 < m->n ? m->c[j + 1].start - 1 : MAX;
}

static void cell_split(struct model *m, unsigned long x)
{
	int j = cell_of(m, x);

	if (m->c[j].start == x)
		return;
	assert_true(m->n < MAX_CELLS);
	memmove(&m->c[j + 2], &m->c[j + 1], (size_t)(m->n - j - 1) * sizeof(m->c[0]));
	m->c[j + 1] = m->c[j];
	m->c[j + 1].start = x;
	m->n++;
}

static bool same_range(const struct cell *a, const struct cell *b)
{
	return a->entry ? b->entry && a->id == b->id : !b->entry;
}

static void *model_range(const struct model *m, unsigned long i, unsigned long *first, unsigned long *last)
{
	int j = cell_of(m, i), a = j, b = j;

	while (a > 0 && same_range(&m->c[a - 1], &m->c[j]))
		a--;
	while (b + 1 < m->n && same_range(&m->c[b + 1], &m->c[j]))
		b++;
	if (first)
		*first = m->c[a].start;
	if (last)
		*last = cell_end(m, b);
	return m->c[j].entry;
}

static bool model_all_null(const struct model *m)
{
	for (int j = 0; j < m->n; j++)
		if (m->c[j].entry)
			return false;
	return true;
}

static unsigned long model_nr_ranges(const struct model *m)
{
	unsigned long nr = 0;

	for (int j = 0; j < m->n; j++)
		if (m->c[j].entry && (j == 0 || !same_range(&m->c[j - 1], &m->c[j])))
			nr++;
	return nr;
}

static void model_write_cells(struct model *m, unsigned long f, unsigned long l, void *e)
{
	unsigned long id = e ? ++m->next_id : 0;

	cell_split(m, f);
	if (l != MAX)
		cell_split(m, l + 1);
	for (int j = cell_of(m, f); j < m->n && m->c[j].start <= l; j++) {
		m->c[j].entry = e;
		m->c[j].id = id;
	}
}

/* docs/semantics.md "Mode transitions", read literally. */
static void model_store(struct model *m, unsigned long f, unsigned long l, void *e)
{
	bool small = m->mode != ORACLE_NODE;

	if (small && !e) {
		if (f == 0) {
			model_clear(m);
			m->mode = ORACLE_EMPTY;
		}
		return;
	}
	model_write_cells(m, f, l, e);
	if (small)
		m->mode = f == 0 && l == 0 && ((uintptr_t)e & 3) != 2 ? ORACLE_ROOT_ENTRY : ORACLE_NODE;
	else if (model_all_null(m))
		m->mode = ORACLE_EMPTY;
}

static bool is_internal(const void *e) { return ((uintptr_t)e & 3) == 2; }
static bool is_advanced(const void *e) { return is_internal(e) && (uintptr_t)e <= 1026; }
static bool is_reserved(const void *e) { return is_internal(e) && (uintptr_t)e < 4096; }

static int model_store_range(struct model *m, unsigned long f, unsigned long l, void *e)
{
	if (is_advanced(e) || f > l)
		return -EINVAL;
	model_store(m, f, l, e);
	return 0;
}

static int model_insert_range(struct model *m, unsigned long f, unsigned long l, void *e)
{
	if (is_advanced(e) || f > l)
		return -EINVAL;
	for (int j = 0; j < m->n; j++)
		if (m->c[j].entry && m->c[j].start <= l && cell_end(m, j) >= f)
			return -EEXIST;
	if (e)
		model_store(m, f, l, e);
	return 0;
}

static void *model_erase(struct model *m, unsigned long i)
{
	unsigned long f, l;
	void *e = model_range(m, i, &f, &l);

	if (e)
		model_store(m, f, l, NULL);
	return e;
}

static void *model_load(const struct model *m, unsigned long i)
{
	void *e = m->c[cell_of(m, i)].entry;

	return e == ZERO ? NULL : e;
}

static void *model_find(const struct model *m, unsigned long *index, unsigned long max)
{
	unsigned long last;

	if (*index > max)
		return NULL;
	for (int j = cell_of(m, *index); j < m->n && m->c[j].start <= max; j++) {
		void *e = m->c[j].entry;

		if (e && e != ZERO) {
			model_range(m, m->c[j].start, NULL, &last);
			*index = last + 1;
			return e;
		}
	}
	return NULL;
}

/* ---- the model's maple state, transcribed from docs/semantics.md ---- */

struct mstate {
	struct model *m;
	unsigned long index, last;
	enum oracle_status status;
	int error;
};

static void ms_status(struct mstate *s, enum oracle_status st)
{
	s->status = st;
	s->error = st == ORACLE_ERROR ? s->error : 0;
}

static void *ms_root_entry(const struct mstate *s)
{
	return s->m->mode == ORACLE_ROOT_ENTRY ? s->m->c[0].entry : NULL;
}

static void *ms_goto(struct mstate *s, unsigned long i)
{
	return model_range(s->m, i, &s->index, &s->last);
}

static void *ms_walk(struct mstate *s)
{
	void *e = ms_goto(s, s->index);

	if (s->m->mode == ORACLE_NODE)
		ms_status(s, ORACLE_ACTIVE);
	else if (s->m->mode == ORACLE_ROOT_ENTRY && s->index == 0)
		ms_status(s, ORACLE_ROOT);
	else
		ms_status(s, ORACLE_NONE);
	return e;
}

/* next_slot: from the range holding last; `all` returns NULL ranges too. */
static void *ms_right(struct mstate *s, unsigned long max, bool all)
{
	unsigned long cur_last;
	void *e;

	model_range(s->m, s->last, NULL, &cur_last);
	if (cur_last >= max)
		goto overflow;
	e = ms_goto(s, cur_last + 1);
	if (e || all)
		return e;
	if (s->last >= max)
		goto overflow;
	return ms_goto(s, s->last + 1);
overflow:
	ms_status(s, ORACLE_OVERFLOW);
	return NULL;
}

/* prev_slot: from the range holding index. */
static void *ms_left(struct mstate *s, unsigned long min, bool all)
{
	unsigned long cur_first;
	void *e;

	model_range(s->m, s->index, &cur_first, NULL);
	if (cur_first <= min)
		goto underflow;
	e = ms_goto(s, cur_first - 1);
	if (e || all)
		return e;
	if (s->index <= min)
		goto underflow;
	return ms_goto(s, s->index - 1);
underflow:
	ms_status(s, ORACLE_UNDERFLOW);
	return NULL;
}

static void *ms_next(struct mstate *s, unsigned long max, bool all)
{
	bool was_none = s->status == ORACLE_NONE;
	void *e;

	if (s->last >= max) {
		ms_status(s, ORACLE_OVERFLOW);
		return NULL;
	}
	if (s->status == ORACLE_ERROR)
		return NULL;
	if (s->status == ORACLE_OVERFLOW) {
		ms_status(s, ORACLE_ACTIVE);
	} else if (s->status == ORACLE_UNDERFLOW) {
		e = ms_walk(s);
		if (e)
			return e;
	} else if (s->status == ORACLE_START || s->status == ORACLE_NONE || s->status == ORACLE_PAUSE) {
		ms_walk(s);
	}
	if (s->status == ORACLE_ACTIVE)
		return ms_right(s, max, all);
	if (s->status == ORACLE_ROOT) {
		if (was_none && s->index == 0) {
			s->last = 0;
		} else {
			s->index = 1;
			s->last = MAX;
			ms_status(s, ORACLE_NONE);
		}
	}
	return NULL;
}

static void *ms_prev(struct mstate *s, unsigned long min, bool all)
{
	void *e;

	if (s->index <= min) {
		ms_status(s, ORACLE_UNDERFLOW);
		return NULL;
	}
	if (s->status == ORACLE_ERROR)
		return NULL;
	if (s->status == ORACLE_UNDERFLOW) {
		ms_status(s, ORACLE_ACTIVE);
	} else if (s->status == ORACLE_OVERFLOW) {
		e = ms_walk(s);
		if (e)
			return e;
	} else if (s->status == ORACLE_START || s->status == ORACLE_NONE || s->status == ORACLE_PAUSE) {
		ms_walk(s);
	}
	if (s->status == ORACLE_ACTIVE)
		return ms_left(s, min, all);
	if (s->status == ORACLE_ROOT && s->index == 0) {
		ms_status(s, ORACLE_NONE);
		return NULL;
	}
	if (s->status == ORACLE_NONE && s->index == 0)
		return NULL;
	s->index = s->last = 0;
	ms_status(s, ORACLE_ROOT);
	return ms_root_entry(s);
}

/* mas_find / mas_find_range: setup by status, then "start", "after start", the step. */
static void *ms_find(struct mstate *s, unsigned long max, bool all)
{
	void *e;

	switch (s->status) {
	case ORACLE_ERROR:
		return NULL;
	case ORACLE_ACTIVE:
		if (s->last >= max)
			return NULL;
		goto step;
	case ORACLE_PAUSE:
	case ORACLE_NONE:
		if (s->last >= max)
			return NULL;
		s->index = s->last + (s->status == ORACLE_PAUSE);
		s->last = s->index;
		ms_status(s, ORACLE_START);
		break;
	case ORACLE_UNDERFLOW:
	case ORACLE_OVERFLOW:
		if (s->status == ORACLE_UNDERFLOW ? s->index >= max : s->last >= max) {
			ms_status(s, ORACLE_OVERFLOW);
			return NULL;
		}
		e = ms_walk(s);
		if (e)
			return e;
		break;
	default:
		break;
	}
	if (s->status == ORACLE_START) {
		if (s->index > max)
			return NULL;
		e = ms_walk(s);
		if (e)
			return e;
	}
	if (s->status == ORACLE_ROOT) {
		s->index = 1;
		s->last = MAX;
		ms_status(s, ORACLE_NONE);
		return NULL;
	}
	if (s->status == ORACLE_NONE || s->index == max)
		return NULL;
step:
	e = ms_right(s, max, all);
	if (!all)
		ms_status(s, ORACLE_ACTIVE);
	return e;
}

static void *ms_find_rev(struct mstate *s, unsigned long min, bool all)
{
	void *e;

	switch (s->status) {
	case ORACLE_ERROR:
		return NULL;
	case ORACLE_PAUSE:
	case ORACLE_OVERFLOW:
		if (s->index <= min) {
			ms_status(s, ORACLE_UNDERFLOW);
			return NULL;
		}
		if (s->status == ORACLE_PAUSE) {
			s->last = s->index = s->index - 1;
			ms_status(s, ORACLE_START);
		} else {
			ms_status(s, ORACLE_ACTIVE);
		}
		break;
	case ORACLE_NONE:
	case ORACLE_UNDERFLOW:
		if (s->index <= min)
			return NULL;
		if (s->status == ORACLE_NONE) {
			s->last = s->index;
			ms_status(s, ORACLE_START);
		} else {
			ms_status(s, ORACLE_ACTIVE);
		}
		break;
	default:
		break;
	}
	if (s->status == ORACLE_START) {
		if (s->index < min)
			return NULL;
		e = ms_walk(s);
		if (e)
			return e;
	}
	if (s->status == ORACLE_ROOT) {
		ms_status(s, ORACLE_NONE);
		return NULL;
	}
	if (s->status == ORACLE_NONE) {
		s->index = s->last = 0;
		ms_status(s, ORACLE_ROOT);
		return ms_root_entry(s);
	}
	if (s->index < min)
		return NULL;
	return ms_left(s, min, all);
}

/* Gap search by scanning every NULL run. */
static bool model_gap(const struct model *m, unsigned long min, unsigned long max, unsigned long size,
		      bool highest, unsigned long *start)
{
	bool found = false;

	for (int j = 0, k; j < m->n; j = k + 1) {
		unsigned long lo, hi;

		k = j;
		if (m->c[j].entry)
			continue;
		while (k + 1 < m->n && !m->c[k + 1].entry)
			k++;
		lo = m->c[j].start > min ? m->c[j].start : min;
		hi = cell_end(m, k) < max ? cell_end(m, k) : max;
		if (lo > hi || hi - lo < size - 1)
			continue;
		*start = highest ? hi - (size - 1) : lo;
		found = true;
		if (!highest)
			break;
	}
	return found;
}

static int ms_empty_area(struct mstate *s, unsigned long min, unsigned long max, unsigned long size,
			 bool highest)
{
	unsigned long start;

	if (min > max || size == 0 || max - min < size - 1)
		return -EINVAL;
	ms_status(s, s->m->mode == ORACLE_NODE ? ORACLE_ACTIVE :
		     s->m->mode == ORACLE_ROOT_ENTRY ? ORACLE_ROOT : ORACLE_NONE);
	if (model_gap(s->m, min, max, size, highest, &start)) {
		s->index = start;
		s->last = start + size - 1;
		return 0;
	}
	if (s->m->mode == ORACLE_NODE) {
		s->index = min;
		s->last = max;
		s->status = ORACLE_ERROR;
		s->error = -EBUSY;
	}
	return -EBUSY;
}

static void ms_init(struct mstate *s, struct model *m, unsigned long f, unsigned long l)
{
	*s = (struct mstate){ m, f, l, ORACLE_START, 0 };
}

/* mas_store / mas_store_gfp (docs/semantics.md "Advanced writes"), read literally. */
static int ms_store(struct mstate *s, void *e, void **old)
{
	unsigned long f = s->index, l = s->last;

	*old = NULL;
	if (f > l) {
		ms_status(s, ORACLE_ERROR);
		s->error = -EINVAL;
		return -EINVAL;
	}
	*old = model_range(s->m, f, NULL, NULL);
	model_store(s->m, f, l, e);
	if (s->m->mode == ORACLE_NODE)
		ms_walk(s);
	else
		ms_status(s, ORACLE_START);
	return 0;
}

/* mas_erase: the look-up table of docs/semantics.md, then a NULL store over the range found. */
static void *ms_erase(struct mstate *s)
{
	void *e = NULL, *old;

	if (s->m->mode == ORACLE_NODE) {
		e = ms_walk(s);
	} else {
		ms_status(s, s->m->mode == ORACLE_EMPTY ? ORACLE_NONE : ORACLE_ROOT);
		if (s->m->mode == ORACLE_ROOT_ENTRY && s->index == 0) {
			e = ms_root_entry(s);
			s->last = 0;
		}
	}
	if (e)
		ms_store(s, NULL, &old);
	return e;
}

static int model_alloc(struct model *m, unsigned long *startp, void *e, unsigned long size,
		       unsigned long min, unsigned long max, bool highest)
{
	struct mstate s;
	int ret;

	if (!(m->flags & ORACLE_ALLOC_RANGE) || is_reserved(e))
		return -EINVAL;
	ms_init(&s, m, 0, 0);
	ret = ms_empty_area(&s, min, max, size, highest);
	if (ret == 0) {
		model_store(m, s.index, s.last, e);
		*startp = s.index;
	}
	return ret;
}

/* Reference §2.6 steps 1-4. */
static int model_alloc_cyclic(struct model *m, unsigned long *startp, void *e, unsigned long lo,
			      unsigned long hi, unsigned long *next)
{
	struct mstate s;
	unsigned long from = *next > lo ? *next : lo;
	int ret;

	if (!(m->flags & ORACLE_ALLOC_RANGE) || is_reserved(e))
		return -EINVAL;
	ms_init(&s, m, 0, 0);
	ret = ms_empty_area(&s, from, hi, 1, false);
	if (ret == 0 && (m->flags & ORACLE_ALLOC_WRAPPED)) {
		m->flags &= ~ORACLE_ALLOC_WRAPPED;
		ret = 1;
	} else if (ret < 0 && from > lo) {
		ms_init(&s, m, 0, 0);
		ret = ms_empty_area(&s, lo, hi, 1, false);
		if (ret == 0)
			ret = 1;
	}
	if (ret < 0)
		return ret;
	model_store(m, s.index, s.index, e);
	*startp = s.index;
	*next = s.index + 1;
	if (*next == 0)
		m->flags |= ORACLE_ALLOC_WRAPPED;
	return ret;
}

/* ======================================================================================
 * Comparing oracle and model
 * ====================================================================================== */

static char ctx[160];

#define CHECK_UL(got, want, what)                                                                \
	do {                                                                                     \
		unsigned long g_ = (unsigned long)(got), w_ = (unsigned long)(want);             \
		if (g_ != w_)                                                                    \
			fail_msg("%s: %s: oracle %#lx, model %#lx", ctx, what, g_, w_);          \
	} while (0)

static void check_tree(const struct oracle *o, const struct model *m)
{
	unsigned long i = 0, f1, l1, f2, l2;

	CHECK_UL(oracle_mode(o), m->mode, "mode");
	CHECK_UL(oracle_empty(o), m->mode == ORACLE_EMPTY, "empty");
	CHECK_UL(o->nr_ranges, model_nr_ranges(m), "nr_ranges");
	for (;;) {
		void *e1 = oracle_range(o, i, &f1, &l1);
		void *e2 = model_range(m, i, &f2, &l2);

		CHECK_UL(e1, e2, "range entry");
		CHECK_UL(f1, f2, "range first");
		CHECK_UL(l1, l2, "range last");
		if (l1 == MAX)
			break;
		i = l1 + 1;
	}
}

static void check_state(const struct oracle_state *s, const struct mstate *ms)
{
	CHECK_UL(s->index, ms->index, "state index");
	CHECK_UL(s->last, ms->last, "state last");
	CHECK_UL(s->status, ms->status, "state status");
	CHECK_UL(s->error, ms->error, "state error");
}

/* ======================================================================================
 * Random streams
 * ====================================================================================== */

static const unsigned long keys[64] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 40, 50, 63, 64,
	100, 255, 1000, 4095, 4096, 4097, 65535, 0xffffffffUL, 0x100000000UL, 0x100000001UL,
	1UL << 40, 1UL << 62, (1UL << 63) - 1, 1UL << 63, (1UL << 63) + 1,
	MAX - 1000, MAX - 100, MAX - 10, MAX - 4, MAX - 3, MAX - 2, MAX - 1, MAX, 36,
};

static unsigned long rng_state;
static bool small_trees;   /* streams that keep trees tiny: root-entry and empty modes often */
static unsigned long seen_status[ORACLE_ERROR + 1], seen_mode[ORACLE_NODE + 1];

static unsigned long rnd(unsigned long n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (rng_state * 0x2545F4914F6CDD1DUL) % n : rng_state * 0x2545F4914F6CDD1DUL;
}

static unsigned long pick_key(void)
{
	return keys[rnd(64)];
}

static unsigned long pick_index(void)
{
	unsigned long k = pick_key();

	if (small_trees && rnd(2))
		return rnd(4);
	switch (rnd(10)) {
	case 0:
		return k ? k - 1 : k;
	case 1:
		return k != MAX ? k + 1 : k;
	case 2:
		return rnd(0);
	case 3:
		return rnd(70);
	default:
		return k;
	}
}

static void *pick_entry(void)
{
	unsigned long r = rnd(100);

	if (r < 10)
		return NULL;
	if (r < 65)
		return V(rnd(1000));
	if (r < 78)
		return (void *)(0x10000UL + 16 * rnd(64));  /* aligned, like a pointer */
	if (r < 84)
		return ZERO;
	if (r < 88)
		return (void *)1034UL;                      /* internal, reserved, storable */
	if (r < 91)
		return rnd(2) ? ORACLE_RETRY_ENTRY : (void *)2UL;  /* advanced: refused */
	return (void *)(4098UL + 4 * rnd(8));               /* internal, not reserved */
}

static unsigned long pick_size(void)
{
	unsigned long r = rnd(20);

	if (r == 0)
		return 0;
	if (r == 1)
		return MAX;
	if (r == 2)
		return 1UL << rnd(64);
	return 1 + rnd(4);
}

/* A store's last: usually a key or the cell end before a key, sometimes below first. */
static unsigned long pick_last(unsigned long first)
{
	unsigned long l = small_trees && rnd(2) ? first + rnd(2) : pick_key();

	if (rnd(2) && l)
		l--;
	if (l < first && rnd(8)) {
		unsigned long d = rnd(3);

		l = first > MAX - d ? MAX : first + d;
	}
	return l;
}

struct world {
	struct oracle o;
	struct model m;
	struct oracle_state os;
	struct mstate ms;
	unsigned long onext, mnext;  /* cyclic allocation cursors */
};

enum op_kind {
	OP_STORE, OP_INSERT, OP_ERASE, OP_LOAD, OP_FIND, OP_FIND_AFTER, OP_NEXT, OP_PREV,
	OP_ALLOC, OP_RALLOC, OP_CYCLIC, OP_DESTROY,
	OP_SET, OP_SET_RANGE, OP_SET_KEEP, OP_RESET, OP_PAUSE, OP_WALK,
	OP_MAS_FIND, OP_MAS_FIND_RANGE, OP_MAS_FIND_REV, OP_MAS_FIND_RANGE_REV,
	OP_MAS_NEXT, OP_MAS_NEXT_RANGE, OP_MAS_PREV, OP_MAS_PREV_RANGE,
	OP_EMPTY_AREA, OP_EMPTY_AREA_REV, OP_MAS_STORE, OP_MAS_STORE_GFP, OP_MAS_ERASE, OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	"store", "insert", "erase", "load", "find", "find_after", "next", "prev",
	"alloc_range", "alloc_rrange", "alloc_cyclic", "destroy",
	"mas_set", "mas_set_range", "__mas_set_range", "mas_reset", "mas_pause", "mas_walk",
	"mas_find", "mas_find_range", "mas_find_rev", "mas_find_range_rev",
	"mas_next", "mas_next_range", "mas_prev", "mas_prev_range",
	"mas_empty_area", "mas_empty_area_rev", "mas_store", "mas_store_gfp", "mas_erase",
};

/* Writes through the normal API; returns true if the tree may have changed. */
static bool run_write(struct world *w, enum op_kind k)
{
	unsigned long f = pick_index(), l = pick_last(f), s1 = 0, s2 = 0, size, lo, hi;
	void *e = pick_entry();

	switch (k) {
	case OP_STORE:
		CHECK_UL(oracle_store_range(&w->o, f, l, e), model_store_range(&w->m, f, l, e), "ret");
		return true;
	case OP_INSERT:
		CHECK_UL(oracle_insert_range(&w->o, f, l, e), model_insert_range(&w->m, f, l, e), "ret");
		return true;
	case OP_ERASE:
		CHECK_UL(oracle_erase(&w->o, f), model_erase(&w->m, f), "entry");
		return true;
	case OP_ALLOC:
	case OP_RALLOC:
		size = pick_size();
		lo = pick_index();
		hi = rnd(4) ? pick_index() : MAX;
		CHECK_UL(k == OP_ALLOC ? oracle_alloc_range(&w->o, &s1, e, size, lo, hi)
				       : oracle_alloc_rrange(&w->o, &s1, e, size, lo, hi),
			 model_alloc(&w->m, &s2, e, size, lo, hi, k == OP_RALLOC), "ret");
		CHECK_UL(s1, s2, "start");
		return true;
	case OP_CYCLIC:
		lo = rnd(3) ? pick_index() : 0;
		hi = rnd(3) ? pick_index() : MAX;
		if (rnd(16) == 0)
			w->onext = w->mnext = pick_index();
		CHECK_UL(oracle_alloc_cyclic(&w->o, &s1, e, lo, hi, &w->onext),
			 model_alloc_cyclic(&w->m, &s2, e, lo, hi, &w->mnext), "ret");
		CHECK_UL(s1, s2, "start");
		CHECK_UL(w->onext, w->mnext, "next");
		CHECK_UL(w->o.flags, w->m.flags, "flags");
		return true;
	case OP_DESTROY:
		oracle_destroy(&w->o);
		model_clear(&w->m);
		w->m.mode = ORACLE_EMPTY;
		return true;
	default:
		return false;
	}
}

static void run_read(struct world *w, enum op_kind k)
{
	unsigned long i = pick_index(), lim = rnd(3) ? pick_index() : (rnd(2) ? MAX : 0);
	unsigned long i1 = i, i2 = i;
	struct mstate ms;

	switch (k) {
	case OP_LOAD:
		CHECK_UL(oracle_load(&w->o, i), model_load(&w->m, i), "entry");
		break;
	case OP_FIND:
	case OP_FIND_AFTER:
		if (k == OP_FIND_AFTER && rnd(4) == 0)
			i1 = i2 = 0;
		CHECK_UL(k == OP_FIND ? oracle_find(&w->o, &i1, lim) : oracle_find_after(&w->o, &i1, lim),
			 (k == OP_FIND || i2) ? model_find(&w->m, &i2, lim) : NULL, "entry");
		CHECK_UL(i1, i2, "index");
		break;
	case OP_NEXT:
		ms_init(&ms, &w->m, i, i);
		CHECK_UL(oracle_next(&w->o, i, lim), ms_next(&ms, lim, false), "entry");
		break;
	case OP_PREV:
		ms_init(&ms, &w->m, i, i);
		CHECK_UL(oracle_prev(&w->o, i, lim), ms_prev(&ms, lim, false), "entry");
		break;
	default:
		break;
	}
}

static void run_state_op(struct world *w, enum op_kind k)
{
	unsigned long a = pick_index(), b = rnd(4) ? pick_index() : (rnd(2) ? MAX : 0);
	unsigned long size = pick_size();
	struct oracle_state *s = &w->os;
	struct mstate *ms = &w->ms;
	void *e1 = NULL, *e2 = NULL, *e = pick_entry();

	switch (k) {
	case OP_MAS_STORE: e1 = oracle_state_store(s, e); ms_store(ms, e, &e2); break;
	case OP_MAS_STORE_GFP: CHECK_UL(oracle_state_store_gfp(s, e), ms_store(ms, e, &e2), "ret"); e2 = NULL; break;
	case OP_MAS_ERASE: e1 = oracle_state_erase(s); e2 = ms_erase(ms); break;
	case OP_SET: oracle_state_set(s, a); ms_init(ms, &w->m, a, a); break;
	case OP_SET_RANGE: oracle_state_set_range(s, a, b); ms_init(ms, &w->m, a, b); break;
	case OP_SET_KEEP: oracle_state_set_range_keep(s, a, b); ms->index = a; ms->last = b; break;
	case OP_RESET: oracle_state_reset(s); ms_status(ms, ORACLE_START); break;
	case OP_PAUSE: oracle_state_pause(s); ms_status(ms, ORACLE_PAUSE); break;
	case OP_WALK: e1 = oracle_state_walk(s); e2 = ms_walk(ms); break;
	case OP_MAS_FIND: e1 = oracle_state_find(s, b); e2 = ms_find(ms, b, false); break;
	case OP_MAS_FIND_RANGE: e1 = oracle_state_find_range(s, b); e2 = ms_find(ms, b, true); break;
	case OP_MAS_FIND_REV: e1 = oracle_state_find_rev(s, b); e2 = ms_find_rev(ms, b, false); break;
	case OP_MAS_FIND_RANGE_REV: e1 = oracle_state_find_range_rev(s, b); e2 = ms_find_rev(ms, b, true); break;
	case OP_MAS_NEXT: e1 = oracle_state_next(s, b); e2 = ms_next(ms, b, false); break;
	case OP_MAS_NEXT_RANGE: e1 = oracle_state_next_range(s, b); e2 = ms_next(ms, b, true); break;
	case OP_MAS_PREV: e1 = oracle_state_prev(s, b); e2 = ms_prev(ms, b, false); break;
	case OP_MAS_PREV_RANGE: e1 = oracle_state_prev_range(s, b); e2 = ms_prev(ms, b, true); break;
	case OP_EMPTY_AREA:
	case OP_EMPTY_AREA_REV:
		if (rnd(3) == 0)
			b = MAX;
		CHECK_UL(k == OP_EMPTY_AREA ? oracle_state_empty_area(s, a, b, size)
					    : oracle_state_empty_area_rev(s, a, b, size),
			 ms_empty_area(ms, a, b, size, k == OP_EMPTY_AREA_REV), "ret");
		break;
	default:
		break;
	}
	CHECK_UL(e1, e2, "entry");
	check_state(s, ms);
	if (k >= OP_MAS_STORE)
		check_tree(&w->o, &w->m);
	seen_status[s->status]++;
	seen_mode[oracle_mode(&w->o)]++;
}

static void run_stream(unsigned long seed, unsigned int flags, bool small, int nr_ops)
{
	static struct world w;   /* the model is large: keep it off the stack */
	unsigned long ops_done[OP_COUNT] = { 0 };

	rng_state = seed * 0x9E3779B97F4A7C15UL + 1;
	small_trees = small;
	oracle_init(&w.o, flags);
	model_init(&w.m, flags);
	oracle_state_init(&w.os, &w.o, 0, 0);
	ms_init(&w.ms, &w.m, 0, 0);
	w.onext = w.mnext = 0;
	for (int op = 0; op < nr_ops; op++) {
		/* writes ~35%, normal reads ~20%, state ops ~45%; destroy is rare */
		unsigned long r = rnd(100);
		enum op_kind k = r < 14 ? OP_STORE : r < 20 ? OP_INSERT : r < 25 ? OP_ERASE :
				 r < 29 ? OP_ALLOC : r < 32 ? OP_RALLOC : r < 35 ? OP_CYCLIC :
				 r < 40 ? OP_LOAD : r < 44 ? OP_FIND : r < 47 ? OP_FIND_AFTER :
				 r < 51 ? OP_NEXT : r < 55 ? OP_PREV :
				 (enum op_kind)(OP_SET + rnd(OP_COUNT - OP_SET));

		if (rnd(small_trees ? 25 : 400) == 0 || w.m.n > MAX_CELLS - 8)
			k = OP_DESTROY;
		snprintf(ctx, sizeof(ctx), "seed %lu flags %u op %d (%s)", seed, flags, op, op_names[k]);
		ops_done[k]++;
		if (run_write(&w, k)) {
			check_tree(&w.o, &w.m);
			if (rnd(2)) {            /* as the harness does; otherwise keep the stale state */
				oracle_state_reset(&w.os);
				ms_status(&w.ms, ORACLE_START);
			}
		} else if (k < OP_SET) {
			run_read(&w, k);
		} else {
			run_state_op(&w, k);
		}
	}
	check_tree(&w.o, &w.m);
	oracle_destroy(&w.o);
	for (int k = 0; k < OP_COUNT; k++)
		assert_true(ops_done[k] > 0 || k == OP_DESTROY);
}

/* Every status and every mode must have been reached, or the streams test too little. */
static void assert_streams_reached_everything(void)
{
	for (int st = 0; st <= ORACLE_ERROR; st++)
		assert_true(seen_status[st] > 0);
	for (int mode = 0; mode <= ORACLE_NODE; mode++)
		assert_true(seen_mode[mode] > 0);
	memset(seen_status, 0, sizeof(seen_status));
	memset(seen_mode, 0, sizeof(seen_mode));
}

static void test_random_alloc_trees(void **unused)
{
	(void)unused;
	for (unsigned long seed = 1; seed <= 5; seed++)
		run_stream(seed, ORACLE_ALLOC_RANGE, false, 8000);
	for (unsigned long seed = 6; seed <= 9; seed++)
		run_stream(seed, ORACLE_ALLOC_RANGE, true, 8000);
	assert_streams_reached_everything();
}

static void test_random_plain_trees(void **unused)
{
	(void)unused;
	for (unsigned long seed = 101; seed <= 104; seed++)
		run_stream(seed, 0, false, 8000);
	for (unsigned long seed = 105; seed <= 108; seed++)
		run_stream(seed, 0, true, 8000);
	assert_streams_reached_everything();
}

/* ======================================================================================
 * Literal tables
 * ====================================================================================== */

struct expect {
	void *entry;
	unsigned long index, last;
	enum oracle_status status;
};

static void assert_state(const struct oracle_state *s, void *got, struct expect want)
{
	assert_ptr_equal(got, want.entry);
	assert_int_equal(s->index, want.index);
	assert_int_equal(s->last, want.last);
	assert_int_equal(s->status, want.status);
}

static void walk_to(struct oracle_state *s, unsigned long index)
{
	oracle_state_set(s, index);
	oracle_state_walk(s);
}

/* Reference §2.4, tree A [0x1000,0x1500], B [0x2000,0x2500], C [0x3000,0x3500]. */
static void test_state_table(void **unused)
{
	void *A = V(1), *B = V(2), *C = V(3);
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, 0);
	assert_int_equal(oracle_store_range(&o, 0x1000, 0x1500, A), 0);
	assert_int_equal(oracle_store_range(&o, 0x2000, 0x2500, B), 0);
	assert_int_equal(oracle_store_range(&o, 0x3000, 0x3500, C), 0);
	oracle_state_init(&s, &o, 0, 0);

	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next(&s, 0x2100), (struct expect){ B, 0x2000, 0x2500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next(&s, 0x2999), (struct expect){ NULL, 0x2501, 0x2fff, ORACLE_OVERFLOW });
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ C, 0x3000, 0x3500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 0x3501, MAX, ORACLE_OVERFLOW });
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 0x3501, MAX, ORACLE_OVERFLOW });
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ C, 0x3000, 0x3500, ORACLE_ACTIVE });

	walk_to(&s, 0x2000);
	assert_state(&s, oracle_state_prev(&s, 0x1200), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_prev(&s, 0x1200), (struct expect){ NULL, 0x1000, 0x1500, ORACLE_UNDERFLOW });
	assert_state(&s, oracle_state_prev(&s, 0x100), (struct expect){ NULL, 0, 0xfff, ORACLE_UNDERFLOW });
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });

	walk_to(&s, 0x2000);
	assert_state(&s, oracle_state_prev(&s, 0x1600), (struct expect){ NULL, 0x1501, 0x1fff, ORACLE_UNDERFLOW });

	oracle_state_set(&s, 1200);
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });
	oracle_state_set(&s, 0x1200);
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });

	walk_to(&s, 0x2000);
	assert_state(&s, oracle_state_find(&s, 0x2700), (struct expect){ NULL, 0x2501, 0x2fff, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find(&s, 0x5000), (struct expect){ C, 0x3000, 0x3500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ NULL, 0x3501, MAX, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ C, 0x3000, 0x3500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ B, 0x2000, 0x2500, ORACLE_ACTIVE });
	oracle_state_pause(&s);
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ A, 0x1000, 0x1500, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ NULL, 0, 0xfff, ORACLE_UNDERFLOW });

	oracle_state_set(&s, 0x1600);
	assert_state(&s, oracle_state_walk(&s), (struct expect){ NULL, 0x1501, 0x1fff, ORACLE_ACTIVE });
	oracle_destroy(&o);
}

/* Reference §2.4, single-entry tree: P held in the root at [0,0]. */
static void test_state_single_entry(void **unused)
{
	void *P = V(7);
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, 0);
	assert_int_equal(oracle_store_range(&o, 0, 0, P), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);

	oracle_state_init(&s, &o, 0, 0);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ NULL, 0, 0, ORACLE_UNDERFLOW });
	oracle_state_set(&s, 10);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ P, 0, 0, ORACLE_ROOT });
	oracle_state_set(&s, 0);
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	oracle_state_set(&s, 10);
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	oracle_state_set(&s, 0);
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ P, 0, 0, ORACLE_ROOT });
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	oracle_state_set(&s, 0);
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ P, 0, 0, ORACLE_ROOT });
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ NULL, 0, 0, ORACLE_NONE });
	oracle_state_set(&s, 10);
	assert_state(&s, oracle_state_walk(&s), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	oracle_state_set(&s, 0);
	assert_state(&s, oracle_state_walk(&s), (struct expect){ P, 0, 0, ORACLE_ROOT });

	/* after find_rev's NULL at [0,0] (none), next comes back to the root: [0,0], root */
	oracle_state_set(&s, 0);
	oracle_state_find_rev(&s, 0);
	oracle_state_find_rev(&s, 0);
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 0, 0, ORACLE_ROOT });
	/* ... and find from there (none, index = last = 0) finds the root entry again */
	oracle_state_set(&s, 0);
	oracle_state_find_rev(&s, 0);
	oracle_state_find_rev(&s, 0);
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ P, 0, 0, ORACLE_ROOT });
	/* find_rev from none at its own limit stays put */
	walk_to(&s, 10);
	assert_state(&s, oracle_state_find_rev(&s, 1), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ P, 0, 0, ORACLE_ROOT });
	/* prev from status root moved by hand above 0 returns the root entry */
	walk_to(&s, 0);
	oracle_state_set_range_keep(&s, 5, 5);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ P, 0, 0, ORACLE_ROOT });
	oracle_state_set_range_keep(&s, 5, 5);
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 1, MAX, ORACLE_NONE });
	/* find_rev from above the root entry lands on it */
	oracle_state_set(&s, 50);
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ P, 0, 0, ORACLE_ROOT });
	assert_ptr_equal(oracle_next(&o, 0, MAX), NULL);
	assert_ptr_equal(oracle_prev(&o, 5, 0), P);
	oracle_destroy(&o);
}

/* Reference §2.4: 30 singletons in an alloc tree; underflow at 0, then find returns 0's entry. */
static void test_state_thirty_singletons(void **unused)
{
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	for (unsigned long i = 0; i < 30; i++)
		assert_int_equal(oracle_store_range(&o, i, i, V(i + 1)), 0);
	oracle_state_init(&s, &o, 0, 0);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ NULL, 0, 0, ORACLE_UNDERFLOW });
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ V(1), 0, 0, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ V(2), 1, 1, ORACLE_ACTIVE });
	oracle_destroy(&o);
}

static void test_state_empty_tree(void **unused)
{
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, 0);
	oracle_state_init(&s, &o, 5, 5);
	assert_state(&s, oracle_state_walk(&s), (struct expect){ NULL, 0, MAX, ORACLE_NONE });
	oracle_state_set(&s, 5);
	assert_state(&s, oracle_state_find_rev(&s, 0), (struct expect){ NULL, 0, 0, ORACLE_ROOT });
	oracle_state_set(&s, 5);
	assert_state(&s, oracle_state_find(&s, MAX), (struct expect){ NULL, 0, MAX, ORACLE_NONE });
	oracle_state_set(&s, 5);
	assert_state(&s, oracle_state_next(&s, MAX), (struct expect){ NULL, 0, MAX, ORACLE_NONE });
	oracle_state_set(&s, 5);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ NULL, 0, MAX, ORACLE_NONE });
	oracle_destroy(&o);
}

/* The _range forms return NULL ranges; next/prev skip them. Entries at [10,19] and [30,39]. */
static void test_state_range_forms(void **unused)
{
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, 0);
	oracle_store_range(&o, 10, 19, V(1));
	oracle_store_range(&o, 30, 39, V(2));
	oracle_state_init(&s, &o, 12, 12);
	assert_state(&s, oracle_state_find_range(&s, MAX), (struct expect){ V(1), 10, 19, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range(&s, MAX), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next_range(&s, MAX), (struct expect){ V(2), 30, 39, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next_range(&s, MAX), (struct expect){ NULL, 40, MAX, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_next_range(&s, MAX), (struct expect){ NULL, 40, MAX, ORACLE_OVERFLOW });
	/* from overflow, prev walks back onto [40,MAX] and then steps: the NULL there is not returned */
	assert_state(&s, oracle_state_prev_range(&s, 0), (struct expect){ V(2), 30, 39, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_prev_range(&s, 0), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range_rev(&s, 0), (struct expect){ V(1), 10, 19, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range_rev(&s, 0), (struct expect){ NULL, 0, 9, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range_rev(&s, 0), (struct expect){ NULL, 0, 9, ORACLE_UNDERFLOW });
	/* find_range from a NULL range's inside steps past it (the walk's NULL is not returned) */
	oracle_state_set(&s, 25);
	assert_state(&s, oracle_state_find_range(&s, MAX), (struct expect){ V(2), 30, 39, ORACLE_ACTIVE });
	/* find_range that runs past max reports overflow; find does not */
	oracle_state_set(&s, 15);
	oracle_state_walk(&s);
	assert_state(&s, oracle_state_find_range(&s, 19), (struct expect){ NULL, 10, 19, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range(&s, 25), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	assert_state(&s, oracle_state_find_range(&s, 25), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	oracle_state_set(&s, 22);
	assert_state(&s, oracle_state_find_range(&s, 25), (struct expect){ NULL, 20, 29, ORACLE_OVERFLOW });
	oracle_state_set(&s, 22);
	assert_state(&s, oracle_state_find(&s, 25), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	/* a walk whose NULL range starts at max answers that range */
	oracle_state_set(&s, 20);
	assert_state(&s, oracle_state_find_range(&s, 20), (struct expect){ NULL, 20, 29, ORACLE_ACTIVE });
	oracle_destroy(&o);
}

/* Reference §2.5: entries [i*10, i*10+9] for i = 1..20, [160,169] erased. */
struct gap_row {
	bool rev;
	unsigned long min, max, size;
	int ret;
	unsigned long index, last;
};

static void test_gap_examples(void **unused)
{
	static const struct gap_row rows[] = {
		{ true, 5, 90, 10, -EBUSY, 0, 0 },     { true, 6, 90, 5, -EBUSY, 0, 0 },
		{ true, 5, 90, 5, 0, 5, 9 },           { true, 5, 217, 9, 0, 161, 169 },
		{ true, 100, 218, 3, 0, 216, 218 },    { true, 100, 218, 16, -EBUSY, 0, 0 },
		{ true, 167, 200, 4, -EBUSY, 0, 0 },   { true, 100, 162, 4, -EBUSY, 0, 0 },
		{ false, 0, 100, 9, 0, 0, 8 },         { false, 0, 100, 4, 0, 0, 3 },
		{ false, 0, 100, 11, -EBUSY, 0, 0 },   { false, 5, 100, 6, -EBUSY, 0, 0 },
		{ false, 0, 8, 10, -EINVAL, 0, 0 },    { false, 100, 163, 6, -EBUSY, 0, 0 },
	};
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	for (unsigned long i = 1; i <= 20; i++)
		assert_int_equal(oracle_store_range(&o, i * 10, i * 10 + 9, V(i)), 0);
	assert_ptr_equal(oracle_erase(&o, 161), V(16));
	oracle_state_init(&s, &o, 0, 0);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct gap_row *g = &rows[r];
		int ret;

		oracle_state_set_range(&s, 77, 78);
		ret = g->rev ? oracle_state_empty_area_rev(&s, g->min, g->max, g->size)
			     : oracle_state_empty_area(&s, g->min, g->max, g->size);
		assert_int_equal(ret, g->ret);
		if (ret == 0) {
			assert_int_equal(s.index, g->index);
			assert_int_equal(s.last, g->last);
			assert_int_equal(s.status, ORACLE_ACTIVE);
		} else if (ret == -EBUSY) {
			assert_int_equal(s.index, g->min);
			assert_int_equal(s.last, g->max);
			assert_int_equal(s.status, ORACLE_ERROR);
			assert_int_equal(s.error, -EBUSY);
		} else {
			assert_int_equal(s.index, 77);
			assert_int_equal(s.last, 78);
			assert_int_equal(s.status, ORACLE_START);
		}
	}
	/* the window state steps like the range holding it: next_range goes past the gap */
	assert_int_equal(oracle_state_empty_area(&s, 0, 100, 4), 0);
	assert_state(&s, oracle_state_next_range(&s, MAX), (struct expect){ V(1), 10, 19, ORACLE_ACTIVE });
	assert_int_equal(oracle_state_empty_area_rev(&s, 150, 200, 3), 0);
	assert_state(&s, oracle_state_prev(&s, 0), (struct expect){ V(15), 150, 159, ORACLE_ACTIVE });
	oracle_destroy(&o);
}

/* Gap search in empty and root-entry trees: min bumps to 1 past the root entry. */
static void test_gap_sparse(void **unused)
{
	struct oracle o;
	struct oracle_state s;
	unsigned long start = 99;

	(void)unused;
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	oracle_state_init(&s, &o, 0, 0);
	assert_int_equal(oracle_state_empty_area(&s, 0, MAX, 5), 0);
	assert_state(&s, NULL, (struct expect){ NULL, 0, 4, ORACLE_NONE });
	assert_int_equal(oracle_state_empty_area_rev(&s, 0, MAX, 5), 0);
	assert_state(&s, NULL, (struct expect){ NULL, MAX - 4, MAX, ORACLE_NONE });
	assert_int_equal(oracle_state_empty_area(&s, 0, 0, 1), 0);
	assert_int_equal(oracle_state_empty_area(&s, 3, 2, 1), -EINVAL);
	assert_int_equal(oracle_state_empty_area(&s, 0, 5, 0), -EINVAL);

	assert_int_equal(oracle_alloc_range(&o, &start, V(1), 1, 0, 10), 0);
	assert_int_equal(start, 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	oracle_state_reset(&s);
	assert_int_equal(oracle_state_empty_area(&s, 0, 10, 3), 0);
	assert_state(&s, NULL, (struct expect){ NULL, 1, 3, ORACLE_ROOT });
	assert_int_equal(oracle_state_empty_area_rev(&s, 0, 10, 3), 0);
	assert_state(&s, NULL, (struct expect){ NULL, 8, 10, ORACLE_ROOT });
	oracle_state_set_range(&s, 40, 41);
	assert_int_equal(oracle_state_empty_area(&s, 0, 2, 3), -EBUSY);
	assert_state(&s, NULL, (struct expect){ NULL, 40, 41, ORACLE_ROOT });
	assert_int_equal(oracle_state_empty_area(&s, 0, 0, 1), -EBUSY);
	assert_int_equal(oracle_alloc_range(&o, &start, V(2), 2, 0, 10), 0);
	assert_int_equal(start, 1);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);
	assert_int_equal(oracle_alloc_rrange(&o, &start, V(3), 2, 0, 10), 0);
	assert_int_equal(start, 9);
	assert_int_equal(oracle_alloc_rrange(&o, &start, V(3), 7, 0, 10), -EBUSY);
	assert_int_equal(oracle_alloc_rrange(&o, &start, V(3), 6, 0, 10), 0);
	assert_int_equal(start, 3);
	assert_int_equal(oracle_alloc_range(&o, &start, V(4), 1, 0, 10), -EBUSY);
	assert_int_equal(start, 3);
	assert_int_equal(o.nr_ranges, 4);
	oracle_destroy(&o);
}

static void test_alloc_refusals(void **unused)
{
	struct oracle plain, o;
	unsigned long start = 5, next = 0;

	(void)unused;
	oracle_init(&plain, 0);
	assert_int_equal(oracle_alloc_range(&plain, &start, V(1), 1, 0, MAX), -EINVAL);
	assert_int_equal(oracle_alloc_rrange(&plain, &start, V(1), 1, 0, MAX), -EINVAL);
	assert_int_equal(oracle_alloc_cyclic(&plain, &start, V(1), 0, MAX, &next), -EINVAL);
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	assert_int_equal(oracle_alloc_range(&o, &start, ZERO, 1, 0, MAX), -EINVAL);
	assert_int_equal(oracle_alloc_range(&o, &start, (void *)4090UL, 1, 0, MAX), -EINVAL);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, ORACLE_RETRY_ENTRY, 0, MAX, &next), -EINVAL);
	assert_int_equal(oracle_alloc_range(&o, &start, V(1), 0, 0, MAX), -EINVAL);
	assert_int_equal(oracle_alloc_range(&o, &start, V(1), 3, 10, 11), -EINVAL);
	assert_int_equal(oracle_alloc_range(&o, &start, V(1), 1, 11, 10), -EINVAL);
	assert_int_equal(start, 5);
	assert_true(oracle_empty(&o));
	/* internal values from 4096 up are not reserved, but never sit in the root */
	assert_int_equal(oracle_alloc_range(&o, &start, (void *)4098UL, 1, 0, MAX), 0);
	assert_int_equal(start, 0);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);
	/* a NULL entry finds a window and stores nothing */
	assert_int_equal(oracle_alloc_range(&o, &start, NULL, 4, 0, MAX), 0);
	assert_int_equal(start, 1);
	assert_int_equal(o.nr_ranges, 1);
	oracle_destroy(&o);
	oracle_destroy(&plain);
}

/* Reference §2.6 and the kernel's own cyclic expectations. */
static void test_cyclic(void **unused)
{
	struct oracle o;
	unsigned long start, next = 0;

	(void)unused;
	oracle_init(&o, ORACLE_ALLOC_RANGE);
	for (unsigned long i = 0; i < 100; i++) {
		assert_int_equal(oracle_alloc_cyclic(&o, &start, V(i), 2, MAX, &next), 0);
		assert_int_equal(start, i + 2);
		assert_int_equal(next, i + 3);
		assert_ptr_equal(oracle_load(&o, start), V(i));
	}
	oracle_destroy(&o);

	next = 0;
	for (unsigned long i = 0; i < 1023; i++) {
		assert_int_equal(oracle_alloc_cyclic(&o, &start, V(i), 2, 1024, &next), 0);
		assert_int_equal(start, i + 2);
	}
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(1), 2, 1024, &next), -EBUSY);
	assert_int_equal(next, 1025);
	assert_ptr_equal(oracle_erase(&o, 123), V(121));
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(5000), 2, 1024, &next), 1);
	assert_int_equal(start, 123);
	assert_int_equal(next, 124);
	assert_ptr_equal(oracle_load(&o, 123), V(5000));
	oracle_erase(&o, 100);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(5001), 2, 1024, &next), 1);
	assert_int_equal(start, 100);
	assert_int_equal(next, 101);
	oracle_destroy(&o);

	/* handing out ULONG_MAX wraps next to 0; the call after that restarts and returns 1 */
	next = MAX - 1;
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(1), 2, MAX, &next), 0);
	assert_int_equal(start, MAX - 1);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(2), 2, MAX, &next), 0);
	assert_int_equal(start, MAX);
	assert_int_equal(next, 0);
	assert_true(o.flags & ORACLE_ALLOC_WRAPPED);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(3), 2, MAX, &next), 1);
	assert_int_equal(start, 2);
	assert_false(o.flags & ORACLE_ALLOC_WRAPPED);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(4), 2, MAX, &next), 0);
	assert_int_equal(start, 3);
	oracle_destroy(&o);

	/* root entry only: allocation starts at 1; empty: at 0 */
	next = 0;
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(1), 0, MAX, &next), 0);
	assert_int_equal(start, 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	next = 0;
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(2), 0, MAX, &next), 0);
	assert_int_equal(start, 1);
	/* next beyond range_hi: the first search is refused, the restart finds room */
	next = 500;
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(3), 0, 10, &next), 1);
	assert_int_equal(start, 2);
	assert_int_equal(oracle_alloc_cyclic(&o, &start, V(3), 20, 10, &next), -EINVAL);
	oracle_destroy(&o);
}

/* docs/semantics.md "Mode transitions" and the logical-tree rules. */
static void test_modes_and_stores(void **unused)
{
	struct oracle o;
	unsigned long f, l;

	(void)unused;
	oracle_init(&o, 0);
	assert_int_equal(oracle_store_range(&o, 5, 9, NULL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_EMPTY);
	assert_int_equal(oracle_store_range(&o, 0, 0, V(1)), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	assert_int_equal(oracle_store_range(&o, 5, 9, NULL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	assert_int_equal(oracle_store_range(&o, 1, MAX, NULL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	assert_int_equal(oracle_insert_range(&o, 1, 1, NULL), 0);
	assert_int_equal(oracle_insert_range(&o, 0, 1, NULL), -EEXIST);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	assert_int_equal(oracle_store_range(&o, 0, 3, NULL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_EMPTY);
	assert_int_equal(oracle_store_range(&o, 0, 0, (void *)4098UL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);
	assert_int_equal(oracle_store_range(&o, 0, 0, V(1)), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);   /* a node tree holding only [0,0] stays one */
	assert_ptr_equal(oracle_erase(&o, 0), V(1));
	assert_int_equal(oracle_mode(&o), ORACLE_EMPTY);
	oracle_store_range(&o, 0, 0, V(1));
	assert_int_equal(oracle_store_range(&o, 3, 4, V(2)), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);
	assert_ptr_equal(oracle_range(&o, 0, &f, &l), V(1));
	assert_ptr_equal(oracle_range(&o, 2, &f, &l), NULL);
	assert_int_equal(f, 1);
	assert_int_equal(l, 2);
	assert_int_equal(oracle_store_range(&o, 0, MAX, NULL), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_EMPTY);
	assert_int_equal(o.nr_ranges, 0);

	/* P over [0,10] then P over [5,7]: three ranges, never merged */
	oracle_store_range(&o, 0, 10, V(3));
	oracle_store_range(&o, 5, 7, V(3));
	assert_int_equal(o.nr_ranges, 3);
	assert_ptr_equal(oracle_range(&o, 8, &f, &l), V(3));
	assert_int_equal(f, 8);
	assert_int_equal(l, 10);
	oracle_store_range(&o, 6, 6, NULL);
	assert_int_equal(o.nr_ranges, 4);
	assert_ptr_equal(oracle_erase(&o, 5), V(3));
	assert_ptr_equal(oracle_range(&o, 6, &f, &l), NULL);
	assert_int_equal(f, 5);
	assert_int_equal(l, 6);
	assert_int_equal(oracle_store_range(&o, MAX, MAX, V(9)), 0);
	assert_ptr_equal(oracle_range(&o, MAX - 1, &f, &l), NULL);
	assert_int_equal(f, 11);
	assert_int_equal(l, MAX - 1);

	/* argument errors leave the tree alone */
	assert_int_equal(oracle_store_range(&o, 4, 3, V(1)), -EINVAL);
	assert_int_equal(oracle_store_range(&o, 20, 30, ORACLE_RETRY_ENTRY), -EINVAL);
	assert_int_equal(oracle_store_range(&o, 20, 30, (void *)2UL), -EINVAL);
	assert_int_equal(oracle_insert_range(&o, 20, 30, (void *)6UL), -EINVAL);
	assert_int_equal(oracle_insert_range(&o, 9, 30, V(1)), -EEXIST);
	assert_int_equal(oracle_insert_range(&o, 20, 30, NULL), 0);
	assert_int_equal(oracle_insert_range(&o, 11, 30, V(4)), 0);
	assert_int_equal(oracle_insert_range(&o, MAX - 1, MAX, V(4)), -EEXIST);
	assert_int_equal(o.nr_ranges, 5);
	assert_int_equal(oracle_store_range(&o, 20, 30, (void *)1034UL), 0);
	oracle_destroy(&o);
	assert_true(oracle_empty(&o));
}

/* The zero entry occupies its range; load/find hide it, next/prev/erase show it. */
static void test_zero_entry(void **unused)
{
	struct oracle o;
	unsigned long i;

	(void)unused;
	oracle_init(&o, 0);
	assert_int_equal(oracle_store_range(&o, 0, 0, ZERO), 0);
	assert_int_equal(oracle_mode(&o), ORACLE_NODE);
	assert_int_equal(oracle_store_range(&o, 10, 19, ZERO), 0);
	assert_int_equal(oracle_store_range(&o, 30, 39, V(1)), 0);
	assert_ptr_equal(oracle_load(&o, 15), NULL);
	assert_ptr_equal(oracle_range(&o, 15, NULL, NULL), ZERO);
	assert_int_equal(oracle_insert_range(&o, 15, 15, V(2)), -EEXIST);
	i = 0;
	assert_ptr_equal(oracle_find(&o, &i, MAX), V(1));
	assert_int_equal(i, 40);
	i = 0;
	assert_ptr_equal(oracle_find(&o, &i, 35), V(1));
	i = 0;
	assert_ptr_equal(oracle_find(&o, &i, 29), NULL);
	assert_int_equal(i, 0);
	assert_ptr_equal(oracle_find_after(&o, &i, MAX), NULL);
	assert_ptr_equal(oracle_next(&o, 5, MAX), ZERO);
	assert_ptr_equal(oracle_prev(&o, 25, 0), ZERO);
	assert_ptr_equal(oracle_erase(&o, 12), ZERO);
	assert_ptr_equal(oracle_range(&o, 15, NULL, NULL), NULL);
	assert_int_equal(o.nr_ranges, 2);
	i = 35;
	assert_ptr_equal(oracle_find(&o, &i, 10), NULL);
	assert_ptr_equal(oracle_find(&o, &i, 35), V(1));
	assert_int_equal(i, 40);
	oracle_store_range(&o, 50, MAX, V(5));
	assert_ptr_equal(oracle_find(&o, &i, MAX), V(5));
	assert_int_equal(i, 0);
	oracle_destroy(&o);
}


/* oracle_nth_range and oracle_range_from agree with walking the ranges in order, and say no past
 * the end. */
static void test_nth_range(void **unused)
{
	struct oracle o;
	unsigned long first, last, index = 0, n = 0, f2, l2, f3, l3, from = 0;
	void *e3;

	(void)unused;
	oracle_init(&o, 0);
	assert_false(oracle_nth_range(&o, 0, &first, &last));
	for (unsigned long i = 0; i < 40; i++)
		assert_int_equal(oracle_store_range(&o, i * 7, i * 7 + (i % 3), (void *)((i << 1) | 1)), 0);
	assert_int_equal(oracle_store_range(&o, ULONG_MAX - 2, ULONG_MAX, ORACLE_ZERO_ENTRY), 0);
	for (;;) {
		void *e = oracle_range(&o, index, &first, &last);

		if (e) {
			assert_true(oracle_nth_range(&o, n, &f2, &l2));
			assert_int_equal(f2, first);
			assert_int_equal(l2, last);
			assert_true(oracle_range_from(&o, from, &f3, &l3, &e3));
			assert_int_equal(f3, first);
			assert_int_equal(l3, last);
			assert_ptr_equal(e3, e);
			assert_true(oracle_range_from(&o, last, &f3, &l3, &e3));   /* from inside it */
			assert_int_equal(f3, first);
			from = last + 1;       /* a hole or the next range: the next range either way */
			n++;
		}
		if (last == ULONG_MAX)
			break;
		index = last + 1;
	}
	assert_int_equal(n, 41);
	assert_false(oracle_nth_range(&o, n, &f2, &l2));
	oracle_erase(&o, ULONG_MAX);
	assert_false(oracle_range_from(&o, ULONG_MAX - 2, &f3, &l3, &e3));
	oracle_destroy(&o);
}

/* mas_store / mas_erase literals: return values and where the state lands (docs/semantics.md). */
static void test_state_store_erase(void **unused)
{
	void *A = V(1), *B = V(2);
	struct oracle o;
	struct oracle_state s;

	(void)unused;
	oracle_init(&o, 0);
	oracle_state_init(&s, &o, 10, 20);
	assert_state(&s, oracle_state_store(&s, A), (struct expect){ NULL, 10, 20, ORACLE_ACTIVE });
	oracle_state_set_range(&s, 15, 30);
	assert_state(&s, oracle_state_store(&s, B), (struct expect){ A, 15, 30, ORACLE_ACTIVE });
	oracle_state_set_range(&s, 12, 40);     /* NULL merges with [31, MAX] and keeps [10,11] */
	assert_state(&s, oracle_state_store(&s, NULL), (struct expect){ A, 12, MAX, ORACLE_ACTIVE });
	oracle_state_set_range(&s, 5, 4);
	assert_state(&s, oracle_state_store(&s, B), (struct expect){ NULL, 5, 4, ORACLE_ERROR });
	assert_int_equal(s.error, -EINVAL);
	assert_int_equal(oracle_state_store_gfp(&s, B), -EINVAL);
	oracle_state_set(&s, 11);
	assert_state(&s, oracle_state_erase(&s), (struct expect){ A, 10, 11, ORACLE_START });
	assert_true(oracle_empty(&o));
	assert_state(&s, oracle_state_erase(&s), (struct expect){ NULL, 10, 11, ORACLE_NONE });
	oracle_state_set(&s, 0);
	assert_int_equal(oracle_state_store_gfp(&s, (void *)0x1000UL), 0);
	assert_int_equal(s.status, ORACLE_START);
	assert_int_equal(oracle_mode(&o), ORACLE_ROOT_ENTRY);
	oracle_state_set_range(&s, 7, 9);
	assert_state(&s, oracle_state_erase(&s), (struct expect){ NULL, 7, 9, ORACLE_ROOT });
	oracle_state_set_range(&s, 0, 9);
	assert_state(&s, oracle_state_erase(&s), (struct expect){ (void *)0x1000UL, 0, 0, ORACLE_START });
	assert_true(oracle_empty(&o));
	oracle_destroy(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes_and_stores),
		cmocka_unit_test(test_zero_entry),
		cmocka_unit_test(test_nth_range),
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_state_single_entry),
		cmocka_unit_test(test_state_thirty_singletons),
		cmocka_unit_test(test_state_empty_tree),
		cmocka_unit_test(test_state_range_forms),
		cmocka_unit_test(test_state_store_erase),
		cmocka_unit_test(test_gap_examples),
		cmocka_unit_test(test_gap_sparse),
		cmocka_unit_test(test_alloc_refusals),
		cmocka_unit_test(test_cyclic),
		cmocka_unit_test(test_random_alloc_trees),
		cmocka_unit_test(test_random_plain_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
