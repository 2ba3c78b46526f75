maplefuzz_unit_test(ops_codec_test)
target_link_libraries(ops_codec_test PRIVATE fuzzcore)

# ci/oss-fuzz/build.sh with OSS-Fuzz's variables set by hand, for libFuzzer and AFL++.
add_test(NAME oss_fuzz_build COMMAND ${CMAKE_SOURCE_DIR}/tests/oss_fuzz_build.sh ${CMAKE_SOURCE_DIR})
