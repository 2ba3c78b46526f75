# Unit tests of oracle/ (the Judy-backed reference model).
maplefuzz_unit_test(oracle_model_test)
target_link_libraries(oracle_model_test PRIVATE oracle)
