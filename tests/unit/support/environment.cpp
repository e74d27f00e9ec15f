// Initializes libsodium once per test executable, before any test runs (every unit executable
// compiles this file in; gtest_main picks the environment up from this global).
#include "core/crypto.hpp"

#include <gtest/gtest.h>

namespace {

class crypto_environment final : public ::testing::Environment {
public:
    void SetUp() override { ASSERT_TRUE(authd::crypto::initialize()) << "sodium_init failed"; }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new crypto_environment);

}  // namespace
