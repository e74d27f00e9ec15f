#include "auth/password_hasher.hpp"

#include "support/run.hpp"

#include <boost/asio/co_spawn.hpp>

#include <gtest/gtest.h>

namespace authd::auth {
namespace {

using test::run;

const argon2_cost cheap{.ops_limit = 1, .mem_limit = 8192};

TEST(HashPassword, DefaultCostIsArgon2idWithOwaspParameters)
{
    const std::string hash = hash_password("correct horse battery staple", argon2_cost{});
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
    EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
}

TEST(HashPassword, SaltsEveryHash)
{
    EXPECT_NE(hash_password("same password", cheap), hash_password("same password", cheap));
}

TEST(VerifyPassword, RejectsWrongPassword)
{
    const std::string hash = hash_password("correct horse", cheap);
    EXPECT_TRUE(verify_password(hash, "correct horse"));
    EXPECT_FALSE(verify_password(hash, "correct horsE"));
    EXPECT_FALSE(verify_password(hash, ""));
}

TEST(VerifyPassword, RejectsHashesThatAreNotArgon2id)
{
    std::string argon2i = hash_password("pw", cheap);
    argon2i.replace(0, 10, "$argon2i$");
    EXPECT_FALSE(verify_password(argon2i, "pw"));
    EXPECT_FALSE(verify_password("$2b$12$abcdefghijklmnopqrstuu5Ek5ZM9ixn2/Rki6JrIqR3VZB6JTLpG", "pw"));
    EXPECT_FALSE(verify_password("pw", "pw"));
    EXPECT_FALSE(verify_password("", ""));
}

TEST(PasswordHasher, HashThenVerifyRoundTrip)
{
    password_hasher hasher{1, 4, cheap};
    const auto hashed = run(hasher.hash("hunter2hunter2"));
    ASSERT_TRUE(hashed.has_value());
    EXPECT_TRUE(hashed->starts_with("$argon2id$"));
    const auto good = run(hasher.verify(*hashed, "hunter2hunter2"));
    ASSERT_TRUE(good.has_value());
    EXPECT_TRUE(*good);
    const auto bad = run(hasher.verify(*hashed, "hunter3hunter3"));
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(*bad);
    EXPECT_EQ(hasher.queued(), 0u);
}

TEST(PasswordHasher, VerifyOfANonArgon2idHashIsFalseNotAnError)
{
    password_hasher hasher{1, 4, cheap};
    const auto r = run(hasher.verify("plain-text", "plain-text"));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(*r);
}

TEST(PasswordHasher, VerifyDummyIsAlwaysFalse)
{
    password_hasher hasher{1, 4, cheap};
    for (const char* pw : {"authd-dummy-password", "", "anything at all"}) {
        const auto r = run(hasher.verify_dummy(pw));
        ASSERT_TRUE(r.has_value());
        EXPECT_FALSE(*r) << pw;
    }
}

TEST(PasswordHasher, FullQueueAnswersServiceBusy)
{
    password_hasher hasher{1, 1, cheap};
    boost::asio::io_context ioc;
    // The slot is taken when the job is submitted, so the second hash is refused at once,
    // whatever the pool thread is doing.
    task<result<std::string>> first = hasher.hash("first password");
    EXPECT_EQ(hasher.queued(), 1u);
    task<result<std::string>> second = hasher.hash("second password");
    EXPECT_EQ(hasher.queued(), 1u);

    std::optional<result<std::string>> first_result;
    std::optional<result<std::string>> second_result;
    auto on_first = [&](std::exception_ptr, result<std::string> r) { first_result = std::move(r); };
    auto on_second = [&](std::exception_ptr, result<std::string> r) { second_result = std::move(r); };
    boost::asio::co_spawn(ioc, std::move(first), on_first);
    boost::asio::co_spawn(ioc, std::move(second), on_second);
    ioc.run();

    ASSERT_TRUE(first_result && second_result);
    EXPECT_TRUE(first_result->has_value());
    ASSERT_TRUE(second_result->has_error());
    EXPECT_EQ(second_result->error(), errc::service_busy);
    EXPECT_EQ(hasher.queued(), 0u);
    // Once the queue drained, hashing works again.
    EXPECT_TRUE(run(hasher.hash("third password")).has_value());
}

TEST(PasswordHasher, VerifyAlsoCountsAgainstTheQueue)
{
    password_hasher hasher{1, 1, cheap};
    const std::string hash = hash_password("pw", cheap);
    boost::asio::io_context ioc;
    task<result<bool>> first = hasher.verify(hash, "pw");
    task<result<bool>> second = hasher.verify_dummy("pw");
    const auto refused = run(ioc, std::move(second));
    ASSERT_TRUE(refused.has_error());
    EXPECT_EQ(refused.error(), errc::service_busy);
    const auto accepted = run(ioc, std::move(first));
    ASSERT_TRUE(accepted.has_value());
    EXPECT_TRUE(*accepted);
}

}  // namespace
}  // namespace authd::auth
