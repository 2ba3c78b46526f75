/* reduce_run.c - run one candidate in a child process with a timeout, and name how it failed:
 * the executor's signature (kind + check), or the sanitizer's error type and first frame, or the
 * signal, or a timeout. A crash or hang of the candidate never reaches the reducer. */
#include "reduce.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int runner_init(struct runner *r, const char *cmd, double timeout_s)
{
	char *copy = strdup(cmd), *save = NULL;

	memset(r, 0, sizeof(*r));
	r->timeout_s = timeout_s;
	r->argv = calloc(64, sizeof(*r->argv));
	if (!copy || !r->argv)
		return -1;
	for (char *w = strtok_r(copy, " ", &save); w && r->argc < 60; w = strtok_r(NULL, " ", &save))
		r->argv[r->argc++] = strdup(w);
	free(copy);
	snprintf(r->tmpdir, sizeof(r->tmpdir), "/tmp/maple-reduce.XXXXXX");
	return r->argc && mkdtemp(r->tmpdir) ? 0 : -1;
}

void runner_free(struct runner *r)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/candidate", r->tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/output", r->tmpdir);
	unlink(path);
	rmdir(r->tmpdir);
	for (int i = 0; i < r->argc; i++)
		free(r->argv[i]);
	free(r->argv);
}


/* Wait for @pid at most @timeout_s; kill it after. Returns the wait status, or -1 on a timeout. */
static int wait_bounded(pid_t pid, double timeout_s)
{
	struct timespec tick = { 0, 2000000 };
	int status;

	for (double waited = 0; waited < timeout_s; waited += 0.002) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			return status;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int spawn(struct runner *r, const char *input, const char *output, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int rc;

	r->argv[r->argc] = (char *)input;
	r->argv[r->argc + 1] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(pid, r->argv[0], &fa, NULL, r->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	r->argv[r->argc] = NULL;
	return rc;
}

/* "maplefuzz: FAIL op=3 kind=erase check=contents ..." -> "kind=erase check=contents". With
 * @coarse_readers a reader thread's judged failure (held, exact, untouched: which one depends on
 * what the writer was doing at the time) is "kind=reader check=window". */
static bool executor_signature(const char *line, bool coarse_readers, char *sig, size_t len)
{
	const char *k = strstr(line, " kind="), *c = strstr(line, " check="), *e;
	int klen;

	if (!strstr(line, "maplefuzz: FAIL") || !k || !c)
		return false;
	e = strstr(c, " expected=");
	klen = (int)(c - k - 1);
	if (coarse_readers && !strncmp(k + 1, "kind=reader_", 12)) {
		bool judged = !strncmp(c, " check=held ", 12) || !strncmp(c, " check=exact ", 13) ||
			      !strncmp(c, " check=untouched ", 17);

		snprintf(sig, len, "kind=reader%.*s", judged ? 13 : (int)(e ? e - c : (long)strlen(c)),
			 judged ? " check=window" : c);
		return true;
	}
	snprintf(sig, len, "%.*s%.*s", klen, k + 1, (int)(e ? e - c : (long)strlen(c)), c);
	return true;
}

/* The first stack frame in our own code after a sanitizer's report: " in FUNC /path". */
static void first_frame(FILE *f, char *fn, size_t len)
{
	char line[1024];

	*fn = '\0';
	while (fgets(line, sizeof(line), f)) {
		const char *in = strstr(line, " in ");

		if (!strstr(line, "    #") || !in || strstr(line, "sanitizer") || strstr(line, "libc") ||
		    strstr(line, "__interceptor") || strstr(line, "/asan/") || strstr(line, "/ubsan/"))
			continue;
		snprintf(fn, len, "%.*s", (int)strcspn(in + 4, " \n"), in + 4);
		return;
	}
}

/* Read the child's output: the first failure line decides the signature. */
static bool classify_output(const struct runner *r, const char *path, struct outcome *out)
{
	FILE *f = fopen(path, "r");
	char line[1024], fn[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *t = strstr(line, "ERROR: AddressSanitizer: "), *u = strstr(line, "runtime error: ");

		line[strcspn(line, "\n")] = '\0';
		if (executor_signature(line, r->coarse_readers, out->signature, sizeof(out->signature))) {
			found = true;
		} else if (t) {
			char kind[64] = "";

			sscanf(t + 25, "%63s", kind);
			first_frame(f, fn, sizeof(fn));
			snprintf(out->signature, sizeof(out->signature), "asan:%s in %s", kind, fn);
			found = true;
		} else if (u) {
			const char *base = strrchr(line, '/');

			snprintf(out->signature, sizeof(out->signature), "ubsan:%.*s", (int)strcspn(base ? base + 1 : line, " "),
				 base ? base + 1 : line);
			found = true;
		}
		if (found)
			snprintf(out->first_line, sizeof(out->first_line), "%.250s", line);
	}
	fclose(f);
	return found;
}

static int write_bytes(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_candidate(const char *path, const struct ops_list *list)
{
	struct ops_buf b = { 0 };
	int rc;

	ops_encode_list(&b, list);
	rc = write_bytes(path, b.data, b.len);
	ops_buf_free(&b);
	return rc;
}

static int run_file(struct runner *r, const char *input, struct outcome *out);

int runner_run(struct runner *r, const struct ops_list *list, struct outcome *out)
{
	char input[300];

	memset(out, 0, sizeof(*out));
	snprintf(input, sizeof(input), "%s/candidate", r->tmpdir);
	if (write_candidate(input, list))
		return -1;
	return run_file(r, input, out);
}

int runner_run_bytes(struct runner *r, const uint8_t *data, size_t len, struct outcome *out)
{
	char input[300];

	memset(out, 0, sizeof(*out));
	snprintf(input, sizeof(input), "%s/candidate", r->tmpdir);
	if (write_bytes(input, data, len))
		return -1;
	return run_file(r, input, out);
}

static int run_file(struct runner *r, const char *input, struct outcome *out)
{
	char output[300];
	pid_t pid;
	int status;

	snprintf(output, sizeof(output), "%s/output", r->tmpdir);
	if (spawn(r, input, output, &pid))
		return -1;
	r->runs++;
	status = wait_bounded(pid, r->timeout_s);
	if (status == -1) {
		out->failed = true;
		snprintf(out->signature, sizeof(out->signature), "timeout");
		snprintf(out->first_line, sizeof(out->first_line), "timeout after %.0f s", r->timeout_s);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	out->failed = true;
	if (!classify_output(r, output, out)) {
		snprintf(out->signature, sizeof(out->signature), WIFSIGNALED(status) ? "signal:%d" : "exit:%d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		snprintf(out->first_line, sizeof(out->first_line), "%s", out->signature);
	}
	return 0;
}
