/* tsan_options.c - ThreadSanitizer defaults for the harness's programs (linked into each of them in
 * the tsan preset only): liburcu's suppressions (fuzz/tsan.supp), stop at the first report, and no
 * signal-safety reports, which otherwise deadlock libFuzzer's crash handler when a failure aborts.
 * TSAN_OPTIONS still overrides any of them. */
const char *__tsan_default_options(void);

/* TSan calls it before it is set up: no instrumentation of any kind may run in it. */
__attribute__((no_sanitize("thread", "coverage"))) const char *__tsan_default_options(void)
{
	return "halt_on_error=1 report_signal_unsafe=0 suppressions=" MAPLEFUZZ_TSAN_SUPP;
}
