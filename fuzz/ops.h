/* ops.h - the operation-stream format v1 (docs/op-format.md): the op table, the binary codec and
 * the text codec. Decoding is total: every byte string is a valid stream. Never calls the tree. */
#ifndef FUZZ_OPS_H
#define FUZZ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPS_TEXT_HEADER "maplefuzz-ops v1"
#define OPS_PREAMBLE_SIZE 4
#define OPS_MAX_ARGS 4
#define OPS_MAX_OPS 4096          /* per input: keeps one input's cost bounded */
#define OPS_BULK_MAX 256          /* ranges one bulk op stores at most */

/* Opcodes are append-only: a committed corpus file must keep its meaning. */
enum op_code {
	OP_STORE_RANGE, OP_STORE, OP_INSERT_RANGE, OP_INSERT, OP_ERASE, OP_LOAD,
	OP_FIND, OP_FIND_AFTER, OP_FOR_EACH, OP_NEXT, OP_PREV, OP_DESTROY,
	OP_MAS_SET_RANGE, OP_MAS_WALK, OP_MAS_FIND, OP_MAS_NEXT, OP_MAS_PREV,
	OP_MAS_PAUSE, OP_MAS_RESET, OP_CHECK,
	/* v1, second batch */
	OP_MAS_FIND_RANGE, OP_MAS_FIND_REV, OP_MAS_FIND_RANGE_REV, OP_MAS_NEXT_RANGE, OP_MAS_PREV_RANGE,
	OP_MAS_STORE, OP_MAS_STORE_GFP, OP_MAS_ERASE, OP_DUP, OP_MAS_SET_RANGE_KEEP, OP_BULK,
	/* v1, third batch: allocation trees */
	OP_MAS_EMPTY_AREA, OP_MAS_EMPTY_AREA_REV, OP_MAS_EMPTY_AREA_FIT, OP_MAS_EMPTY_AREA_REV_FIT,
	OP_ALLOC_RANGE, OP_ALLOC_RRANGE, OP_ALLOC_CYCLIC,
	/* v1, fourth batch: RCU mode and simulated readers */
	OP_READER_BEGIN, OP_READER_WALK, OP_READER_NEXT, OP_READER_PREV, OP_READER_FIND, OP_READER_FIND_REV,
	OP_READER_END, OP_RCU_ON, OP_RCU_OFF,
	/* v1, fifth batch: allocation faults inside the stream */
	OP_FAIL_NTH, OP_NON_KERNEL, OP_CLEAR_FAULTS, OP_NOMEM_WRITER,
	OP_MAS_STORE_PREALLOC,
	OP_COUNT
};

/* ARG_READER: which simulated reader (0 .. OPS_READERS-1), one byte in the binary form. */
enum op_arg_kind { ARG_INDEX, ARG_ENTRY, ARG_READER };
#define OPS_READERS 4

struct op_desc {
	const char *name;
	unsigned char nargs;
	enum op_arg_kind kinds[OPS_MAX_ARGS];
	bool range;        /* args 0 and 1 are a range: normalised so that first <= last */
	bool writes;       /* changes the tree: validated afterwards */
	bool keeps_state;  /* a write through the stream's state: the state is not reset afterwards */
};

extern const struct op_desc ops_table[OP_COUNT];

/* An entry as the stream describes it; ops_entry_ptr() turns it into the stored pointer. */
enum entry_kind { ENTRY_NULL, ENTRY_VALUE, ENTRY_POINTER, ENTRY_ZERO, ENTRY_INTERNAL };
struct op_entry { enum entry_kind kind; unsigned long n; };

struct op {
	enum op_code code;
	unsigned long arg[OPS_MAX_ARGS];   /* index arguments */
	struct op_entry entry;             /* the entry argument, if the op has one */
};

/* Preamble: the tree's configuration. */
#define OPS_CFG_ALLOC_RANGE 0x01u
#define OPS_CFG_RCU 0x02u           /* the tree starts in RCU mode (MT_FLAGS_USE_RCU) */
#define OPS_CFG_LOCK_EXTERN 0x04u   /* MT_FLAGS_LOCK_EXTERN: the harness's mutex, held all along */
#define OPS_CFG_SCAN_SHIFT 3        /* bits 3-4: the walks' slot scan, an enum mt_slot_scan */
#define OPS_CFG_SCAN_MASK 0x18u
struct ops_config {
	uint8_t flags;            /* OPS_CFG_* */
	uint8_t validate_period;  /* full validation every N+1 ops (or more) once the tree is big */
	uint8_t fault;            /* reserved for allocation-failure injection */
	uint8_t readers;          /* fuzz_threads: 1 + (readers & 3) reader threads; ignored elsewhere */
};

/* What the decoder may consult to shape indices: ranges that exist now, the last index used. */
struct ops_env {
	unsigned long op_number;
	unsigned long last_index;
	void *ctx;
	/* Stores the n-th (modulo the count) non-NULL range in first and last; false if there is none. */
	bool (*nth_range)(void *ctx, unsigned long n, unsigned long *first, unsigned long *last);
};

struct ops_reader {
	const uint8_t *data;
	size_t size, pos;
};

void ops_reader_init(struct ops_reader *r, const uint8_t *data, size_t size, struct ops_config *cfg);
bool ops_reader_more(const struct ops_reader *r);
void ops_decode(struct ops_reader *r, struct ops_env *env, struct op *op);

/* Encoding writes each op so that it decodes to exactly the same values, whatever the tree holds. */
struct ops_buf { uint8_t *data; size_t len, cap; };
void ops_encode_config(struct ops_buf *b, const struct ops_config *cfg);
void ops_encode(struct ops_buf *b, const struct op *op);
void ops_buf_free(struct ops_buf *b);
struct ops_list;
/* The preamble and every op of @list, appended to @b. */
void ops_encode_list(struct ops_buf *b, const struct ops_list *list);

void *ops_entry_ptr(struct op_entry e);
/* Formats any pointer in the text notation (null, zero, v12, p3, i5, or 0x... for others). */
const char *ops_format_ptr(const void *p, char *buf, size_t len);
void ops_format(const struct op *op, char *buf, size_t len);
/* An index as the text form writes it: decimal below 2^20, hex above. */
int ops_format_index(unsigned long v, char *buf, size_t len);
void ops_format_config(const struct ops_config *cfg, char *buf, size_t len);

/* Text form: a parsed file. On error, *err holds "file:line: message". */
struct ops_list {
	struct ops_config cfg;
	struct op *ops;
	size_t count, cap;
	unsigned *lines;        /* source line of each op */
};
int ops_text_parse(FILE *in, const char *name, struct ops_list *list, char *err, size_t errlen);
void ops_text_write(FILE *out, const struct ops_list *list);
void ops_list_push(struct ops_list *list, const struct op *op, unsigned line);
void ops_list_free(struct ops_list *list);
bool ops_looks_like_text(const uint8_t *data, size_t size);

#endif
