#include "app/seed_sessions.hpp"

#include "auth/password_hasher.hpp"
#include "core/crypto.hpp"
#include "session/session_service.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/stores.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

namespace authd::app {
namespace {

constexpr std::size_t batch_size = 10000;

struct seed_options {
    std::string db;
    std::size_t count = 0;
    std::string out;
    std::string email;
    std::string password = "bench-password";
};

const char* usage =
    "usage: authd seed-sessions --db PATH --count N --out FILE [--email EMAIL] [--password PASSWORD]\n"
    "Creates one user (EMAIL, default seed-<random>@bench.invalid) and N sessions for it, as login would,\n"
    "and writes one line \"TOKEN CSRF_TOKEN\" per session to FILE (TOKEN is the session cookie value).\n";

bool parse(const std::vector<std::string>& args, seed_options& o)
{
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        const std::string& flag = args[i];
        const std::string& value = args[i + 1];
        if (flag == "--db") {
            o.db = value;
        } else if (flag == "--count") {
            if (std::from_chars(value.data(), value.data() + value.size(), o.count).ec != std::errc{}) {
                return false;
            }
        } else if (flag == "--out") {
            o.out = value;
        } else if (flag == "--email") {
            o.email = value;
        } else if (flag == "--password") {
            o.password = value;
        } else {
            return false;
        }
    }
    return args.size() % 2 == 0 && !o.db.empty() && !o.out.empty() && o.count > 0;
}

task<int> seed(storage::sqlite::database& db, seed_options o)
{
    storage::sqlite::sqlite_user_store users(db);
    storage::sqlite::sqlite_session_store sessions(db);
    system_clock clock;
    const session::session_service lifetimes(sessions, clock, {});

    auth::user account{
        .id = crypto::random_uuid(),
        .email = o.email,
        .password_hash = auth::hash_password(o.password, {}),
        .role = "user",
        .created_at = clock.now(),
    };
    if (auto inserted = co_await users.insert(account); !inserted) {
        std::cerr << "authd seed-sessions: cannot create user " << o.email << ": "
                  << inserted.error().message() << "\n";
        co_return 1;
    }
    std::ofstream out(o.out, std::ios::trunc);
    if (!out) {
        std::cerr << "authd seed-sessions: cannot write " << o.out << "\n";
        co_return 1;
    }
    // Every session first, then the rows in key order: appends to the sessions B-tree and its user
    // index, as CREATE INDEX builds one, instead of a random leaf per row (which made seeding
    // millions of sessions take minutes). The token file keeps the order of creation, which is
    // random with respect to the key, so that the logouts that consume it still read random rows.
    std::vector<session::session_record> records;
    records.reserve(o.count);
    std::string lines;
    for (std::size_t made = 0; made < o.count; ++made) {
        auto started =
            lifetimes.prepare(account.id, false, {.ip_address = "127.0.0.1", .user_agent = "seed"});
        lines += started.cookie_value + " " + started.record.csrf_token + "\n";
        records.push_back(std::move(started.record));
    }
    std::sort(
        records.begin(), records.end(),
        [](const session::session_record& a, const session::session_record& b) { return a.hash < b.hash; });
    for (std::size_t first = 0; first < records.size(); first += batch_size) {
        const auto begin = records.begin() + static_cast<std::ptrdiff_t>(first);
        const auto end =
            records.begin() + static_cast<std::ptrdiff_t>(std::min(records.size(), first + batch_size));
        std::vector<session::session_record> batch(std::make_move_iterator(begin),
                                                   std::make_move_iterator(end));
        if (auto inserted = co_await sessions.insert_many(std::move(batch)); !inserted) {
            std::cerr << "authd seed-sessions: insert failed: " << inserted.error().message() << "\n";
            co_return 1;
        }
    }
    out << lines;
    out.close();
    std::cout << "seeded user " << account.email << " with " << o.count << " sessions into " << o.db << "\n";
    co_return out ? 0 : 1;
}

}  // namespace

int seed_sessions(const std::vector<std::string>& args)
{
    seed_options options;
    if (!parse(args, options)) {
        std::cerr << usage;
        return 2;
    }
    if (!crypto::initialize()) {
        return 1;
    }
    if (options.email.empty()) {
        options.email = "seed-" + crypto::random_uuid().substr(0, 8) + "@bench.invalid";
    }
    std::string error;
    auto db = storage::sqlite::database::open(options.db, error);
    if (!db) {
        std::cerr << "authd seed-sessions: cannot open database " << options.db << ": " << error << "\n";
        return 1;
    }
    net::io_context ioc;
    int exit_code = 1;
    auto done = [&exit_code](std::exception_ptr e, int code) { exit_code = e ? 1 : code; };
    net::co_spawn(ioc, seed(*db, std::move(options)), done);
    ioc.run();
    db->stop();
    return exit_code;
}

}  // namespace authd::app
