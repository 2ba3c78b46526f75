# RCU mode: dead nodes, deferred frees, simulated readers and reader threads beside a writer.
maplefuzz_unit_test(maple_rcu_test)
target_link_libraries(maple_rcu_test PRIVATE maple)
