#include "session/cached_store.hpp"

namespace authd::session {

cached_store::cached_store(session_store& inner, change_epoch& epoch, std::size_t capacity)
    : inner_(inner), epoch_(epoch), capacity_(capacity)
{
    entries_.reserve(capacity);
    // The inner store forgets revocations in its purges; entries checked against them must not be
    // served on their word after that (see find()). The epoch advances at the one point where that
    // is exact: after the purge has fixed what it forgets, before it forgets any.
    inner_.before_forgetting_revocations([this] { epoch_.advance(); });
}

cached_store::~cached_store()
{
    inner_.before_forgetting_revocations({});
}

void cached_store::invalidate(const token_hash* hash, const std::string* user_id)
{
    epoch_.advance();
    std::lock_guard lock(mutex_);
    if (hash != nullptr) {
        entries_.erase(*hash);
    }
    if (user_id != nullptr) {
        std::erase_if(entries_, [&](const auto& e) { return e.second.record.user_id == *user_id; });
    }
}

task<result<void>> cached_store::insert(session_record record)
{
    return inner_.insert(std::move(record));
}

task<result<std::optional<session_record>>> cached_store::find(token_hash hash)
{
    const std::uint64_t epoch = epoch_.current();
    const std::optional<std::uint64_t> marker = inner_.revocation_marker();
    std::optional<session_record> cached;
    bool recheck = false;
    {
        std::lock_guard lock(mutex_);
        if (const auto it = entries_.find(hash); it != entries_.end() && it->second.epoch == epoch) {
            cached = it->second.record;
            recheck = marker && it->second.marker != *marker;
        }
    }
    if (cached && !recheck) {
        co_return cached;
    }
    if (cached) {
        // Some session's end was acknowledged since this entry was checked: was it this one?
        task<result<bool>> check = inner_.revoked(hash, *marker);
        const auto revoked = co_await std::move(check);
        if (revoked && !*revoked && epoch_.current() == epoch) {
            std::lock_guard lock(mutex_);
            if (const auto it = entries_.find(hash); it != entries_.end() && it->second.epoch == epoch) {
                it->second.marker = *marker;
            }
            co_return cached;
        }
        erase(hash);  // revoked, or the store could not tell: ask it for the row
    }
    auto found = co_await inner_.find(hash);
    if (found && *found && capacity_ > 0) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= capacity_ && !entries_.contains(hash)) {
            entries_.erase(entries_.begin());  // evict an arbitrary entry: bounded memory, O(1)
        }
        entries_.insert_or_assign(hash, entry{**found, epoch, marker.value_or(0)});
    }
    co_return found;
}

task<result<std::optional<session_record>>> cached_store::find_fresh(token_hash hash)
{
    {
        std::lock_guard lock(mutex_);
        entries_.erase(hash);
    }
    return find(hash);  // a miss now: reads the store and caches what it finds
}

task<result<std::vector<session_record>>> cached_store::list_for_user(std::string user_id)
{
    return inner_.list_for_user(std::move(user_id));
}

void cached_store::erase(const token_hash& hash)
{
    std::lock_guard lock(mutex_);
    entries_.erase(hash);
}

template <class Removal>
auto cached_store::remove_one(token_hash hash, Removal removal) -> decltype(removal())
{
    // Before and after, as for invalidate(); without a marker, every entry must go.
    const bool marked = inner_.revocation_marker().has_value();
    const auto forget = [this, &hash, marked] { marked ? erase(hash) : invalidate(&hash, nullptr); };
    forget();
    auto removed = co_await removal();
    forget();
    co_return removed;
}

task<result<bool>> cached_store::remove(token_hash hash)
{
    return remove_one(hash, [this, hash] { return inner_.remove(hash); });
}

task<result<recorded_removal>> cached_store::remove_recorded(token_hash hash, audit::audit_log& audit,
                                                             audit::audit_event record)
{
    return remove_one(hash, [this, hash, &audit, record = std::move(record)]() mutable {
        return inner_.remove_recorded(hash, audit, std::move(record));
    });
}

task<result<recorded_removal>> cached_store::remove_checked(token_hash hash, removal_check check,
                                                            audit::audit_log& audit,
                                                            audit::audit_event record)
{
    // The inner store checks its own current row: a cached copy may be older than another
    // instance's last_seen_at.
    return remove_one(hash,
                      [this, hash, check = std::move(check), &audit, record = std::move(record)]() mutable {
                          return inner_.remove_checked(hash, std::move(check), audit, std::move(record));
                      });
}

task<result<std::optional<std::size_t>>> cached_store::remove_user_sessions(std::string user_id,
                                                                            token_hash current,
                                                                            bool keep_current,
                                                                            liveness counted)
{
    invalidate(nullptr, &user_id);
    auto removed = co_await inner_.remove_user_sessions(user_id, current, keep_current, counted);
    invalidate(nullptr, &user_id);
    co_return removed;
}

task<result<std::optional<std::size_t>>> cached_store::replace_user_sessions(std::string user_id,
                                                                             token_hash current,
                                                                             session_record replacement,
                                                                             liveness counted)
{
    invalidate(nullptr, &user_id);
    auto replaced = co_await inner_.replace_user_sessions(user_id, current, std::move(replacement), counted);
    invalidate(nullptr, &user_id);
    co_return replaced;
}

void cached_store::touch(token_hash hash, sys_ms seen_at)
{
    {
        std::lock_guard lock(mutex_);
        if (const auto it = entries_.find(hash);
            it != entries_.end() && it->second.record.last_seen_at < seen_at) {
            it->second.record.last_seen_at = seen_at;
        }
    }
    inner_.touch(hash, seen_at);
}

task<result<std::size_t>> cached_store::purge_expired(sys_ms now, sys_ms idle_cutoff)
{
    // The inner store advances the epoch itself before it forgets revocations (constructor).
    // Expired entries are already refused by the session service; this only frees their memory.
    {
        std::lock_guard lock(mutex_);
        std::erase_if(entries_, [&](const auto& e) {
            const session_record& r = e.second.record;
            return r.expires_at <= now || (!r.remember_me && r.last_seen_at <= idle_cutoff);
        });
    }
    return inner_.purge_expired(now, idle_cutoff);
}

task<result<std::size_t>> cached_store::purge_revoked()
{
    return inner_.purge_revoked();  // it advances the epoch before it forgets (constructor)
}

task<result<std::uint64_t>> cached_store::count_live(sys_ms now, sys_ms idle_cutoff)
{
    return inner_.count_live(now, idle_cutoff);
}

task<result<void>> cached_store::ping()
{
    return inner_.ping();
}

std::size_t cached_store::size() const
{
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace authd::session
