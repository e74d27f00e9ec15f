// Session lifetime rules over any session_store: what counts as expired, sliding idle timeout with
// throttled last_seen_at writes, and starting sessions with fresh tokens.
#pragma once

#include "core/clock.hpp"
#include "session/session_store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace authd::session {

struct session_policy {
    std::chrono::milliseconds idle_timeout{std::chrono::minutes{30}};
    std::chrono::milliseconds absolute_lifetime{std::chrono::hours{12}};
    std::chrono::milliseconds remember_me_lifetime{std::chrono::hours{24 * 30}};
};

struct client_info {
    std::string ip_address;
    std::string user_agent;
};

struct started_session {
    session_record record;
    std::string cookie_value;  // the token; goes only into Set-Cookie
};

class session_service {
public:
    // store and clock are owned by the application and outlive this service.
    session_service(session_store& store, const clock& clock, session_policy policy);

    // The live session behind a cookie value: errc::not_authenticated when the value is malformed,
    // unknown or expired, errc::store_unavailable when the store cannot tell. With `activity`, the
    // request keeps the session alive (sliding idle timeout); a request that ends the session
    // (logout) passes false, which spares a last_seen_at write that the end makes pointless.
    task<result<session_record>> authenticate(std::string_view cookie_value, bool activity = true);

    // A new session with a fresh token and CSRF token, durably stored.
    task<result<started_session>> start(std::string user_id, bool remember_me, client_info client);
    // A new session record (fresh token and CSRF token) that is not stored yet.
    started_session prepare(std::string user_id, bool remember_me, client_info client) const;

    // When the session stops being valid if it sees no more activity.
    sys_ms effective_expiry(const session_record& record) const;
    bool is_expired(const session_record& record, sys_ms now) const;

    task<result<std::size_t>> purge_expired();
    // The store's ended sessions, when it deletes them lazily (session_store::purge_revoked).
    task<result<std::size_t>> purge_revoked() { return store_.purge_revoked(); }
    task<result<std::size_t>> delete_recently_ended() { return store_.delete_recently_ended(); }
    // Sessions authenticate() would accept now (the sessions-active gauge).
    task<result<std::uint64_t>> count_live();

    session_store& store() { return store_; }
    const session_policy& policy() const { return policy_; }
    sys_ms now() const { return clock_.now(); }
    // The rule is_expired() applies, at `now`: for a store that counts the sessions it ends.
    liveness live_at(sys_ms now) const
    {
        return liveness{.now = now, .idle_cutoff = now - policy_.idle_timeout};
    }
    liveness live_now() const { return live_at(clock_.now()); }

private:
    // last_seen_at is written at most this often per session: not a database write per request.
    std::chrono::milliseconds touch_interval() const;

    session_store& store_;
    const clock& clock_;
    session_policy policy_;
};

}  // namespace authd::session
