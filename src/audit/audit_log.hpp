// The audit sink: where security events go. Backends implement append(); the services decide
// what a failed append means (for logout: the user still gets 200, the service log an error).
#pragma once

#include "audit/audit_event.hpp"
#include "core/async.hpp"
#include "core/errc.hpp"

#include <mutex>
#include <vector>

namespace authd::audit {

class audit_log {
public:
    virtual ~audit_log() = default;
    // Durable when it completes successfully; errc::store_unavailable otherwise.
    virtual task<result<void>> append(audit_event event) = 0;
};

// Keeps events in memory (unit tests).
class memory_audit_log final : public audit_log {
public:
    task<result<void>> append(audit_event event) override
    {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
        co_return result<void>{};
    }

    std::vector<audit_event> events() const
    {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<audit_event> events_;  // guarded by mutex_
};

}  // namespace authd::audit
