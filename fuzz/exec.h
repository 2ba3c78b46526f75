/* exec.h - the differential executor: runs each op on the maple tree and on the oracle, compares
 * every result, validates the tree, and stops at the first divergence with a failure signature. */
#ifndef FUZZ_EXEC_H
#define FUZZ_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ops.h"

struct exec_thread_hooks;

struct exec_options {
	FILE *trace;            /* if set, every op is printed here before it runs (maple-replay -v) */
	FILE *report;           /* if set, a failure is reported here: signature, context, tree dump */
	FILE *final_dump;       /* if set, the tree is dumped here at the end of the stream */
	FILE *dot;              /* if set, the tree as Graphviz: after the failing op (its path in red),
				 * or at the end of a stream that passed */
	const struct exec_thread_hooks *threads;   /* fuzz_threads: the run has reader threads */
	bool profile;           /* time the parts of the run (exec_result.profile) */
};

/* The failure signature: "maplefuzz: FAIL op=17 kind=mas_find check=entry expected=v12 got=v9". */
struct exec_failure {
	bool failed;
	unsigned long op_number;   /* 0-based position in the stream */
	unsigned line;             /* source line for text input, else 0 */
	char kind[32];             /* the op's name */
	char check[48];            /* what differed: ret, entry, index, last, status, mode, contents, validate, leak */
	char expected[160];
	char got[160];
	char op_text[256];
};

/* Where a run's time went (exec_options.profile): the tree's ops, the oracle's, validation and
 * the final comparison, in seconds; the rest of the run is the harness itself. Across those, each
 * kind of op's whole time (both sides, checks and validation) and how many ran. */
struct exec_profile {
	double maple, oracle, validate, total;
	double op_time[OP_COUNT];
	unsigned long op_count[OP_COUNT];
};

struct exec_result {
	unsigned long ops_run;
	struct exec_failure failure;
	struct exec_profile profile;
};

/* A run beside real reader threads (fuzz_threads, threads.h). The tree is in RCU mode throughout
 * and its frees go through the deferral the hooks install (mt_set_call_rcu); simulated-reader ops
 * and RCU mode switches are skipped; every write is logged in the history with its op number. */
struct maple_tree;
struct history;
struct oracle;
struct exec_thread_hooks {
	void *ctx;
	void (*start)(void *ctx, struct maple_tree *mt);    /* before the first op */
	bool (*op_begin)(void *ctx, unsigned long op);      /* false: stop the stream here */
	void (*op_end)(void *ctx, unsigned long op);
	/* After the last op, before the tree is destroyed: stop the readers and judge what they saw
	 * against @h (every write of the run) and @final (the oracle now). False: a failure, in @f. */
	bool (*stop)(void *ctx, const struct history *h, const struct oracle *final, struct exec_failure *f);
	void (*drain)(void *ctx);     /* after the final destroy: every deferred free has run */
};

/* Run a binary stream / a parsed text list. Returns 0 when both sides agreed throughout, 1 on a
 * divergence (details in res->failure). */
int exec_bytes(const uint8_t *data, size_t size, const struct exec_options *opt, struct exec_result *res);
int exec_list(const struct ops_list *list, const struct exec_options *opt, struct exec_result *res);

/* Print the one-line signature (no newline-terminated context). */
void exec_print_signature(FILE *out, const struct exec_failure *f);

/* What the oracle answered for one op of a stream (exec_expect): the expected results a generated
 * unit test asserts. @oracle is the model right after the op. */
struct exec_expected {
	bool skipped;              /* the executor does not run this op (a caller error it avoids) */
	int ret;
	void *entry;
	unsigned long index, last;
	int status;                /* the state's status, as enum maple_status */
	const struct oracle *oracle;
};
typedef void (*exec_expect_fn)(void *ctx, size_t i, const struct op *op, const struct exec_expected *e);
/* Run @list on the oracle alone and report each op's answers to @fn. */
void exec_expect(const struct ops_list *list, exec_expect_fn fn, void *ctx);

/* Decode a binary stream to a list without checking anything (runs only the oracle, which the
 * decoder consults to shape indices). */
void exec_decode_to_list(const uint8_t *data, size_t size, struct ops_list *list);

#endif
