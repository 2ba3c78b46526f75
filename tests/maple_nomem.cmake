# Allocation-failure injection and the -ENOMEM rule of every write path.
maplefuzz_unit_test(maple_nomem_test)
target_link_libraries(maple_nomem_test PRIVATE maple)
