// A bounded in-process cache in front of another session_store, so that the session check behind
// every authenticated request usually costs a hash-map lookup instead of a database read.
//
// It can never serve a session after its removal was acknowledged: every removal erases the
// entry before and after the inner store commits, and a cache fill is dropped when any removal
// ran while its read was in progress (an invalidation epoch). This holds within one process: it
// is only for stores no other authd instance writes to (the embedded SQLite database).
#pragma once

#include "session/session_store.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace authd::session {

class cached_store final : public session_store {
public:
    // inner is owned by the application and outlives the cache.
    cached_store(session_store& inner, std::size_t capacity);

    task<result<void>> insert(session_record record) override;
    task<result<std::optional<session_record>>> find(token_hash hash) override;
    task<result<std::vector<session_record>>> list_for_user(std::string user_id) override;
    task<result<bool>> remove(token_hash hash) override;
    task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id, token_hash current,
                                                                  bool keep_current) override;
    task<result<std::size_t>> replace_user_sessions(std::string user_id, token_hash current,
                                                    session_record replacement) override;
    void touch(token_hash hash, sys_ms seen_at) override;
    task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) override;
    task<result<void>> ping() override;

    std::size_t size() const;

private:
    struct hash_of_token {
        std::size_t operator()(const token_hash& h) const noexcept;
    };

    // Marks the start of a removal: erases the entry (or all of a user's) and moves the epoch.
    void invalidate(const token_hash* hash, const std::string* user_id);
    void fill(const session_record& record, std::uint64_t epoch_at_read);

    session_store& inner_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<token_hash, session_record, hash_of_token> entries_;  // guarded by mutex_
    std::uint64_t epoch_ = 0;                                                // guarded by mutex_
};

}  // namespace authd::session
