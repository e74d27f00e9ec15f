#include "app/admin_cli.hpp"

#include "config/options.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "session/token.hpp"
#include "storage/sqlite/admin_store.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/shared_epoch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

namespace authd::app {
namespace {

namespace json = boost::json;

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

const char* admin_usage =
    "usage: authd admin [--db PATH] COMMAND\n"
    "  users list [--json]                 every account, with its live sessions\n"
    "  users show EMAIL [--json]           one account\n"
    "  users disable EMAIL                 no more logins; every session of the account ends now\n"
    "  users enable EMAIL                  allows logins again\n"
    "  sessions list --user EMAIL [--json] the account's sessions (by reference, never by token)\n"
    "  sessions revoke --user EMAIL        ends every session of the account (audited)\n"
    "  audit tail [--user EMAIL] [--type EVENT_TYPE] [--since TIME] [--limit N] [--json]\n"
    "                                      the newest audit rows, oldest first; TIME is ISO 8601 UTC\n"
    "                                      (2026-01-31T12:00:00Z) or an age (90m, 24h, 7d)\n"
    "  backup FILE                         an online, consistent copy of the database into a new FILE\n"
    "The database is --db, else AUTHD_DB, else ./data/authd.db; servers may be running on it.\n";

// Words and --flags of a subcommand line. Flags that take a value are listed; --json is a switch.
struct command_line {
    std::vector<std::string> words;
    std::map<std::string, std::string> flags;
    std::set<std::string> switches;
    std::string error;
};

command_line split(const std::vector<std::string>& args, const std::set<std::string>& valued,
                   const std::set<std::string>& switches)
{
    command_line out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!a.starts_with("--")) {
            out.words.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (switches.contains(name) && !value) {
            out.switches.insert(name);
        } else if (valued.contains(name)) {
            if (!value && i + 1 >= args.size()) {
                out.error = "--" + name + " needs a value";
                return out;
            }
            out.flags[name] = value ? *value : args[++i];
        } else {
            out.error = "unknown option '" + a + "'";
            return out;
        }
    }
    return out;
}

// The database path as the server would choose it: --db, else AUTHD_DB, else the default.
std::optional<std::string> database_path(const command_line& cl, getenv_fn getenv)
{
    std::vector<std::string> db_args;
    if (const auto it = cl.flags.find("db"); it != cl.flags.end()) {
        db_args = {"--db", it->second};
    }
    const auto parsed = config::parse(db_args, getenv);
    for (const auto& e : parsed.errors) {
        if (e.find("db") != std::string::npos) {
            std::cerr << "authd: " << e << "\n";
            return std::nullopt;
        }
    }
    return parsed.values.db;
}

// Terminal-safe: client-supplied text (user agents) must not move the cursor or change colours.
std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    return out;
}

// Runs an asynchronous store call to completion on this thread (the CLI has no server loop).
template <class T>
T run_task(task<T> t)
{
    net::io_context ioc;
    auto result = net::co_spawn(ioc, std::move(t), net::use_future);
    ioc.run();
    return result.get();
}

// Who ran an admin command, for the audit row's user_agent: the Unix account, never a secret.
std::string operator_name()
{
    const uid_t uid = getuid();
    const passwd* pw = getpwuid(uid);
    return "authd-admin (uid " + std::to_string(uid) +
           (pw != nullptr ? ", " + std::string(pw->pw_name) : "") + ")";
}

class admin_session {
public:
    static std::unique_ptr<admin_session> open(const std::string& path)
    {
        std::string error;
        auto db = storage::sqlite::database::open(path, error);
        if (!db) {
            std::cerr << "authd: cannot open database " << path << ": " << error << "\n";
            return nullptr;
        }
        auto epoch = storage::sqlite::shared_epoch::open(path, error);
        if (!epoch) {
            std::cerr << "authd: " << error << "\n";
            return nullptr;
        }
        return std::unique_ptr<admin_session>(new admin_session(std::move(db), std::move(epoch)));
    }

    storage::sqlite::admin_store& store() { return store_; }

    // A change that may end sessions: the shared epoch advances before and after its commit, so
    // that no running server serves a cached session or user across it (session/cached_store.hpp).
    template <class T>
    T change(task<T> t)
    {
        epoch_->advance();
        T out = run_task(std::move(t));
        epoch_->advance();
        return out;
    }

    audit::audit_event event(audit::event_type type, const std::string& user_id, std::string message) const
    {
        return audit::audit_event{.type = type,
                                  .user_id = user_id,
                                  .ip_address = "",
                                  .user_agent = operator_name(),
                                  .message = std::move(message),
                                  .session_ref = std::nullopt,
                                  .created_at = system_clock{}.now()};
    }

private:
    admin_session(std::unique_ptr<storage::sqlite::database> db,
                  std::unique_ptr<storage::sqlite::shared_epoch> epoch)
        : db_(std::move(db)), epoch_(std::move(epoch)), store_(*db_)
    {
    }

    std::unique_ptr<storage::sqlite::database> db_;
    std::unique_ptr<storage::sqlite::shared_epoch> epoch_;
    storage::sqlite::admin_store store_;
};

// JSON null for an absent value.
json::value optional_text(const std::optional<std::string>& text)
{
    return text ? json::value(*text) : json::value(nullptr);
}

std::string user_json(const storage::sqlite::user_summary& u)
{
    return json::serialize(json::object{{"id", u.id},
                                        {"email", u.email},
                                        {"role", u.role},
                                        {"created_at", u.created_at},
                                        {"disabled", u.disabled},
                                        {"live_sessions", u.live_sessions}});
}

void print_user(const storage::sqlite::user_summary& u)
{
    std::printf("%-40s %-36s %-8s %-24s %-8s %lld\n", printable(u.email).c_str(), u.id.c_str(),
                printable(u.role).c_str(), u.created_at.c_str(), u.disabled ? "disabled" : "active",
                static_cast<long long>(u.live_sessions));
}

void print_user_header()
{
    std::printf("%-40s %-36s %-8s %-24s %-8s %s\n", "EMAIL", "ID", "ROLE", "CREATED", "STATUS", "SESSIONS");
}

// The account with `email`, or nullopt after saying why on stderr.
std::optional<storage::sqlite::user_summary> require_user(admin_session& s, const std::string& email)
{
    auto found = s.store().find_user(email, system_clock{}.now());
    if (!found) {
        std::cerr << "authd: cannot read the users: " << found.error().message() << "\n";
        return std::nullopt;
    }
    if (!*found) {
        std::cerr << "authd: no account with email " << printable(email) << "\n";
        return std::nullopt;
    }
    return std::move(**found);
}

int users_command(admin_session& s, const command_line& cl)
{
    const std::string verb = cl.words.size() > 1 ? cl.words[1] : "";
    const bool json = cl.switches.contains("json");
    if (verb == "list" && cl.words.size() == 2) {
        const auto users = s.store().list_users(system_clock{}.now());
        if (!users) {
            std::cerr << "authd: cannot read the users: " << users.error().message() << "\n";
            return exit_failed;
        }
        if (!json) {
            print_user_header();
        }
        for (const auto& u : *users) {
            if (json) {
                std::cout << user_json(u) << "\n";
            } else {
                print_user(u);
            }
        }
        return 0;
    }
    if ((verb == "show" || verb == "disable" || verb == "enable") && cl.words.size() == 3) {
        const auto account = require_user(s, cl.words[2]);
        if (!account) {
            return exit_failed;
        }
        if (verb == "show") {
            if (json) {
                std::cout << user_json(*account) << "\n";
            } else {
                print_user_header();
                print_user(*account);
            }
            return 0;
        }
        const bool disable = verb == "disable";
        auto entry = s.event(
            disable ? audit::event_type::user_disabled : audit::event_type::user_enabled, account->id,
            (disable ? "Account disabled by an administrator: " : "Account enabled by an administrator: ") +
                account->email);
        const auto changed = s.change(s.store().set_disabled(account->id, disable, std::move(entry)));
        if (!changed) {
            std::cerr << "authd: the change was not made: " << changed.error().message() << "\n";
            return exit_failed;
        }
        std::cout << printable(account->email) << (disable ? " disabled" : " enabled");
        if (disable) {
            std::cout << "; sessions ended: " << *changed;
        }
        std::cout << "\n";
        return 0;
    }
    std::cerr << admin_usage;
    return exit_usage;
}

int sessions_command(admin_session& s, const command_line& cl)
{
    const std::string verb = cl.words.size() > 1 ? cl.words[1] : "";
    const auto user = cl.flags.find("user");
    if ((verb != "list" && verb != "revoke") || cl.words.size() != 2 || user == cl.flags.end()) {
        std::cerr << admin_usage;
        return exit_usage;
    }
    const auto account = require_user(s, user->second);
    if (!account) {
        return exit_failed;
    }
    if (verb == "revoke") {
        auto entry = s.event(audit::event_type::sessions_revoked_admin, account->id,
                             "Every session revoked by an administrator");
        const auto ended = s.change(s.store().revoke_sessions(account->id, std::move(entry)));
        if (!ended) {
            std::cerr << "authd: the sessions were not revoked: " << ended.error().message() << "\n";
            return exit_failed;
        }
        std::cout << "sessions ended: " << *ended << "\n";
        return 0;
    }
    const auto sessions = s.store().list_sessions(account->id);
    if (!sessions) {
        std::cerr << "authd: cannot read the sessions: " << sessions.error().message() << "\n";
        return exit_failed;
    }
    const bool json = cl.switches.contains("json");
    if (!json) {
        std::printf("%-12s %-24s %-24s %-24s %-8s %-39s %s\n", "SESSION", "CREATED", "LAST SEEN", "EXPIRES",
                    "REMEMBER", "IP", "USER AGENT");
    }
    for (const auto& r : *sessions) {
        const std::string ref = session::log_ref(r.hash);
        if (json) {
            std::cout << json::serialize(json::object{{"session", ref},
                                                      {"created_at", format_iso8601(r.created_at)},
                                                      {"last_seen_at", format_iso8601(r.last_seen_at)},
                                                      {"expires_at", format_iso8601(r.expires_at)},
                                                      {"remember_me", r.remember_me},
                                                      {"ip_address", r.ip_address},
                                                      {"user_agent", r.user_agent}})
                      << "\n";
        } else {
            std::printf("%-12s %-24s %-24s %-24s %-8s %-39s %s\n", ref.c_str(),
                        format_iso8601(r.created_at).c_str(), format_iso8601(r.last_seen_at).c_str(),
                        format_iso8601(r.expires_at).c_str(), r.remember_me ? "yes" : "no",
                        printable(r.ip_address).c_str(), printable(r.user_agent).c_str());
        }
    }
    return 0;
}

// --since as ISO 8601 UTC ("2026-01-31T12:00:00Z", compared as stored text) or an age ("24h").
std::optional<std::string> since_value(const std::string& text)
{
    if (const auto age = config::parse_duration(text)) {
        return format_iso8601(system_clock{}.now() - *age);
    }
    const bool iso =
        text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text.back() == 'Z';
    return iso ? std::optional{text} : std::nullopt;
}

int audit_command(admin_session& s, const command_line& cl)
{
    if (cl.words.size() != 2 || cl.words[1] != "tail") {
        std::cerr << admin_usage;
        return exit_usage;
    }
    storage::sqlite::audit_filter filter;
    if (const auto it = cl.flags.find("user"); it != cl.flags.end()) {
        const auto account = require_user(s, it->second);
        if (!account) {
            return exit_failed;
        }
        filter.user_id = account->id;
    }
    if (const auto it = cl.flags.find("type"); it != cl.flags.end()) {
        filter.event_type = it->second;
    }
    if (const auto it = cl.flags.find("since"); it != cl.flags.end()) {
        filter.since = since_value(it->second);
        if (!filter.since) {
            std::cerr << "authd: --since must be ISO 8601 UTC (2026-01-31T12:00:00Z) or an age (24h)\n";
            return exit_usage;
        }
    }
    if (const auto it = cl.flags.find("limit"); it != cl.flags.end()) {
        const std::string& v = it->second;
        if (std::from_chars(v.data(), v.data() + v.size(), filter.limit).ec != std::errc{} ||
            filter.limit == 0) {
            std::cerr << "authd: --limit must be a positive number\n";
            return exit_usage;
        }
    }
    const auto rows = s.store().audit_tail(filter);
    if (!rows) {
        std::cerr << "authd: cannot read the audit log: " << rows.error().message() << "\n";
        return exit_failed;
    }
    const bool json = cl.switches.contains("json");
    for (const auto& r : *rows) {
        if (json) {
            std::cout << json::serialize(json::object{{"id", r.id},
                                                      {"event_type", r.event_type},
                                                      {"user_id", optional_text(r.user_id)},
                                                      {"ip_address", r.ip_address},
                                                      {"user_agent", r.user_agent},
                                                      {"message", r.message},
                                                      {"session_ref", optional_text(r.session_ref)},
                                                      {"created_at", r.created_at}})
                      << "\n";
        } else {
            std::cout << r.created_at << "  " << printable(r.event_type)
                      << "  user=" << r.user_id.value_or("-")
                      << "  ip=" << (r.ip_address.empty() ? "-" : printable(r.ip_address))
                      << "  session=" << r.session_ref.value_or("-") << "  " << printable(r.message) << "\n";
        }
    }
    return 0;
}

int backup_command(admin_session& s, const command_line& cl)
{
    if (cl.words.size() != 2) {
        std::cerr << admin_usage;
        return exit_usage;
    }
    const std::string& target = cl.words[1];
    if (access(target.c_str(), F_OK) == 0) {
        std::cerr << "authd: " << target << " exists; a backup is only written to a new file\n";
        return exit_failed;
    }
    std::string error;
    if (!s.store().backup_to(target, error)) {
        std::cerr << "authd: backup failed: " << error << "\n";
        unlink(target.c_str());
        return exit_failed;
    }
    std::cout << "backup written to " << target << "\n";
    return 0;
}

}  // namespace

int migrate_command(const std::vector<std::string>& args, getenv_fn getenv)
{
    const auto cl = split(args, {"db"}, {});
    if (!cl.error.empty() || !cl.words.empty()) {
        std::cerr << (cl.error.empty() ? "" : "authd: " + cl.error + "\n")
                  << "usage: authd migrate [--db PATH]\n";
        return exit_usage;
    }
    const auto path = database_path(cl, getenv);
    if (!path) {
        return exit_usage;
    }
    std::string error;
    // Opening applies every pending migration, each in its own transaction.
    auto db = storage::sqlite::database::open(*path, error);
    if (!db) {
        std::cerr << "authd: cannot migrate " << *path << ": " << error << "\n";
        return exit_failed;
    }
    std::cout << "database " << *path << " is at schema version " << storage::sqlite::latest_schema_version()
              << "\n";
    return 0;
}

int check_config_command(const std::vector<std::string>& args, getenv_fn getenv)
{
    const auto parsed = config::parse(args, getenv);
    if (!parsed.errors.empty()) {
        for (const auto& e : parsed.errors) {
            std::cerr << "authd: " << e << "\n";
        }
        return exit_usage;
    }
    for (const auto& o : parsed.effective) {
        std::cout << o.env << "=" << printable(o.value) << "    # " << o.source << "\n";
    }
    std::cout << "configuration ok\n";
    return 0;
}

int config_example_command(const std::vector<std::string>& args)
{
    if (!args.empty()) {
        std::cerr << "usage: authd config-example\n";
        return exit_usage;
    }
    std::cout << config::example_env_file();
    return 0;
}

int admin_command(const std::vector<std::string>& args, getenv_fn getenv)
{
    if (args.empty() || args.front() == "--help" || args.front() == "-h") {
        std::cout << admin_usage;
        return args.empty() ? exit_usage : 0;
    }
    const auto cl = split(args, {"db", "user", "type", "since", "limit"}, {"json"});
    if (!cl.error.empty() || cl.words.empty()) {
        if (!cl.error.empty()) {
            std::cerr << "authd: " << cl.error << "\n";
        }
        std::cerr << admin_usage;
        return exit_usage;
    }
    const std::string& group = cl.words.front();
    if (group != "users" && group != "sessions" && group != "audit" && group != "backup") {
        std::cerr << "authd: unknown admin command '" << printable(group) << "'\n" << admin_usage;
        return exit_usage;
    }
    const auto path = database_path(cl, getenv);
    if (!path) {
        return exit_usage;
    }
    if (access(path->c_str(), F_OK) != 0) {
        std::cerr << "authd: no database at " << *path << " (see --db)\n";
        return exit_failed;
    }
    auto session = admin_session::open(*path);
    if (!session) {
        return exit_failed;
    }
    if (group == "users") {
        return users_command(*session, cl);
    }
    if (group == "sessions") {
        return sessions_command(*session, cl);
    }
    if (group == "audit") {
        return audit_command(*session, cl);
    }
    return backup_command(*session, cl);
}

std::string subcommands_help()
{
    return "\nsubcommands (each works on the database, also while servers run on it):\n"
           "  authd migrate [--db PATH]            apply pending schema migrations and exit\n"
           "  authd check-config [options]         validate options and variables; print the effective "
           "values\n"
           "  authd config-example                 print a commented environment file of every option\n"
           "  authd admin ...                      users, sessions, audit log, backup (authd admin --help)\n"
           "  authd seed-sessions ...              pre-create sessions for benchmarks\n";
}

}  // namespace authd::app
