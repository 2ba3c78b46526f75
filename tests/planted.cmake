# Every planted bug still applies to the tree as it is (tests/planted/check plants them; a change to
# the code they patch must regenerate them, or the harness's measured power silently shrinks).
file(GLOB PLANTED_PATCHES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/planted/*.patch)
foreach(patch ${PLANTED_PATCHES})
  get_filename_component(name ${patch} NAME_WE)
  add_test(NAME planted_applies_${name} COMMAND git apply --check ${patch} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
