// An auth::user_store in process memory, for unit tests of the auth use cases.
#pragma once

#include "auth/user.hpp"

#include <functional>
#include <mutex>
#include <vector>

namespace authd::test {

class memory_user_store final : public auth::user_store {
public:
    task<result<void>> insert(auth::user u) override
    {
        std::lock_guard lock(mutex_);
        for (const auto& existing : users_) {
            if (existing.email == u.email || existing.id == u.id) {
                co_return errc::email_taken;
            }
        }
        users_.push_back(std::move(u));
        co_return result<void>{};
    }

    task<result<std::optional<auth::user>>> find_by_email(std::string email) override
    {
        std::lock_guard lock(mutex_);
        for (const auto& u : users_) {
            if (u.email == email) {
                co_return std::optional<auth::user>{u};
            }
        }
        co_return std::optional<auth::user>{};
    }

    task<result<std::optional<auth::user>>> find_by_id(std::string id) override
    {
        std::lock_guard lock(mutex_);
        for (const auto& u : users_) {
            if (u.id == id) {
                co_return std::optional<auth::user>{u};
            }
        }
        co_return std::optional<auth::user>{};
    }

    // Runs before every password update: lets a test make something happen just before one.
    std::function<task<void>(std::string user_id)> before_password_update;

    task<result<void>> update_password_hash(std::string id, std::string password_hash) override
    {
        if (before_password_update) {
            co_await before_password_update(id);
        }
        std::lock_guard lock(mutex_);
        for (auto& u : users_) {
            if (u.id == id) {
                u.password_hash = std::move(password_hash);
                co_return result<void>{};
            }
        }
        co_return errc::store_unavailable;
    }

    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return users_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<auth::user> users_;  // guarded by mutex_
};

}  // namespace authd::test
