// Thin RAII over the SQLite C API: a connection that caches its prepared statements, and a
// statement cursor. Nothing here throws; every failure is a return value.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace authd::storage::sqlite {

class statement {
public:
    explicit statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    // Resets and clears bindings, so a cached statement is ready for its next use.
    ~statement();

    bool valid() const { return stmt_ != nullptr; }

    statement& bind(int index, std::string_view text);
    statement& bind(int index, std::span<const std::uint8_t> blob);
    statement& bind(int index, std::int64_t value);
    statement& bind_null(int index);

    // SQLITE_ROW, SQLITE_DONE, or an error code. Any bind failure before it is returned here.
    int step();

    std::string column_text(int index) const;
    std::optional<std::string> column_optional_text(int index) const;
    std::int64_t column_int(int index) const;
    std::span<const std::uint8_t> column_blob(int index) const;

private:
    sqlite3_stmt* stmt_;
    int bind_error_ = SQLITE_OK;
};

class connection {
public:
    // Opens (and for the writer, creates) the database file; nullptr and `error` on failure.
    static std::unique_ptr<connection> open(const std::string& path, bool read_only, std::string& error);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // A statement for `sql` (a string literal: its address keys the cache), prepared once per
    // connection; invalid (and error() says why) when it cannot be prepared.
    statement query(const char* sql);
    // Runs one or more statements without results; false (and error() says why) on failure.
    bool exec(const char* sql);
    // Runs one statement without results through the statement cache (a string literal, as for
    // query()): for the transaction and savepoint statements of every write, which exec() would
    // parse again each time.
    bool run(const char* sql);

    std::string error() const;
    // The rowid the latest successful INSERT on this connection gave its row.
    std::int64_t last_insert_rowid() const;
    int changes() const;
    // Rows inserted, updated or deleted on this connection since it opened.
    std::int64_t total_changes() const;
    bool in_transaction() const;
    sqlite3* handle() { return db_; }

private:
    explicit connection(sqlite3* db) : db_(db) {}

    sqlite3* db_;
    std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace authd::storage::sqlite
