// A session_store in process memory: the reference behaviour for the store contract tests and the
// backend of unit tests. Not durable; not used by the authd binary.
#pragma once

#include "session/session_store.hpp"

#include <map>
#include <mutex>

namespace authd::session {

class memory_store final : public session_store {
public:
    task<result<void>> insert(session_record record) override;
    task<result<std::optional<session_record>>> find(token_hash hash) override;
    task<result<std::vector<session_record>>> list_for_user(std::string user_id) override;
    task<result<bool>> remove(token_hash hash) override;
    task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id, token_hash current,
                                                                  bool keep_current,
                                                                  liveness counted) override;
    task<result<std::optional<std::size_t>>> replace_user_sessions(std::string user_id, token_hash current,
                                                                   session_record replacement,
                                                                   liveness counted) override;
    void touch(token_hash hash, sys_ms seen_at) override;
    task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) override;
    task<result<std::uint64_t>> count_live(sys_ms now, sys_ms idle_cutoff) override;
    task<result<void>> ping() override;

    std::size_t size() const;

private:
    // Erases them all; returns how many of them `counted` calls live.
    std::size_t erase_user_sessions_locked(const std::string& user_id, const token_hash* keep,
                                           liveness counted);

    mutable std::mutex mutex_;
    std::map<token_hash, session_record> sessions_;  // guarded by mutex_
};

}  // namespace authd::session
