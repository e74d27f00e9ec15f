// The few cryptographic primitives authd needs, from libsodium: randomness, SHA-256, constant-time
// comparison, and the text encodings of binary secrets. SHA-256 runs on the CPU's SHA extensions
// where it has them (it is behind every authenticated request), else libsodium's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace authd::crypto {

// Must run once before any other function here (libsodium's sodium_init); false on failure.
bool initialize();

// Fills out from the operating system's CSPRNG.
void random_bytes(std::span<std::uint8_t> out);

using sha256_digest = std::array<std::uint8_t, 32>;
sha256_digest sha256(std::string_view data);
// libsodium's SHA-256, whatever the CPU; what sha256 must always agree with.
sha256_digest sha256_portable(std::string_view data);
bool sha256_uses_cpu_extensions() noexcept;

// Compares secrets without leaking where they differ; different lengths compare unequal.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// Base64url without padding (RFC 4648 section 5), the form tokens take in cookies and JSON.
std::string base64url_encode(std::span<const std::uint8_t> data);
std::optional<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::span<const std::uint8_t> data);
// Lower- or upper-case hex of exactly out.size() bytes; false on anything else.
bool hex_decode(std::string_view text, std::span<std::uint8_t> out) noexcept;

// A random version-4 UUID in its canonical lower-case text form (user ids).
std::string random_uuid();

}  // namespace authd::crypto
