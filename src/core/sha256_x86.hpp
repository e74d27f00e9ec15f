// SHA-256 on the CPU's SHA extensions, where it has them (see sha256_x86.cpp); crypto::sha256 is
// the one to call.
#pragma once

#include "core/crypto.hpp"

#include <string_view>

namespace authd::crypto::detail {

bool cpu_has_sha_extensions() noexcept;
// Only when cpu_has_sha_extensions() is true.
sha256_digest sha256_with_sha_extensions(std::string_view data) noexcept;

}  // namespace authd::crypto::detail
