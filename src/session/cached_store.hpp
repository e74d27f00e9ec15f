// A bounded in-process cache in front of another session_store, so that the session check behind
// every authenticated request usually costs a hash-map lookup instead of a database read.
//
// It never serves a session after its removal was acknowledged, on any instance that shares the
// change epoch: a removal advances the epoch before and after the inner store commits, and an
// entry is served only while the epoch still has the value it had before the entry was read.
// (A reader that saw the epoch after the first advance but before the second read its row before
// the commit, so its entry carries an epoch the second advance makes stale; a reader that saw the
// epoch after the second advance read after the commit, and found nothing to cache.)
//
// The end of a single session (logout) need not cost every other entry, when the inner store has a
// revocation marker (session_store::revocation_marker, the SQLite revocation log): such an end
// leaves the epoch alone, and the store advances the marker after its commit, before it is
// acknowledged. An entry remembers the marker it was last checked at; when the marker has moved,
// the entry is served only after the store says, from memory, that this session was not among the
// revocations, and only if the epoch did not move meanwhile (a purge advances it before it lets the
// store forget purged revocations).
#pragma once

#include "core/change_epoch.hpp"
#include "session/session_store.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace authd::session {

class cached_store final : public session_store {
public:
    // inner and epoch are owned by the application and outlive the cache.
    cached_store(session_store& inner, change_epoch& epoch, std::size_t capacity);
    ~cached_store() override;
    cached_store(const cached_store&) = delete;
    cached_store& operator=(const cached_store&) = delete;

    task<result<void>> insert(session_record record) override;
    task<result<std::optional<session_record>>> find(token_hash hash) override;
    task<result<std::optional<session_record>>> find_fresh(token_hash hash) override;
    task<result<std::vector<session_record>>> list_for_user(std::string user_id) override;
    task<result<bool>> remove(token_hash hash) override;
    task<result<recorded_removal>> remove_recorded(token_hash hash, audit::audit_log& audit,
                                                   audit::audit_event entry) override;
    task<result<recorded_removal>> remove_checked(token_hash hash, removal_check check,
                                                  audit::audit_log& audit, audit::audit_event entry) override;
    task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id, token_hash current,
                                                                  bool keep_current,
                                                                  liveness counted) override;
    task<result<std::optional<std::size_t>>> replace_user_sessions(std::string user_id, token_hash current,
                                                                   session_record replacement,
                                                                   liveness counted) override;
    void touch(token_hash hash, sys_ms seen_at) override;
    task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) override;
    bool purge_due() const override { return inner_.purge_due(); }
    task<result<std::size_t>> purge_revoked() override;
    // Its entries stay: the rows it deletes are of revoked sessions, which the cache refuses anyway.
    task<result<std::size_t>> delete_recently_ended() override { return inner_.delete_recently_ended(); }
    task<result<std::uint64_t>> count_live(sys_ms now, sys_ms idle_cutoff) override;
    task<result<void>> ping() override;

    std::size_t size() const;

private:
    struct entry {
        session_record record;
        std::uint64_t epoch;   // the change epoch before the record was read
        std::uint64_t marker;  // the inner store's revocation marker when last checked (if it has one)
    };
    // The single-session removals: with a revocation marker, only `hash`'s own entry goes.
    // (A coroutine: its parameters are values, never references to a caller's frame.)
    template <class Removal>
    auto remove_one(token_hash hash, Removal removal) -> decltype(removal());
    void erase(const token_hash& hash);

    // Before and after a removal: makes every entry stale and frees what is no longer needed.
    void invalidate(const token_hash* hash, const std::string* user_id);

    session_store& inner_;
    change_epoch& epoch_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<token_hash, entry, token_hash_hasher> entries_;  // guarded by mutex_
};

}  // namespace authd::session
