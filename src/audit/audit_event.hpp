// An entry of the append-only audit log (the `logs` table of API.md).
#pragma once

#include "core/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace authd::audit {

enum class event_type {
    user_register,
    user_login,
    user_login_failed,
    user_logout,
    user_logout_all,
    session_revoked,
    sessions_revoked_others,
    password_changed,
    // Administrator actions (authd admin): who ran them is in user_agent.
    user_disabled,
    user_enabled,
    sessions_revoked_admin,
};

// The text stored in logs.event_type, e.g. "USER_LOGOUT".
std::string_view to_string(event_type type);

struct audit_event {
    event_type type{};
    std::optional<std::string> user_id;
    std::string ip_address;
    std::string user_agent;                  // client text, stored as data
    std::string message;                     // never a password, token or CSRF token
    std::optional<std::string> session_ref;  // short prefix of the session's token hash
    sys_ms created_at{};
};

}  // namespace authd::audit
