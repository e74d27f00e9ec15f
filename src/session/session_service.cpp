#include "session/session_service.hpp"

#include <algorithm>

namespace authd::session {

session_service::session_service(session_store& store, const clock& clock, session_policy policy)
    : store_(store), clock_(clock), policy_(policy)
{
}

std::chrono::milliseconds session_service::touch_interval() const
{
    // A tenth of the idle timeout, at most a minute: the idle timeout then ends a session at most
    // 10% early, and an active session costs at most one write a minute.
    return std::min<std::chrono::milliseconds>(policy_.idle_timeout / 10, std::chrono::minutes{1});
}

sys_ms session_service::effective_expiry(const session_record& record) const
{
    if (record.remember_me) {
        return record.expires_at;  // "remember me" outlives idle periods, never its absolute lifetime
    }
    return std::min(record.expires_at, record.last_seen_at + policy_.idle_timeout);
}

bool session_service::is_expired(const session_record& record, sys_ms now) const
{
    return !live_at(now).live(record);
}

task<result<session_record>> session_service::authenticate(std::string_view cookie_value, bool activity)
{
    const auto hash = hash_cookie_value(cookie_value);
    if (!hash) {
        co_return errc::not_authenticated;
    }
    auto found = co_await store_.find(*hash);
    if (!found) {
        co_return found.error();
    }
    if (!*found) {
        co_return errc::not_authenticated;
    }
    session_record record = std::move(**found);
    const sys_ms now = clock_.now();
    if (is_expired(record, now) && now < record.expires_at) {
        // Idle by this copy's last_seen_at; another instance may have seen it active since.
        found = co_await store_.find_fresh(*hash);
        if (!found) {
            co_return found.error();
        }
        if (!*found) {
            co_return errc::not_authenticated;
        }
        record = std::move(**found);
    }
    if (is_expired(record, now)) {
        co_return errc::not_authenticated;  // the background purge deletes it
    }
    if (activity && now - record.last_seen_at >= touch_interval()) {
        store_.touch(record.hash, now);
        record.last_seen_at = now;
    }
    co_return record;
}

started_session session_service::prepare(std::string user_id, bool remember_me, client_info client) const
{
    issued_token token = issue_token();
    const sys_ms now = clock_.now();
    session_record record{
        .hash = token.hash,
        .user_id = std::move(user_id),
        .csrf_token = issue_csrf_token(),
        .created_at = now,
        .last_seen_at = now,
        .expires_at = now + (remember_me ? policy_.remember_me_lifetime : policy_.absolute_lifetime),
        .remember_me = remember_me,
        .ip_address = std::move(client.ip_address),
        .user_agent = std::move(client.user_agent),
    };
    return {std::move(record), std::move(token.cookie_value)};
}

task<result<started_session>> session_service::start(std::string user_id, bool remember_me,
                                                     client_info client)
{
    started_session started = prepare(std::move(user_id), remember_me, std::move(client));
    auto inserted = co_await store_.insert(started.record);
    if (!inserted) {
        co_return inserted.error();
    }
    co_return started;
}

task<result<std::size_t>> session_service::purge_expired()
{
    const sys_ms now = clock_.now();
    // The same rule as authenticate(): what it already treats as expired is deleted.
    co_return co_await store_.purge_expired(now, now - policy_.idle_timeout);
}

task<result<std::uint64_t>> session_service::count_live()
{
    const sys_ms now = clock_.now();
    co_return co_await store_.count_live(now, now - policy_.idle_timeout);
}

}  // namespace authd::session
