#include "storage/sqlite/migrations.hpp"

#include <array>

namespace authd::storage::sqlite {
namespace {

// Never edit a migration that has shipped: add the next one.
constexpr std::array migrations{
    // V001: users, sessions and the append-only audit log.
    R"sql(
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'user',
    created_at    TEXT NOT NULL
);

-- Keyed by SHA-256 of the session token; the token itself is never stored.
-- Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    remember_me  INTEGER NOT NULL,
    ip_address   TEXT NOT NULL,
    user_agent   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type  TEXT NOT NULL,
    user_id     TEXT,
    ip_address  TEXT,
    user_agent  TEXT,
    message     TEXT NOT NULL,
    session_ref TEXT,
    created_at  TEXT NOT NULL
);
CREATE TRIGGER logs_no_update BEFORE UPDATE ON logs BEGIN SELECT RAISE(ABORT, 'logs is append-only'); END;
CREATE TRIGGER logs_no_delete BEFORE DELETE ON logs BEGIN SELECT RAISE(ABORT, 'logs is append-only'); END;
)sql",
    // V002: sessions_by_expiry could not serve the purge (whose condition also looks at
    // last_seen_at) and cost a random index page write on every login and logout.
    R"sql(
DROP INDEX sessions_by_expiry;
)sql",
    // V003: administrators can disable an account (authd admin users disable).
    R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
)sql",
    // V004: the revocation log (storage/sqlite/revocations.hpp). A logout appends here instead of
    // deleting its session row; the purge deletes both later, in bulk. Numbered in commit order,
    // never reused (AUTOINCREMENT), so that each process can load just the rows it has not seen.
    // No index on token_hash, by design: each process mirrors the table in memory.
    R"sql(
CREATE TABLE revocations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash BLOB NOT NULL,
    revoked_at INTEGER NOT NULL
);
)sql",
};

int schema_version(connection& db)
{
    statement version = db.query("PRAGMA user_version");
    return version.step() == SQLITE_ROW ? static_cast<int>(version.column_int(0)) : -1;
}

}  // namespace

int latest_schema_version()
{
    return static_cast<int>(migrations.size());
}

bool migrate(connection& db, std::string& error)
{
    const int current = schema_version(db);
    if (current < 0) {
        error = "cannot read the schema version: " + db.error();
        return false;
    }
    if (current > latest_schema_version()) {
        error = "the database has schema version " + std::to_string(current) + ", newer than this build's " +
                std::to_string(latest_schema_version());
        return false;
    }
    for (int version = current + 1; version <= latest_schema_version(); ++version) {
        const std::string set_version = "PRAGMA user_version = " + std::to_string(version);
        if (!db.exec("BEGIN IMMEDIATE") || !db.exec(migrations[static_cast<std::size_t>(version - 1)]) ||
            !db.exec(set_version.c_str()) || !db.exec("COMMIT")) {
            error = "migration " + std::to_string(version) + " failed: " + db.error();
            db.exec("ROLLBACK");
            return false;
        }
    }
    return true;
}

}  // namespace authd::storage::sqlite
