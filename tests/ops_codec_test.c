/* ops_codec_test.c - the op-stream codec: any byte string decodes (totality), a decoded stream
 * re-encodes to bytes that decode to the same ops, and malformed text is answered with
 * "file:line: message". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exec.h"
#include "ops.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static char *as_text(const struct ops_list *list)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	ops_text_write(mem, list);
	fclose(mem);
	return text;
}

static void encode_list(const struct ops_list *list, struct ops_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
	ops_encode_config(buf, &list->cfg);
	for (size_t i = 0; i < list->count; i++)
		ops_encode(buf, &list->ops[i]);
}

/* Random bytes of every length 0..600 decode; re-encoding gives a stream with the same ops. */
static void test_random_bytes_round_trip(void **unused)
{
	uint8_t data[600];

	(void)unused;
	for (size_t len = 0; len < sizeof(data); len += 1 + len / 8) {
		struct ops_list first, second;
		struct ops_buf buf;
		char *t1, *t2;

		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)rng();
		exec_decode_to_list(data, len, &first);
		assert_true(first.count <= len);
		for (size_t i = 0; i < first.count; i++)
			assert_true(first.ops[i].code < OP_COUNT);
		encode_list(&first, &buf);
		exec_decode_to_list(buf.data, buf.len, &second);
		t1 = as_text(&first);
		t2 = as_text(&second);
		assert_string_equal(t1, t2);
		free(t1);
		free(t2);
		ops_buf_free(&buf);
		ops_list_free(&first);
		ops_list_free(&second);
	}
}

/* Range ops never come out reversed, whatever the bytes say. */
static void test_ranges_normalised(void **unused)
{
	/* preamble, then store_range with raw first = 9 (class 4) and small last = 3 (class 0) */
	const uint8_t data[] = { 0, 0, 0, 0, OP_STORE_RANGE, 4, 9, 0, 0, 0, 0, 0, 0, 0, 0, 3, 13 };
	struct ops_list list;

	(void)unused;
	exec_decode_to_list(data, sizeof(data), &list);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.ops[0].arg[0], 3);
	assert_int_equal(list.ops[0].arg[1], 9);
	assert_int_equal(list.ops[0].entry.kind, ENTRY_NULL);
	ops_list_free(&list);
}

static void expect_parse_error(const char *text, const char *message)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct ops_list list;
	char err[256];

	assert_non_null(in);
	assert_int_equal(ops_text_parse(in, "t.ops", &list, err, sizeof(err)), -1);
	fclose(in);
	ops_list_free(&list);
	assert_string_equal(err, message);
}

static void test_text_errors(void **unused)
{
	(void)unused;
	expect_parse_error("store 1 v1\n", "t.ops:1: expected header 'maplefuzz-ops v1'");
	expect_parse_error("", "t.ops:1: expected header 'maplefuzz-ops v1'");
	expect_parse_error("maplefuzz-ops v1\n\nfrobnicate 1\n", "t.ops:3: unknown op 'frobnicate'");
	expect_parse_error("maplefuzz-ops v1\nerase\n", "t.ops:2: erase takes 1 argument, got 0");
	expect_parse_error("maplefuzz-ops v1\nstore x v1\n",
			   "t.ops:2: bad index 'x' (decimal, 0x hex, or max)");
	expect_parse_error("maplefuzz-ops v1\nstore 1 p256\n",
			   "t.ops:2: bad entry 'p256' (null, zero, v<N>, p<0-255>, i<0-1023>)");
	expect_parse_error("maplefuzz-ops v1\nstore_range 5 4 v1\n",
			   "t.ops:2: store_range: first 5 is after last 4");
	expect_parse_error("maplefuzz-ops v1\nload 1\nconfig flags=1\n",
			   "t.ops:3: config must come before the first op");
	expect_parse_error("maplefuzz-ops v1\nconfig speed=3\n", "t.ops:2: unknown config key 'speed'");
}

static void test_text_parses(void **unused)
{
	const char *text = "# a comment\nmaplefuzz-ops v1\nconfig flags=0x1 validate=7\n"
			   "store_range 0 max zero   # trailing comment\nmas_next 0x10\n";
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct ops_list list;
	char err[256];

	(void)unused;
	assert_int_equal(ops_text_parse(in, "t.ops", &list, err, sizeof(err)), 0);
	fclose(in);
	assert_int_equal(list.cfg.flags, 1);
	assert_int_equal(list.cfg.validate_period, 7);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.ops[0].arg[1], ~0UL);
	assert_int_equal(list.ops[0].entry.kind, ENTRY_ZERO);
	assert_int_equal(list.lines[1], 5);
	assert_true(ops_looks_like_text((const uint8_t *)text, strlen(text)));
	assert_false(ops_looks_like_text((const uint8_t *)"\x00\x01", 2));
	ops_list_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes_round_trip),
		cmocka_unit_test(test_ranges_normalised),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_text_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
