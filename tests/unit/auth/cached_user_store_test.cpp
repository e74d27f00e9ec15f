#include "auth/cached_user_store.hpp"

#include "support/memory_user_store.hpp"
#include "support/run.hpp"

#include <gtest/gtest.h>

namespace authd::auth {
namespace {

using test::run;

const sys_ms t0 = from_unix_ms(1'795'549'419'000);

TEST(CachedUserStore, PasswordChangeIsVisibleThroughTheCache)
{
    boost::asio::io_context ioc;
    test::memory_user_store users;
    local_epoch epoch;
    cached_user_store cache{users, epoch, 16};
    ASSERT_TRUE(run(ioc, cache.insert(user{.id = "u1",
                                           .email = "a@example.com",
                                           .password_hash = "$argon2id$old",
                                           .role = "user",
                                           .created_at = t0}))
                    .has_value());
    ASSERT_EQ((*run(ioc, cache.find_by_id("u1")))->password_hash, "$argon2id$old");
    ASSERT_TRUE(run(ioc, cache.update_password_hash("u1", "$argon2id$new")).has_value());
    EXPECT_EQ((*run(ioc, cache.find_by_id("u1")))->password_hash, "$argon2id$new");
    EXPECT_EQ((*run(ioc, cache.find_by_email("a@example.com")))->password_hash, "$argon2id$new");
    EXPECT_FALSE(run(ioc, cache.find_by_id("u2"))->has_value());
}

}  // namespace
}  // namespace authd::auth
