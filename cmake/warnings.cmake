# Compiler warnings and sanitizers, applied to every authd target through authd_add_library/executable.
add_library(authd_build_flags INTERFACE)
target_compile_options(authd_build_flags INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough -Werror=switch
    # g++ 12 false positive on every Asio coroutine frame (aligned_alloc'd, freed by aligned_delete).
    -Wno-mismatched-new-delete)
if(AUTHD_WERROR)
    target_compile_options(authd_build_flags INTERFACE -Werror)
endif()
# Asio and Beast are compiled once (src/boost_impl.cpp) instead of in every translation unit.
# Asio keeps freed coroutine frames and operation blocks per thread for reuse, 2 of each kind by
# default; a cached GET /auth/me nests about 7 coroutines, so 5 of their frames went to malloc and
# free on every request (bench/RESULTS.md). The size is part of thread_info_base's layout, so every
# translation unit must agree on it: it is set here, for all of them.
target_compile_definitions(authd_build_flags INTERFACE
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED
    BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16)
if(AUTHD_SANITIZE)
    target_compile_options(authd_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(authd_build_flags INTERFACE -fsanitize=address,undefined)
endif()
