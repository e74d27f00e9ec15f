#include "api/error_catalog.hpp"

#include <cctype>
#include <charconv>

namespace authd::api {

using boost::beast::http::status;

catalog_entry describe(errc e)
{
    // No default: a new errc without a row here does not compile (-Werror=switch).
    switch (e) {
        case errc::validation_error:
            return {status::unprocessable_entity, "VALIDATION_ERROR", "The request is not valid.",
                    "Żądanie jest nieprawidłowe."};
        case errc::payload_too_large:
            return {status::payload_too_large, "PAYLOAD_TOO_LARGE", "The request body is too large.",
                    "Treść żądania jest zbyt duża."};
        case errc::headers_too_large:
            return {status::request_header_fields_too_large, "HEADERS_TOO_LARGE",
                    "The request headers are too large.", "Nagłówki żądania są zbyt duże."};
        case errc::bad_request:
            return {status::bad_request, "BAD_REQUEST", "The request is malformed.",
                    "Żądanie jest niepoprawnie sformułowane."};
        case errc::method_not_allowed:
            return {status::method_not_allowed, "METHOD_NOT_ALLOWED", "This method is not allowed here.",
                    "Ta metoda nie jest tu dozwolona."};
        case errc::not_found: return {status::not_found, "NOT_FOUND", "Not found.", "Nie znaleziono."};
        case errc::not_authenticated:
            return {status::unauthorized, "NOT_AUTHENTICATED", "User is not logged in.",
                    "Użytkownik nie jest zalogowany."};
        case errc::invalid_credentials:
            return {status::unauthorized, "INVALID_CREDENTIALS", "Invalid email or password.",
                    "Nieprawidłowy adres e-mail lub hasło."};
        case errc::csrf_failed:
            return {status::forbidden, "CSRF_FAILED", "CSRF check failed.",
                    "Weryfikacja CSRF nie powiodła się."};
        case errc::email_taken:
            return {status::conflict, "EMAIL_TAKEN", "This email is already registered.",
                    "Ten adres e-mail jest już zarejestrowany."};
        case errc::rate_limited:
            return {status::too_many_requests, "RATE_LIMITED", "Too many attempts. Please try again later.",
                    "Zbyt wiele prób. Spróbuj ponownie później."};
        case errc::service_busy:
            return {status::service_unavailable, "SERVICE_BUSY",
                    "The service is busy. Please try again shortly.",
                    "Usługa jest przeciążona. Spróbuj ponownie za chwilę."};
        case errc::store_unavailable:
        case errc::internal_error:
            return {status::internal_server_error, "INTERNAL_ERROR",
                    "An internal error occurred. Please try again later.",
                    "Wystąpił błąd wewnętrzny. Spróbuj ponownie później."};
        case errc::logout_failed:
            return {status::internal_server_error, "LOGOUT_FAILED",
                    "An error occurred during logout. Please try again later.",
                    "Wystąpił błąd podczas wylogowania. Spróbuj ponownie później."};
        case errc::account_disabled:
            return {status::forbidden, "ACCOUNT_DISABLED", "This account has been disabled.",
                    "To konto zostało zablokowane."};
        case errc::not_ready:
            return {status::service_unavailable, "NOT_READY", "The service is not ready.",
                    "Usługa nie jest gotowa."};
    }
    return describe(errc::internal_error);
}

language preferred_language(std::string_view header)
{
    // "pl-PL,pl;q=0.9,en;q=0.8": the highest q wins; on a tie the earlier entry wins.
    double best_q = -1.0;
    language best = language::en;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

        const auto semi = item.find(';');
        std::string_view tag = item.substr(0, semi);
        while (!tag.empty() && tag.front() == ' ')
            tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ')
            tag.remove_suffix(1);
        double q = 1.0;
        if (semi != std::string_view::npos) {
            std::string_view params = item.substr(semi + 1);
            while (!params.empty() && params.front() == ' ')
                params.remove_prefix(1);
            if (params.starts_with("q=")) {
                params.remove_prefix(2);
                // from_chars for double: a bounded, locale-independent parse.
                if (std::from_chars(params.data(), params.data() + params.size(), q).ec != std::errc{}) {
                    q = 0.0;
                }
            }
        }
        const std::string_view primary = tag.substr(0, tag.find('-'));
        const bool is_pl = primary.size() == 2 &&
                           std::tolower(static_cast<unsigned char>(primary[0])) == 'p' &&
                           std::tolower(static_cast<unsigned char>(primary[1])) == 'l';
        if (q > best_q && !tag.empty()) {
            best_q = q;
            best = is_pl ? language::pl : language::en;
        }
    }
    return best_q > 0.0 ? best : language::en;
}

}  // namespace authd::api
