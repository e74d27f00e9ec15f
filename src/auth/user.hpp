// Users and the user store interface (backends in storage/<tech>).
#pragma once

#include "core/async.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"

#include <optional>
#include <string>

namespace authd::auth {

struct user {
    std::string id;  // opaque (a random UUID)
    std::string email;
    std::string password_hash;  // Argon2id, PHC string format
    std::string role = "user";
    sys_ms created_at{};
    bool disabled = false;  // set by an administrator (authd admin users disable): no login, no session
};

class user_store {
public:
    virtual ~user_store() = default;
    // errc::email_taken when the email exists; errc::store_unavailable on failure.
    virtual task<result<void>> insert(user u) = 0;
    virtual task<result<std::optional<user>>> find_by_email(std::string email) = 0;
    virtual task<result<std::optional<user>>> find_by_id(std::string id) = 0;
    virtual task<result<void>> update_password_hash(std::string id, std::string password_hash) = 0;
};

}  // namespace authd::auth
