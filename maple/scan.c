/* scan.c - which slot scan the walks use (scan.h): chosen when the program starts, narrowed by
 * mt_set_slot_scan(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

enum mt_slot_scan scan_choice = MT_SCAN_SCALAR;

enum mt_slot_scan scan_best(void)
{
#if SCAN_HAVE_VECTOR
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f"))
		return MT_SCAN_AVX512;
	if (__builtin_cpu_supports("avx2"))
		return MT_SCAN_AVX2;
#endif
	return MT_SCAN_SCALAR;
}

static const char *const scan_names[] = {
	[MT_SCAN_SCALAR] = "scalar", [MT_SCAN_AVX2] = "avx2", [MT_SCAN_AVX512] = "avx512",
};

/* MAPLE_SCAN names a scan; one wider than the CPU's best gets the best, a name we do not know too,
 * with a warning (a test meant to force a scan must not quietly run the default). */
static enum mt_slot_scan scan_asked(enum mt_slot_scan best)
{
	const char *want = getenv("MAPLE_SCAN");

	if (!want || !*want)
		return best;
	for (enum mt_slot_scan k = MT_SCAN_SCALAR; k <= MT_SCAN_AVX512; k++)
		if (strcmp(want, scan_names[k]) == 0)
			return k < best ? k : best;
	fprintf(stderr, "maple: MAPLE_SCAN=%s is not scalar, avx2 or avx512; using %s\n", want, scan_names[best]);
	return best;
}

static enum mt_slot_scan scan_at_start = MT_SCAN_SCALAR;   /* the best, narrowed by MAPLE_SCAN */

__attribute__((constructor)) static void scan_choose(void)
{
	scan_at_start = scan_asked(scan_best());
	scan_choice = scan_at_start;
}

enum mt_slot_scan mt_set_slot_scan(enum mt_slot_scan scan)
{
	scan_choice = scan > MT_SCAN_BEST && scan < scan_at_start ? scan : scan_at_start;
	return scan_choice;
}
