#include "core/errc.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(Errc, ConvertsToAnErrorCodeOfTheAuthdCategoryAndBack)
{
    for (int v = 1; v <= static_cast<int>(errc::internal_error); ++v) {
        const auto e = static_cast<errc>(v);
        const boost::system::error_code ec = e;
        EXPECT_EQ(&ec.category(), &authd_category());
        EXPECT_TRUE(ec.failed());
        EXPECT_EQ(to_errc(ec), e);
        EXPECT_NE(ec.message(), "unknown authd error") << v;
    }
}

TEST(Errc, ForeignErrorCodesBecomeInternalError)
{
    const boost::system::error_code foreign =
        boost::system::errc::make_error_code(boost::system::errc::io_error);
    EXPECT_EQ(to_errc(foreign), errc::internal_error);
}

TEST(Errc, FailBuildsAnErrorResultEvenForBool)
{
    const result<bool> r = fail(errc::store_unavailable);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::store_unavailable);
}

}  // namespace
}  // namespace authd
