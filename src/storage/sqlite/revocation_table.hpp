// The revocation mirror's table (revocations.hpp): revoked token hashes, each with its number in
// the revocation log, in one flat array of slots (open addressing, linear probing).
//
// Why not std::unordered_map: it gives each entry a node of its own (≈ 70 bytes with its bucket
// and malloc's header) somewhere on the heap, so a lookup that finds nothing, which is what the
// check of a live session almost always does, costs two or three cache misses, and the map
// rehashes as a logout storm fills it: 2.0% of the server's time in a storm at 1M sessions, 1.2%
// with this table (bench/RESULTS.md). Here an entry is a 24-byte slot, and a lookup reads one
// slot or a few neighbouring ones.
//
// An entry is keyed by the first 16 bytes of its hash. Token hashes are SHA-256 outputs of random
// tokens, so two distinct ones share those bytes with probability 2^-128: the uniqueness a
// 128-bit random identifier relies on. The full hashes stay in the revocations table, which is
// what the purge deletes by.
#pragma once

#include "session/token.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace authd::storage::sqlite {

class revocation_table {
public:
    revocation_table();

    // The number `hash` was revoked under, or nullopt.
    std::optional<std::int64_t> find(const session::token_hash& hash) const;
    bool contains(const session::token_hash& hash) const { return find(hash).has_value(); }
    // Adds `hash`, or renumbers it when present. `seq` is a revocation number (≥ 1).
    void insert_or_assign(const session::token_hash& hash, std::int64_t seq);
    // Removes `hash` if it is numbered `through` or lower; whether it did.
    bool erase_through(const session::token_hash& hash, std::int64_t through);
    // Removes every entry numbered `through` or lower.
    void erase_all_through(std::int64_t through);

    std::size_t size() const { return size_; }
    std::size_t capacity() const { return mask_ + 1; }

private:
    struct slot {
        std::uint64_t key0 = 0;  // the hash's first 16 bytes
        std::uint64_t key1 = 0;
        std::int64_t seq = 0;  // 0: empty (revocation numbers start at 1)
    };
    struct key {
        std::uint64_t k0;
        std::uint64_t k1;
    };
    static key key_of(const session::token_hash& hash);
    std::size_t home(std::uint64_t key0) const;
    // The slot holding `k`, or the empty slot that ends its probe sequence.
    std::size_t probe(key k) const;
    // Empties slot i and moves later entries of its cluster back, so that no probe sequence
    // is broken and no tombstone is needed.
    void erase_at(std::size_t i);
    // Moves the entries numbered above `keep_above` (all, by default) into a fresh array of
    // `capacity` slots, a power of two; the rest are dropped.
    void rebuild(std::size_t capacity, std::int64_t keep_above = 0);
    // Halves the array while it is at most an eighth full, so that the memory of a storm's
    // backlog goes back once the purge has deleted it.
    void shrink_if_sparse();

    std::unique_ptr<slot[]> slots_;
    std::size_t mask_ = 0;  // capacity - 1
    unsigned shift_ = 0;    // 64 - log2(capacity)
    std::size_t size_ = 0;
};

}  // namespace authd::storage::sqlite
