// A server-side session as the store keeps it.
#pragma once

#include "core/clock.hpp"
#include "session/token.hpp"

#include <string>

namespace authd::session {

struct session_record {
    token_hash hash{};
    std::string user_id;
    std::string csrf_token;
    sys_ms created_at{};
    sys_ms last_seen_at{};  // refreshed at most once per touch interval (write throttling)
    sys_ms expires_at{};    // absolute end of life, whatever the activity
    bool remember_me = false;
    std::string ip_address;
    std::string user_agent;
};

// Which sessions are live at a moment: before their absolute expiry, and remember-me or seen after
// `idle_cutoff` (session_service::is_expired() is its negation; a store counts what it ends by it).
// Default-constructed, it counts every session.
struct liveness {
    sys_ms now = sys_ms::min();
    sys_ms idle_cutoff = sys_ms::min();

    bool live(sys_ms expires_at, bool remember_me, sys_ms last_seen_at) const
    {
        return now < expires_at && (remember_me || last_seen_at > idle_cutoff);
    }
    bool live(const session_record& r) const { return live(r.expires_at, r.remember_me, r.last_seen_at); }
};

}  // namespace authd::session
