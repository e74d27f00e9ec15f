#include "api/error_catalog.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace authd::api {
namespace {

using boost::beast::http::status;

TEST(ErrorCatalog, EveryErrcHasAStatusAnUpperSnakeCodeAndBothMessages)
{
    const std::regex upper_snake("^[A-Z]+(_[A-Z]+)*$");
    for (int v = 1; v <= static_cast<int>(errc::internal_error); ++v) {
        const catalog_entry entry = describe(static_cast<errc>(v));
        const unsigned code = static_cast<unsigned>(entry.status);
        EXPECT_GE(code, 400u) << v;
        EXPECT_LT(code, 600u) << v;
        EXPECT_TRUE(std::regex_match(std::string(entry.error_code), upper_snake)) << entry.error_code;
        EXPECT_FALSE(entry.message_en.empty()) << entry.error_code;
        EXPECT_FALSE(entry.message_pl.empty()) << entry.error_code;
        EXPECT_NE(entry.message_en, entry.message_pl) << entry.error_code;
    }
}

struct expected_row {
    errc e;
    status s;
    std::string_view code;
};

TEST(ErrorCatalog, MapsTheContractsCodesToTheirStatuses)
{
    const expected_row rows[] = {
        {errc::validation_error, status::unprocessable_entity, "VALIDATION_ERROR"},
        {errc::payload_too_large, status::payload_too_large, "PAYLOAD_TOO_LARGE"},
        {errc::method_not_allowed, status::method_not_allowed, "METHOD_NOT_ALLOWED"},
        {errc::not_found, status::not_found, "NOT_FOUND"},
        {errc::not_authenticated, status::unauthorized, "NOT_AUTHENTICATED"},
        {errc::invalid_credentials, status::unauthorized, "INVALID_CREDENTIALS"},
        {errc::csrf_failed, status::forbidden, "CSRF_FAILED"},
        {errc::email_taken, status::conflict, "EMAIL_TAKEN"},
        {errc::rate_limited, status::too_many_requests, "RATE_LIMITED"},
        {errc::logout_failed, status::internal_server_error, "LOGOUT_FAILED"},
        {errc::internal_error, status::internal_server_error, "INTERNAL_ERROR"},
        {errc::not_ready, status::service_unavailable, "NOT_READY"},
        {errc::service_busy, status::service_unavailable, "SERVICE_BUSY"},
    };
    for (const auto& row : rows) {
        const catalog_entry entry = describe(row.e);
        EXPECT_EQ(entry.status, row.s) << row.code;
        EXPECT_EQ(entry.error_code, row.code);
    }
}

TEST(ErrorCatalog, StoreFailureLooksLikeAnyInternalError)
{
    EXPECT_EQ(describe(errc::store_unavailable).status, status::internal_server_error);
    EXPECT_EQ(describe(errc::store_unavailable).error_code, "INTERNAL_ERROR");
}

TEST(ErrorCatalog, UsesThePlansOwnTexts)
{
    const catalog_entry not_authenticated = describe(errc::not_authenticated);
    EXPECT_EQ(not_authenticated.message(language::en), "User is not logged in.");
    EXPECT_EQ(not_authenticated.message(language::pl), "Użytkownik nie jest zalogowany.");
    EXPECT_EQ(describe(errc::logout_failed).message(language::en),
              "An error occurred during logout. Please try again later.");
}

TEST(PreferredLanguage, PolishWhenPolishIsTheOnlyLanguage)
{
    EXPECT_EQ(preferred_language("pl"), language::pl);
    EXPECT_EQ(preferred_language("PL"), language::pl);
    EXPECT_EQ(preferred_language("pl-PL"), language::pl);
}

TEST(PreferredLanguage, PolishWhenItHasTheHighestQuality)
{
    EXPECT_EQ(preferred_language("pl-PL,en;q=0.5"), language::pl);
    EXPECT_EQ(preferred_language("en;q=0.5, pl;q=0.8"), language::pl);
    EXPECT_EQ(preferred_language("de;q=0.3,pl;q=0.9,en;q=0.8"), language::pl);
}

TEST(PreferredLanguage, EnglishWhenItComesFirstAtEqualOrHigherQuality)
{
    EXPECT_EQ(preferred_language("en,pl;q=0.9"), language::en);
    EXPECT_EQ(preferred_language("en, pl"), language::en);
    EXPECT_EQ(preferred_language("de,pl;q=0.9"), language::en);
}

TEST(PreferredLanguage, WildcardAndEmptyMeanEnglish)
{
    EXPECT_EQ(preferred_language("*"), language::en);
    EXPECT_EQ(preferred_language(""), language::en);
    EXPECT_EQ(preferred_language(" , ,"), language::en);
}

TEST(PreferredLanguage, ZeroQualityMeansNotAcceptable)
{
    EXPECT_EQ(preferred_language("pl;q=0"), language::en);
}

TEST(PreferredLanguage, GarbageQualityCountsAsZero)
{
    EXPECT_EQ(preferred_language("pl;q=abc"), language::en);
    EXPECT_EQ(preferred_language("pl;q=abc, en;q=0.1"), language::en);
    EXPECT_EQ(preferred_language("en;q=garbage, pl;q=0.2"), language::pl);
    EXPECT_EQ(preferred_language("pl;q="), language::en);
}

TEST(PreferredLanguage, DoesNotMistakeOtherTagsForPolish)
{
    EXPECT_EQ(preferred_language("plx"), language::en);
    EXPECT_EQ(preferred_language("en-PL"), language::en);
}

}  // namespace
}  // namespace authd::api
