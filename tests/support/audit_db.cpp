#include "audit_db.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace authd::test {
namespace {

struct db_closer {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct stmt_finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;
using stmt_handle = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

db_handle open_read_only(const std::filesystem::path& path)
{
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    db_handle db(raw);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + path.string() + ": " + (raw ? sqlite3_errmsg(raw) : "?"));
    }
    sqlite3_busy_timeout(db.get(), 5000);
    return db;
}

stmt_handle prepare(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        throw std::runtime_error("cannot prepare '" + sql + "': " + sqlite3_errmsg(db));
    }
    return stmt_handle(raw);
}

std::optional<std::string> text_or_null(sqlite3_stmt* s, int column)
{
    if (sqlite3_column_type(s, column) == SQLITE_NULL) {
        return std::nullopt;
    }
    const auto* text = sqlite3_column_text(s, column);
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
}

std::vector<log_row> query_logs(const std::filesystem::path& path,
                                const std::optional<std::string>& event_type)
{
    auto db = open_read_only(path);
    std::string sql =
        "SELECT id, event_type, user_id, ip_address, user_agent, message, session_ref, created_at "
        "FROM logs";
    if (event_type) {
        sql += " WHERE event_type = ?";
    }
    sql += " ORDER BY id";
    auto s = prepare(db.get(), sql);
    if (event_type) {
        sqlite3_bind_text(s.get(), 1, event_type->c_str(), -1, SQLITE_TRANSIENT);
    }
    std::vector<log_row> out;
    for (;;) {
        const int rc = sqlite3_step(s.get());
        if (rc == SQLITE_DONE) {
            return out;
        }
        if (rc != SQLITE_ROW) {
            throw std::runtime_error(std::string("reading logs failed: ") + sqlite3_errmsg(db.get()));
        }
        log_row row;
        row.id = sqlite3_column_int64(s.get(), 0);
        row.event_type = text_or_null(s.get(), 1).value_or("");
        row.user_id = text_or_null(s.get(), 2);
        row.ip_address = text_or_null(s.get(), 3);
        row.user_agent = text_or_null(s.get(), 4);
        row.message = text_or_null(s.get(), 5).value_or("");
        row.session_ref = text_or_null(s.get(), 6);
        row.created_at = text_or_null(s.get(), 7).value_or("");
        out.push_back(std::move(row));
    }
}

}  // namespace

std::vector<log_row> read_logs(const std::filesystem::path& db)
{
    return query_logs(db, std::nullopt);
}

std::vector<log_row> read_logs(const std::filesystem::path& db, const std::string& event_type)
{
    return query_logs(db, event_type);
}

namespace {

std::int64_t count(const std::filesystem::path& path, const char* sql)
{
    auto db = open_read_only(path);
    auto s = prepare(db.get(), sql);
    if (sqlite3_step(s.get()) != SQLITE_ROW) {
        throw std::runtime_error(std::string("counting sessions failed: ") + sqlite3_errmsg(db.get()));
    }
    return sqlite3_column_int64(s.get(), 0);
}

}  // namespace

std::int64_t count_sessions(const std::filesystem::path& path)
{
    return count(
        path, "SELECT count(*) FROM sessions WHERE token_hash NOT IN (SELECT token_hash FROM revocations)");
}

std::int64_t count_session_rows(const std::filesystem::path& path)
{
    return count(path, "SELECT count(*) FROM sessions");
}

std::string dump_table(const std::filesystem::path& path, const std::string& table)
{
    auto db = open_read_only(path);
    auto s = prepare(db.get(), "SELECT * FROM \"" + table + "\"");
    std::string out;
    const int columns = sqlite3_column_count(s.get());
    for (;;) {
        const int rc = sqlite3_step(s.get());
        if (rc == SQLITE_DONE) {
            return out;
        }
        if (rc != SQLITE_ROW) {
            throw std::runtime_error(std::string("reading ") + table +
                                     " failed: " + sqlite3_errmsg(db.get()));
        }
        for (int c = 0; c < columns; ++c) {
            out += text_or_null(s.get(), c).value_or("NULL");
            out += '|';
        }
        out += '\n';
    }
}

}  // namespace authd::test
