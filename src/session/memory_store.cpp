#include "session/memory_store.hpp"

#include <algorithm>

namespace authd::session {

task<result<void>> memory_store::insert(session_record record)
{
    std::lock_guard lock(mutex_);
    const token_hash key = record.hash;
    sessions_.insert_or_assign(key, std::move(record));
    co_return result<void>{};
}

task<result<std::optional<session_record>>> memory_store::find(token_hash hash)
{
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(hash);
    if (it == sessions_.end()) {
        co_return std::optional<session_record>{};
    }
    co_return std::optional<session_record>{it->second};
}

task<result<std::vector<session_record>>> memory_store::list_for_user(std::string user_id)
{
    std::lock_guard lock(mutex_);
    std::vector<session_record> out;
    for (const auto& [hash, record] : sessions_) {
        if (record.user_id == user_id) {
            out.push_back(record);
        }
    }
    co_return out;
}

task<result<bool>> memory_store::remove(token_hash hash)
{
    std::lock_guard lock(mutex_);
    co_return sessions_.erase(hash) == 1;
}

std::size_t memory_store::erase_user_sessions_locked(const std::string& user_id, const token_hash* keep,
                                                     liveness counted)
{
    std::size_t live = 0;
    std::erase_if(sessions_, [&](const auto& entry) {
        const bool erased = entry.second.user_id == user_id && (keep == nullptr || entry.first != *keep);
        live += erased && counted.live(entry.second) ? 1 : 0;
        return erased;
    });
    return live;
}

task<result<std::optional<std::size_t>>> memory_store::remove_user_sessions(std::string user_id,
                                                                            token_hash current,
                                                                            bool keep_current,
                                                                            liveness counted)
{
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(current);
    if (it == sessions_.end() || it->second.user_id != user_id) {
        co_return std::optional<std::size_t>{};
    }
    co_return std::optional<std::size_t>{
        erase_user_sessions_locked(user_id, keep_current ? &current : nullptr, counted)};
}

task<result<std::optional<std::size_t>>> memory_store::replace_user_sessions(std::string user_id,
                                                                             token_hash current,
                                                                             session_record replacement,
                                                                             liveness counted)
{
    std::lock_guard lock(mutex_);
    if (const auto it = sessions_.find(current); it == sessions_.end() || it->second.user_id != user_id) {
        co_return std::optional<std::size_t>{};
    }
    const std::size_t others = erase_user_sessions_locked(user_id, &current, counted);
    sessions_.erase(current);
    const token_hash key = replacement.hash;
    sessions_.insert_or_assign(key, std::move(replacement));
    co_return std::optional<std::size_t>{others};
}

void memory_store::touch(token_hash hash, sys_ms seen_at)
{
    std::lock_guard lock(mutex_);
    if (const auto it = sessions_.find(hash); it != sessions_.end() && it->second.last_seen_at < seen_at) {
        it->second.last_seen_at = seen_at;
    }
}

task<result<std::size_t>> memory_store::purge_expired(sys_ms now, sys_ms idle_cutoff)
{
    std::lock_guard lock(mutex_);
    co_return std::erase_if(sessions_, [&](const auto& entry) {
        const session_record& r = entry.second;
        return r.expires_at <= now || (!r.remember_me && r.last_seen_at <= idle_cutoff);
    });
}

task<result<std::uint64_t>> memory_store::count_live(sys_ms now, sys_ms idle_cutoff)
{
    std::lock_guard lock(mutex_);
    co_return static_cast<std::uint64_t>(
        std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& entry) {
            const session_record& r = entry.second;
            return r.expires_at > now && (r.remember_me || r.last_seen_at > idle_cutoff);
        }));
}

task<result<void>> memory_store::ping()
{
    co_return result<void>{};
}

std::size_t memory_store::size() const
{
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace authd::session
