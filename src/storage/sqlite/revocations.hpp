// The revocation log: how a logout is made durable without rewriting a random page.
//
// Deleting a session row at logout dirties a random leaf of the sessions table and of its index,
// and those pages dominate the cost of a durable logout at a million sessions
// (bench/RESULTS.md). So a logout appends a row to `revocations` instead, in the transaction that
// also appends its audit row: sequential pages, one fsync shared by the group commit. A revoked
// session's row stays until the purge deletes it, in key order with the expired ones (neighbouring
// rows share pages, so that costs a fraction of a page write per row), and then its revocation;
// while logouts are few (the first 32 of each second), each deletes its row in its own
// transaction as well (sqlite_session_store::quiet_row_deletes), and their revocations wait for
// the purge.
//
// Every read of a session must therefore skip revoked ones. `revoked_sessions` is each process's
// in-memory mirror of the table (the table has no index on token_hash: that index would be a
// random page write again), a flat hash table keyed by each hash's first 16 bytes
// (revocation_table.hpp). It is kept current by loading the rows past its watermark (rows are
// numbered in commit order; AUTOINCREMENT never reuses a number) before a read of a session row
// whenever the revocation marker has moved, and by the writer: in each transaction that checks or
// appends revocations it first loads the rows committed since (it holds the write lock, so these
// are all of them), keeps its own appends in memory, and adds them after the commit
// (database::revoked_in_transaction, revoke_in_transaction).
// The marker (database::revocation_marker) is a counter shared by every process on the database
// that a writer advances after committing a revocation and before acknowledging it. So a
// revocation committed by another process is seen by the next read here, and a revocation
// committed here is in the mirror before its logout is acknowledged.
#pragma once

#include "core/errc.hpp"
#include "session/token.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/revocation_table.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace authd::storage::sqlite {

class revoked_sessions {
public:
    // Loads the revocations committed since the last call. `c` must see committed data only: a
    // read connection, or the writer outside a transaction. False when the query failed.
    bool catch_up(connection& c);
    // catch_up(), and on success records that the mirror holds every revocation acknowledged
    // before the revocation marker (database::revocation_marker) had the value `marker`; the
    // caller reads the marker before calling.
    bool catch_up(connection& c, std::uint64_t marker);
    // Whether a catch-up is needed to know every revocation acknowledged before `marker` was read.
    bool current_at(std::uint64_t marker) const;

    // Whether `hash` is revoked as far as the mirror knows (call catch_up() first).
    bool contains(const session::token_hash& hash) const;
    // Keeps only the revoked hashes of `hashes` (one lock for all: the purge checks every row).
    void keep_revoked(std::vector<session::token_hash>& hashes) const;

    // Appends a revocation inside the writer's transaction: its number, or nullopt when the INSERT
    // failed. The mirror learns of it once the transaction has committed (add_committed), never
    // before.
    static std::optional<std::int64_t> append(connection& c, const session::token_hash& hash,
                                              std::int64_t revoked_at_ms);
    // The writer's own revocations of one transaction, just committed. The writer caught the mirror
    // up inside that transaction before it appended them (it held the write lock), so they are
    // the next numbers after everything loaded: they are added without reading the table back.
    void add_committed(const std::vector<std::pair<session::token_hash, std::int64_t>>& own);

    // Deletes the lowest-numbered revocations, at most `limit`, none numbered above `through`,
    // inside the writer's transaction: the purge does it once it has deleted their session rows,
    // in several writes so that no commit waits behind one long delete. How many it deleted, or
    // nullopt when the statement failed.
    static std::optional<std::size_t> drop_through(connection& c, std::int64_t through, std::size_t limit);

    // The revoked hashes numbered `through` or lower, in key order (for the purge), read from the
    // table; nullopt when the query failed. Tens of milliseconds at a full backlog: call it off
    // the I/O threads (database::read_in_background).
    static std::optional<std::vector<session::token_hash>> hashes_through(connection& c,
                                                                          std::int64_t through);
    // Drops what the mirror holds for these hashes when they are numbered `through` or lower: the
    // purge calls it once the commit that deleted their session rows is durable, so that the
    // mirror shrinks as the purge goes rather than in one pass at its end.
    void forget(std::span<const session::token_hash> purged, std::int64_t through);
    // Drops what the mirror holds for revocations numbered `through` or lower (they are purged).
    void forget_through(std::int64_t through);
    // Drops what another process's purge removed: every entry below the lowest number still in
    // the table. False when the query failed.
    bool forget_purged(connection& c);

    std::size_t size() const;
    // Every revocation numbered up to this is in the mirror (or purged).
    std::int64_t watermark() const;

private:
    mutable std::mutex mutex_;
    revocation_table entries_;    // hash → number
    std::int64_t watermark_ = 0;  // every revocation numbered up to it is in entries_ or purged
    std::optional<std::uint64_t> synced_marker_;  // the marker of the latest catch-up that had one
};

}  // namespace authd::storage::sqlite
