/* scan.c - which slot scan the walks use (scan.h), decided once when the program starts. */
#include <stdio.h>
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

static const char *const scan_names[] = { [SCAN_SCALAR] = "scalar", [SCAN_AVX2] = "avx2", [SCAN_AVX512] = "avx512" };

/* MAPLE_SCAN names a scan; one wider than the CPU's best gets the best, a name we do not know too,
 * with a warning (a test meant to force a scan must not quietly run the default). */
static enum scan_kind scan_asked(enum scan_kind best)
{
	const char *want = getenv("MAPLE_SCAN");

	if (!want || !*want)
		return best;
	for (unsigned int k = 0; k <= SCAN_AVX512; k++)
		if (strcmp(want, scan_names[k]) == 0)
			return (enum scan_kind)k < best ? (enum scan_kind)k : best;
	fprintf(stderr, "maple: MAPLE_SCAN=%s is not scalar, avx2 or avx512; using %s\n", want, scan_names[best]);
	return best;
}

static enum scan_kind scan_at_start = SCAN_SCALAR;   /* the best, narrowed by MAPLE_SCAN */

__attribute__((constructor)) static void scan_choose(void)
{
	scan_at_start = scan_asked(scan_best());
	scan_choice = scan_at_start;
}

enum mt_slot_scan mt_set_slot_scan(enum mt_slot_scan scan)
{
	static const enum scan_kind kinds[] = {
		[MT_SCAN_SCALAR] = SCAN_SCALAR, [MT_SCAN_AVX2] = SCAN_AVX2, [MT_SCAN_AVX512] = SCAN_AVX512,
	};
	enum scan_kind want = scan_at_start;

	if (scan > MT_SCAN_BEST && scan <= MT_SCAN_AVX512 && kinds[scan] < scan_at_start)
		want = kinds[scan];
	scan_choice = want;
	return want == SCAN_AVX512 ? MT_SCAN_AVX512 : want == SCAN_AVX2 ? MT_SCAN_AVX2 : MT_SCAN_SCALAR;
}
