/* fuzz_ops.c - fuzz target: decode the input as an op stream, run it on the maple tree and the
 * oracle side by side; any divergence, broken invariant or leak prints its signature and aborts.
 * One source for libFuzzer, AFL++ (libAFLDriver, persistent mode) and maple-replay's engine. */
#include <stdlib.h>

#include "exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exec_options opt = { .trace = NULL, .report = stderr };
	struct exec_result res;

	if (exec_bytes(data, size, &opt, &res))
		abort();
	return 0;
}
