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

}  // namespace authd::session
