// Audit events for store tests: what a logout hands the store before it knows the session's user.
#pragma once

#include "audit/audit_event.hpp"

namespace authd::test {

inline audit::audit_event sample_logout_event(sys_ms at)
{
    return audit::audit_event{.type = audit::event_type::user_logout,
                              .user_id = std::nullopt,
                              .ip_address = "203.0.113.7",
                              .user_agent = "test",
                              .message = "User logged out",
                              .session_ref = std::nullopt,
                              .created_at = at};
}

}  // namespace authd::test
