# Unit tests of maple/'s advanced API: iterator state tables, advanced stores, duplication.
maplefuzz_unit_test(maple_api_test)
target_link_libraries(maple_api_test PRIVATE maple)
