// The session store contract, instantiated for the reference memory_store, for SQLite, and for the
// in-process cache in front of each (the cache over SQLite is what the authd binary runs).
#include "session/cached_store.hpp"
#include "session/memory_store.hpp"
#include "storage/sqlite/stores.hpp"
#include "support/run.hpp"
#include "support/session_store_contract.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace authd::test {
namespace {

class memory_backend {
public:
    session::session_store& store() { return store_; }
    void add_user(const std::string&) {}
    void flush() {}

private:
    session::memory_store store_;
};

class sqlite_backend {
public:
    sqlite_backend()
    {
        std::string error;
        db_ = storage::sqlite::database::open(dir_.file("authd.db"), error);
        if (!db_) {
            throw std::runtime_error("cannot open the test database: " + error);
        }
        sessions_ = std::make_unique<storage::sqlite::sqlite_session_store>(*db_);
        users_ = std::make_unique<storage::sqlite::sqlite_user_store>(*db_);
    }

    session::session_store& store() { return *sessions_; }

    // sessions.user_id references users(id).
    void add_user(const std::string& id)
    {
        const auto ok = run(users_->insert(auth::user{.id = id,
                                                      .email = id + "@example.com",
                                                      .password_hash = "$argon2id$unused",
                                                      .role = "user",
                                                      .created_at = contract_t0}));
        if (!ok) {
            throw std::runtime_error("cannot add user " + id + ": " + ok.error().message());
        }
    }

    // touch() is queued on the writer; any awaited write queued after it commits after it.
    void flush() { (void)run(sessions_->ping()); }

private:
    temp_dir dir_;
    std::unique_ptr<storage::sqlite::database> db_;
    std::unique_ptr<storage::sqlite::sqlite_session_store> sessions_;
    std::unique_ptr<storage::sqlite::sqlite_user_store> users_;
};

// The cache in front of another backend, small enough that eviction happens during the tests.
template <class Inner>
class cached_backend {
public:
    session::session_store& store() { return cache_; }
    void add_user(const std::string& id) { inner_.add_user(id); }
    void flush() { inner_.flush(); }

private:
    Inner inner_;
    local_epoch epoch_;
    session::cached_store cache_{inner_.store(), epoch_, 3};
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, SessionStoreContract, ::testing::Types<memory_backend>);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SessionStoreContract, ::testing::Types<sqlite_backend>);
INSTANTIATE_TYPED_TEST_SUITE_P(CachedMemory, SessionStoreContract,
                               ::testing::Types<cached_backend<memory_backend>>);
INSTANTIATE_TYPED_TEST_SUITE_P(CachedSqlite, SessionStoreContract,
                               ::testing::Types<cached_backend<sqlite_backend>>);

}  // namespace authd::test
