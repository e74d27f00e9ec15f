// A counter that every cache invalidation advances. The caches in front of a store compare an
// entry's epoch with the current one: an entry filled before any later removal is never served.
// When several processes share one store, the counter must be shared too (storage/sqlite has one
// in a memory-mapped file); within one process, local_epoch suffices.
#pragma once

#include <atomic>
#include <cstdint>

namespace authd {

class change_epoch {
public:
    virtual ~change_epoch() = default;
    virtual std::uint64_t current() const noexcept = 0;
    virtual void advance() noexcept = 0;
};

class local_epoch final : public change_epoch {
public:
    std::uint64_t current() const noexcept override { return value_.load(); }
    void advance() noexcept override { value_.fetch_add(1); }

private:
    std::atomic<std::uint64_t> value_{0};
};

}  // namespace authd
