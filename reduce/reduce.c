/* maple-reduce - shrink a failing maplefuzz input to a minimal one that fails the same way.
 *
 *   maple-reduce [-o OUT] [--time S] [--timeout S] [--cmd "PROG ARGS"] [--regress NAME] [-q] IN
 *   maple-reduce --target fuzz_threads [--repeat R] [-o OUT] [--time S] [--regress NAME] [-q] IN
 *
 * IN is a binary op stream (a crash file, a corpus entry) or a text op file. Its failure signature
 * is taken from a first run: the executor's kind + check, or the sanitizer's error type and first
 * frame, a signal, or a timeout. Then ddmin over whole ops and simpler arguments shrink it while the
 * signature holds (each candidate runs in a child process: PROG ARGS CANDIDATE, default
 * "maple-replay -q", killed after --timeout seconds, default 10). --time bounds the whole reduction
 * (default 60 s). IN is never written. Results: OUT (binary, default IN.min), OUT.ops (text, also
 * printed), with --regress NAME the regression file corpus/regress/regress-NAME.ops with its
 * .txt twin, and with --emit-test FILE.c a cmocka test that replays the result through the public
 * API asserting the oracle's answers (streams without readers or faults). --target fuzz_threads
 * reduces a reader-thread failure: each candidate runs R times (default 20) beside reader threads
 * ("maple-replay -q --threads 0 --repeat R") and fails if one run does; every read kind's failure
 * counts as the same ("kind=reader check=held"). Exit: 0 reduced (or already minimal), 1 IN does not fail or does not fail reproducibly,
 * 2 bad usage or unreadable input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "reduce.h"
#include "tool_io.h"

#ifndef MAPLE_REPLAY_PATH
#define MAPLE_REPLAY_PATH "maple-replay"
#endif

struct options {
	const char *in, *out, *cmd, *regress, *emit;
	double time_s, timeout_s;
	bool quiet;
	bool threads;            /* --target fuzz_threads */
	unsigned long repeat;    /* its runs per candidate */
	char threads_cmd[512];
};

static int usage(void)
{
	fprintf(stderr, "usage: maple-reduce [-o OUT] [--time S] [--timeout S] [--cmd \"PROG ARGS\"] "
			"[--regress NAME] [--emit-test FILE.c] [-q] IN\n"
			"       maple-reduce --target fuzz_threads [--repeat R] [-o OUT] [--time S] [--regress NAME] [-q] IN\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .cmd = MAPLE_REPLAY_PATH " -q", .time_s = 60, .timeout_s = 10, .repeat = 20 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (!strcmp(a, "-q"))
			o->quiet = true;
		else if (!strcmp(a, "-o") && has_value)
			o->out = argv[++i];
		else if (!strcmp(a, "--time") && has_value)
			o->time_s = atof(argv[++i]);
		else if (!strcmp(a, "--timeout") && has_value)
			o->timeout_s = atof(argv[++i]);
		else if (!strcmp(a, "--cmd") && has_value)
			o->cmd = argv[++i];
		else if (!strcmp(a, "--regress") && has_value)
			o->regress = argv[++i];
		else if (!strcmp(a, "--emit-test") && has_value)
			o->emit = argv[++i];
		else if (!strcmp(a, "--target") && has_value && !strcmp(argv[i + 1], "fuzz_threads") && ++i)
			o->threads = true;
		else if (!strcmp(a, "--target") && has_value && !strcmp(argv[i + 1], "fuzz_ops") && ++i)
			o->threads = false;
		else if (!strcmp(a, "--repeat") && has_value)
			o->repeat = strtoul(argv[++i], NULL, 10);
		else if (a[0] == '-' || o->in)
			return usage();
		else
			o->in = a;
	}
	if (!o->in || o->time_s <= 0 || o->timeout_s <= 0 || !o->repeat)
		return usage();
	if (o->threads && o->emit) {
		fprintf(stderr, "maple-reduce: --emit-test cannot replay reader threads; use --regress\n");
		return 2;
	}
	if (o->threads) {
		snprintf(o->threads_cmd, sizeof(o->threads_cmd), MAPLE_REPLAY_PATH " -q --threads 0 --repeat %lu",
			 o->repeat);
		o->cmd = o->threads_cmd;
		o->timeout_s = o->timeout_s > 10 ? o->timeout_s : 10 + (double)o->repeat;
	}
	return 0;
}

/* IN as an op list (binary decoded beside the oracle, or text parsed). */
static int load(const char *path, struct ops_list *list)
{
	size_t size = 0;
	uint8_t *data = tool_read_file(path, &size);
	char err[512];
	int rc = 0;

	memset(list, 0, sizeof(*list));
	if (!data) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	if (ops_looks_like_text(data, size)) {
		if (tool_parse_text(path, data, size, list, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			rc = 2;
		}
	} else {
		exec_decode_to_list(data, size, list);
	}
	free(data);
	return rc;
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

/* Whether @a and @b name the same file (IN is never overwritten, whatever the spelling). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int write_text(const char *path, const char *comment, const struct ops_list *list)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	if (comment)
		fprintf(f, "# %s\n", comment);
	ops_text_write(f, list);
	return fclose(f);
}

/* The signature of the original, run twice: a failure that does not repeat is reported, not used. */
static int establish(struct runner *r, const struct ops_list *list, struct outcome *first)
{
	struct outcome again;

	if (runner_run(r, list, first) || runner_run(r, list, &again)) {
		fprintf(stderr, "maple-reduce: cannot run %s\n", r->argv[0]);
		return 2;
	}
	if (!first->failed) {
		fprintf(stderr, "maple-reduce: the input does not fail (runner: %s)\n", r->argv[0]);
		return 1;
	}
	if (!again.failed || strcmp(first->signature, again.signature)) {
		fprintf(stderr, "maple-reduce: the failure does not repeat: '%s', then '%s'\n", first->signature,
			again.failed ? again.signature : "no failure");
		return 1;
	}
	return 0;
}

static int write_regress(const struct options *o, const struct outcome *sig, const struct ops_list *list)
{
	char path[512], comment[SIGNATURE_MAX + 64];
	FILE *f;

	snprintf(comment, sizeof(comment), "reduced by maple-reduce from a failure: %s", sig->first_line);
	snprintf(path, sizeof(path), "corpus/regress/regress-%s.ops", o->regress);
	if (write_text(path, comment, list))
		return -1;
	printf("regression file: %s\n", path);
	snprintf(path, sizeof(path), "corpus/regress/regress-%s.txt", o->regress);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "TODO say what it caught once fixed; it failed with: %s\n", sig->signature);
	return fclose(f);
}

/* --emit-test FILE.c: the test is named after the file (letters, digits and '_' kept). */
static int write_test(const char *path, const struct outcome *sig, const struct ops_list *list)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char name[128];
	size_t n = 0;
	FILE *f;
	int rc;

	for (const char *c = base; *c && *c != '.' && n + 1 < sizeof(name); c++)
		name[n++] = (char)((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ? *c : '_');
	name[n] = '\0';
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	rc = emit_test(f, name, list, sig->signature);
	fclose(f);
	if (rc) {
		unlink(path);
		return 1;
	}
	printf("unit test: %s\n", path);
	return 0;
}

static int report(const struct options *o, const char *out, const struct outcome *sig,
		  const struct ops_list *orig, const struct ops_list *min, double took, unsigned long runs,
		  const uint8_t *bytes, size_t nbytes, size_t in_bytes)
{
	char text[600];
	FILE *f = fopen(out, "wb");

	snprintf(text, sizeof(text), "%s.ops", out);
	if (!f || fwrite(bytes, 1, nbytes, f) != nbytes || fclose(f) || write_text(text, sig->first_line, min)) {
		fprintf(stderr, "maple-reduce: cannot write %s: %s\n", out, strerror(errno));
		return 2;
	}
	if (!o->quiet)
		ops_text_write(stdout, min);
	printf("maple-reduce: %zu -> %zu ops, %zu -> %zu bytes, %lu runs, %.1f s; signature %s\n", orig->count,
	       min->count, in_bytes, nbytes, runs, took, sig->signature);
	if (o->threads)
		printf("reproduce: maple-replay --threads 0 --repeat %lu %s   (text: %s)\n", o->repeat, out, text);
	else
		printf("reproduce: maple-replay -v %s   (text: %s)\n", out, text);
	if (o->regress && write_regress(o, sig, min))
		fprintf(stderr, "maple-reduce: cannot write the regression file: %s\n", strerror(errno));
	if (o->emit)
		return write_test(o->emit, sig, min);
	return 0;
}

/* Whether the bytes fail with @signature in one of @tries checks (a reader-thread failure shows
 * on some runs only). */
static bool still_fails(struct runner *r, int tries, const uint8_t *data, size_t n, const char *signature,
			struct outcome *last)
{
	for (int i = 0; i < tries; i++)
		if (!runner_run_bytes(r, data, n, last) && last->failed && !strcmp(last->signature, signature))
			return true;
	return false;
}

/* The byte pass on the reduced ops' encoding, a last check, then the results. */
static int finish(const struct options *o, struct runner *r, struct shrink *s, const char *out,
		  const struct ops_list *orig, struct ops_list *min, double start)
{
	struct ops_buf b = { 0 };
	struct ops_list final;
	struct outcome last;
	size_t n;
	int rc;

	ops_encode_list(&b, min);
	n = shrink_bytes(s, b.data, b.len);
	if (!still_fails(r, o->threads ? 3 : 1, b.data, n, s->signature, &last)) {
		fprintf(stderr, "maple-reduce: the reduced input stopped failing as '%s'; nothing written\n",
			s->signature);
		ops_buf_free(&b);
		return 1;
	}
	exec_decode_to_list(b.data, n, &final);     /* the text form of exactly these bytes */
	rc = report(o, out, &last, orig, &final, shrink_now() - start, r->runs, b.data, n, file_size(o->in));
	ops_list_free(&final);
	ops_buf_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct ops_list orig, min;
	struct runner r;
	struct outcome sig;
	char out[600];
	double start = shrink_now();
	int rc = parse_args(argc, argv, &o);

	if (rc || (rc = load(o.in, &orig)))
		return rc;
	snprintf(out, sizeof(out), "%s", o.out ? o.out : o.in);
	if (!o.out)
		strncat(out, ".min", sizeof(out) - strlen(out) - 1);
	if (same_file(out, o.in) || runner_init(&r, o.cmd, o.timeout_s)) {
		fprintf(stderr, "maple-reduce: %s\n", same_file(out, o.in) ? "OUT must not be IN" :
			"bad --cmd or no temporary folder");
		ops_list_free(&orig);
		return 2;
	}
	r.coarse_readers = o.threads;
	rc = establish(&r, &orig, &sig);
	if (rc)
		goto done;
	if (!o.quiet)
		fprintf(stderr, "maple-reduce: %zu ops fail with: %s\n", orig.count, sig.first_line);
	min = orig;
	min.ops = malloc((orig.count ? orig.count : 1) * sizeof(*min.ops));
	memcpy(min.ops, orig.ops, orig.count * sizeof(*min.ops));
	min.lines = NULL;
	struct shrink s = { .runner = &r, .signature = sig.signature, .started = start, .deadline = start + o.time_s,
			    .progress = !o.quiet && isatty(2) };
	shrink_run(&s, &min);
	rc = finish(&o, &r, &s, out, &orig, &min, start);
	free(min.ops);
done:
	runner_free(&r);
	ops_list_free(&orig);
	return rc;
}
