# The reader-thread judge: every rule of docs/semantics.md "Reader threads" on made-up reads.
maplefuzz_unit_test(threads_judge_test)
target_link_libraries(threads_judge_test PRIVATE fuzzcore)

# The reader threads' pool: reused from run to run, and started afresh in a forked child.
maplefuzz_unit_test(threads_pool_test)
target_link_libraries(threads_pool_test PRIVATE fuzzcore)
