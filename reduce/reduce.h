/* reduce.h - maple-reduce's parts: running one candidate stream in a child process and naming how
 * it failed (reduce_run.c), and shrinking a failing stream while that name holds (reduce_shrink.c).
 * Never changes the input file; every candidate is a new temporary file. */
#ifndef REDUCE_REDUCE_H
#define REDUCE_REDUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ops.h"

#define SIGNATURE_MAX 256

/* How a run ended: a failure signature ("kind=erase check=contents", "asan:heap-use-after-free in
 * iter_cached_exact", "ubsan:node.h:189", "signal:11", "timeout"), or none (it passed). */
struct outcome {
	bool failed;
	char signature[SIGNATURE_MAX];
	char first_line[SIGNATURE_MAX];   /* the failure line as the runner printed it */
};

struct runner {
	char **argv;            /* the command; the candidate's path is appended */
	int argc;
	double timeout_s;
	char tmpdir[256];
	unsigned long runs;
	bool coarse_readers;    /* fuzz_threads: every read kind's failure is "reader" (the same race
				 * shows up in whichever read meets it first) */
};

int runner_init(struct runner *r, const char *cmd, double timeout_s);
void runner_free(struct runner *r);
/* Run the stream @list (encoded to binary) and classify the outcome. 0, or -1 if it could not run. */
int runner_run(struct runner *r, const struct ops_list *list, struct outcome *out);
/* The same for raw bytes (any byte string is a stream). */
int runner_run_bytes(struct runner *r, const uint8_t *data, size_t len, struct outcome *out);

struct shrink {
	struct runner *runner;
	const char *signature;  /* what a candidate must still fail with */
	double started, deadline;   /* seconds on the monotonic clock */
	bool progress;
	unsigned long accepted;
};

/* Shrink @list in place: ddmin over whole ops, then argument simplification, to a fixpoint or the
 * deadline. Every accepted candidate failed with s->signature. */
void shrink_run(struct shrink *s, struct ops_list *list);
/* Last, on the encoded bytes: ddmin over byte chunks (shorter shaped encodings, fewer bytes), while
 * the signature holds. @data is replaced; returns its new length. */
size_t shrink_bytes(struct shrink *s, uint8_t *data, size_t len);
double shrink_now(void);

/* emit_test.c: the stream as a cmocka test through the public API (0, or -1 if not expressible). */
int emit_test(FILE *out, const char *name, const struct ops_list *list, const char *signature);

#endif
