/* reduce_shrink.c - shrinking a failing op stream while its failure signature holds: ddmin over
 * whole ops (chunks halving down to single ops), then simpler arguments (indices towards 0, ranges
 * shortened, value entries renumbered, preamble features off), repeated to a fixpoint or the
 * deadline. A candidate is kept only when it fails with exactly the same signature. */
#include "reduce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double shrink_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool out_of_time(const struct shrink *s)
{
	return shrink_now() > s->deadline;
}

static void progress(const struct shrink *s, const struct ops_list *list)
{
	if (s->progress)
		fprintf(stderr, "\rmaple-reduce: %zu ops left, %lu tries, %lu kept, %.1f s   ", list->count,
			s->runner->runs, s->accepted, shrink_now() - s->started);
}

/* Does @cand fail the same way? */
static bool still_fails(struct shrink *s, const struct ops_list *cand)
{
	struct outcome o;

	if (runner_run(s->runner, cand, &o) || !o.failed)
		return false;
	return strcmp(o.signature, s->signature) == 0;
}

/* A copy of @list without ops [from, from + n). */
static void without(const struct ops_list *list, size_t from, size_t n, struct ops_list *out)
{
	out->cfg = list->cfg;
	out->count = 0;
	for (size_t i = 0; i < list->count; i++)
		if (i < from || i >= from + n)
			out->ops[out->count++] = list->ops[i];
}

/* Remove chunks of @chunk ops, left to right; true if anything went. */
static bool drop_chunks(struct shrink *s, struct ops_list *list, size_t chunk, struct ops_list *cand)
{
	bool changed = false;

	for (size_t from = 0; from < list->count && !out_of_time(s);) {
		without(list, from, chunk, cand);
		if (cand->count < list->count && still_fails(s, cand)) {
			list->count = cand->count;
			memcpy(list->ops, cand->ops, cand->count * sizeof(*cand->ops));
			s->accepted++;
			changed = true;
			progress(s, list);
			continue;           /* the next chunk now starts here */
		}
		from += chunk;
	}
	return changed;
}

/* ddmin over whole ops: chunks of half the stream, then smaller, down to single ops. */
static bool shrink_ops(struct shrink *s, struct ops_list *list, struct ops_list *cand)
{
	bool changed = false;

	for (size_t chunk = list->count / 2 ? list->count / 2 : 1; chunk >= 1 && !out_of_time(s);) {
		bool dropped = drop_chunks(s, list, chunk, cand);

		changed |= dropped;
		if (!dropped && chunk == 1)
			break;
		if (!dropped || chunk > list->count)
			chunk = chunk / 2 ? chunk / 2 : 1;
	}
	return changed;
}

/* Try @cand (a copy of @list with one change); keep it if it still fails. */
static bool try_keep(struct shrink *s, struct ops_list *list, const struct ops_list *cand)
{
	if (!still_fails(s, cand))
		return false;
	list->cfg = cand->cfg;
	memcpy(list->ops, cand->ops, cand->count * sizeof(*cand->ops));
	s->accepted++;
	progress(s, list);
	return true;
}

static bool valid_args(const struct op *op)
{
	return !ops_table[op->code].range || op->arg[0] <= op->arg[1];
}

/* Simpler values for index argument @k of op @i: 0, 1, half (so a value shrinks in logarithmic
 * steps), the other end of a range. */
static bool shrink_index(struct shrink *s, struct ops_list *list, size_t i, unsigned k, struct ops_list *cand)
{
	const struct op *op = &list->ops[i];
	unsigned long v = op->arg[k];
	unsigned long tries[4] = { 0, 1, v / 2, op->arg[k ^ 1] };
	unsigned ntries = ops_table[op->code].range && k < 2 ? 4 : 3;

	for (unsigned t = 0; t < ntries && v; t++) {
		if (tries[t] >= v)
			continue;
		memcpy(cand->ops, list->ops, list->count * sizeof(*cand->ops));
		cand->cfg = list->cfg;
		cand->count = list->count;
		cand->ops[i].arg[k] = tries[t];
		if (valid_args(&cand->ops[i]) && try_keep(s, list, cand))
			return true;
	}
	return false;
}

/* A value entry with a smaller number, or v1. */
static bool shrink_entry(struct shrink *s, struct ops_list *list, size_t i, struct ops_list *cand)
{
	struct op_entry e = list->ops[i].entry;

	if (e.kind != ENTRY_VALUE || e.n <= 1)
		return false;
	memcpy(cand->ops, list->ops, list->count * sizeof(*cand->ops));
	cand->cfg = list->cfg;
	cand->count = list->count;
	cand->ops[i].entry.n = 1 + i;       /* small and still distinct per op */
	if (cand->ops[i].entry.n >= e.n)
		return false;
	return try_keep(s, list, cand);
}

static bool shrink_args(struct shrink *s, struct ops_list *list, struct ops_list *cand)
{
	bool changed = false;

	for (size_t i = 0; i < list->count && !out_of_time(s); i++) {
		const struct op_desc *d = &ops_table[list->ops[i].code];

		for (unsigned k = 0; k < d->nargs; k++) {
			if (d->kinds[k] == ARG_ENTRY)
				changed |= shrink_entry(s, list, i, cand);
			else
				while (!out_of_time(s) && shrink_index(s, list, i, k, cand))
					changed = true;
		}
	}
	return changed;
}

/* Preamble features off one at a time: all flags, the allocation-tree flag, the validation
 * period, the fault (each try starts from the preamble as it is now). */
static bool shrink_config(struct shrink *s, struct ops_list *list, struct ops_list *cand)
{
	bool changed = false;

	for (int t = 0; t < 4; t++) {
		struct ops_config c = list->cfg;

		if (t == 0)
			c.flags = 0;
		else if (t == 1)
			c.flags &= (uint8_t)~OPS_CFG_ALLOC_RANGE;
		else if (t == 2)
			c.validate_period = 0;
		else
			c.fault = 0;
		if (!memcmp(&c, &list->cfg, sizeof(c)))
			continue;
		memcpy(cand->ops, list->ops, list->count * sizeof(*cand->ops));
		cand->count = list->count;
		cand->cfg = c;
		if (try_keep(s, list, cand))
			changed = true;
	}
	return changed;
}

void shrink_run(struct shrink *s, struct ops_list *list)
{
	struct ops_list cand = { 0 };
	bool changed = true;

	cand.ops = calloc(list->count ? list->count : 1, sizeof(*cand.ops));
	if (!cand.ops)
		return;
	progress(s, list);
	while (changed && !out_of_time(s)) {
		changed = shrink_ops(s, list, &cand);
		changed |= shrink_config(s, list, &cand);
		changed |= shrink_args(s, list, &cand);
	}
	free(cand.ops);
	if (s->progress)
		fputc('\n', stderr);
}

/* ---- the byte pass ---- */

static bool bytes_still_fail(struct shrink *s, const uint8_t *data, size_t len)
{
	struct outcome o;

	return !runner_run_bytes(s->runner, data, len, &o) && o.failed && !strcmp(o.signature, s->signature);
}

static size_t shrink_pairs(struct shrink *s, uint8_t *data, size_t len, uint8_t *cand);

/* Shorter encodings: a byte becomes a class that needs no or a shorter payload (index class 0
 * "small" or 7 "after the last index", entry classes 0 "the op's number" and 13 "NULL") and the 1,
 * 2 or 8 bytes after it go. */
static size_t shrink_encodings(struct shrink *s, uint8_t *data, size_t len, uint8_t *cand)
{
	static const uint8_t classes[] = { 0, 3, 7, 13 };
	static const size_t drops[] = { 1, 2, 7, 8 };

	for (size_t i = OPS_PREAMBLE_SIZE; i < len && !out_of_time(s); i++) {
		for (size_t c = 0; c < sizeof(classes); c++) {
			for (size_t d = 0; d < sizeof(drops) / sizeof(drops[0]); d++) {
				size_t n = drops[d];

				if (i + 1 + n > len)
					continue;
				memcpy(cand, data, i);
				cand[i] = classes[c];
				memcpy(cand + i + 1, data + i + 1 + n, len - i - 1 - n);
				if (bytes_still_fail(s, cand, len - n)) {
					len -= n;
					memcpy(data, cand, len);
					s->accepted++;
				}
			}
		}
	}
	return shrink_pairs(s, data, len, cand);
}

/* A raw 8-byte index (class 4) or a 2-byte one becomes a class with a one-byte payload: a
 * boundary (ULONG_MAX, 0, 1) or a small value. */
static size_t shrink_pairs(struct shrink *s, uint8_t *data, size_t len, uint8_t *cand)
{
	static const uint8_t pairs[][2] = { { 1, 3 }, { 1, 0 }, { 1, 1 }, { 0, 0 }, { 0, 1 } };
	static const size_t spans[] = { 9, 3 };

	for (size_t i = OPS_PREAMBLE_SIZE; i < len && !out_of_time(s); i++) {
		for (size_t w = 0; w < sizeof(spans) / sizeof(spans[0]); w++) {
			for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]) && i + spans[w] <= len; p++) {
				size_t n = spans[w];

				memcpy(cand, data, i);
				cand[i] = pairs[p][0];
				cand[i + 1] = pairs[p][1];
				memcpy(cand + i + 2, data + i + n, len - i - n);
				if (bytes_still_fail(s, cand, len - n + 2)) {
					len = len - n + 2;
					memcpy(data, cand, len);
					s->accepted++;
					break;
				}
			}
		}
	}
	return len;
}

/* Remove byte chunks (halving down to one byte), then try shorter encodings, keeping what still
 * fails the same way. The preamble's 4 bytes stay. */
size_t shrink_bytes(struct shrink *s, uint8_t *data, size_t len)
{
	uint8_t *cand = malloc(len ? len : 1);

	if (!cand)
		return len;
	for (size_t chunk = len / 2 ? len / 2 : 1; chunk >= 1 && !out_of_time(s); chunk /= 2) {
		for (size_t from = OPS_PREAMBLE_SIZE; from < len && !out_of_time(s);) {
			size_t n = from + chunk > len ? len - from : chunk;

			memcpy(cand, data, from);
			memcpy(cand + from, data + from + n, len - from - n);
			if (bytes_still_fail(s, cand, len - n)) {
				len -= n;
				memcpy(data, cand, len);
				s->accepted++;
				continue;
			}
			from += chunk;
		}
		if (chunk == 1)
			break;
	}
	len = shrink_encodings(s, data, len, cand);
	free(cand);
	return len;
}
