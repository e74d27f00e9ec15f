#include "web/assets.hpp"

#include <array>
#include <utility>

namespace authd::web {

namespace {

std::string_view content_type_for(std::string_view url)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> by_extension{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    }};
    for (const auto& [extension, type] : by_extension) {
        if (url.ends_with(extension)) {
            return type;
        }
    }
    // Paths without an extension ("/docs", "/ui/") are pages.
    return url.find('.', url.rfind('/')) == std::string_view::npos ? "text/html; charset=utf-8"
                                                                   : "application/octet-stream";
}

}  // namespace

std::optional<asset> find(std::string_view url_path)
{
    for (std::size_t i = 0; i < detail::embedded_file_count; ++i) {
        const detail::embedded_file& file = detail::embedded_files[i];
        if (url_path == file.url) {
            return asset{
                .bytes = std::string_view(file.begin, static_cast<std::size_t>(file.end - file.begin)),
                .content_type = content_type_for(url_path)};
        }
    }
    return std::nullopt;
}

std::size_t count()
{
    return detail::embedded_file_count;
}

std::string_view url_at(std::size_t index)
{
    return detail::embedded_files[index].url;
}

}  // namespace authd::web
