#include "storage/sqlite/revocations.hpp"

#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace authd::storage::sqlite {
namespace {

// Sorts token hashes in place, which their being SHA-256 outputs (uniform) makes cheap: one
// American-flag pass puts them into 256 buckets by their first byte, then each bucket (≈ 1,000
// hashes at a backlog of 250k) is sorted on its own. In place, because the purge sorts a whole
// backlog: a second array of it (8 MB at 250k) would be the largest allocation authd makes.
void sort_uniform_hashes(std::vector<session::token_hash>& hashes)
{
    constexpr std::size_t buckets = 256;
    if (hashes.size() < buckets * 4) {
        std::sort(hashes.begin(), hashes.end());
        return;
    }
    std::array<std::size_t, buckets + 1> start{};
    for (const auto& h : hashes) {
        ++start[std::size_t{h[0]} + 1];
    }
    for (std::size_t b = 1; b <= buckets; ++b) {
        start[b] += start[b - 1];
    }
    // next[b]: the first place of bucket b not yet known to hold one of its own hashes.
    std::array<std::size_t, buckets> next{};
    std::copy(start.begin(), start.end() - 1, next.begin());
    for (std::size_t b = 0; b < buckets; ++b) {
        while (next[b] < start[b + 1]) {
            const std::size_t home = hashes[next[b]][0];
            if (home == b) {
                ++next[b];
            } else {
                std::swap(hashes[next[b]], hashes[next[home]++]);
            }
        }
    }
    for (std::size_t b = 0; b < buckets; ++b) {
        std::sort(hashes.begin() + static_cast<std::ptrdiff_t>(start[b]),
                  hashes.begin() + static_cast<std::ptrdiff_t>(start[b + 1]));
    }
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

std::optional<std::vector<session::token_hash>> revoked_sessions::hashes_through(connection& c,
                                                                                 std::int64_t through)
{
    // From the table, which has the whole hashes (the mirror keys by a prefix); seq is its rowid,
    // so this reads the oldest pages of the log in order.
    std::vector<session::token_hash> out;
    {
        // Reserved up front: growing by doubling would hold 1.5 times the backlog for a moment.
        // Numbers are dropped lowest first and never skipped, so this is the exact count.
        statement lowest = c.query("SELECT min(seq) FROM revocations");
        if (lowest.step() != SQLITE_ROW) {
            return std::nullopt;
        }
        const std::int64_t first = lowest.column_int(0);
        if (first >= 1 && first <= through) {
            out.reserve(static_cast<std::size_t>(through - first + 1));
        }
    }
    statement s = c.query("SELECT token_hash FROM revocations WHERE seq <= ?");
    s.bind(1, through);
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
        out.push_back(read_token_hash(s, 0));
    }
    if (rc != SQLITE_DONE) {
        return std::nullopt;
    }
    sort_uniform_hashes(out);
    return out;
}

void revoked_sessions::forget(std::span<const session::token_hash> purged, std::int64_t through)
{
    std::lock_guard lock(mutex_);
    for (const auto& hash : purged) {
        entries_.erase_through(hash, through);
    }
}

void revoked_sessions::forget_through(std::int64_t through)
{
    std::lock_guard lock(mutex_);
    entries_.erase_all_through(through);
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
