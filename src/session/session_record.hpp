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

}  // namespace authd::session
