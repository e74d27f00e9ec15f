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
target_compile_definitions(authd_build_flags INTERFACE
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED)
if(AUTHD_SANITIZE)
    target_compile_options(authd_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(authd_build_flags INTERFACE -fsanitize=address,undefined)
endif()
