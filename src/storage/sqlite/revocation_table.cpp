#include "storage/sqlite/revocation_table.hpp"

#include <bit>
#include <cstring>

namespace authd::storage::sqlite {
namespace {

// 24 KiB: what an idle server keeps.
constexpr std::size_t min_capacity = 1024;

// A capacity for `entries` at most half full (grows past three quarters, shrinks below an eighth).
std::size_t capacity_for(std::size_t entries)
{
    std::size_t capacity = min_capacity;
    while (capacity < entries * 2) {
        capacity *= 2;
    }
    return capacity;
}

}  // namespace

revocation_table::revocation_table()
{
    rebuild(min_capacity);
}

revocation_table::key revocation_table::key_of(const session::token_hash& hash)
{
    key k{};
    std::memcpy(&k.k0, hash.data(), sizeof k.k0);
    std::memcpy(&k.k1, hash.data() + sizeof k.k0, sizeof k.k1);
    return k;
}

std::size_t revocation_table::home(std::uint64_t key0) const
{
    // The bytes are uniform already; the multiplication spreads the hashes a purge deletes in key
    // order over the whole array instead of emptying one end of it.
    return static_cast<std::size_t>((key0 * 0x9E3779B97F4A7C15ULL) >> shift_);
}

std::size_t revocation_table::probe(key k) const
{
    std::size_t i = home(k.k0);
    while (slots_[i].seq != 0 && (slots_[i].key0 != k.k0 || slots_[i].key1 != k.k1)) {
        i = (i + 1) & mask_;
    }
    return i;
}

std::optional<std::int64_t> revocation_table::find(const session::token_hash& hash) const
{
    const slot& s = slots_[probe(key_of(hash))];
    if (s.seq == 0) {
        return std::nullopt;
    }
    return s.seq;
}

void revocation_table::insert_or_assign(const session::token_hash& hash, std::int64_t seq)
{
    const key k = key_of(hash);
    std::size_t i = probe(k);
    if (slots_[i].seq != 0) {
        slots_[i].seq = seq;  // present (overlapping catch-ups load a row twice): no growth
        return;
    }
    if ((size_ + 1) * 4 > capacity() * 3) {
        rebuild(capacity() * 2);
        i = probe(k);
    }
    slots_[i] = slot{.key0 = k.k0, .key1 = k.k1, .seq = seq};
    ++size_;
}

bool revocation_table::erase_through(const session::token_hash& hash, std::int64_t through)
{
    const std::size_t i = probe(key_of(hash));
    if (slots_[i].seq == 0 || slots_[i].seq > through) {
        return false;
    }
    erase_at(i);
    shrink_if_sparse();
    return true;
}

void revocation_table::erase_all_through(std::int64_t through)
{
    std::size_t kept = 0;
    for (std::size_t i = 0; i <= mask_; ++i) {
        if (slots_[i].seq > through) {
            ++kept;
        }
    }
    if (kept == size_) {
        return;  // nothing numbered that low (what forget_purged usually finds after a purge)
    }
    rebuild(capacity_for(kept), through);
}

void revocation_table::erase_at(std::size_t i)
{
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].seq != 0; j = (j + 1) & mask_) {
        // The entry at j may fill the hole unless its home lies after the hole (cyclically):
        // a probe from its home would then never pass the hole.
        const std::size_t from_home = (j - home(slots_[j].key0)) & mask_;
        const std::size_t from_hole = (j - hole) & mask_;
        if (from_home >= from_hole) {
            slots_[hole] = slots_[j];
            hole = j;
        }
    }
    slots_[hole] = slot{};
    --size_;
}

void revocation_table::rebuild(std::size_t capacity, std::int64_t keep_above)
{
    auto old = std::move(slots_);
    const std::size_t old_capacity = old ? mask_ + 1 : 0;
    slots_ = std::make_unique<slot[]>(capacity);
    mask_ = capacity - 1;
    shift_ = 64U - static_cast<unsigned>(std::countr_zero(capacity));
    size_ = 0;
    for (std::size_t i = 0; i < old_capacity; ++i) {
        if (old[i].seq > keep_above) {
            slots_[probe({old[i].key0, old[i].key1})] = old[i];
            ++size_;
        }
    }
}

void revocation_table::shrink_if_sparse()
{
    std::size_t capacity = this->capacity();
    while (capacity > min_capacity && size_ * 8 <= capacity) {
        capacity /= 2;
    }
    if (capacity != this->capacity()) {
        rebuild(capacity);
    }
}

}  // namespace authd::storage::sqlite
