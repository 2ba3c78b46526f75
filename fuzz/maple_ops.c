/* maple-ops - convert op streams between the binary form (fuzzers) and the text form (people).
 *
 *   maple-ops decode FILE            binary -> text on stdout
 *   maple-ops encode FILE [-o OUT]   text -> binary (stdout unless -o)
 *   maple-ops check FILE...          text -> binary -> text must reproduce the same text
 *
 * Decoding shapes indices from the ranges that exist at each step, so it runs the oracle (never
 * the maple tree) alongside. Exit: 0 ok, 1 a round trip differed, 2 bad usage or bad input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "tool_io.h"

static int usage(void)
{
	fprintf(stderr, "usage: maple-ops decode FILE | encode FILE [-o OUT] | check FILE...\n");
	return 2;
}

static uint8_t *read_or_complain(const char *path, size_t *size)
{
	uint8_t *data = tool_read_file(path, size);

	if (!data)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return data;
}

static int load_text(const char *path, struct ops_list *list)
{
	size_t size;
	uint8_t *data = read_or_complain(path, &size);
	char err[512];
	int rc;

	if (!data)
		return 2;
	if (!ops_looks_like_text(data, size)) {
		fprintf(stderr, "%s:1: expected header '%s'\n", path, OPS_TEXT_HEADER);
		free(data);
		return 2;
	}
	rc = tool_parse_text(path, data, size, list, err, sizeof(err));
	free(data);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		ops_list_free(list);
		return 2;
	}
	return 0;
}

static void encode_list(const struct ops_list *list, struct ops_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
	ops_encode_config(buf, &list->cfg);
	for (size_t i = 0; i < list->count; i++)
		ops_encode(buf, &list->ops[i]);
}

static int cmd_decode(const char *path)
{
	size_t size;
	uint8_t *data = read_or_complain(path, &size);
	struct ops_list list;

	if (!data)
		return 2;
	exec_decode_to_list(data, size, &list);
	ops_text_write(stdout, &list);
	ops_list_free(&list);
	free(data);
	return 0;
}

static int cmd_encode(const char *path, const char *out_path)
{
	struct ops_list list;
	struct ops_buf buf;
	FILE *out = stdout;
	int rc = load_text(path, &list);

	if (rc)
		return rc;
	encode_list(&list, &buf);
	if (out_path && !(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "%s: %s\n", out_path, strerror(errno));
		rc = 2;
	} else if (fwrite(buf.data, 1, buf.len, out) != buf.len || (out_path && fclose(out))) {
		fprintf(stderr, "%s: write failed\n", out_path ? out_path : "stdout");
		rc = 2;
	}
	ops_buf_free(&buf);
	ops_list_free(&list);
	return rc;
}

static char *list_as_text(const struct ops_list *list, size_t *len)
{
	char *text = NULL;
	FILE *mem = open_memstream(&text, len);

	ops_text_write(mem, list);
	fclose(mem);
	return text;
}

static int cmd_check(const char *path)
{
	struct ops_list list, again;
	struct ops_buf buf;
	size_t len1, len2;
	char *t1, *t2;
	int rc = load_text(path, &list);

	if (rc)
		return rc;
	encode_list(&list, &buf);
	exec_decode_to_list(buf.data, buf.len, &again);
	t1 = list_as_text(&list, &len1);
	t2 = list_as_text(&again, &len2);
	rc = (len1 == len2 && !memcmp(t1, t2, len1)) ? 0 : 1;
	printf("%s %s (%zu ops)\n", rc ? "DIFFERS" : "round-trip ok", path, list.count);
	free(t1);
	free(t2);
	ops_buf_free(&buf);
	ops_list_free(&list);
	ops_list_free(&again);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "decode") && argc == 3)
		return cmd_decode(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "encode")) {
		if (argc == 3)
			return cmd_encode(argv[2], NULL);
		if (argc == 5 && !strcmp(argv[3], "-o"))
			return cmd_encode(argv[2], argv[4]);
		return usage();
	}
	if (argc >= 3 && !strcmp(argv[1], "check")) {
		int worst = 0;

		for (int i = 2; i < argc; i++) {
			int rc = cmd_check(argv[i]);

			worst = rc > worst ? rc : worst;
		}
		return worst;
	}
	return usage();
}
