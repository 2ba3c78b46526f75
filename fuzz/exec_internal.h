/* exec_internal.h - the executor's private state, shared by exec.c, exec_ops.c and exec_check.c.
 * Only the harness includes this; maple/ and oracle/ know nothing of it. */
#ifndef FUZZ_EXEC_INTERNAL_H
#define FUZZ_EXEC_INTERNAL_H

#include <maple/maple_tree.h>
#include <oracle/oracle.h>

#include "exec.h"

#define OBS_MAX_STEPS 64   /* for_each compares at most this many steps */

/* What one side observed while running one op; fields an op does not set stay zero. */
struct observation {
	int ret;
	void *entry;
	unsigned long index, last;
	int status;
	unsigned steps;
	void *step_entry[OBS_MAX_STEPS];
	unsigned long step_index[OBS_MAX_STEPS];
};

struct exec {
	struct maple_tree mt;
	struct maple_tree copy;         /* the dup op's destination */
	unsigned long next_maple, next_oracle;   /* alloc_cyclic's *next, one per side */
	struct oracle oracle;
	struct ma_state mas;
	struct oracle_state os;
	struct ops_config cfg;
	const struct exec_options *opt;
	struct exec_result *res;
	unsigned long op_number;
	unsigned line;
	unsigned long live_at_start;
	bool with_maple;        /* false: oracle only (decoding) */
	bool positioned;        /* the kernel's state would point at a node (see exec.c) */
	bool fault_spent;       /* the stream's injected allocation failure has happened */
};

void exec_run_maple(struct exec *x, const struct op *op, struct observation *ob);
void exec_run_oracle(struct exec *x, const struct op *op, struct observation *ob);

bool check_observations(struct exec *x, const struct op *op, const struct observation *m,
			const struct observation *o);
bool check_mode(struct exec *x, const struct op *op);
bool check_validate(struct exec *x, const struct op *op);
bool check_validate_span(struct exec *x, const struct op *op, unsigned long first, unsigned long last);
bool check_contents(struct exec *x, const struct op *op, struct maple_tree *mt);
bool check_dup(struct exec *x, const struct op *op);
bool check_leaks(struct exec *x, const struct op *op);
void trace_result(FILE *out, const struct op *op, const struct observation *ob);
bool check_fail(struct exec *x, const struct op *op, const char *check, const char *expected,
		const char *got);

#endif
