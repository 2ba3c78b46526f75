# Preallocation (mas_preallocate / mas_store_prealloc) and the mas_nomem retry point.
maplefuzz_unit_test(maple_prealloc_test)
target_link_libraries(maple_prealloc_test PRIVATE maple)
