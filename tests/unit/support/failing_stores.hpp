// Test doubles for the store-down paths: a session store decorator whose chosen operations fail
// with errc::store_unavailable, an audit log whose appends always fail, and a capture of the
// service log.
#pragma once

#include "audit/audit_log.hpp"
#include "core/errc.hpp"
#include "observability/log.hpp"
#include "session/session_store.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace authd::test {

template <class T>
task<result<T>> store_failure()
{
    co_return result<T>(boost::system::in_place_error, make_error_code(errc::store_unavailable));
}

// Forwards to `inner` except for the operations switched to fail. Tests may derive from it to
// inject other behaviour into one operation.
class failing_session_store : public session::session_store {
public:
    explicit failing_session_store(session::session_store& inner) : inner_(inner) {}

    bool fail_insert = false;
    bool fail_find = false;
    bool fail_list = false;
    bool fail_removals = false;  // remove, remove_user_sessions and replace_user_sessions
    bool fail_purge = false;

    task<result<void>> insert(session::session_record record) override
    {
        return fail_insert ? store_failure<void>() : inner_.insert(std::move(record));
    }
    task<result<std::optional<session::session_record>>> find(session::token_hash hash) override
    {
        return fail_find ? store_failure<std::optional<session::session_record>>() : inner_.find(hash);
    }
    task<result<std::vector<session::session_record>>> list_for_user(std::string user_id) override
    {
        return fail_list ? store_failure<std::vector<session::session_record>>()
                         : inner_.list_for_user(std::move(user_id));
    }
    task<result<bool>> remove(session::token_hash hash) override
    {
        return fail_removals ? store_failure<bool>() : inner_.remove(hash);
    }
    task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id,
                                                                  session::token_hash current,
                                                                  bool keep_current,
                                                                  session::liveness counted) override
    {
        return fail_removals
                   ? store_failure<std::optional<std::size_t>>()
                   : inner_.remove_user_sessions(std::move(user_id), current, keep_current, counted);
    }
    task<result<std::optional<std::size_t>>> replace_user_sessions(std::string user_id,
                                                                   session::token_hash current,
                                                                   session::session_record replacement,
                                                                   session::liveness counted) override
    {
        return fail_removals ? store_failure<std::optional<std::size_t>>()
                             : inner_.replace_user_sessions(std::move(user_id), current,
                                                            std::move(replacement), counted);
    }
    void touch(session::token_hash hash, sys_ms seen_at) override { inner_.touch(hash, seen_at); }
    task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) override
    {
        return fail_purge ? store_failure<std::size_t>() : inner_.purge_expired(now, idle_cutoff);
    }
    task<result<std::uint64_t>> count_live(sys_ms now, sys_ms idle_cutoff) override
    {
        return fail_find ? store_failure<std::uint64_t>() : inner_.count_live(now, idle_cutoff);
    }
    task<result<void>> ping() override { return fail_find ? store_failure<void>() : inner_.ping(); }
    void before_forgetting_revocations(std::function<void()> before) override
    {
        inner_.before_forgetting_revocations(std::move(before));
    }

protected:
    session::session_store& inner_;
};

// An audit log that is always down.
class failing_audit_log final : public audit::audit_log {
public:
    task<result<void>> append(audit::audit_event) override
    {
        ++attempts;
        return store_failure<void>();
    }
    std::atomic<int> attempts{0};
};

// Captures the service log for the lifetime of the object, then restores stderr.
class log_capture {
public:
    log_capture()
    {
        log::set_sink([this](std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        });
    }
    ~log_capture() { log::set_sink({}); }
    log_capture(const log_capture&) = delete;
    log_capture& operator=(const log_capture&) = delete;

    std::vector<std::string> lines() const
    {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    // Whether some line has every one of the given substrings.
    bool has_line_with(std::initializer_list<std::string_view> parts) const
    {
        for (const auto& line : lines()) {
            bool all = true;
            for (const auto part : parts) {
                all = all && line.find(part) != std::string::npos;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;  // guarded by mutex_
};

}  // namespace authd::test
