#include "session/session_store.hpp"

namespace authd::session {

task<result<recorded_removal>> session_store::remove_recorded(token_hash hash, audit::audit_log& audit,
                                                              audit::audit_event entry)
{
    const auto removed = co_await remove(hash);
    if (!removed) {
        co_return removed.error();
    }
    recorded_removal outcome{.removed = *removed, .audit_failed = false};
    if (outcome.removed) {
        const auto appended = co_await audit.append(std::move(entry));
        outcome.audit_failed = !appended;
    }
    co_return outcome;
}

task<result<recorded_removal>> session_store::remove_checked(token_hash hash, removal_check check,
                                                             audit::audit_log& audit,
                                                             audit::audit_event entry)
{
    const auto found = co_await find(hash);
    if (!found) {
        co_return found.error();
    }
    if (!*found) {
        co_return recorded_removal{.removed = false, .audit_failed = false};
    }
    if (const auto refusal = check(**found)) {
        co_return *refusal;
    }
    entry.user_id = (*found)->user_id;
    task<result<recorded_removal>> removal = remove_recorded(hash, audit, std::move(entry));
    co_return co_await std::move(removal);
}

task<result<std::size_t>> session_store::purge_revoked()
{
    co_return std::size_t{0};
}

task<result<std::size_t>> session_store::delete_recently_ended()
{
    co_return std::size_t{0};
}

task<result<bool>> session_store::revoked(token_hash, std::uint64_t)
{
    co_return errc::internal_error;  // a cache asks only a store that has a revocation marker
}

}  // namespace authd::session
