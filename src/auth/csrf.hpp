// The two CSRF checks of API.md: the synchronizer token, and the Origin (or Referer) check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authd::auth {

// The session's token against the X-CSRF-Token header, in constant time.
bool csrf_token_matches(std::string_view expected, std::string_view provided) noexcept;

struct origin_policy {
    // Exact origins ("https://app.example.com"). When empty, the request's own origin is allowed:
    // an Origin whose host[:port] equals the Host header.
    std::vector<std::string> allowed;
};

// The origin part ("scheme://host[:port]", lower-cased) of an Origin or Referer value, or empty
// when the value has none (e.g. "null").
std::string origin_of(std::string_view url);

// Passes when neither Origin nor Referer is present (non-browser clients), or when the one that
// is (Origin first) names an allowed origin.
bool origin_allowed(const origin_policy& policy, std::string_view origin_header,
                    std::string_view referer_header, std::string_view host_header);

}  // namespace authd::auth
