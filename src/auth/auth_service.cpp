#include "auth/auth_service.hpp"

#include "auth/validation.hpp"
#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace authd::auth {

namespace {

// How the audit row of a refused login names the email it was for: as typed (normalized), unless
// that is no email address at all. People type their password into the email field, and the log
// must never hold a password.
std::string login_target(const std::string& email)
{
    return email_problem(email) ? std::string("an entry that is not an email address") : email;
}

}  // namespace

auth_service::auth_service(user_store& users, session::session_service& sessions, audit::audit_log& audit,
                           password_hasher& hasher, login_limiter& limiter)
    : users_(users), sessions_(sessions), audit_(audit), hasher_(hasher), limiter_(limiter)
{
}

audit::audit_event auth_service::event(audit::event_type type, std::optional<std::string> user_id,
                                       const client_info& client, std::string message,
                                       std::optional<session::token_hash> session) const
{
    return audit::audit_event{
        .type = type,
        .user_id = std::move(user_id),
        .ip_address = client.ip_address,
        .user_agent = client.user_agent,
        .message = std::move(message),
        .session_ref = session ? std::optional{session::log_ref(*session)} : std::nullopt,
        .created_at = sessions_.now(),
    };
}

task<void> auth_service::record(audit::audit_event event)
{
    const audit::event_type type = event.type;
    const auto appended = co_await audit_.append(std::move(event));
    if (!appended) {
        metrics::add(metrics::counter::audit_write_failures);
        log::error("audit write failed",
                   {{"event_type", audit::to_string(type)}, {"error", appended.error().message()}});
    }
}

task<result<user>> auth_service::register_user(std::string email, std::string password, client_info client)
{
    auto hashed = co_await hasher_.hash(std::move(password));
    if (!hashed) {
        co_return hashed.error();
    }
    user account{
        .id = crypto::random_uuid(),
        .email = std::move(email),
        .password_hash = std::move(*hashed),
        .role = "user",
        .created_at = sessions_.now(),
    };
    auto inserted = co_await users_.insert(account);
    if (!inserted) {
        co_return inserted.error();
    }
    auto entry = event(audit::event_type::user_register, account.id, client,
                       "User registered: " + account.email, std::nullopt);
    co_await record(std::move(entry));
    co_return account;
}

std::chrono::seconds auth_service::login_retry_after(const std::string& email, const std::string& address)
{
    return limiter_.retry_after(email, address).value_or(std::chrono::seconds{1});
}

task<result<login_success>> auth_service::log_in(std::string email, std::string password, bool remember_me,
                                                 client_info client,
                                                 std::optional<std::string> previous_cookie)
{
    if (limiter_.retry_after(email, client.ip_address)) {
        // Refused without a lookup; still an event worth seeing in the audit log.
        auto entry = event(audit::event_type::user_login_failed, std::nullopt, client,
                           "Login refused (too many failures) for " + login_target(email), std::nullopt);
        co_await record(std::move(entry));
        metrics::add(metrics::counter::rate_limited);
        co_return errc::rate_limited;
    }
    auto found = co_await users_.find_by_email(email);
    if (!found) {
        co_return found.error();
    }
    // Unknown email and wrong password do the same Argon2id work and give the same answer.
    result<bool> verified = false;
    if (*found) {
        verified = co_await hasher_.verify((*found)->password_hash, std::move(password));
    } else {
        verified = co_await hasher_.verify_dummy(std::move(password));
    }
    if (!verified) {
        co_return verified.error();
    }
    if (!*verified) {
        limiter_.record_failure(email, client.ip_address);
        auto entry =
            event(audit::event_type::user_login_failed, *found ? std::optional{(*found)->id} : std::nullopt,
                  client, "Failed login for " + login_target(email), std::nullopt);
        co_await record(std::move(entry));
        metrics::add(metrics::counter::login_failures);
        co_return errc::invalid_credentials;
    }
    limiter_.record_success(email);
    user account = std::move(**found);
    if (account.disabled) {
        // Said only after the right password, so it tells nothing to someone guessing.
        auto entry = event(audit::event_type::user_login_failed, account.id, client,
                           "Login refused (account disabled) for " + login_target(email), std::nullopt);
        co_await record(std::move(entry));
        co_return errc::account_disabled;
    }

    std::string message = remember_me ? "User logged in (remember me)" : "User logged in";
    if (previous_cookie) {
        if (const auto old_hash = session::hash_cookie_value(*previous_cookie)) {
            // Best effort: the browser replaces the cookie anyway; this only ends the orphan early.
            // The login's row says so: no other row records that end.
            if (const auto removed = co_await sessions_.store().remove(*old_hash); removed && *removed) {
                message +=
                    "; the session " + session::log_ref(*old_hash) + " of the cookie it came with ended";
            }
        }
    }
    auto started = co_await sessions_.start(account.id, remember_me, client);
    if (!started) {
        co_return started.error();
    }
    auto entry =
        event(audit::event_type::user_login, account.id, client, std::move(message), started->record.hash);
    co_await record(std::move(entry));
    metrics::add(metrics::counter::logins);
    co_return login_success{std::move(account), std::move(*started)};
}

result<std::size_t> auth_service::single_logout_outcome(const result<session::recorded_removal>& removed,
                                                        const session::token_hash& hash)
{
    if (!removed) {
        const errc e = to_errc(removed.error());
        if (e == errc::not_authenticated || e == errc::csrf_failed) {
            return e;  // refused by the check on the session's row
        }
        log::error("logout failed",
                   {{"session", session::log_ref(hash)}, {"error", removed.error().message()}});
        return errc::logout_failed;
    }
    if (!removed->removed) {
        return errc::not_authenticated;  // unknown or already ended: a concurrent logout may have won
    }
    if (removed->audit_failed) {
        metrics::add(metrics::counter::audit_write_failures);
        log::error("audit write failed", {{"event_type", audit::to_string(audit::event_type::user_logout)},
                                          {"session", session::log_ref(hash)}});
    }
    metrics::add(metrics::counter::logouts_current);
    return std::size_t{1};
}

task<result<std::size_t>> auth_service::log_out_checked(session::token_hash hash,
                                                        session::removal_check check, client_info client)
{
    // user_id is filled in by the store from the row it ends.
    auto entry = event(audit::event_type::user_logout, std::nullopt, client, "User logged out", hash);
    task<result<session::recorded_removal>> removal =
        sessions_.store().remove_checked(hash, std::move(check), audit_, std::move(entry));
    const auto removed = co_await std::move(removal);
    co_return single_logout_outcome(removed, hash);
}

task<result<std::size_t>> auth_service::log_out(session_record current, bool all_devices, client_info client)
{
    if (!all_devices) {
        // The removal and its audit record travel together: one commit when the backend allows it.
        auto entry =
            event(audit::event_type::user_logout, current.user_id, client, "User logged out", current.hash);
        const auto removed =
            co_await sessions_.store().remove_recorded(current.hash, audit_, std::move(entry));
        co_return single_logout_outcome(removed, current.hash);
    }
    const auto removed = co_await sessions_.store().remove_user_sessions(current.user_id, current.hash, false,
                                                                         sessions_.live_now());
    if (!removed) {
        log::error("logout failed",
                   {{"session", session::log_ref(current.hash)}, {"error", removed.error().message()}});
        co_return errc::logout_failed;
    }
    if (!*removed) {
        co_return errc::not_authenticated;
    }
    auto entry =
        event(audit::event_type::user_logout_all, current.user_id, client,
              "User logged out from all devices (" + std::to_string(**removed) + " sessions)", current.hash);
    co_await record(std::move(entry));
    metrics::add(metrics::counter::logouts_all_devices);
    co_return **removed;
}

task<result<user>> auth_service::current_user(session_record current)
{
    auto found = co_await users_.find_by_id(current.user_id);
    if (!found) {
        co_return found.error();
    }
    // A disabled account's sessions are deleted when it is disabled; this also covers a login
    // that raced with the disabling.
    if (!*found || (*found)->disabled) {
        co_return errc::not_authenticated;
    }
    co_return std::move(**found);
}

task<result<std::vector<session_record>>> auth_service::list_sessions(session_record current)
{
    auto listed = co_await sessions_.store().list_for_user(current.user_id);
    if (!listed) {
        co_return listed.error();
    }
    const sys_ms now = sessions_.now();
    std::erase_if(*listed, [&](const session_record& r) { return sessions_.is_expired(r, now); });
    co_return std::move(*listed);
}

task<result<void>> auth_service::revoke_session(session_record current, session::token_hash target,
                                                client_info client)
{
    auto found = co_await sessions_.store().find(target);
    if (!found) {
        co_return found.error();
    }
    // Someone else's session and a missing one look the same: no oracle for session ids.
    if (!*found || (*found)->user_id != current.user_id || sessions_.is_expired(**found, sessions_.now())) {
        co_return errc::not_found;
    }
    auto removed = co_await sessions_.store().remove(target);
    if (!removed) {
        co_return removed.error();
    }
    if (!*removed) {
        co_return errc::not_found;
    }
    auto entry = event(audit::event_type::session_revoked, current.user_id, client,
                       "Session " + session::log_ref(target) + " revoked", current.hash);
    co_await record(std::move(entry));
    metrics::add(metrics::counter::logouts_one_session);
    co_return result<void>{};
}

task<result<std::size_t>> auth_service::revoke_other_sessions(session_record current, client_info client)
{
    auto removed = co_await sessions_.store().remove_user_sessions(current.user_id, current.hash, true,
                                                                   sessions_.live_now());
    if (!removed) {
        co_return removed.error();
    }
    if (!*removed) {
        co_return errc::not_authenticated;
    }
    auto entry = event(audit::event_type::sessions_revoked_others, current.user_id, client,
                       "Other sessions revoked (" + std::to_string(**removed) + " sessions)", current.hash);
    co_await record(std::move(entry));
    metrics::add(metrics::counter::logouts_other_devices);
    co_return **removed;
}

task<result<password_change_success>> auth_service::change_password(session_record current,
                                                                    std::string current_password,
                                                                    std::string new_password,
                                                                    client_info client)
{
    auto account = co_await current_user(current);
    if (!account) {
        co_return account.error();
    }
    // The current password is a login in disguise: a stolen cookie must not make it guessable.
    // Same limits as login (per account and per address), same audit event when it is wrong.
    if (limiter_.retry_after(account->email, client.ip_address)) {
        metrics::add(metrics::counter::rate_limited);
        co_return errc::rate_limited;
    }
    auto verified = co_await hasher_.verify(account->password_hash, std::move(current_password));
    if (!verified) {
        co_return verified.error();
    }
    if (!*verified) {
        limiter_.record_failure(account->email, client.ip_address);
        auto entry = event(audit::event_type::user_login_failed, account->id, client,
                           "Password change refused (wrong current password)", current.hash);
        co_await record(std::move(entry));
        metrics::add(metrics::counter::login_failures);
        co_return errc::invalid_credentials;
    }
    auto hashed = co_await hasher_.hash(std::move(new_password));
    if (!hashed) {
        co_return hashed.error();
    }
    // The sessions first, in one step that needs this session still live: the session may have
    // ended during the hashing (a logout, "all devices" from another device, a double submit whose
    // twin got here first), and then nothing changes and the caller gets 401, as for any request
    // whose session is gone.
    session::started_session rotated = sessions_.prepare(account->id, current.remember_me, client);
    auto ended = co_await sessions_.store().replace_user_sessions(account->id, current.hash, rotated.record,
                                                                  sessions_.live_now());
    if (!ended) {
        co_return ended.error();
    }
    if (!*ended) {
        co_return errc::not_authenticated;
    }
    // Then the password. If that fails, the client gets 500 with the old password still valid and
    // every session of the user ended: none outlives the change it asked for.
    if (auto updated = co_await users_.update_password_hash(account->id, std::move(*hashed)); !updated) {
        log::error("password update after session rotation failed", {{"error", updated.error().message()}});
        co_return updated.error();
    }
    // A login that checked the old password before the update may have started a session since the
    // rotation: end every session but the new one once more (usually none).
    std::size_t late = 0;
    if (auto swept = co_await sessions_.store().remove_user_sessions(account->id, rotated.record.hash, true,
                                                                     sessions_.live_now())) {
        late = swept->value_or(0);
    } else {
        log::error("ending sessions started during a password change failed",
                   {{"error", swept.error().message()}});
    }
    const std::size_t others = **ended + late;
    auto entry =
        event(audit::event_type::password_changed, account->id, client,
              "Password changed (" + std::to_string(others) + " other sessions ended)", rotated.record.hash);
    co_await record(std::move(entry));
    co_return password_change_success{others, std::move(rotated)};
}

}  // namespace authd::auth
