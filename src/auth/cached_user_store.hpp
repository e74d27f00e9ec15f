// A bounded in-process cache of users by id in front of another user_store, for the user lookup
// behind GET /auth/me. Same invalidation rule as session::cached_store: a password change erases
// the entry before and after the inner store commits, and a fill that raced with it is dropped.
// Only for stores no other authd instance writes to.
#pragma once

#include "auth/user.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace authd::auth {

class cached_user_store final : public user_store {
public:
    // inner is owned by the application and outlives the cache.
    cached_user_store(user_store& inner, std::size_t capacity);

    task<result<void>> insert(user u) override;
    task<result<std::optional<user>>> find_by_email(std::string email) override;
    task<result<std::optional<user>>> find_by_id(std::string id) override;
    task<result<void>> update_password_hash(std::string id, std::string password_hash) override;

private:
    void invalidate(const std::string& id);

    user_store& inner_;
    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, user> by_id_;  // guarded by mutex_
    std::uint64_t epoch_ = 0;                      // guarded by mutex_
};

}  // namespace authd::auth
