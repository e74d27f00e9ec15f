// The floor under a durable logout on this machine: SQLite alone, no HTTP, no threads, on
// authd's own schema and settings (WAL, synchronous=FULL, 16 MiB page cache). Each logout is
// what authd's writer does for one: DELETE the session row (a random leaf of the sessions table
// and of sessions_by_user) and INSERT its audit row; `batch` logouts share one transaction and
// one fsync, as in authd's group commit. Prints logouts/s and CPU µs per logout.
// With APPEND=1 in the environment it measures the alternative design instead: check that the
// session exists, then append a row to a `revocations` table (sequential pages) and the audit row;
// the random leaf writes would move to a later bulk purge. SAVEPOINT=1 wraps each logout in a
// savepoint of its own.
//
// usage: [APPEND=1] [SAVEPOINT=1] sqlite_logout_floor DIR [SESSIONS [BATCH...]]
// (run it pinned: taskset -c 0)
#include "process_cpu.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace authd::storage::sqlite;
using hash = std::array<std::uint8_t, 32>;

bool run(connection& c, const char* sql)
{
    if (!c.exec(sql)) {
        std::fprintf(stderr, "%s: %s\n", sql, c.error().c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR [SESSIONS [BATCH...]]\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const long sessions = argc > 2 ? std::atol(argv[2]) : 1'000'000;
    std::vector<int> batches;
    for (int i = 3; i < argc; ++i) {
        batches.push_back(std::atoi(argv[i]));
    }
    if (batches.empty()) {
        batches = {1, 32, 64, 256};
    }
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "floor.db").string();
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");

    std::string error;
    auto c = connection::open(path, false, error);
    if (!c || !run(*c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384;") ||
        !migrate(*c, error)) {
        std::fprintf(stderr, "cannot prepare %s: %s\n", path.c_str(), error.c_str());
        return 1;
    }

    const char* append_env = std::getenv("APPEND");
    const bool append = append_env != nullptr && std::string(append_env) == "1";
    // SAVEPOINT=1: what a savepoint per logout costs (authd's writer gives every job one except a
    // logout's, database::write_changing_nothing_on_failure).
    const char* savepoint_env = std::getenv("SAVEPOINT");
    const bool savepoints = savepoint_env != nullptr && std::string(savepoint_env) == "1";
    // One user and `sessions` sessions with random token hashes, as seed-sessions makes them.
    std::mt19937_64 rng(42);
    std::vector<hash> hashes(static_cast<std::size_t>(sessions));
    for (auto& h : hashes) {
        for (auto& byte : h) {
            byte = static_cast<std::uint8_t>(rng());
        }
    }
    run(*c, "BEGIN");
    run(*c,
        "INSERT INTO users (id, email, password_hash, role, created_at) VALUES ('u', 'floor@bench.invalid', "
        "'x', 'user', '2026-01-01T00:00:00.000Z')");
    for (const auto& h : hashes) {
        statement s = c->query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
            "remember_me, ip_address, user_agent) VALUES (?, 'u', "
            "'csrf-token-of-forty-three-characters-xxxxx', "
            "1, 1, 9999999999999, 0, '127.0.0.1', 'wrk')");
        s.bind(1, std::span<const std::uint8_t>(h));
        if (s.step() != SQLITE_DONE) {
            std::fprintf(stderr, "seed: %s\n", c->error().c_str());
            return 1;
        }
    }
    run(*c, "COMMIT");
    run(*c, "PRAGMA wal_checkpoint(TRUNCATE)");
    std::shuffle(hashes.begin(), hashes.end(), rng);

    std::printf("sessions=%ld (one user), WAL, synchronous=FULL, %s%s\n", sessions,
                append ? "logout = append to revocations + audit row" : "logout = DELETE session + audit row",
                savepoints ? ", each in its own savepoint" : "");
    std::size_t next = 0;
    for (const int batch : batches) {
        const std::size_t logouts = std::min<std::size_t>(hashes.size() - next, batch == 1 ? 3000 : 60000);
        const double cpu_before = process_cpu_seconds();
        const auto wall_before = std::chrono::steady_clock::now();
        std::size_t done = 0;
        while (done < logouts) {
            run(*c, "BEGIN");
            for (int i = 0; i < batch && done < logouts; ++i, ++done) {
                if (savepoints) {
                    run(*c, "SAVEPOINT job");
                }
                if (append) {
                    statement live = c->query("SELECT 1 FROM sessions WHERE token_hash = ?");
                    live.bind(1, std::span<const std::uint8_t>(hashes[next]));
                    if (live.step() != SQLITE_ROW) {
                        std::fprintf(stderr, "session missing\n");
                        return 1;
                    }
                }
                statement del =
                    append ? c->query("INSERT INTO revocations (token_hash, revoked_at) VALUES (?, 1)")
                           : c->query("DELETE FROM sessions WHERE token_hash = ?");
                del.bind(1, std::span<const std::uint8_t>(hashes[next++]));
                statement log = c->query(
                    "INSERT INTO logs (event_type, user_id, ip_address, user_agent, message, session_ref, "
                    "created_at) VALUES ('USER_LOGOUT', 'u', '127.0.0.1', 'wrk', 'User logged out', "
                    "'0123456789ab', '2026-01-01T00:00:00.000Z')");
                if (del.step() != SQLITE_DONE || c->changes() != 1 || log.step() != SQLITE_DONE) {
                    std::fprintf(stderr, "logout: %s\n", c->error().c_str());
                    return 1;
                }
                if (savepoints) {
                    run(*c, "RELEASE job");
                }
            }
            run(*c, "COMMIT");
        }
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
        const double cpu = process_cpu_seconds() - cpu_before;
        std::printf(
            "RESULT batch=%d logouts=%zu logouts_per_s=%.0f wall_us_per_logout=%.1f cpu_us_per_logout=%.1f\n",
            batch, logouts, static_cast<double>(logouts) / wall, wall * 1e6 / static_cast<double>(logouts),
            cpu * 1e6 / static_cast<double>(logouts));
    }
    if (append) {
        // The deferred half of the append design: the purge deletes every revoked session row in
        // one transaction, in key order, and empties the revocation log.
        const double cpu_before = process_cpu_seconds();
        const auto wall_before = std::chrono::steady_clock::now();
        const char* chunk_env = std::getenv("PURGE_CHUNK");
        const long chunk = chunk_env != nullptr ? std::atol(chunk_env) : 1'000'000'000;
        long long purged = 0;
        for (;;) {
            run(*c, "BEGIN");
            statement last =
                c->query("SELECT max(seq) FROM (SELECT seq FROM revocations ORDER BY seq LIMIT ?)");
            last.bind(1, static_cast<std::int64_t>(chunk));
            last.step();
            const std::int64_t through = last.column_int(0);
            if (through == 0) {
                run(*c, "COMMIT");
                break;
            }
            statement del = c->query(
                "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM revocations WHERE seq <= "
                "?)");
            del.bind(1, through);
            del.step();
            purged += c->changes();
            statement rev = c->query("DELETE FROM revocations WHERE seq <= ?");
            rev.bind(1, through);
            rev.step();
            run(*c, "COMMIT");
        }
        run(*c, "PRAGMA wal_checkpoint(TRUNCATE)");
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
        const double cpu = process_cpu_seconds() - cpu_before;
        std::printf("RESULT purge rows=%lld wall_us_per_row=%.1f cpu_us_per_row=%.1f\n", purged,
                    wall * 1e6 / static_cast<double>(purged), cpu * 1e6 / static_cast<double>(purged));
    }
    return 0;
}
