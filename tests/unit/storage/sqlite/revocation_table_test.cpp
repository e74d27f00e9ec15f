// The flat table behind the revocation mirror (storage/sqlite/revocation_table.hpp), checked
// against std::map through long random runs: growth, deletion inside clusters that wrap around the
// end of the array, and shrinking once a purge has emptied it.
#include "storage/sqlite/revocation_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace authd::test {
namespace {

using storage::sqlite::revocation_table;

session::token_hash random_hash(std::mt19937_64& rng)
{
    session::token_hash h{};
    for (auto& byte : h) {
        byte = static_cast<std::uint8_t>(rng());
    }
    return h;
}

// Every hash of `reference` is found with its number, and `absent` ones are not.
void expect_same(const revocation_table& table, const std::map<session::token_hash, std::int64_t>& reference,
                 const std::vector<session::token_hash>& absent)
{
    ASSERT_EQ(table.size(), reference.size());
    for (const auto& [hash, seq] : reference) {
        ASSERT_EQ(table.find(hash), std::optional<std::int64_t>{seq});
    }
    for (const auto& hash : absent) {
        if (!reference.contains(hash)) {
            ASSERT_FALSE(table.contains(hash));
        }
    }
}

TEST(RevocationTable, FindsWhatWasAddedWithItsNumber)
{
    std::mt19937_64 rng(1);
    revocation_table table;
    const auto a = random_hash(rng);
    const auto b = random_hash(rng);
    EXPECT_FALSE(table.contains(a));
    table.insert_or_assign(a, 5);
    EXPECT_EQ(table.find(a), std::optional<std::int64_t>{5});
    EXPECT_FALSE(table.contains(b));
    table.insert_or_assign(a, 9);  // renumbered, not added twice
    EXPECT_EQ(table.find(a), std::optional<std::int64_t>{9});
    EXPECT_EQ(table.size(), 1U);
}

TEST(RevocationTable, RenumberingWhatIsPresentNeverGrowsTheArray)
{
    // Two catch-ups that overlap load the same rows, and both add them: at the growth threshold
    // the second must not double the array.
    std::mt19937_64 rng(6);
    revocation_table table;
    std::vector<session::token_hash> hashes;
    for (std::int64_t seq = 1; seq <= 768; ++seq) {  // three quarters of the smallest array
        hashes.push_back(random_hash(rng));
        table.insert_or_assign(hashes.back(), seq);
    }
    ASSERT_EQ(table.capacity(), 1024U);
    for (const auto& h : hashes) {
        table.insert_or_assign(h, 1000);
    }
    EXPECT_EQ(table.capacity(), 1024U);
    EXPECT_EQ(table.size(), 768U);
    EXPECT_EQ(table.find(hashes.front()), std::optional<std::int64_t>{1000});
}

TEST(RevocationTable, ErasesOnlyWhatIsNumberedUpToTheLimit)
{
    std::mt19937_64 rng(2);
    revocation_table table;
    const auto early = random_hash(rng);
    const auto late = random_hash(rng);
    table.insert_or_assign(early, 3);
    table.insert_or_assign(late, 30);
    EXPECT_FALSE(table.erase_through(late, 10));
    EXPECT_TRUE(table.erase_through(early, 10));
    EXPECT_FALSE(table.erase_through(early, 10));  // already gone
    EXPECT_FALSE(table.contains(early));
    EXPECT_TRUE(table.contains(late));
    EXPECT_EQ(table.size(), 1U);
}

TEST(RevocationTable, HashesThatShareTheirFirstSixteenBytesAreOneEntry)
{
    // The documented key: SHA-256 outputs of random tokens never share 16 bytes in practice.
    session::token_hash a{};
    a.fill(0x42);
    session::token_hash b = a;
    b[31] = 0x43;
    revocation_table table;
    table.insert_or_assign(a, 1);
    EXPECT_TRUE(table.contains(b));
    b[15] = 0x43;
    EXPECT_FALSE(table.contains(b));
}

TEST(RevocationTable, MatchesAMapThroughRandomInsertsAndErasesAtHighLoad)
{
    // Between 500 and 760 entries in the smallest array (1,024 slots, grown past 768): long
    // clusters, many of them wrapping around its end, with entries erased from their middle.
    std::mt19937_64 rng(3);
    revocation_table table;
    std::map<session::token_hash, std::int64_t> reference;
    std::vector<session::token_hash> seen;
    std::int64_t seq = 0;
    for (int step = 0; step < 200'000; ++step) {
        const bool add = reference.size() < 500 || (reference.size() < 760 && rng() % 2 == 0);
        if (add) {
            const auto h = random_hash(rng);
            table.insert_or_assign(h, ++seq);
            reference[h] = seq;
            seen.push_back(h);
        } else {
            auto it = reference.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(rng() % reference.size()));
            ASSERT_TRUE(table.erase_through(it->first, it->second));
            reference.erase(it);
        }
        if (step % 20'000 == 0) {
            expect_same(table, reference, seen);
        }
    }
    EXPECT_EQ(table.capacity(), 1024U);
    expect_same(table, reference, seen);
}

TEST(RevocationTable, GrowsWithABacklogAndGivesItsMemoryBackAfterThePurge)
{
    std::mt19937_64 rng(4);
    revocation_table table;
    std::map<session::token_hash, std::int64_t> reference;
    std::vector<session::token_hash> hashes;
    for (std::int64_t seq = 1; seq <= 100'000; ++seq) {
        hashes.push_back(random_hash(rng));
        table.insert_or_assign(hashes.back(), seq);
        reference[hashes.back()] = seq;
    }
    EXPECT_GE(table.capacity(), 100'000U * 4 / 3);
    expect_same(table, reference, hashes);

    // A purge through 60,000: the first half forgotten one by one, the rest at once.
    for (std::int64_t seq = 1; seq <= 30'000; ++seq) {
        ASSERT_TRUE(table.erase_through(hashes[static_cast<std::size_t>(seq - 1)], 60'000));
        reference.erase(hashes[static_cast<std::size_t>(seq - 1)]);
    }
    expect_same(table, reference, hashes);
    table.erase_all_through(60'000);
    std::erase_if(reference, [](const auto& e) { return e.second <= 60'000; });
    expect_same(table, reference, hashes);
    EXPECT_LE(table.capacity(), 40'000U * 4);

    table.erase_all_through(100'000);
    EXPECT_EQ(table.size(), 0U);
    EXPECT_EQ(table.capacity(), 1024U);
    for (const auto& h : hashes) {
        ASSERT_FALSE(table.contains(h));
    }
}

TEST(RevocationTable, ShrinksAsEntriesAreErasedOneByOne)
{
    std::mt19937_64 rng(5);
    revocation_table table;
    std::vector<session::token_hash> hashes;
    for (std::int64_t seq = 1; seq <= 50'000; ++seq) {
        hashes.push_back(random_hash(rng));
        table.insert_or_assign(hashes.back(), seq);
    }
    const std::size_t full = table.capacity();
    for (std::size_t i = 0; i + 100 < hashes.size(); ++i) {
        ASSERT_TRUE(table.erase_through(hashes[i], 50'000));
    }
    EXPECT_LT(table.capacity(), full / 16);
    for (std::size_t i = hashes.size() - 100; i < hashes.size(); ++i) {
        ASSERT_TRUE(table.contains(hashes[i]));
    }
}

}  // namespace
}  // namespace authd::test
