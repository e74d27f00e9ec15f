#include "auth/cached_user_store.hpp"

namespace authd::auth {

cached_user_store::cached_user_store(user_store& inner, change_epoch& epoch, std::size_t capacity)
    : inner_(inner), epoch_(epoch), capacity_(capacity)
{
}

void cached_user_store::invalidate(const std::string& id)
{
    epoch_.advance();
    std::lock_guard lock(mutex_);
    by_id_.erase(id);
}

task<result<void>> cached_user_store::insert(user u)
{
    return inner_.insert(std::move(u));
}

task<result<std::optional<user>>> cached_user_store::find_by_email(std::string email)
{
    return inner_.find_by_email(std::move(email));  // login: Argon2id dwarfs the read
}

task<result<std::optional<user>>> cached_user_store::find_by_id(std::string id)
{
    const std::uint64_t epoch = epoch_.current();
    {
        std::lock_guard lock(mutex_);
        if (const auto it = by_id_.find(id); it != by_id_.end() && it->second.epoch == epoch) {
            co_return std::optional{it->second.account};
        }
    }
    auto found = co_await inner_.find_by_id(id);
    if (found && *found && capacity_ > 0) {
        std::lock_guard lock(mutex_);
        if (by_id_.size() >= capacity_ && !by_id_.contains(id)) {
            by_id_.erase(by_id_.begin());
        }
        by_id_.insert_or_assign(id, entry{**found, epoch});
    }
    co_return found;
}

task<result<void>> cached_user_store::update_password_hash(std::string id, std::string password_hash)
{
    invalidate(id);
    auto updated = co_await inner_.update_password_hash(id, std::move(password_hash));
    invalidate(id);
    co_return updated;
}

}  // namespace authd::auth
