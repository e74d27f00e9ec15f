#include "auth/csrf.hpp"

#include "core/crypto.hpp"

#include <algorithm>
#include <cctype>

namespace authd::auth {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// "host[:port]" of an origin, dropping the scheme's default port.
std::string authority_of(std::string_view origin)
{
    const auto sep = origin.find("://");
    const std::string_view scheme = origin.substr(0, sep);
    std::string_view authority = origin.substr(sep + 3);
    if ((scheme == "http" && authority.ends_with(":80")) ||
        (scheme == "https" && authority.ends_with(":443"))) {
        authority.remove_suffix(authority.size() - authority.rfind(':'));
    }
    return std::string(authority);
}

// A host (an IPv6 literal in brackets) and at most one port of 1 to 5 digits, as a browser
// serializes an origin; "host:8080:80" would otherwise lose its ":80" as a default port.
bool well_formed_authority(std::string_view authority)
{
    // Where the port's ':' would be: right after an IPv6 literal's ']', else the first ':'.
    std::size_t colon = authority.find(':');
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        colon = close + 1;
        if (colon < authority.size() && authority[colon] != ':') {
            return false;
        }
    } else if (colon == 0) {
        return false;
    }
    if (colon >= authority.size()) {
        return true;  // no port
    }
    const std::string_view port = authority.substr(colon + 1);
    return !port.empty() && port.size() <= 5 &&
           std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool csrf_token_matches(std::string_view expected, std::string_view provided) noexcept
{
    return !expected.empty() && crypto::constant_time_equal(expected, provided);
}

std::string origin_of(std::string_view url)
{
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return {};
    }
    const std::string scheme = lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") {
        return {};
    }
    std::string_view rest = url.substr(sep + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (rest.empty() || rest.find('@') != std::string_view::npos) {
        return {};  // no host, or userinfo (never in a browser's Origin; suspicious in a Referer)
    }
    if (!well_formed_authority(rest)) {
        return {};
    }
    return scheme + "://" + lower(rest);
}

bool origin_allowed(const origin_policy& policy, std::string_view origin_header,
                    std::string_view referer_header, std::string_view host_header)
{
    const std::string_view source = !origin_header.empty() ? origin_header : referer_header;
    if (source.empty()) {
        return true;
    }
    const std::string origin = origin_of(source);
    if (origin.empty()) {
        return false;
    }
    if (!policy.allowed.empty()) {
        return std::any_of(policy.allowed.begin(), policy.allowed.end(),
                           [&](const std::string& allowed) { return lower(allowed) == origin; });
    }
    if (host_header.empty()) {
        return false;
    }
    std::string host = lower(host_header);
    const std::string authority = authority_of(origin);
    if (authority == host) {
        return true;
    }
    // Host may carry the default port explicitly while the Origin omits it.
    const std::string scheme = origin.substr(0, origin.find(':'));
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    return host.ends_with(default_port) && host.substr(0, host.size() - default_port.size()) == authority;
}

}  // namespace authd::auth
