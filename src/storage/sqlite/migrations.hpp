// Versioned schema migrations, applied in order at start; PRAGMA user_version records the last.
#pragma once

#include "storage/sqlite/connection.hpp"

#include <string>

namespace authd::storage::sqlite {

// Brings the schema up to date, each migration in its own transaction; false and `error` on
// failure (the database is then left at the last version that applied).
bool migrate(connection& db, std::string& error);

// The schema version this build expects.
int latest_schema_version();

}  // namespace authd::storage::sqlite
