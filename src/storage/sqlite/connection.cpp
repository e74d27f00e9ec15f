#include "storage/sqlite/connection.hpp"

namespace authd::storage::sqlite {
namespace {

// Process-wide, before SQLite initializes (its first open). Debian's SQLite is built without
// lookaside memory, so every bound value, cursor and record is a malloc, and with memory
// statistics on each of those also takes a global mutex. authd never reads the statistics.
void configure_sqlite_library()
{
    static const bool configured = [] {
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialized: harmless
        return true;
    }();
    (void)configured;
}

}  // namespace

statement::~statement()
{
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

statement& statement::bind(int index, std::string_view text)
{
    if (bind_error_ == SQLITE_OK) {
        bind_error_ =
            sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    return *this;
}

statement& statement::bind(int index, std::span<const std::uint8_t> blob)
{
    if (bind_error_ == SQLITE_OK) {
        bind_error_ =
            sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    }
    return *this;
}

statement& statement::bind(int index, std::int64_t value)
{
    if (bind_error_ == SQLITE_OK) {
        bind_error_ = sqlite3_bind_int64(stmt_, index, value);
    }
    return *this;
}

statement& statement::bind_null(int index)
{
    if (bind_error_ == SQLITE_OK) {
        bind_error_ = sqlite3_bind_null(stmt_, index);
    }
    return *this;
}

int statement::step()
{
    if (stmt_ == nullptr) {
        return SQLITE_MISUSE;
    }
    if (bind_error_ != SQLITE_OK) {
        return bind_error_;
    }
    return sqlite3_step(stmt_);
}

std::string statement::column_text(int index) const
{
    const auto* text = sqlite3_column_text(stmt_, index);
    return text == nullptr ? std::string{}
                           : std::string(reinterpret_cast<const char*>(text),
                                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> statement::column_optional_text(int index) const
{
    if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) {
        return std::nullopt;
    }
    return column_text(index);
}

std::int64_t statement::column_int(int index) const
{
    return sqlite3_column_int64(stmt_, index);
}

std::span<const std::uint8_t> statement::column_blob(int index) const
{
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::unique_ptr<connection> connection::open(const std::string& path, bool read_only, std::string& error)
{
    configure_sqlite_library();
    sqlite3* db = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (the writer, or one reader borrower).
    const int flags =
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        error = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<connection>(new connection(db));
}

connection::~connection()
{
    for (auto& [sql, stmt] : statements_) {
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db_);
}

statement connection::query(const char* sql)
{
    auto& cached = statements_[sql];
    if (cached == nullptr) {
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &cached, nullptr) != SQLITE_OK) {
            sqlite3_finalize(cached);
            cached = nullptr;
            statements_.erase(sql);
            return statement{nullptr};
        }
    }
    return statement{cached};
}

bool connection::exec(const char* sql)
{
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool connection::run(const char* sql)
{
    statement s = query(sql);
    return s.valid() && s.step() == SQLITE_DONE;
}

std::string connection::error() const
{
    return sqlite3_errmsg(db_);
}

std::int64_t connection::last_insert_rowid() const
{
    return sqlite3_last_insert_rowid(db_);
}

int connection::changes() const
{
    return sqlite3_changes(db_);
}

std::int64_t connection::total_changes() const
{
    return sqlite3_total_changes64(db_);
}

bool connection::in_transaction() const
{
    return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace authd::storage::sqlite
