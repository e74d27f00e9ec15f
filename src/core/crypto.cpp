#include "core/crypto.hpp"

#include "core/sha256_x86.hpp"

#include <sodium.h>

namespace authd::crypto {

bool initialize()
{
    return sodium_init() >= 0;
}

void random_bytes(std::span<std::uint8_t> out)
{
    randombytes_buf(out.data(), out.size());
}

namespace {
const bool sha_extensions = detail::cpu_has_sha_extensions();
}  // namespace

bool sha256_uses_cpu_extensions() noexcept
{
    return sha_extensions;
}

sha256_digest sha256(std::string_view data)
{
    if (sha_extensions) {
        return detail::sha256_with_sha_extensions(data);
    }
    return sha256_portable(data);
}

sha256_digest sha256_portable(std::string_view data)
{
    sha256_digest out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    // The length of a token is not a secret (it is fixed by the format); its content is.
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::span<const std::uint8_t> data)
{
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(data.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), variant);
    out.resize(out.size() - 1);  // libsodium counts the terminating NUL
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text)
{
    std::string out(text.size() * 3 / 4 + 3, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                          nullptr, &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size()) {
        return std::nullopt;
    }
    out.resize(len);
    return out;
}

std::string hex_encode(std::span<const std::uint8_t> data)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(data.size() * 2, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return out;
}

bool hex_decode(std::string_view text, std::span<std::uint8_t> out) noexcept
{
    if (text.size() != out.size() * 2) {
        return false;
    }
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(text[2 * i]);
        const int lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return true;
}

std::string random_uuid()
{
    std::array<std::uint8_t, 16> b{};
    random_bytes(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    const std::string hex = hex_encode(b);
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) +
           '-' + hex.substr(20);
}

}  // namespace authd::crypto
