/* threads.h - reader-thread runs (fuzz_threads, maple-replay --threads): the writer replays an op
 * stream on an RCU-mode tree, beside the oracle as in fuzz_ops, while 1-4 reader threads walk the
 * tree; afterwards every read is judged against the run's history by the rules of
 * docs/semantics.md "Reader threads". */
#ifndef FUZZ_THREADS_H
#define FUZZ_THREADS_H

#include "exec.h"

#define THREADS_MAX_READERS 4

struct threads_options {
	unsigned readers;           /* reader threads; 0: the preamble's (docs/op-format.md) */
	unsigned budget_ms;         /* the writer starts no op after this long (0: no limit) */
	FILE *report;               /* if set, a failure is reported here */
	FILE *trace;                /* if set, the writer's ops are printed here */
	bool profile;               /* time the writer's parts (exec_result.profile) */
};

struct threads_result {
	struct exec_result exec;    /* ops run, and the failure (the writer's, or a read's) */
	unsigned readers;
	unsigned long reads;        /* reads the readers made */
	unsigned long judged;       /* reads judged afterwards (the log holds a bounded number) */
	unsigned long exact;        /* judged reads that no write overlapped: compared exactly */
	unsigned long overlapped;   /* judged reads that overlapped a write touching their range */
};

/* Returns 0 when the writer and every read passed, 1 on a failure (res->exec.failure). */
int threads_run_bytes(const uint8_t *data, size_t size, const struct threads_options *opt,
		      struct threads_result *res);
int threads_run_list(const struct ops_list *list, const struct threads_options *opt,
		     struct threads_result *res);

/* The reader count a preamble asks for (1-4). */
unsigned threads_preamble_readers(const struct ops_config *cfg);

/* "readers 2, reads 41234, judged 41234 (exact 30211, overlapped 1532)" */
void threads_print_counts(FILE *out, const struct threads_result *res);

#endif
