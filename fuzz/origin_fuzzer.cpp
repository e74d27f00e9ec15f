// The CSRF checks (src/auth/csrf.cpp): origin_of, origin_allowed and csrf_token_matches.
// Input: "Origin\nReferer\nHost\nallowed,origins\nexpected-token\nprovided-token" (missing parts
// are empty; an empty allowed list means the default policy, the request's own Host).
// Invariants: origin_of gives "" or a lower-case "http(s)://authority" with no path, query,
// fragment or userinfo; no source header passes; an origin that origin_of cannot read never passes;
// the verdict does not depend on letter case; an origin listed in the policy passes; with the
// default policy a passing Origin names the Host (give or take the scheme's default port);
// csrf_token_matches is plain equality of non-empty tokens.
#include "auth/csrf.hpp"
#include "common.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace authd;
using authd::fuzz::check;
using authd::fuzz::take_until;

std::string upper(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

void check_origin_of(std::string_view url)
{
    const std::string origin = auth::origin_of(url);
    if (origin.empty()) {
        return;
    }
    check(origin.starts_with("http://") || origin.starts_with("https://"), "origin_of: scheme", origin);
    const std::string_view authority = std::string_view(origin).substr(origin.find("://") + 3);
    check(!authority.empty(), "origin_of: no authority", origin);
    check(authority.find_first_of("/?#@") == std::string_view::npos, "origin_of: path, query or userinfo",
          origin);
    check(origin == lower(origin), "origin_of: not lower-case", origin);
    check(auth::origin_of(origin) == origin, "origin_of is not idempotent", origin);
    check(auth::origin_of(upper(url)) == origin, "origin_of depends on letter case", url);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string_view origin = take_until(input, '\n');
    const std::string_view referer = take_until(input, '\n');
    const std::string_view host = take_until(input, '\n');
    std::string_view allowed_text = take_until(input, '\n');
    const std::string_view expected = take_until(input, '\n');
    const std::string_view provided = input;

    auth::origin_policy policy;
    while (!allowed_text.empty()) {
        const std::string_view one = take_until(allowed_text, ',');
        if (!one.empty()) {
            policy.allowed.emplace_back(one);
        }
    }

    check_origin_of(origin);
    check_origin_of(referer);

    const bool allowed = auth::origin_allowed(policy, origin, referer, host);
    const std::string_view source = !origin.empty() ? origin : referer;
    if (source.empty()) {
        check(allowed, "a request without Origin or Referer was refused");
    }
    const std::string source_origin = auth::origin_of(source);
    if (!source.empty() && source_origin.empty()) {
        check(!allowed, "an unreadable Origin/Referer passed", source);
    }

    // Letter case changes nothing: hosts and schemes are case-insensitive.
    auth::origin_policy upper_policy;
    for (const auto& a : policy.allowed) {
        upper_policy.allowed.push_back(upper(a));
    }
    check(auth::origin_allowed(upper_policy, upper(origin), upper(referer), upper(host)) == allowed,
          "the verdict depends on letter case", source);

    if (!source_origin.empty()) {
        // The origin itself, listed in the policy, passes.
        auth::origin_policy listed = policy;
        listed.allowed.push_back(source_origin);
        check(auth::origin_allowed(listed, origin, referer, host), "a listed origin was refused",
              source_origin);
        if (policy.allowed.empty() && allowed) {
            // Default policy: the Host names the origin's authority (the default port may differ).
            const std::string authority = source_origin.substr(source_origin.find("://") + 3);
            const std::string h = lower(host);
            check(
                h.starts_with(authority.substr(
                    0, authority.rfind(':') == std::string::npos ? authority.size() : authority.rfind(':'))),
                "a passing Origin does not name the Host", source_origin + " vs " + h);
        }
        // The request's own origin, as Host, passes under the default policy.
        const std::string own_host = source_origin.substr(source_origin.find("://") + 3);
        check(auth::origin_allowed({}, origin, referer, own_host), "the request's own origin was refused",
              source_origin);
    }

    const bool matches = auth::csrf_token_matches(expected, provided);
    check(matches == (!expected.empty() && expected == provided), "csrf_token_matches is not equality",
          std::string(expected) + " vs " + std::string(provided));
    return 0;
}
