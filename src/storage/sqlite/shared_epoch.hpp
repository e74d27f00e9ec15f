// The change epoch of one SQLite database, shared by every authd process that opens it: a 64-bit
// atomic counter in a small memory-mapped file beside the database ("<db>-authd-epoch"). A removal
// on one instance thereby invalidates the session caches of all instances on the machine. The
// file has a second counter, for the revocation log.
#pragma once

#include "core/change_epoch.hpp"

#include <memory>
#include <string>

namespace authd::storage::sqlite {

class shared_epoch final : public change_epoch {
public:
    // The counters the file holds, each on its own cache line.
    enum class slot {
        changes = 0,      // advanced around every removal a cache cannot check on its own
        revocations = 1,  // advanced after every commit that revoked a session (revocations.hpp)
    };
    // nullptr and `error` when the file cannot be created or mapped.
    static std::unique_ptr<shared_epoch> open(const std::string& database_path, std::string& error,
                                              slot which = slot::changes);
    ~shared_epoch() override;
    shared_epoch(const shared_epoch&) = delete;
    shared_epoch& operator=(const shared_epoch&) = delete;

    std::uint64_t current() const noexcept override;
    void advance() noexcept override;

private:
    shared_epoch(void* mapping, slot which) : mapping_(mapping), slot_(which) {}
    void* mapping_;
    slot slot_;
};

}  // namespace authd::storage::sqlite
