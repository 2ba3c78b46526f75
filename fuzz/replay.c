/* maple-replay - reproduce maplefuzz inputs outside any fuzzing engine.
 *
 *   maple-replay [-v] [-q] [-d] [-s] FILE|DIR...
 *   maple-replay [--dot OUT | --svg OUT | --png OUT] FILE
 *   maple-replay --threads N [--repeat R] [-q] FILE|DIR...
 *   maple-replay --profile [--threads N [--repeat R]] [-q] FILE|DIR...
 *
 * Each FILE is a binary op stream (a corpus entry or a crash file) or a text op file starting with
 * "maplefuzz-ops v1". A DIR replays every file in it (names starting with '.', and *.txt / *.md
 * notes, are skipped). Each input runs on the maple tree and the oracle side by side; the first
 * divergence is printed as a one-line signature, then the op and the tree dump.
 *   -v  print every op before it runs (the trace)
 *   -q  print only failures and the summary
 *   -d  dump the final tree of every input that passes (decimal)
 *   -s  at the end, print how often each maple tree store type (and write event) ran
 *   --dot OUT  write the tree as Graphviz: after the failing op, with the path to the index it was
 *              about in red, or at the end of a stream that passes
 *   --svg OUT, --png OUT  the same, rendered by Graphviz's dot (the source is kept as OUT.dot)
 *   --threads N  run each input as fuzz_threads does: the writer beside N reader threads (1-4;
 *              0: as many as the preamble asks for), every read judged afterwards
 *   --repeat R   run each input R times (thread runs differ from run to run) and say how many failed
 *   --profile    at the end, inputs/s and ops/s, and how the time split between the maple tree, the
 *              oracle, validation (and the final comparison) and the harness itself (with --threads:
 *              the writer's time; the harness share then includes its waits for the readers), and
 *              the kinds of op that took the most time (each op's whole time: both sides and checks)
 * Exit: 0 all inputs agree, 1 a failure was reproduced, 2 bad usage or unreadable/malformed input. */
#include <dirent.h>
#include <getopt.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <maple/maple_tree.h>

#include "exec.h"
#include "threads.h"
#include "tool_io.h"

struct replay {
	bool verbose, quiet, dump, stats;
	bool threads;
	unsigned readers;          /* --threads N (0: the preamble's) */
	unsigned long repeat;      /* --repeat R */
	bool profile;              /* --profile */
	struct exec_profile spent; /* its sums */
	unsigned long ops, runs;    /* --profile: ops and inputs run (runs, with --repeat) */
	unsigned passed, failed, bad;
	FILE *dot;                 /* --dot / --svg / --png */
};

/* The input as a list of ops: parsed text, or the decoded binary stream. 2: malformed text. */
static int load_list(const char *path, const uint8_t *data, size_t size, struct ops_list *list)
{
	char err[512];

	if (!ops_looks_like_text(data, size)) {
		exec_decode_to_list(data, size, list);
		return 0;
	}
	if (tool_parse_text(path, data, size, list, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		ops_list_free(list);
		return 2;
	}
	return 0;
}

/* Add one run's timings and ops to --profile's sums. */
static void profile_add(struct replay *rp, const struct exec_result *res)
{
	rp->spent.maple += res->profile.maple;
	rp->spent.oracle += res->profile.oracle;
	rp->spent.validate += res->profile.validate;
	rp->spent.total += res->profile.total;
	for (int k = 0; k < OP_COUNT; k++) {
		rp->spent.op_time[k] += res->profile.op_time[k];
		rp->spent.op_count[k] += res->profile.op_count[k];
	}
	rp->ops += res->ops_run;
	rp->runs++;
}

/* --threads: R runs beside reader threads; the first failure is reported in full, later ones by
 * their signature. */
static int replay_threads(struct replay *rp, const char *path, const uint8_t *data, size_t size)
{
	struct threads_options opt = { .readers = rp->readers, .trace = rp->verbose ? stdout : NULL,
				       .profile = rp->profile };
	struct threads_result res, sum = { 0 };
	struct ops_list list;
	unsigned long failed = 0;

	if (load_list(path, data, size, &list))
		return 2;
	for (unsigned long run = 0; run < rp->repeat; run++) {
		opt.report = failed ? NULL : stdout;
		if (threads_run_list(&list, &opt, &res)) {
			if (failed++)
				exec_print_signature(stdout, &res.exec.failure);
		}
		profile_add(rp, &res.exec);
		sum.readers = res.readers;
		sum.exec.ops_run = res.exec.ops_run;
		sum.reads += res.reads;
		sum.judged += res.judged;
		sum.exact += res.exact;
		sum.overlapped += res.overlapped;
	}
	ops_list_free(&list);
	if (failed)
		printf("FAIL %s: %lu of %lu runs failed\n", path, failed, rp->repeat);
	else if (!rp->quiet)
		printf("ok   %s (%lu ops, %lu runs)\n", path, sum.exec.ops_run, rp->repeat);
	if (!rp->quiet || failed) {
		printf("     ");
		threads_print_counts(stdout, &sum);
	}
	return failed ? 1 : 0;
}

static int replay_data(struct replay *rp, const char *path, const uint8_t *data, size_t size)
{
	struct exec_options opt = { .trace = rp->verbose ? stdout : NULL, .report = stdout,
				    .final_dump = rp->dump ? stdout : NULL, .dot = rp->dot, .profile = rp->profile };
	struct exec_result res;
	int rc;

	if (rp->threads)
		return replay_threads(rp, path, data, size);
	if (ops_looks_like_text(data, size)) {
		struct ops_list list;
		char err[512];

		if (tool_parse_text(path, data, size, &list, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			ops_list_free(&list);
			return 2;
		}
		rc = exec_list(&list, &opt, &res);
		ops_list_free(&list);
	} else {
		rc = exec_bytes(data, size, &opt, &res);
	}
	profile_add(rp, &res);
	if (rc)
		printf("FAIL %s after %lu ops\n", path, res.ops_run + 1);
	else if (!rp->quiet)
		printf("ok   %s (%lu ops)\n", path, res.ops_run);
	return rc;
}

static int replay_file(struct replay *rp, const char *path)
{
	size_t size = 0;
	uint8_t *data = tool_read_file(path, &size);
	int rc;

	if (!data) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		rp->bad++;
		return 2;
	}
	rc = replay_data(rp, path, data, size);
	free(data);
	if (rc == 0)
		rp->passed++;
	else if (rc == 1)
		rp->failed++;
	else
		rp->bad++;
	return rc;
}

static bool skipped_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || (n > 4 && !strcmp(name + n - 4, ".txt")) ||
	       (n > 3 && !strcmp(name + n - 3, ".md"));
}

static int replay_dir(struct replay *rp, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), worst = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		rp->bad++;
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		size_t n = strlen(dir);

		snprintf(path, sizeof(path), "%.*s/%s", (int)(n > 1 && dir[n - 1] == '/' ? n - 1 : n), dir,
			 names[i]->d_name);
		if (!skipped_name(names[i]->d_name) && !stat(path, &st) && S_ISREG(st.st_mode)) {
			int rc = replay_file(rp, path);

			worst = rc > worst ? rc : worst;
		}
		free(names[i]);
	}
	free(names);
	return worst;
}

/* Which write paths the inputs reached: the evidence that fuzzing covers every store type. */
static void print_store_stats(void)
{
	struct mt_store_stats st;

	mt_store_stats(&st);
	printf("store types and write events reached:\n");
	for (int t = MT_STORE_INVALID + 1; t < MT_STORE_NR; t++)
		printf("  %-20s %10lu\n", mt_store_type_name((enum maple_store_type)t), st.count[t]);
}

#define PROFILE_TOP_OPS 6

/* The kinds of op that took the most time, heaviest first: share of the whole run and count. */
static void print_heaviest_ops(const struct exec_profile *p, double total)
{
	bool shown[OP_COUNT] = { false };

	printf("  heaviest ops:");
	for (int n = 0; n < PROFILE_TOP_OPS; n++) {
		int top = -1;

		for (int k = 0; k < OP_COUNT; k++)
			if (!shown[k] && p->op_count[k] && (top < 0 || p->op_time[k] > p->op_time[top]))
				top = k;
		if (top < 0)
			break;
		shown[top] = true;
		printf("%s %s %.1f %% (%lu)", n ? "," : "", ops_table[top].name, 100 * p->op_time[top] / total,
		       p->op_count[top]);
	}
	printf("\n");
}

static void print_profile(const struct replay *rp)
{
	const struct exec_profile *p = &rp->spent;
	double t = p->total > 0 ? p->total : 1e-9;

	printf("profile: %lu inputs, %lu ops in %.2f s: %.0f inputs/s, %.0f ops/s\n", rp->runs, rp->ops, p->total,
	       (double)rp->runs / t, (double)rp->ops / t);
	printf("  maple tree %4.1f %%, oracle %4.1f %%, validation and final comparison %4.1f %%, harness %4.1f %%\n",
	       100 * p->maple / t, 100 * p->oracle / t, 100 * p->validate / t,
	       100 * (t - p->maple - p->oracle - p->validate) / t);
	print_heaviest_ops(p, t);
}

static int usage(void)
{
	fprintf(stderr, "usage: maple-replay [-v] [-q] [-d] [-s] FILE|DIR...\n"
			"       maple-replay [--dot OUT | --svg OUT | --png OUT] FILE\n"
			"       maple-replay --threads N [--repeat R] [-q] FILE|DIR...\n"
			"       maple-replay --profile [--threads N [--repeat R]] [-q] FILE|DIR...\n");
	return 2;
}

struct picture {
	const char *out, *format;  /* format: "dot", "svg" or "png" */
	char source[4096];         /* the Graphviz source written */
};

static int picture_open(struct replay *rp, struct picture *p)
{
	snprintf(p->source, sizeof(p->source), "%s%s", p->out, strcmp(p->format, "dot") ? ".dot" : "");
	rp->dot = fopen(p->source, "w");
	if (!rp->dot) {
		fprintf(stderr, "%s: %s\n", p->source, strerror(errno));
		return 2;
	}
	return 0;
}

/* Render the source with Graphviz's dot when a picture format was asked for. */
static int picture_close(struct replay *rp, const struct picture *p)
{
	char cmd[9000];

	fclose(rp->dot);
	rp->dot = NULL;
	if (!strcmp(p->format, "dot"))
		return 0;
	if (system("command -v dot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "maple-replay: Graphviz's dot is not installed (apt-get install graphviz); "
				"the source is in %s\n", p->source);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "dot -T%s -o '%s' '%s'", p->format, p->out, p->source);
	if (system(cmd) != 0) {
		fprintf(stderr, "maple-replay: dot failed on %s\n", p->source);
		return 2;
	}
	printf("picture: %s (source %s)\n", p->out, p->source);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "dot", required_argument, NULL, 'D' }, { "svg", required_argument, NULL, 'S' },
		{ "png", required_argument, NULL, 'P' }, { "threads", required_argument, NULL, 'T' },
		{ "repeat", required_argument, NULL, 'R' }, { "profile", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay rp = { .repeat = 1 };
	char *end;
	struct picture pic = { 0 };
	int opt, worst = 0;

	while ((opt = getopt_long(argc, argv, "vqdsh", longs, NULL)) != -1) {
		if (opt == 'D' || opt == 'S' || opt == 'P') {
			pic.out = optarg;
			pic.format = opt == 'D' ? "dot" : opt == 'S' ? "svg" : "png";
		} else if (opt == 'T') {
			rp.threads = true;
			rp.readers = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || rp.readers > THREADS_MAX_READERS)
				return usage();
		} else if (opt == 'R') {
			rp.repeat = strtoul(optarg, &end, 10);
			if (*end || !*optarg || !rp.repeat)
				return usage();
		} else if (opt == 'p') {
			rp.profile = true;
		} else if (opt == 'v')
			rp.verbose = true;
		else if (opt == 'd')
			rp.dump = true;
		else if (opt == 's')
			rp.stats = true;
		else if (opt == 'q')
			rp.quiet = true;
		else
			return usage();
	}
	if (optind == argc || (pic.out && optind + 1 != argc) || (rp.threads && (pic.out || rp.dump)) ||
	    (rp.repeat > 1 && !rp.threads))
		return usage();
	if (pic.out && picture_open(&rp, &pic))
		return 2;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int rc = (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) ? replay_dir(&rp, argv[i])
								       : replay_file(&rp, argv[i]);

		worst = rc > worst ? rc : worst;
	}
	if (pic.out) {
		int rc = picture_close(&rp, &pic);

		worst = rc > worst ? rc : worst;
	}
	if (rp.stats)
		print_store_stats();
	if (rp.profile)
		print_profile(&rp);
	printf("%u passed, %u failed\n", rp.passed, rp.failed + rp.bad);
	fflush(NULL);
	/* A tree that failed validation is deliberately left unfreed; skip leak reports about it. */
	if (worst)
		_exit(worst);
	return 0;
}
