// The account and session use cases of API.md: register, log in, log out (one device or all),
// the current user, the list of sessions, ending one or the other sessions, password change.
// Each returns result<T>; the api layer maps errors through the catalog and never decides policy.
#pragma once

#include "audit/audit_log.hpp"
#include "auth/login_limiter.hpp"
#include "auth/password_hasher.hpp"
#include "auth/user.hpp"
#include "session/session_service.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace authd::auth {

using session::client_info;
using session::session_record;

struct login_success {
    user account;
    session::started_session session;
};

struct password_change_success {
    std::size_t sessions_ended = 0;    // sessions other than the caller's
    session::started_session session;  // the caller's session under its new token
};

class auth_service {
public:
    // Every dependency is owned by the application and outlives the service.
    auth_service(user_store& users, session::session_service& sessions, audit::audit_log& audit,
                 password_hasher& hasher, login_limiter& limiter);

    // errc::email_taken, errc::service_busy, errc::store_unavailable.
    task<result<user>> register_user(std::string email, std::string password, client_info client);

    // A new session for valid credentials; any session behind `previous_cookie` is ended (the id
    // is rotated, never reused). errc::invalid_credentials, errc::rate_limited, errc::service_busy,
    // errc::store_unavailable.
    task<result<login_success>> log_in(std::string email, std::string password, bool remember_me,
                                       client_info client, std::optional<std::string> previous_cookie);
    // How long a client must wait after errc::rate_limited.
    std::chrono::seconds login_retry_after(const std::string& email, const std::string& address);
    // Password hashes waiting or running (the hashing-queue gauge).
    std::size_t hash_queue_depth() const { return hasher_.queued(); }

    // Ends the current session, or all of the user's sessions. Returns how many ended.
    // errc::not_authenticated when a concurrent request ended it first; errc::logout_failed when the
    // store could not end it (then nothing changed). An audit failure is logged, not returned.
    task<result<std::size_t>> log_out(session_record current, bool all_devices, client_info client);
    // Ends the one session behind a cookie's hash after `check` passed on its current row, read
    // where it is ended (session_store::remove_checked): the logout that never read its session
    // first. errc::not_authenticated when no live session has this hash; the check's own refusal
    // (errc::not_authenticated, errc::csrf_failed); errc::logout_failed as for log_out(). Returns
    // how many ended (1), as log_out() does.
    task<result<std::size_t>> log_out_checked(session::token_hash hash, session::removal_check check,
                                              client_info client);

    // errc::not_authenticated when the session's user no longer exists.
    task<result<user>> current_user(session_record current);

    task<result<std::vector<session_record>>> list_sessions(session_record current);
    // errc::not_found when the session does not exist or is not the caller's.
    task<result<void>> revoke_session(session_record current, session::token_hash target, client_info client);
    task<result<std::size_t>> revoke_other_sessions(session_record current, client_info client);

    // errc::invalid_credentials for a wrong current password (the session stays);
    // errc::not_authenticated, with nothing changed, when the session ended while the passwords
    // were being hashed.
    task<result<password_change_success>> change_password(session_record current,
                                                          std::string current_password,
                                                          std::string new_password, client_info client);

private:
    // What a single-session logout's removal means for the caller; records its metrics and logs.
    static result<std::size_t> single_logout_outcome(const result<session::recorded_removal>& removed,
                                                     const session::token_hash& hash);
    // Builds an audit event. A plain function on purpose: g++ 12 destroys temporaries of a ?:
    // twice when they appear in an expression with co_await, so events are built outside one.
    audit::audit_event event(audit::event_type type, std::optional<std::string> user_id,
                             const client_info& client, std::string message,
                             std::optional<session::token_hash> session) const;
    // Appends to the audit log; a failure goes to the service log and never to the client.
    task<void> record(audit::audit_event event);

    user_store& users_;
    session::session_service& sessions_;
    audit::audit_log& audit_;
    password_hasher& hasher_;
    login_limiter& limiter_;
};

}  // namespace authd::auth
