/* ops_text.c - the text form of the operation-stream format: one op per line, '#' comments.
 * Parsing reports the first problem as "file:line: message"; it never aborts on bad input. */
#include "ops.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
};

static int parse_error(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!strcmp(s, "max")) {
		*out = ULONG_MAX;
		return true;
	}
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno == 0 && *end == '\0';
}

static bool parse_entry(const char *s, struct op_entry *e)
{
	unsigned long n = 0;

	if (!strcmp(s, "null") || !strcmp(s, "zero")) {
		e->kind = s[0] == 'n' ? ENTRY_NULL : ENTRY_ZERO;
		e->n = 0;
		return true;
	}
	if (!parse_ulong(s + 1, &n))
		return false;
	switch (s[0]) {
	case 'v': e->kind = ENTRY_VALUE; e->n = n; return n <= (ULONG_MAX >> 1);
	case 'p': e->kind = ENTRY_POINTER; e->n = n; return n < 256;
	case 'i': e->kind = ENTRY_INTERNAL; e->n = n; return n < 1024;
	}
	return false;
}

static int lookup_op(const char *name)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (!strcmp(ops_table[i].name, name))
			return i;
	return -1;
}

static int parse_op(struct parse *p, char **tok, int ntok, struct op *op)
{
	int code = lookup_op(tok[0]);
	const struct op_desc *d;

	if (code < 0)
		return parse_error(p, "unknown op '%s'", tok[0]);
	d = &ops_table[code];
	if (ntok - 1 != d->nargs)
		return parse_error(p, "%s takes %u argument%s, got %d", d->name, d->nargs,
				   d->nargs == 1 ? "" : "s", ntok - 1);
	memset(op, 0, sizeof(*op));
	op->code = (enum op_code)code;
	for (unsigned i = 0; i < d->nargs; i++) {
		const char *a = tok[i + 1];

		if (d->kinds[i] == ARG_ENTRY && !parse_entry(a, &op->entry))
			return parse_error(p, "bad entry '%s' (null, zero, v<N>, p<0-255>, i<0-1023>)", a);
		if (d->kinds[i] == ARG_INDEX && !parse_ulong(a, &op->arg[i]))
			return parse_error(p, "bad index '%s' (decimal, 0x hex, or max)", a);
		if (d->kinds[i] == ARG_READER && (!parse_ulong(a, &op->arg[i]) || op->arg[i] >= OPS_READERS))
			return parse_error(p, "bad reader '%s' (0..%d)", a, OPS_READERS - 1);
	}
	if (d->range && op->arg[0] > op->arg[1])
		return parse_error(p, "%s: first %s is after last %s", d->name, tok[1], tok[2]);
	return 0;
}

static int parse_config(struct parse *p, char **tok, int ntok, struct ops_config *cfg)
{
	for (int i = 1; i < ntok; i++) {
		char *eq = strchr(tok[i], '=');
		unsigned long v;

		if (!eq || !parse_ulong(eq + 1, &v) || v > 255)
			return parse_error(p, "bad config setting '%s' (key=0..255)", tok[i]);
		*eq = '\0';
		if (!strcmp(tok[i], "flags"))
			cfg->flags = (uint8_t)v;
		else if (!strcmp(tok[i], "validate"))
			cfg->validate_period = (uint8_t)v;
		else if (!strcmp(tok[i], "fault"))
			cfg->fault = (uint8_t)v;
		else if (!strcmp(tok[i], "readers") && v >= 1 && v <= 4)
			cfg->readers = (uint8_t)(v - 1);
		else if (!strcmp(tok[i], "readers"))
			return parse_error(p, "readers=%lu: fuzz_threads runs 1 to 4 reader threads", v);
		else
			return parse_error(p, "unknown config key '%s'", tok[i]);
	}
	return 0;
}

static int split_words(char *line, char **tok, int max)
{
	int n = 0;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	for (char *w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
		if (n == max)
			return max + 1;
		tok[n++] = w;
	}
	return n;
}

static int parse_line(struct parse *p, char *line, bool *seen_header, struct ops_list *list)
{
	char *tok[8];
	int ntok = split_words(line, tok, 7);
	struct op op;

	if (ntok == 0)
		return 0;
	if (!*seen_header) {
		if (ntok != 2 || strcmp(tok[0], "maplefuzz-ops") || strcmp(tok[1], "v1"))
			return parse_error(p, "expected header '%s'", OPS_TEXT_HEADER);
		*seen_header = true;
		return 0;
	}
	if (ntok > 7)
		return parse_error(p, "too many words");
	if (!strcmp(tok[0], "config")) {
		if (list->count)
			return parse_error(p, "config must come before the first op");
		return parse_config(p, tok, ntok, &list->cfg);
	}
	if (list->count == OPS_MAX_OPS)
		return parse_error(p, "more than %d ops", OPS_MAX_OPS);
	if (parse_op(p, tok, ntok, &op))
		return -1;
	ops_list_push(list, &op, p->line);
	return 0;
}

int ops_text_parse(FILE *in, const char *name, struct ops_list *list, char *err, size_t errlen)
{
	struct parse p = { name, 0, err, errlen };
	bool seen_header = false;
	char line[512];

	memset(list, 0, sizeof(*list));
	while (fgets(line, sizeof(line), in)) {
		p.line++;
		if (!strchr(line, '\n') && !feof(in))
			return parse_error(&p, "line too long");
		if (parse_line(&p, line, &seen_header, list))
			return -1;
	}
	if (!seen_header) {
		p.line = p.line ? p.line : 1;
		return parse_error(&p, "expected header '%s'", OPS_TEXT_HEADER);
	}
	return 0;
}

void ops_text_write(FILE *out, const struct ops_list *list)
{
	char buf[256];

	fprintf(out, "%s\n", OPS_TEXT_HEADER);
	ops_format_config(&list->cfg, buf, sizeof(buf));
	fprintf(out, "%s\n", buf);
	for (size_t i = 0; i < list->count; i++) {
		ops_format(&list->ops[i], buf, sizeof(buf));
		fprintf(out, "%s\n", buf);
	}
}

void ops_list_push(struct ops_list *list, const struct op *op, unsigned line)
{
	if (list->count == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 64;
		list->ops = realloc(list->ops, list->cap * sizeof(*list->ops));
		list->lines = realloc(list->lines, list->cap * sizeof(*list->lines));
		if (!list->ops || !list->lines)
			abort();
	}
	list->lines[list->count] = line;
	list->ops[list->count++] = *op;
}

void ops_list_free(struct ops_list *list)
{
	free(list->ops);
	free(list->lines);
	memset(list, 0, sizeof(*list));
}

bool ops_looks_like_text(const uint8_t *data, size_t size)
{
	size_t n = strlen(OPS_TEXT_HEADER);

	while (size && (*data == '#' || isspace(*data))) {
		/* skip leading comment lines and blanks */
		if (*data == '#') {
			while (size && *data != '\n') {
				data++;
				size--;
			}
		} else {
			data++;
			size--;
		}
	}
	return size >= n && !memcmp(data, OPS_TEXT_HEADER, n);
}
