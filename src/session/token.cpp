#include "session/token.hpp"

#include <array>
#include <cstdint>

namespace authd::session {
namespace {

constexpr std::size_t token_bytes = 32;
constexpr std::size_t token_text_length = 43;  // base64url of 32 bytes, unpadded
constexpr std::size_t log_ref_length = 12;

std::string random_base64url()
{
    std::array<std::uint8_t, token_bytes> bytes{};
    crypto::random_bytes(bytes);
    return crypto::base64url_encode(bytes);
}

bool is_base64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

issued_token issue_token()
{
    std::string value = random_base64url();
    const token_hash hash = crypto::sha256(value);
    return {std::move(value), hash};
}

std::optional<token_hash> hash_cookie_value(std::string_view cookie_value)
{
    if (cookie_value.size() != token_text_length) {
        return std::nullopt;
    }
    for (const char c : cookie_value) {
        if (!is_base64url_char(c)) {
            return std::nullopt;
        }
    }
    return crypto::sha256(cookie_value);
}

std::string issue_csrf_token()
{
    return random_base64url();
}

std::string public_id(const token_hash& hash)
{
    return crypto::hex_encode(hash);
}

std::optional<token_hash> parse_public_id(std::string_view id)
{
    token_hash hash{};
    if (!crypto::hex_decode(id, hash)) {
        return std::nullopt;
    }
    return hash;
}

std::string log_ref(const token_hash& hash)
{
    return public_id(hash).substr(0, log_ref_length);
}

}  // namespace authd::session
