// Reads the service's SQLite file read-only, beside the running process: audit rows and counts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace authd::test {

struct log_row {
    std::int64_t id = 0;
    std::string event_type;
    std::optional<std::string> user_id;
    std::optional<std::string> ip_address;
    std::optional<std::string> user_agent;
    std::string message;
    std::optional<std::string> session_ref;
    std::string created_at;
};

// Every row of `logs`, in id order. Throws std::runtime_error on a database error.
std::vector<log_row> read_logs(const std::filesystem::path& db);
// The rows of `logs` with this event_type.
std::vector<log_row> read_logs(const std::filesystem::path& db, const std::string& event_type);
// The number of sessions stored and not revoked (a logout appends a revocation; the purge deletes
// the row later).
std::int64_t count_sessions(const std::filesystem::path& db);
// The number of rows in `sessions`, revoked or not.
std::int64_t count_session_rows(const std::filesystem::path& db);
// Every column of every row of `table` as text, joined: for "no secret anywhere" checks.
std::string dump_table(const std::filesystem::path& db, const std::string& table);

}  // namespace authd::test
