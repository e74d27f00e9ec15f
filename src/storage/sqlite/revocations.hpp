// The revocation log: how a logout is made durable without rewriting a random page.
//
// Deleting a session row at logout dirties a random leaf of the sessions table and of its index,
// and those pages dominate the cost of a durable logout at a million sessions
// (bench/RESULTS.md). So a logout appends a row to `revocations` instead, in the transaction that
// also appends its audit row: sequential pages, one fsync shared by the group commit. A revoked
// session's row stays until the purge deletes it together with its revocation, in bulk.
//
// Every read of a session must therefore skip revoked ones. `revoked_sessions` is each process's
// in-memory mirror of the table (the table has no index on token_hash: that index would be a
// random page write again). It is kept current two ways: after every commit of this process's
// writer, and before every read of a session row, by loading the rows past its watermark (rows
// are numbered in commit order; AUTOINCREMENT never reuses a number). A revocation committed by
// another process is thereby seen by the next read here, and a revocation committed here is in the
// mirror before its logout is acknowledged.
#pragma once

#include "core/errc.hpp"
#include "session/token.hpp"
#include "storage/sqlite/connection.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace authd::storage::sqlite {

class revoked_sessions {
public:
    // Loads the revocations committed since the last call. `c` must see committed data only: a
    // read connection, or the writer outside a transaction. False when the query failed.
    bool catch_up(connection& c);

    // Whether `hash` is revoked as far as the mirror knows (call catch_up() first).
    bool contains(const session::token_hash& hash) const;

    // For a write job on the writer, inside its transaction: whether `hash` is revoked, counting
    // the rows not loaded yet (this batch's own pending revocations, or another process's).
    result<bool> revoked_in_transaction(connection& c, const session::token_hash& hash) const;

    // Appends a revocation inside the writer's transaction. The mirror learns of it once the
    // transaction has committed (the writer's catch_up), never before.
    static bool append(connection& c, const session::token_hash& hash, std::int64_t revoked_at_ms);

    // Deletes the session rows of up to `limit` of the oldest revocations, and those revocations,
    // inside the writer's transaction. Returns how many session rows went and the highest
    // revocation number purged (0 when there was none); after the commit, pass it to forget_through().
    struct purged {
        std::size_t sessions = 0;
        std::int64_t through = 0;
    };
    static result<purged> purge_oldest(connection& c, std::size_t limit);

    // Drops what the mirror holds for revocations numbered `through` or lower (they are purged).
    void forget_through(std::int64_t through);
    // Drops what another process's purge removed: every entry below the lowest number still in
    // the table. False when the query failed.
    bool forget_purged(connection& c);

    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<session::token_hash, std::int64_t, session::token_hash_hasher>
        entries_;                 // hash → number
    std::int64_t watermark_ = 0;  // every revocation numbered up to it is in entries_ or purged
};

}  // namespace authd::storage::sqlite
