// The JSON body decoders (src/api/json_body.cpp) and the decoding and validation steps of the
// register, login and password-change handlers (src/api/handlers.cpp, src/auth/validation.cpp),
// up to the 422 they would answer. Input: one selector byte (which Content-Type the request
// carries), then the body.
// Invariants: parse() fails exactly when it reports a "body" error; a field error always names a
// field of the endpoint; an accepted email is normalized (idempotent), has exactly one '@' and no
// byte that could split a header (it goes into X-Authd-User-Email); an accepted password is
// 8..1024 characters; the 422 body is JSON with detail.error_code and one entry per field error.
#include "api/json_body.hpp"
#include "api/reply.hpp"
#include "auth/validation.hpp"
#include "common.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace {

using namespace authd;
using authd::fuzz::check;
namespace bhttp = boost::beast::http;

const char* const content_types[] = {
    nullptr,  // none: accepted as JSON
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON ;charset=UTF-8",
    "application/problem+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "+json",
};

void check_field_errors(const std::vector<api::field_error>& errors, const std::set<std::string_view>& fields)
{
    for (const auto& e : errors) {
        check(e.field == "body" || fields.contains(e.field), "a field error names an unknown field", e.field);
        check(!e.message.empty(), "a field error without a message", e.field);
    }
    if (errors.empty()) {
        return;
    }
    const api::reply r = api::error_reply(errc::validation_error, api::language::en, errors);
    check(r.status == bhttp::status::unprocessable_entity, "validation errors are not a 422");
    boost::system::error_code ec;
    const auto body = boost::json::parse(r.body, ec);
    check(!ec && body.is_object(), "the 422 body is not JSON", r.body);
    const auto& detail = body.at("detail").as_object();
    check(detail.at("error_code").as_string() == "VALIDATION_ERROR", "the 422 error_code", r.body);
    check(detail.at("fields").as_array().size() == errors.size(), "the 422 fields list", r.body);
}

void check_email(const std::string& raw)
{
    const std::string email = auth::normalize_email(raw);
    check(auth::normalize_email(email) == email, "normalize_email is not idempotent", raw);
    check(std::none_of(email.begin(), email.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
          "a normalized email with upper case", email);
    if (auth::email_problem(email)) {
        return;
    }
    check(std::count(email.begin(), email.end(), '@') == 1, "an accepted email without exactly one '@'",
          email);
    check(email.size() <= 254, "an accepted email longer than 254 bytes", email);
    check(std::none_of(email.begin(), email.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }),
          "an accepted email with a control character or a space", email);
}

void check_password(const std::string& password)
{
    if (auth::password_problem(password)) {
        return;
    }
    const auto chars = std::count_if(password.begin(), password.end(),
                                     [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
    check(chars >= 8 && chars <= 1024, "an accepted password of the wrong length", password);
    check(password.find_first_not_of(" \t\r\n\f\v") != std::string::npos, "an accepted all-blank password",
          password);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    http::request req{bhttp::verb::post, "/auth/login", 11};
    if (const char* type = content_types[data[0] % std::size(content_types)]) {
        req.set(bhttp::field::content_type, type);
    }
    req.body().assign(reinterpret_cast<const char*>(data) + 1, size - 1);

    // register_user
    {
        std::vector<api::field_error> errors;
        const auto body = api::json_body::parse(req, errors);
        check(body.has_value() == errors.empty(), "parse() failed without a body error, or the reverse");
        if (!body) {
            check(errors.size() == 1 && errors.front().field == "body",
                  "a failed parse names one body error");
        }
        std::optional<std::string> email;
        std::optional<std::string> password;
        if (body) {
            email = body->required_string("email", errors);
            password = body->required_string("password", errors);
        }
        if (email) {
            check_email(*email);
        }
        if (password) {
            check_password(*password);
        }
        check_field_errors(errors, {"email", "password"});
    }
    // log_in
    {
        std::vector<api::field_error> errors;
        const auto body = api::json_body::parse(req, errors);
        std::optional<bool> remember_me;
        if (body) {
            const auto email = body->required_string("email", errors);
            const auto password = body->required_string("password", errors);
            remember_me = body->optional_bool("remember_me", false, errors);
            // A second read with the other fallback: the same verdict.
            std::vector<api::field_error> again_errors;
            const auto again = body->optional_bool("remember_me", true, again_errors);
            check(again.has_value() == remember_me.has_value() &&
                      again_errors.empty() == remember_me.has_value(),
                  "optional_bool reports inconsistently");
            if (email) {
                check_email(*email);
            }
            (void)password;
        }
        check_field_errors(errors, {"email", "password", "remember_me"});
    }
    // change_password
    {
        std::vector<api::field_error> errors;
        const auto body = api::json_body::parse(req, errors);
        if (body) {
            (void)body->required_string("current_password", errors);
            if (const auto replacement = body->required_string("new_password", errors)) {
                check_password(*replacement);
            }
        }
        check_field_errors(errors, {"current_password", "new_password"});
    }
    return 0;
}
