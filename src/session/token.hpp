// Session tokens: 32 random bytes, base64url in the cookie, only their SHA-256 in the store.
#pragma once

#include "core/crypto.hpp"

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace authd::session {

using token_hash = crypto::sha256_digest;

// Hashes a token_hash for unordered containers. The key is already a uniformly random SHA-256
// digest: any 8 bytes of it are a good hash.
struct token_hash_hasher {
    std::size_t operator()(const token_hash& h) const noexcept
    {
        std::size_t out = 0;
        std::memcpy(&out, h.data(), sizeof out);
        return out;
    }
};

struct issued_token {
    std::string cookie_value;  // the secret: sent to the client once, never stored or logged
    token_hash hash;           // what the store keys the session by
};

issued_token issue_token();

// The hash of a cookie value, or nullopt when the value cannot be a token authd issued
// (wrong length or alphabet): such a cookie is treated like an unknown session.
std::optional<token_hash> hash_cookie_value(std::string_view cookie_value);

// A new synchronizer CSRF token (32 random bytes, base64url).
std::string issue_csrf_token();

// The session id shown to clients (GET /auth/sessions, DELETE /auth/sessions/{id}): the hex of the
// token hash. It cannot be turned back into the token, so showing it grants nothing.
std::string public_id(const token_hash& hash);
std::optional<token_hash> parse_public_id(std::string_view id);

// The short prefix of the hash that names a session in the audit log and the service log.
std::string log_ref(const token_hash& hash);

}  // namespace authd::session
