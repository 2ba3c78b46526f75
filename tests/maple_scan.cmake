# The vector slot scan against the scalar one, and the choice between them (both ways).
maplefuzz_unit_test(maple_scan_test)
target_link_libraries(maple_scan_test PRIVATE maple)
add_test(NAME maple_scan_test_forced_scalar COMMAND maple_scan_test)
set_tests_properties(maple_scan_test_forced_scalar PROPERTIES ENVIRONMENT MAPLE_SCAN=scalar)
