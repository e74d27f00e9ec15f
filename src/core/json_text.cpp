#include "core/json_text.hpp"

namespace authd {

namespace {

bool needs_escape(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return c == '"' || c == '\\' || u < 0x20 || u == 0x7f;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!needs_escape(c)) {
            continue;  // copied below with the rest of its run, not byte by byte
        }
        out.append(text.substr(start, i - start));
        start = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const auto u = static_cast<unsigned char>(c);
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0x0f];
            }
        }
    }
    out.append(text.substr(start));
}

}  // namespace authd
