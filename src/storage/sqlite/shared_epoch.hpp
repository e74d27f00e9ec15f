// The change epoch of one SQLite database, shared by every authd process that opens it: a 64-bit
// atomic counter in a small memory-mapped file beside the database ("<db>-authd-epoch"). A logout
// on one instance thereby invalidates the session caches of all instances on the machine.
#pragma once

#include "core/change_epoch.hpp"

#include <memory>
#include <string>

namespace authd::storage::sqlite {

class shared_epoch final : public change_epoch {
public:
    // nullptr and `error` when the file cannot be created or mapped.
    static std::unique_ptr<shared_epoch> open(const std::string& database_path, std::string& error);
    ~shared_epoch() override;
    shared_epoch(const shared_epoch&) = delete;
    shared_epoch& operator=(const shared_epoch&) = delete;

    std::uint64_t current() const noexcept override;
    void advance() noexcept override;

private:
    explicit shared_epoch(void* mapping) : mapping_(mapping) {}
    void* mapping_;
};

}  // namespace authd::storage::sqlite
