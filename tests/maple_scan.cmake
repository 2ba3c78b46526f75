# The vector slot scans against the scalar one, and the choice between them (each way).
maplefuzz_unit_test(maple_scan_test)
target_link_libraries(maple_scan_test PRIVATE maple)
foreach(scan scalar avx2)
  add_test(NAME maple_scan_test_forced_${scan} COMMAND maple_scan_test)
  set_tests_properties(maple_scan_test_forced_${scan} PROPERTIES ENVIRONMENT MAPLE_SCAN=${scan})
endforeach()
