// Input rules of the domain: what an email and a password must look like.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd::auth {

// Trimmed and lower-cased; used as the account key for register and login.
std::string normalize_email(std::string_view email);

// Why a normalized email is not acceptable for registration, or nullopt when it is.
std::optional<std::string_view> email_problem(std::string_view normalized);

// Why a password is not acceptable (length 8..1024 characters, not all whitespace), or nullopt.
std::optional<std::string_view> password_problem(std::string_view password);

}  // namespace authd::auth
