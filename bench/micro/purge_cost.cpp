// What the backlog purge costs per revoked row, by backlog size: authd's own purge
// (sqlite_session_store::purge_revoked) on a copy of a seeded store, with `backlog` of its
// sessions revoked first in one transaction (their order in the token file, which is random with
// respect to the key, as a logout storm leaves them). Prints the process's CPU (the writer, the
// background read and sort, the checkpointer) and wall time per purged row.
//
// The purge deletes the revoked rows in key order, so the denser they are, the more of them share
// a leaf page: this is what the purge backlog (stores.hpp) trades against memory.
//
// usage: purge_cost SEEDED_DB TOKENS_FILE WORK_DIR BACKLOG...   (bench/purge_cost.sh runs it)
#include "core/async.hpp"
#include "process_cpu.hpp"
#include "session/token.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/stores.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace authd;
using storage::sqlite::connection;
using storage::sqlite::database;

template <class T>
T run(boost::asio::io_context& ioc, task<T> t)
{
    std::optional<T> out;
    boost::asio::co_spawn(ioc, std::move(t), [&out](std::exception_ptr e, T value) {
        if (e) {
            std::rethrow_exception(e);
        }
        out.emplace(std::move(value));
    });
    ioc.restart();
    ioc.run();
    return std::move(*out);
}

// The hashes of the first `count` sessions of the token file ("TOKEN CSRF" lines).
std::vector<session::token_hash> first_hashes(const std::string& tokens, std::size_t count)
{
    std::ifstream in(tokens);
    std::vector<session::token_hash> out;
    std::string token;
    std::string csrf;
    while (out.size() < count && in >> token >> csrf) {
        if (const auto h = session::hash_cookie_value(token)) {
            out.push_back(*h);
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s SEEDED_DB TOKENS_FILE WORK_DIR BACKLOG...\n", argv[0]);
        return 2;
    }
    const std::filesystem::path seeded = argv[1];
    const std::string tokens = argv[2];
    const std::filesystem::path work = argv[3];
    std::vector<std::size_t> backlogs;
    for (int i = 4; i < argc; ++i) {
        backlogs.push_back(static_cast<std::size_t>(std::atol(argv[i])));
    }
    // Read once: every run revokes a prefix of the same sessions.
    const auto all_hashes = first_hashes(tokens, *std::max_element(backlogs.begin(), backlogs.end()));
    for (const std::size_t backlog : backlogs) {
        const std::filesystem::path copy = work / "purge.db";
        std::filesystem::remove(copy);
        std::filesystem::remove(copy.string() + "-wal");
        std::filesystem::remove(copy.string() + "-shm");
        std::filesystem::copy_file(seeded, copy);
        if (std::filesystem::exists(seeded.string() + "-wal")) {  // a store not checkpointed at exit
            std::filesystem::copy_file(seeded.string() + "-wal", copy.string() + "-wal");
        }
        if (all_hashes.size() < backlog) {
            std::fprintf(stderr, "the token file has fewer than %zu sessions\n", backlog);
            return 1;
        }
        const std::span<const session::token_hash> hashes(all_hashes.data(), backlog);
        std::string error;
        auto db = database::open(copy.string(), error);
        if (!db) {
            std::fprintf(stderr, "cannot open %s: %s\n", copy.c_str(), error.c_str());
            return 1;
        }
        boost::asio::io_context ioc;
        storage::sqlite::sqlite_session_store sessions(*db, backlog);
        const auto revoked = run(ioc, db->write([&hashes, &db](connection& c) -> result<void> {
            for (const auto& h : hashes) {
                if (auto done = db->revoke_in_transaction(c, h, 1); !done) {
                    return done;
                }
            }
            return {};
        }));
        if (!revoked) {
            std::fprintf(stderr, "revoking failed: %s\n", revoked.error().message().c_str());
            return 1;
        }
        const double cpu_before = process_cpu_seconds();
        const auto wall_before = std::chrono::steady_clock::now();
        const auto purged = run(ioc, sessions.purge_revoked());
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
        const double cpu = process_cpu_seconds() - cpu_before;
        if (!purged || *purged != backlog) {
            std::fprintf(stderr, "the purge failed or missed rows\n");
            return 1;
        }
        const auto rows = static_cast<double>(*purged);
        std::printf("RESULT backlog=%zu rows=%zu cpu_us_per_row=%.1f wall_us_per_row=%.1f\n", backlog,
                    *purged, cpu * 1e6 / rows, wall * 1e6 / rows);
        std::fflush(stdout);
    }
    return 0;
}
