#include "storage/sqlite/revocations.hpp"

#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace authd::storage::sqlite {
namespace {

// Sorts token hashes in linear time, which they allow by being SHA-256 outputs (uniform): a
// counting sort on their first two bytes, then each bucket (two hashes on average at 100k) on its
// own. A purge sorts its whole backlog, and std::sort of 125k hashes took 15 ms against 4 here.
void sort_uniform_hashes(std::vector<session::token_hash>& hashes)
{
    constexpr std::size_t buckets = 65536;
    if (hashes.size() < buckets / 16) {
        std::sort(hashes.begin(), hashes.end());
        return;
    }
    auto bucket = [](const session::token_hash& h) { return std::size_t{h[0]} << 8 | h[1]; };
    std::vector<std::size_t> start(buckets + 1, 0);
    for (const auto& h : hashes) {
        ++start[bucket(h) + 1];
    }
    for (std::size_t b = 1; b <= buckets; ++b) {
        start[b] += start[b - 1];
    }
    std::vector<session::token_hash> sorted(hashes.size());
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (const auto& h : hashes) {
        sorted[next[bucket(h)]++] = h;
    }
    for (std::size_t b = 0; b < buckets; ++b) {
        if (start[b + 1] - start[b] > 1) {
            std::sort(sorted.begin() + static_cast<std::ptrdiff_t>(start[b]),
                      sorted.begin() + static_cast<std::ptrdiff_t>(start[b + 1]));
        }
    }
    hashes.swap(sorted);
}

}  // namespace

bool revoked_sessions::catch_up(connection& c)
{
    std::int64_t from = 0;
    {
        std::lock_guard lock(mutex_);
        from = watermark_;
    }
    statement s = c.query("SELECT seq, token_hash FROM revocations WHERE seq > ? ORDER BY seq");
    s.bind(1, from);
    std::vector<std::pair<session::token_hash, std::int64_t>> loaded;
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
        loaded.emplace_back(read_token_hash(s, 1), s.column_int(0));
    }
    if (rc != SQLITE_DONE) {
        return false;
    }
    if (loaded.empty()) {
        return true;
    }
    std::lock_guard lock(mutex_);
    for (const auto& [hash, seq] : loaded) {
        entries_.insert_or_assign(hash, seq);
    }
    // Another thread may have caught up further meanwhile: the watermark never moves back.
    watermark_ = std::max(watermark_, loaded.back().second);
    return true;
}

bool revoked_sessions::catch_up(connection& c, std::uint64_t marker)
{
    if (!catch_up(c)) {
        return false;
    }
    std::lock_guard lock(mutex_);
    synced_marker_ = std::max(synced_marker_.value_or(marker), marker);
    return true;
}

bool revoked_sessions::current_at(std::uint64_t marker) const
{
    std::lock_guard lock(mutex_);
    return synced_marker_ && *synced_marker_ >= marker;
}

bool revoked_sessions::contains(const session::token_hash& hash) const
{
    std::lock_guard lock(mutex_);
    return entries_.contains(hash);
}

void revoked_sessions::keep_revoked(std::vector<session::token_hash>& hashes) const
{
    std::lock_guard lock(mutex_);
    std::erase_if(hashes, [this](const session::token_hash& h) { return !entries_.contains(h); });
}

std::optional<std::int64_t> revoked_sessions::append(connection& c, const session::token_hash& hash,
                                                     std::int64_t revoked_at_ms)
{
    statement s = c.query("INSERT INTO revocations (token_hash, revoked_at) VALUES (?, ?)");
    s.bind(1, hash).bind(2, revoked_at_ms);
    if (s.step() != SQLITE_DONE) {
        return std::nullopt;
    }
    return c.last_insert_rowid();
}

void revoked_sessions::add_committed(const std::vector<std::pair<session::token_hash, std::int64_t>>& own)
{
    if (own.empty()) {
        return;
    }
    std::lock_guard lock(mutex_);
    for (const auto& [hash, seq] : own) {
        entries_.insert_or_assign(hash, seq);
    }
    watermark_ = std::max(watermark_, own.back().second);
}

std::optional<std::size_t> revoked_sessions::drop_through(connection& c, std::int64_t through,
                                                          std::size_t limit)
{
    // The subquery walks the rowid B-tree from its low end: `limit` rows cost `limit` rows.
    statement s = c.query(
        "DELETE FROM revocations WHERE seq IN "
        "(SELECT seq FROM revocations WHERE seq <= ? ORDER BY seq LIMIT ?)");
    s.bind(1, through).bind(2, static_cast<std::int64_t>(limit));
    if (s.step() != SQLITE_DONE) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(c.changes());
}

std::vector<session::token_hash> revoked_sessions::hashes_through(std::int64_t through) const
{
    std::vector<session::token_hash> out;
    {
        std::lock_guard lock(mutex_);
        out.reserve(entries_.size());
        for (const auto& [hash, seq] : entries_) {
            if (seq <= through) {
                out.push_back(hash);
            }
        }
    }
    sort_uniform_hashes(out);
    return out;
}

void revoked_sessions::forget(std::span<const session::token_hash> purged, std::int64_t through)
{
    std::lock_guard lock(mutex_);
    for (const auto& hash : purged) {
        if (const auto it = entries_.find(hash); it != entries_.end() && it->second <= through) {
            entries_.erase(it);
        }
    }
}

void revoked_sessions::forget_through(std::int64_t through)
{
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [through](const auto& e) { return e.second <= through; });
}

bool revoked_sessions::forget_purged(connection& c)
{
    // The lowest number still in the table; when it is empty, the next number it will give
    // (AUTOINCREMENT keeps the highest ever used in sqlite_sequence).
    statement s = c.query(
        "SELECT coalesce((SELECT min(seq) FROM revocations), "
        "(SELECT seq + 1 FROM sqlite_sequence WHERE name = 'revocations'), 1)");
    if (s.step() != SQLITE_ROW) {
        return false;
    }
    forget_through(s.column_int(0) - 1);
    return true;
}

std::size_t revoked_sessions::size() const
{
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::int64_t revoked_sessions::watermark() const
{
    std::lock_guard lock(mutex_);
    return watermark_;
}

}  // namespace authd::storage::sqlite
