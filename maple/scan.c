/* scan.c - which slot scan the walks use (scan.h), decided once when the program starts. */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

enum scan_kind scan_choice = SCAN_SCALAR;

enum scan_kind scan_best(void)
{
#if SCAN_HAVE_VECTOR
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f"))
		return SCAN_AVX512;
	if (__builtin_cpu_supports("avx2"))
		return SCAN_AVX2;
#endif
	return SCAN_SCALAR;
}

/* MAPLE_SCAN names a scan; one wider than the CPU's best, or a name we do not know, gets the best. */
static enum scan_kind scan_asked(enum scan_kind best)
{
	static const char *const names[] = { [SCAN_SCALAR] = "scalar", [SCAN_AVX2] = "avx2", [SCAN_AVX512] = "avx512" };
	const char *want = getenv("MAPLE_SCAN");

	for (unsigned int k = 0; want && k <= SCAN_AVX512; k++)
		if (strcmp(want, names[k]) == 0)
			return (enum scan_kind)k < best ? (enum scan_kind)k : best;
	return best;
}

__attribute__((constructor)) static void scan_choose(void)
{
	scan_choice = scan_asked(scan_best());
}
