#include "api/request_context.hpp"

#include <algorithm>

namespace authd::api {

namespace {

// Client-supplied header text as it may be stored and shown: valid UTF-8 only (each invalid byte
// and each control character becomes U+FFFD), at most `max_bytes` long.
std::string sanitized_text(std::string_view text, std::size_t max_bytes)
{
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(std::min(text.size(), max_bytes));
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xe  ? 3
                             : (lead >> 3) == 0x1e ? 4
                                                   : 0;
        bool valid = length != 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        }
        if (valid && length == 1 && (lead < 0x20 || lead == 0x7f)) {
            valid = false;
        }
        if (valid && length > 1) {
            // Reject overlong forms, surrogates and code points past U+10FFFF.
            const auto second = static_cast<unsigned char>(text[i + 1]);
            valid = !(lead == 0xc0 || lead == 0xc1 || (lead == 0xe0 && second < 0xa0) ||
                      (lead == 0xed && second >= 0xa0) || (lead == 0xf0 && second < 0x90) ||
                      (lead == 0xf4 && second >= 0x90) || lead > 0xf4);
        }
        const std::string_view piece = valid ? text.substr(i, length) : replacement;
        if (out.size() + piece.size() > max_bytes) {
            break;
        }
        out += piece;
        i += valid ? length : 1;
    }
    return out;
}

constexpr std::size_t max_user_agent_bytes = 512;

}  // namespace

session::client_info request_context::client() const
{
    return {.ip_address = std::string(client_address),
            .user_agent = sanitized_text(req[boost::beast::http::field::user_agent], max_user_agent_bytes)};
}

}  // namespace authd::api
