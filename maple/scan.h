/* scan.h - the slot scan of a walk in vector compares, for CPUs with AVX-512F or AVX2.
 *
 * Same answer as node_scan_slot() for every node a walk may meet: the pivots up to the end are
 * ascending, the pivot at the end is at or above the index, the ones after it are zero. So the
 * slot is the number of pivots below the index that are not such a trailing zero (pivot 0 alone
 * may be a real zero: the range [0, 0]). Why it is faster: the early-exit scan mispredicts where
 * it stops at nearly every level of a random walk, and each mispredict throws away the work the CPU
 * had begun on the next walk; without a data-dependent branch, consecutive walks of a loop overlap
 * their cache misses (1M random loads: about a third less time on this machine kind, AVX2 nearly
 * as much as AVX-512; README, "What the maple tree does today").
 *
 * The pivots are read with plain vector loads, not element by element as relaxed atomics. The
 * architecture promises a single access only up to 8 bytes (a wider load "may be implemented as
 * multiple accesses"), but no x86 splits an aligned quadword inside one, and each pivot is an
 * aligned quadword: a reader racing an in-place write sees each pivot old or new, as before (the
 * lanes read past the pivots, slots among them, are dropped). Formally a data race; ThreadSanitizer
 * would say so, so TSan builds keep the scalar scan (SCAN_HAVE_VECTOR 0).
 */
#ifndef MAPLE_SCAN_H
#define MAPLE_SCAN_H

#include <limits.h>

#include "node.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SCAN_UNDER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define SCAN_UNDER_TSAN 1
#endif

#if defined(__x86_64__) && !defined(SCAN_UNDER_TSAN)
#define SCAN_HAVE_VECTOR 1
#include <immintrin.h>
#else
#define SCAN_HAVE_VECTOR 0
#endif

/* The scan the walks use (never MT_SCAN_BEST; the kinds are ordered narrow to wide): the widest
 * the CPU has, unless MAPLE_SCAN (scalar, avx2, avx512) in the environment asks for a narrower one
 * at start-up, or mt_set_slot_scan() later. */
extern enum mt_slot_scan scan_choice;
/* The widest scan this CPU can run (MT_SCAN_SCALAR where the vector scans are not built). */
enum mt_slot_scan scan_best(void);

#if SCAN_HAVE_VECTOR
#define SCAN_AVX512_TARGET __attribute__((target("avx512f,popcnt")))
#define SCAN_AVX2_TARGET __attribute__((target("avx2,popcnt")))

static inline __attribute__((always_inline)) SCAN_AVX512_TARGET unsigned char
node_scan_slot_avx512(const struct maple_node *node, enum maple_type type, unsigned long index)
{
	__m512i want = _mm512_set1_epi64((long long)index);
	/* pivots 0-7, then the rest (7 in range nodes, 1 in arange_64 ones): never past the pivots */
	__mmask8 rest = (__mmask8)((1u << (type_pivots(type) - 8)) - 1);
	__m512i low = _mm512_loadu_si512((const void *)&node->pivot[0]);
	__m512i high = _mm512_maskz_loadu_epi64(rest, (const void *)&node->pivot[8]);
	__mmask8 low_real = (__mmask8)(_mm512_test_epi64_mask(low, low) | 1);
	__mmask8 high_real = _mm512_test_epi64_mask(high, high);
	unsigned int below = _mm512_mask_cmplt_epu64_mask(low_real, low, want) |
			     (unsigned int)_mm512_mask_cmplt_epu64_mask(high_real, high, want) << 8;

	return (unsigned char)__builtin_popcount(below);
}

/* The same with four 4-pivot compares. AVX2 compares signed only, so both sides have their top bit
 * flipped; the 16 quadwords read start at pivot 0 and stay inside the node, and the lanes past the
 * type's pivots are dropped. */
static inline __attribute__((always_inline)) SCAN_AVX2_TARGET unsigned char
node_scan_slot_avx2(const struct maple_node *node, enum maple_type type, unsigned long index)
{
	const __m256i flip = _mm256_set1_epi64x(LLONG_MIN), zero = _mm256_setzero_si256();
	__m256i want = _mm256_xor_si256(_mm256_set1_epi64x((long long)index), flip);
	unsigned int below = 0;

	for (unsigned int q = 0; q < 4; q++) {
		__m256i pivots = _mm256_loadu_si256((const __m256i *)(const void *)&node->pivot[4 * q]);
		__m256i lt = _mm256_cmpgt_epi64(want, _mm256_xor_si256(pivots, flip));
		__m256i real_lt = _mm256_andnot_si256(_mm256_cmpeq_epi64(pivots, zero), lt);

		below |= (unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(real_lt)) << (4 * q);
	}
	/* pivot 0 counts even when zero (the range [0, 0]); nothing past the type's pivots counts */
	below = (below & ~1u) | (node_read_once(node->pivot[0]) < index);
	return (unsigned char)__builtin_popcount(below & ((1u << type_pivots(type)) - 1));
}
#endif

#endif
