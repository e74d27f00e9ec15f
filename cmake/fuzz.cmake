# libFuzzer builds (AUTHD_FUZZ=ON, clang only): every authd library is compiled with the coverage
# instrumentation libFuzzer needs plus AddressSanitizer and UndefinedBehaviorSanitizer, so the fuzz
# targets in fuzz/ see into the code under test. Included by the root CMakeLists.txt before
# add_subdirectory(src); does nothing unless AUTHD_FUZZ is ON. Use a build tree of its own
# (tools/fuzz.sh uses build/fuzz).
if(NOT AUTHD_FUZZ)
    return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AUTHD_FUZZ needs clang (libFuzzer): configure with CXX=clang++-14 CC=clang-14")
endif()

# Line tables are enough for symbolized stack traces and keep the build small; -O1 keeps the
# sanitizers fast without optimizing away what they check; no NDEBUG: assertions stay on.
foreach(config DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
    set(CMAKE_CXX_FLAGS_${config} "-O1 -gline-tables-only")
endforeach()
# fuzzer-no-link: coverage instrumentation without libFuzzer's main(); the fuzz targets link it.
# Undefined behaviour stops the run like a crash, so libFuzzer records the input.
# -fno-sanitize=function: clang 14's indirect-call type check (part of "undefined") cannot compile
# coroutines ("error: Cannot represent a difference across sections", with or without -g).
add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link,address,undefined>"
    "$<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize=function>" "$<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize-recover=undefined>"
    "$<$<COMPILE_LANGUAGE:CXX>:-fno-omit-frame-pointer>")
add_link_options(-fsanitize=address,undefined)
