#include "core/json_text.hpp"

namespace authd {

void append_json_escaped(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 0x0f];
                } else {
                    out += c;
                }
        }
    }
}

}  // namespace authd
