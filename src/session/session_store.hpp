// The session store: the one interface every backend (memory, SQLite, later PostgreSQL/Redis)
// implements. Handlers and services never know which one they talk to.
#pragma once

#include "audit/audit_log.hpp"
#include "core/async.hpp"
#include "core/errc.hpp"
#include "session/session_record.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace authd::session {

// What remove_recorded() did: whether the session was removed, and whether its audit record failed.
struct recorded_removal {
    bool removed = false;
    bool audit_failed = false;
};

// What a request that ends its session still has to check against the session's current row
// (expiry, CSRF), run inside remove_checked(): nullopt lets the end go ahead; an errc
// (not_authenticated, csrf_failed) refuses it. It may run on a store's own thread.
using removal_check = std::function<std::optional<errc>(const session_record&)>;

// Every write is durable when its task completes successfully; a failed write changed nothing.
// Failures are errc::store_unavailable.
class session_store {
public:
    virtual ~session_store() = default;

    virtual task<result<void>> insert(session_record record) = 0;
    virtual task<result<std::optional<session_record>>> find(token_hash hash) = 0;
    // find() that bypasses any cache in front of the store: for a session that looks idle-expired
    // in a cache while another instance may have seen it active since.
    virtual task<result<std::optional<session_record>>> find_fresh(token_hash hash) { return find(hash); }
    virtual task<result<std::vector<session_record>>> list_for_user(std::string user_id) = 0;

    // True for exactly one of any number of concurrent removals of the same session.
    virtual task<result<bool>> remove(token_hash hash) = 0;
    // remove(), and when it removed the session, `entry` appended to `audit`. A failed audit
    // append never undoes the removal (it is reported in audit_failed). This default runs the two
    // one after the other; a backend that keeps the audit log in the same database commits both in
    // one transaction (one fsync, and no acknowledged logout without its record).
    virtual task<result<recorded_removal>> remove_recorded(token_hash hash, audit::audit_log& audit,
                                                           audit::audit_event entry);
    // remove_recorded() for a session known only by its cookie's hash, in one atomic step that
    // reads its current row and runs `check` on it first: a refusal comes back as its errc, with
    // nothing written. `entry` gets the row's user_id. removed=false when no live session has this
    // hash. This spares the caller a read of its own: a logout reads its session once, where it
    // ends it. This default runs find(), the check and remove_recorded() one after the other.
    virtual task<result<recorded_removal>> remove_checked(token_hash hash, removal_check check,
                                                          audit::audit_log& audit, audit::audit_event entry);
    // Ends every session of the user, or every one but `current` when keep_current, in one atomic
    // step that first checks `current` is still live: nullopt (nothing removed) when it is not, so
    // that of concurrent requests with one cookie exactly one succeeds. Returns how many ended of
    // those `counted` calls live (an expired session is no session: it is deleted, not counted).
    virtual task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id,
                                                                          token_hash current,
                                                                          bool keep_current,
                                                                          liveness counted) = 0;
    // Ends every session of the user and stores `replacement` (token rotation on password change),
    // in one atomic step that first checks `current` is still live and the user's: nullopt, with
    // nothing changed, when it is not, so that a change still in flight when its session ended
    // never brings a session back, and of concurrent changes with one cookie exactly one succeeds.
    // Returns how many sessions other than `current` ended, of those `counted` calls live.
    virtual task<result<std::optional<std::size_t>>> replace_user_sessions(std::string user_id,
                                                                           token_hash current,
                                                                           session_record replacement,
                                                                           liveness counted) = 0;

    // Best effort, asynchronous: moves last_seen_at forward. It never creates a session, so a
    // touch that arrives after the session ended changes nothing.
    virtual void touch(token_hash hash, sys_ms seen_at) = 0;

    // Deletes sessions past their absolute expiry, and non-remember-me sessions idle since
    // before `idle_cutoff`; returns how many.
    virtual task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) = 0;
    // Whether so many ended sessions wait for a backend that deletes them lazily that it should
    // delete them now (purge_revoked), before the purge interval is over.
    virtual bool purge_due() const { return false; }
    // Deletes what remains of the ended sessions purge_due() counts, without the expiry scan of
    // purge_expired(); returns how many. Nothing to do for a backend that deletes at once.
    virtual task<result<std::size_t>> purge_revoked();
    // Deletes the rows of the sessions ended since the last call when they are few, so that a
    // backend that deletes lazily still removes an ended session's row soon after its logout under
    // ordinary load (more wait for the purges above). It forgets no revocation, so a cache in front
    // of the store keeps its entries. Returns how many rows it deleted; nothing to do for a backend
    // that deletes at once.
    virtual task<result<std::size_t>> delete_recently_ended();

    // How many sessions are live at `now` (not past their absolute expiry, and remember-me or seen
    // after `idle_cutoff`): the sessions-active gauge of GET /metrics. May scan the whole store, so
    // a backend runs it where it cannot stall request handling.
    virtual task<result<std::uint64_t>> count_live(sys_ms now, sys_ms idle_cutoff) = 0;

    // Whether the store can serve requests (readiness probe).
    virtual task<result<void>> ping() = 0;

    // For a cache in front of the store: lets it keep its entries across other sessions' ends.
    // A store that records ends of single sessions (remove, remove_recorded) as revocations it can
    // check from memory returns a marker that changes after every such end is committed, before
    // it is acknowledged, on every instance sharing the store. nullopt: no such marker (the cache
    // must then drop every entry on any removal).
    virtual std::optional<std::uint64_t> revocation_marker() const { return std::nullopt; }
    // Whether the session was ended by a revocation acknowledged before revocation_marker() had
    // the value `marker`. Only for stores that have a marker.
    virtual task<result<bool>> revoked(token_hash hash, std::uint64_t marker);
    // For a cache in front of a store that forgets revocations when it purges their rows:
    // `before` runs in every such purge once the purge has fixed which revocations it will forget
    // (all numbered up to what it has loaded), before it forgets any. Whatever the cache checked
    // against those revocations stops being trusted there (cached_store advances its epoch), and
    // anything it checks later sees a marker past them. An empty function unregisters; a store
    // that forgets nothing ignores it.
    virtual void before_forgetting_revocations(std::function<void()> before) { (void)before; }
};

}  // namespace authd::session
