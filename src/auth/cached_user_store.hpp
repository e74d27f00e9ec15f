// A bounded in-process cache of users by id in front of another user_store, for the user lookup
// behind GET /auth/me. Same rule as session::cached_store: a password change advances the shared
// change epoch before and after the inner store commits, and an entry is served only while the
// epoch still has the value it had before the entry was read.
#pragma once

#include "auth/user.hpp"
#include "core/change_epoch.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace authd::auth {

class cached_user_store final : public user_store {
public:
    // inner and epoch are owned by the application and outlive the cache.
    cached_user_store(user_store& inner, change_epoch& epoch, std::size_t capacity);

    task<result<void>> insert(user u) override;
    task<result<std::optional<user>>> find_by_email(std::string email) override;
    task<result<std::optional<user>>> find_by_id(std::string id) override;
    task<result<void>> update_password_hash(std::string id, std::string password_hash) override;

private:
    struct entry {
        user account;
        std::uint64_t epoch;
    };
    void invalidate(const std::string& id);

    user_store& inner_;
    change_epoch& epoch_;
    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, entry> by_id_;  // guarded by mutex_
};

}  // namespace authd::auth
