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

task<result<bool>> session_store::revoked(token_hash, std::uint64_t)
{
    co_return errc::internal_error;  // a cache asks only a store that has a revocation marker
}

}  // namespace authd::session
