#include "audit/audit_event.hpp"

namespace authd::audit {

std::string_view to_string(event_type type)
{
    switch (type) {
        case event_type::user_register: return "USER_REGISTER";
        case event_type::user_login: return "USER_LOGIN";
        case event_type::user_login_failed: return "USER_LOGIN_FAILED";
        case event_type::user_logout: return "USER_LOGOUT";
        case event_type::user_logout_all: return "USER_LOGOUT_ALL";
        case event_type::session_revoked: return "SESSION_REVOKED";
        case event_type::sessions_revoked_others: return "SESSIONS_REVOKED_OTHERS";
        case event_type::password_changed: return "PASSWORD_CHANGED";
        case event_type::user_disabled: return "USER_DISABLED";
        case event_type::user_enabled: return "USER_ENABLED";
        case event_type::sessions_revoked_admin: return "SESSIONS_REVOKED_ADMIN";
    }
    return "UNKNOWN";
}

}  // namespace authd::audit
