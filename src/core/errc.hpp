// authd's expected outcomes as error values: every domain function returns result<T> with one of these.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <system_error>

namespace authd {

// Enumerators start at 1: 0 is "success" for std/boost error codes.
// Adding one without a row in api/error_catalog.cpp does not compile (-Werror=switch).
enum class errc {
    validation_error = 1,  // the request body or parameters are malformed
    payload_too_large,     // body over the configured limit
    headers_too_large,     // header block over the configured limit
    bad_request,           // malformed HTTP
    method_not_allowed,    // path exists, method does not
    not_found,             // no such route, or a resource that is not the caller's
    not_authenticated,     // no, unknown, malformed, expired or ended session
    invalid_credentials,   // wrong email or password
    csrf_failed,           // token or Origin check failed
    email_taken,           // registration with an existing email
    rate_limited,          // too many failures per account or per client address
    service_busy,          // the password-hashing queue is full
    store_unavailable,     // the session/user store could not do its work
    logout_failed,         // the store could not end the session (the session is still valid)
    account_disabled,      // right password, but an administrator disabled the account
    not_ready,             // readiness probe: the store is unreachable
    internal_error,        // a bug: never expected
};

const boost::system::error_category& authd_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), authd_category()};
}

// The errc carried by an error_code, or internal_error when it came from somewhere else.
errc to_errc(const boost::system::error_code& ec) noexcept;

template <class T>
using result = boost::system::result<T>;

// An error for a result<T> of any T. Needed for result<bool>: bool is constructible from an
// error_code (explicitly), which disables result<bool>'s implicit constructor from one.
struct failure {
    boost::system::error_code code;
    template <class T>
    operator result<T>() const  // NOLINT(google-explicit-constructor): the point is implicit use
    {
        return result<T>(boost::system::in_place_error, code);
    }
};
inline failure fail(const boost::system::error_code& code)
{
    return {code};
}

}  // namespace authd

template <>
struct boost::system::is_error_code_enum<authd::errc> : std::true_type {
};
