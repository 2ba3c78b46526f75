/* scan.c - which slot scan the read walks use (scan.h), decided once when the program starts. */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

bool scan_use_avx512;

#if SCAN_HAVE_AVX512
__attribute__((constructor)) static void scan_choose(void)
{
	const char *want = getenv("MAPLE_SCAN");

	__builtin_cpu_init();
	scan_use_avx512 = __builtin_cpu_supports("avx512f") && !(want && strcmp(want, "scalar") == 0);
}
#endif
