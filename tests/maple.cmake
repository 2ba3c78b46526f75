# Unit tests of maple/ (the tree library).
maplefuzz_unit_test(maple_basic_test)
target_link_libraries(maple_basic_test PRIVATE maple)
maplefuzz_unit_test(maple_random_test)
target_link_libraries(maple_random_test PRIVATE maple)
