/* ops.c - the op table and the binary codec of the operation-stream format v1.
 * Decoding is total (missing bytes read as zero, opcodes taken modulo the op count) and never
 * rejects input; it must stay in step with docs/op-format.md. */
#include "ops.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define I ARG_INDEX
#define E ARG_ENTRY
#define R ARG_READER
const struct op_desc ops_table[OP_COUNT] = {
	[OP_STORE_RANGE] = { "store_range", 3, { I, I, E }, true, true, false },
	[OP_STORE] = { "store", 2, { I, E }, false, true, false },
	[OP_INSERT_RANGE] = { "insert_range", 3, { I, I, E }, true, true, false },
	[OP_INSERT] = { "insert", 2, { I, E }, false, true, false },
	[OP_ERASE] = { "erase", 1, { I }, false, true, false },
	[OP_LOAD] = { "load", 1, { I }, false, false, false },
	[OP_FIND] = { "find", 2, { I, I }, false, false, false },
	[OP_FIND_AFTER] = { "find_after", 2, { I, I }, false, false, false },
	[OP_FOR_EACH] = { "for_each", 2, { I, I }, false, false, false },
	[OP_NEXT] = { "next", 2, { I, I }, false, false, false },
	[OP_PREV] = { "prev", 2, { I, I }, false, false, false },
	[OP_DESTROY] = { "destroy", 0, { 0 }, false, true, false },
	[OP_MAS_SET_RANGE] = { "mas_set_range", 2, { I, I }, true, false, false },
	[OP_MAS_WALK] = { "mas_walk", 0, { 0 }, false, false, false },
	[OP_MAS_FIND] = { "mas_find", 1, { I }, false, false, false },
	[OP_MAS_NEXT] = { "mas_next", 1, { I }, false, false, false },
	[OP_MAS_PREV] = { "mas_prev", 1, { I }, false, false, false },
	[OP_MAS_PAUSE] = { "mas_pause", 0, { 0 }, false, false, false },
	[OP_MAS_RESET] = { "mas_reset", 0, { 0 }, false, false, false },
	[OP_CHECK] = { "check", 0, { 0 }, false, false, false },
	[OP_MAS_FIND_RANGE] = { "mas_find_range", 1, { I }, false, false, false },
	[OP_MAS_FIND_REV] = { "mas_find_rev", 1, { I }, false, false, false },
	[OP_MAS_FIND_RANGE_REV] = { "mas_find_range_rev", 1, { I }, false, false, false },
	[OP_MAS_NEXT_RANGE] = { "mas_next_range", 1, { I }, false, false, false },
	[OP_MAS_PREV_RANGE] = { "mas_prev_range", 1, { I }, false, false, false },
	[OP_MAS_STORE] = { "mas_store", 1, { E }, false, true, true },
	[OP_MAS_STORE_GFP] = { "mas_store_gfp", 1, { E }, false, true, true },
	[OP_MAS_ERASE] = { "mas_erase", 0, { 0 }, false, true, true },
	[OP_DUP] = { "dup", 0, { 0 }, false, false, false },
	[OP_MAS_SET_RANGE_KEEP] = { "__mas_set_range", 2, { I, I }, true, false, false },
	[OP_BULK] = { "bulk", 2, { I, I }, false, true, false },
	[OP_MAS_EMPTY_AREA] = { "mas_empty_area", 3, { I, I, I }, false, false, false },
	[OP_MAS_EMPTY_AREA_REV] = { "mas_empty_area_rev", 3, { I, I, I }, false, false, false },
	[OP_MAS_EMPTY_AREA_FIT] = { "mas_empty_area_fit", 2, { I, I }, false, false, false },
	[OP_MAS_EMPTY_AREA_REV_FIT] = { "mas_empty_area_rev_fit", 2, { I, I }, false, false, false },
	[OP_ALLOC_RANGE] = { "alloc_range", 4, { I, I, I, E }, false, true, false },
	[OP_ALLOC_RRANGE] = { "alloc_rrange", 4, { I, I, I, E }, false, true, false },
	[OP_ALLOC_CYCLIC] = { "alloc_cyclic", 3, { I, I, E }, false, true, false },
	[OP_READER_BEGIN] = { "reader_begin", 2, { R, I }, false, false, false },
	[OP_READER_WALK] = { "reader_walk", 1, { R }, false, false, false },
	[OP_READER_NEXT] = { "reader_next", 2, { R, I }, false, false, false },
	[OP_READER_PREV] = { "reader_prev", 2, { R, I }, false, false, false },
	[OP_READER_FIND] = { "reader_find", 2, { R, I }, false, false, false },
	[OP_READER_FIND_REV] = { "reader_find_rev", 2, { R, I }, false, false, false },
	[OP_READER_END] = { "reader_end", 1, { R }, false, false, false },
	[OP_RCU_ON] = { "mt_set_in_rcu", 0, { 0 }, false, false, false },
	[OP_RCU_OFF] = { "mt_clear_in_rcu", 0, { 0 }, false, false, false },
	[OP_FAIL_NTH] = { "fail_nth", 1, { I }, false, false, false },
	[OP_NON_KERNEL] = { "non_kernel", 1, { I }, false, false, false },
	[OP_CLEAR_FAULTS] = { "clear_faults", 0, { 0 }, false, false, false },
	[OP_NOMEM_WRITER] = { "nomem_writer", 3, { I, I, E }, true, false, false },
	[OP_MAS_STORE_PREALLOC] = { "mas_store_prealloc", 1, { E }, false, true, true },
};
#undef I
#undef E
#undef R

/* ---- reading bytes ---- */

static uint8_t read_u8(struct ops_reader *r)
{
	return r->pos < r->size ? r->data[r->pos++] : 0;
}

static unsigned long read_le(struct ops_reader *r, unsigned nbytes)
{
	unsigned long v = 0;

	for (unsigned i = 0; i < nbytes; i++)
		v |= (unsigned long)read_u8(r) << (8 * i);
	return v;
}

void ops_reader_init(struct ops_reader *r, const uint8_t *data, size_t size, struct ops_config *cfg)
{
	r->data = data;
	r->size = size;
	r->pos = 0;
	cfg->flags = read_u8(r);
	cfg->validate_period = read_u8(r);
	cfg->fault = read_u8(r);
	cfg->readers = read_u8(r);
}

bool ops_reader_more(const struct ops_reader *r)
{
	return r->pos < r->size;
}

/* ---- shaping an index ---- */

enum index_class {
	IDX_SMALL, IDX_BOUNDARY, IDX_EXISTING, IDX_NEAR_LAST, IDX_RAW, IDX_MEDIUM, IDX_FIVES, IDX_AFTER_LAST,
	IDX_CLASSES
};

#define BOUNDARY_COUNT (6 + 3 * 62)

/* 0, 1, 2, ULONG_MAX, ULONG_MAX-1, ULONG_MAX-2, then 2^k-1, 2^k, 2^k+1 for k = 2..63. */
static unsigned long boundary_value(unsigned n)
{
	static const unsigned long ends[6] = { 0, 1, 2, ULONG_MAX, ULONG_MAX - 1, ULONG_MAX - 2 };

	n %= BOUNDARY_COUNT;
	if (n < 6)
		return ends[n];
	n -= 6;
	return (1UL << (2 + n / 3)) + (unsigned long)((long)(n % 3) - 1);
}

static unsigned long existing_boundary(struct ops_env *env, uint8_t k)
{
	static const long delta[4] = { 0, -1, 1, 0 };
	unsigned long first, last, at;

	if (!env->nth_range || !env->nth_range(env->ctx, k >> 3, &first, &last))
		return k;
	at = (k & 1) ? last : first;
	return at + (unsigned long)delta[(k >> 1) & 3];
}

static unsigned long decode_index(struct ops_reader *r, struct ops_env *env)
{
	uint8_t cls = read_u8(r);
	unsigned long v = 0;

	switch (cls % IDX_CLASSES) {
	case IDX_SMALL: v = read_u8(r); break;
	case IDX_BOUNDARY: v = boundary_value(read_u8(r)); break;
	case IDX_EXISTING: v = existing_boundary(env, read_u8(r)); break;
	case IDX_NEAR_LAST: v = env->last_index + (unsigned long)(long)(int8_t)read_u8(r); break;
	case IDX_RAW: v = read_le(r, 8); break;
	case IDX_MEDIUM: v = read_le(r, 2); break;
	case IDX_FIVES: v = 5UL * read_u8(r); break;
	case IDX_AFTER_LAST: v = env->last_index + 1; break;
	}
	env->last_index = v;
	return v;
}

/* ---- shaping an entry ---- */

#define ENTRY_CLASSES 16
#define POINTER_BASE 0x100000UL
#define POINTER_STEP 16UL
#define POINTER_COUNT 256UL
#define INTERNAL_COUNT 1024UL

static struct op_entry decode_entry(struct ops_reader *r, const struct ops_env *env)
{
	uint8_t cls = read_u8(r) % ENTRY_CLASSES;

	if (cls <= 8)
		return (struct op_entry){ ENTRY_VALUE, env->op_number & (ULONG_MAX >> 1) };
	switch (cls) {
	case 9: return (struct op_entry){ ENTRY_VALUE, read_u8(r) };
	case 10: return (struct op_entry){ ENTRY_VALUE, read_le(r, 8) & (ULONG_MAX >> 1) };
	case 11:
	case 12: return (struct op_entry){ ENTRY_POINTER, read_u8(r) };
	case 13: return (struct op_entry){ ENTRY_NULL, 0 };
	case 14: return (struct op_entry){ ENTRY_ZERO, 0 };
	default: return (struct op_entry){ ENTRY_INTERNAL, read_le(r, 2) % INTERNAL_COUNT };
	}
}

void ops_decode(struct ops_reader *r, struct ops_env *env, struct op *op)
{
	const struct op_desc *d;

	memset(op, 0, sizeof(*op));
	op->code = (enum op_code)(read_u8(r) % OP_COUNT);
	d = &ops_table[op->code];
	for (unsigned i = 0; i < d->nargs; i++) {
		if (d->kinds[i] == ARG_ENTRY)
			op->entry = decode_entry(r, env);
		else if (d->kinds[i] == ARG_READER)
			op->arg[i] = read_u8(r) % OPS_READERS;
		else
			op->arg[i] = decode_index(r, env);
	}
	if (d->range && op->arg[0] > op->arg[1]) {
		unsigned long t = op->arg[0];

		op->arg[0] = op->arg[1];
		op->arg[1] = t;
	}
}

/* ---- encoding ---- */

static void buf_put(struct ops_buf *b, uint8_t byte)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	b->data[b->len++] = byte;
}

static void buf_put_le(struct ops_buf *b, unsigned long v, unsigned nbytes)
{
	for (unsigned i = 0; i < nbytes; i++)
		buf_put(b, (uint8_t)(v >> (8 * i)));
}

void ops_buf_free(struct ops_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void ops_encode_list(struct ops_buf *b, const struct ops_list *list)
{
	ops_encode_config(b, &list->cfg);
	for (size_t i = 0; i < list->count; i++)
		ops_encode(b, &list->ops[i]);
}

void ops_encode_config(struct ops_buf *b, const struct ops_config *cfg)
{
	buf_put(b, cfg->flags);
	buf_put(b, cfg->validate_period);
	buf_put(b, cfg->fault);
	buf_put(b, cfg->readers);
}

static void encode_index(struct ops_buf *b, unsigned long v)
{
	if (v <= 0xff) {
		buf_put(b, IDX_SMALL);
		buf_put(b, (uint8_t)v);
	} else {
		buf_put(b, IDX_RAW);
		buf_put_le(b, v, 8);
	}
}

static void encode_entry(struct ops_buf *b, struct op_entry e)
{
	switch (e.kind) {
	case ENTRY_VALUE:
		if (e.n <= 0xff) {
			buf_put(b, 9);
			buf_put(b, (uint8_t)e.n);
		} else {
			buf_put(b, 10);
			buf_put_le(b, e.n, 8);
		}
		break;
	case ENTRY_POINTER: buf_put(b, 11); buf_put(b, (uint8_t)e.n); break;
	case ENTRY_NULL: buf_put(b, 13); break;
	case ENTRY_ZERO: buf_put(b, 14); break;
	case ENTRY_INTERNAL: buf_put(b, 15); buf_put_le(b, e.n, 2); break;
	}
}

void ops_encode(struct ops_buf *b, const struct op *op)
{
	const struct op_desc *d = &ops_table[op->code];

	buf_put(b, (uint8_t)op->code);
	for (unsigned i = 0; i < d->nargs; i++) {
		if (d->kinds[i] == ARG_ENTRY)
			encode_entry(b, op->entry);
		else if (d->kinds[i] == ARG_READER)
			buf_put(b, (uint8_t)op->arg[i]);
		else
			encode_index(b, op->arg[i]);
	}
}

/* ---- entries as pointers and as text ---- */

void *ops_entry_ptr(struct op_entry e)
{
	switch (e.kind) {
	case ENTRY_VALUE: return (void *)((e.n << 1) | 1);
	case ENTRY_POINTER: return (void *)(POINTER_BASE + e.n * POINTER_STEP);
	case ENTRY_ZERO: return (void *)1030UL;
	case ENTRY_INTERNAL: return (void *)((e.n << 2) | 2);
	case ENTRY_NULL: break;
	}
	return NULL;
}

const char *ops_format_ptr(const void *p, char *buf, size_t len)
{
	unsigned long v = (unsigned long)p;

	if (!v)
		snprintf(buf, len, "null");
	else if (v == 1030UL)
		snprintf(buf, len, "zero");
	else if (v & 1)
		snprintf(buf, len, "v%lu", v >> 1);
	else if ((v & 3) == 2 && v < 4 * INTERNAL_COUNT)
		snprintf(buf, len, "i%lu", v >> 2);
	else if (v >= POINTER_BASE && v < POINTER_BASE + POINTER_COUNT * POINTER_STEP &&
		 (v - POINTER_BASE) % POINTER_STEP == 0)
		snprintf(buf, len, "p%lu", (v - POINTER_BASE) / POINTER_STEP);
	else
		snprintf(buf, len, "0x%lx", v);
	return buf;
}

static int format_entry(struct op_entry e, char *buf, size_t len)
{
	switch (e.kind) {
	case ENTRY_VALUE: return snprintf(buf, len, "v%lu", e.n);
	case ENTRY_POINTER: return snprintf(buf, len, "p%lu", e.n);
	case ENTRY_ZERO: return snprintf(buf, len, "zero");
	case ENTRY_INTERNAL: return snprintf(buf, len, "i%lu", e.n);
	case ENTRY_NULL: break;
	}
	return snprintf(buf, len, "null");
}

int ops_format_index(unsigned long v, char *buf, size_t len)
{
	return v < 0x100000UL ? snprintf(buf, len, "%lu", v) : snprintf(buf, len, "0x%lx", v);
}

void ops_format(const struct op *op, char *buf, size_t len)
{
	const struct op_desc *d = &ops_table[op->code];
	size_t at = (size_t)snprintf(buf, len, "%s", d->name);

	for (unsigned i = 0; i < d->nargs && at < len; i++) {
		buf[at++] = ' ';
		if (at >= len)
			break;
		if (d->kinds[i] == ARG_ENTRY)
			at += (size_t)format_entry(op->entry, buf + at, len - at);
		else
			at += (size_t)ops_format_index(op->arg[i], buf + at, len - at);
	}
	if (at >= len && len)
		buf[len - 1] = '\0';
}

void ops_format_config(const struct ops_config *cfg, char *buf, size_t len)
{
	int n = snprintf(buf, len, "config flags=0x%x validate=%u fault=%u", cfg->flags, cfg->validate_period,
			 cfg->fault);

	if (cfg->readers & 3 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " readers=%u", 1u + (cfg->readers & 3u));
}
