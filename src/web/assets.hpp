// The static files compiled into the binary (cmake/assets.cmake): the web UI, Swagger UI and the
// OpenAPI document. Looked up by URL path; served by api/operations_handlers.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace authd::web {

struct asset {
    std::string_view bytes;
    std::string_view content_type;  // from the file name's extension
};

// The file served at `url_path` ("/ui/app.js"), if there is one.
std::optional<asset> find(std::string_view url_path);

// Every URL path that serves a file, in build order (tests check the table).
std::size_t count();
std::string_view url_at(std::size_t index);

namespace detail {
struct embedded_file {
    const char* url;
    const char* begin;
    const char* end;
};
extern const embedded_file embedded_files[];
extern const std::size_t embedded_file_count;
}  // namespace detail

}  // namespace authd::web
