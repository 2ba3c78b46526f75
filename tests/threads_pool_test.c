/* threads_pool_test.c - the reader threads' pool (fuzz/threads_pool.c): runs one after another
 * reuse its threads and still read; a process forked after runs (as AFL++'s fork server may be)
 * has none of the parent's threads and must start its own, not wait for ones that do not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ops.h"
#include "threads.h"

static const char stream[] =
	"maplefuzz-ops v1\n"
	"config flags=0x0 validate=0 fault=0 readers=3\n"
	"store_range 10 20 v1\n"
	"store_range 30 40 v2\n"
	"store_range 15 35 v3\n"
	"erase 30\n"
	"store_range 0 5 v4\n";

static void parse_stream(struct ops_list *list)
{
	char err[128];
	FILE *in = fmemopen((void *)stream, sizeof(stream) - 1, "r");

	assert_non_null(in);
	assert_int_equal(ops_text_parse(in, "stream", list, err, sizeof(err)), 0);
	fclose(in);
}

/* One run of the stream beside the four readers its preamble asks for (1 + 3). */
static int run_once(const struct ops_list *list, unsigned long *reads)
{
	struct threads_options opt = { 0 };
	struct threads_result res;
	int rc = threads_run_list(list, &opt, &res);

	*reads = res.reads;
	return rc;
}

static void test_runs_reuse_the_pool(void **state)
{
	struct ops_list list;
	unsigned long reads;

	(void)state;
	parse_stream(&list);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(run_once(&list, &reads), 0);
		assert_true(reads > 0);
	}
	ops_list_free(&list);
}

/* The child runs the stream again within a bound (alarm: a child waiting for the parent's threads
 * would hang) and exits with what it saw. */
static void test_forked_child_starts_its_own_readers(void **state)
{
	struct ops_list list;
	unsigned long reads;
	int status;
	pid_t pid;

	(void)state;
	parse_stream(&list);
	assert_int_equal(run_once(&list, &reads), 0);      /* the parent's pool exists now */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		_exit(run_once(&list, &reads) == 0 && reads > 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(run_once(&list, &reads), 0);      /* and the parent's pool still works */
	ops_list_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_reuse_the_pool),
		cmocka_unit_test(test_forked_child_starts_its_own_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
