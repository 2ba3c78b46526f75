/* tool_io.c - reading input files for the command-line tools. Never aborts on bad input. */
#include "tool_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

uint8_t *tool_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			uint8_t *grown = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!grown) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

int tool_parse_text(const char *path, const uint8_t *data, size_t size, struct ops_list *list,
		    char *err, size_t errlen)
{
	FILE *mem = fmemopen((void *)data, size, "r");
	int rc;

	if (!mem) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	rc = ops_text_parse(mem, path, list, err, errlen);
	fclose(mem);
	return rc;
}
