#include "core/errc.hpp"

#include <string>

namespace authd {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "authd"; }
    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
            case errc::validation_error: return "validation error";
            case errc::payload_too_large: return "payload too large";
            case errc::headers_too_large: return "headers too large";
            case errc::bad_request: return "bad request";
            case errc::method_not_allowed: return "method not allowed";
            case errc::not_found: return "not found";
            case errc::not_authenticated: return "not authenticated";
            case errc::invalid_credentials: return "invalid credentials";
            case errc::csrf_failed: return "csrf check failed";
            case errc::email_taken: return "email taken";
            case errc::rate_limited: return "rate limited";
            case errc::service_busy: return "service busy";
            case errc::store_unavailable: return "store unavailable";
            case errc::logout_failed: return "logout failed";
            case errc::account_disabled: return "account disabled";
            case errc::not_ready: return "not ready";
            case errc::internal_error: return "internal error";
        }
        return "unknown authd error";
    }
};

}  // namespace

const boost::system::error_category& authd_category() noexcept
{
    static const category instance;
    return instance;
}

errc to_errc(const boost::system::error_code& ec) noexcept
{
    if (ec.category() == authd_category() && ec.value() >= 1 &&
        ec.value() <= static_cast<int>(errc::internal_error)) {
        return static_cast<errc>(ec.value());
    }
    return errc::internal_error;
}

}  // namespace authd
