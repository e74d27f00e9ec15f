#include "config/options.hpp"

#include "http/cookie.hpp"
#include "http/listen_address.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <functional>
#include <span>

namespace authd::config {
namespace {

using setter = std::function<std::optional<std::string>(settings&, std::string_view)>;

struct option {
    std::string_view flag;  // without the leading "--"
    std::string_view env;
    std::string_view default_text;
    std::string_view help;
    bool is_switch;  // a boolean that may be given as a bare flag
    setter apply;    // the error text, or nullopt when the value was accepted
};

std::optional<std::size_t> parse_size(std::string_view text)
{
    const auto digits_end = std::min(text.find_first_not_of("0123456789"), text.size());
    const std::string_view digits = text.substr(0, digits_end);
    const std::string_view unit = text.substr(digits_end);
    std::size_t multiplier = 0;
    if (unit.empty()) {
        multiplier = 1;
    } else if (unit == "KiB" || unit == "k") {
        multiplier = 1024;
    } else if (unit == "MiB" || unit == "m") {
        multiplier = 1024 * 1024;
    }
    std::size_t value = 0;
    if (digits.empty() || multiplier == 0 ||
        std::from_chars(digits.data(), digits.data() + digits.size(), value).ec != std::errc{} ||
        value > std::numeric_limits<std::size_t>::max() / multiplier) {
        return std::nullopt;
    }
    return value * multiplier;
}

std::optional<bool> parse_bool(std::string_view text)
{
    if (text == "1" || text == "true" || text == "yes" || text == "on")
        return true;
    if (text == "0" || text == "false" || text == "no" || text == "off")
        return false;
    return std::nullopt;
}

setter text_of(std::string settings::*member)
{
    return [member](settings& s, std::string_view v) -> std::optional<std::string> {
        if (v.empty()) {
            return "must not be empty";
        }
        s.*member = std::string(v);
        return std::nullopt;
    };
}

setter switch_of(bool settings::*member)
{
    return [member](settings& s, std::string_view v) -> std::optional<std::string> {
        const auto b = parse_bool(v);
        if (!b) {
            return "must be true or false";
        }
        s.*member = *b;
        return std::nullopt;
    };
}

setter duration_of(std::chrono::milliseconds settings::*member)
{
    return [member](settings& s, std::string_view v) -> std::optional<std::string> {
        const auto d = parse_duration(v);
        if (!d || d->count() <= 0) {
            return "must be a positive duration such as 90s, 30m, 12h or 30d";
        }
        s.*member = *d;
        return std::nullopt;
    };
}

template <class Int>
setter count_of(Int settings::*member, std::size_t minimum)
{
    return [member, minimum](settings& s, std::string_view v) -> std::optional<std::string> {
        const auto n = parse_size(v);
        if (!n || *n < minimum) {
            return "must be a number of at least " + std::to_string(minimum);
        }
        s.*member = static_cast<Int>(*n);
        return std::nullopt;
    };
}

// Calls fn for each non-empty, space-trimmed item of a comma-separated list; stops at the first
// error fn returns.
template <class Fn>
std::optional<std::string> for_each_item(std::string_view list, Fn fn)
{
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        if (!item.empty()) {
            if (auto problem = fn(item)) {
                return problem;
            }
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return std::nullopt;
}

const std::vector<option>& table()
{
    static const std::vector<option> options{
        {"listen", "AUTHD_LISTEN", "127.0.0.1:8080",
         "address to listen on, host:port (port 0: pick a free one)", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             if (auto problem = http::listen_address_problem(std::string(v))) {
                 return problem;
             }
             s.listen = v;
             return std::nullopt;
         }},
        {"db", "AUTHD_DB", "./data/authd.db", "SQLite database file (created with its directory if missing)",
         false, text_of(&settings::db)},
        {"cookie-name", "AUTHD_COOKIE_NAME", "session",
         "session cookie name (__Host-session recommended with HTTPS)", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             if (!http::is_valid_cookie_name(v)) {
                 return "must be a valid cookie name";
             }
             s.cookie_name = std::string(v);
             return std::nullopt;
         }},
        {"cookie-domain", "AUTHD_COOKIE_DOMAIN", "unset",
         "Domain attribute of the session cookie (unset: host-only)", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             // A host name only: browsers drop a cookie whose Domain is a URL or has a port.
             if (v.find_first_of(";, \t\r\n/:") != std::string_view::npos) {
                 return "must be a plain domain name (example.com), not a URL";
             }
             s.cookie_domain = v.empty() ? std::nullopt : std::optional<std::string>(v);
             return std::nullopt;
         }},
        {"insecure-cookies", "AUTHD_INSECURE_COOKIES", "off",
         "drop the Secure attribute (plain-HTTP development only)", true,
         switch_of(&settings::insecure_cookies)},
        {"allowed-origins", "AUTHD_ALLOWED_ORIGINS", "own origin",
         "comma-separated origins allowed to send state-changing requests", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             s.allowed_origins.clear();
             return for_each_item(v, [&s](std::string_view item) -> std::optional<std::string> {
                 while (item.ends_with('/')) {
                     item.remove_suffix(1);
                 }
                 if (!item.starts_with("http://") && !item.starts_with("https://")) {
                     return "each origin must be http://host[:port] or https://host[:port]";
                 }
                 s.allowed_origins.emplace_back(item);
                 return std::nullopt;
             });
         }},
        {"trusted-proxies", "AUTHD_TRUSTED_PROXIES", "none",
         "comma-separated IP addresses of reverse proxies whose X-Forwarded-For names the client", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             s.trusted_proxies.clear();
             return for_each_item(v, [&s](std::string_view item) -> std::optional<std::string> {
                 boost::system::error_code ec;
                 const auto address = boost::asio::ip::make_address(std::string(item), ec);
                 if (ec) {
                     return "each entry must be an IP address, got '" + std::string(item) + "'";
                 }
                 s.trusted_proxies.push_back(address.to_string());
                 return std::nullopt;
             });
         }},
        {"clear-site-data", "AUTHD_CLEAR_SITE_DATA", "off",
         "send Clear-Site-Data: \"cookies\" on logout (wipes the whole registrable domain's cookies)", true,
         switch_of(&settings::clear_site_data)},
        {"session-idle", "AUTHD_SESSION_IDLE", "30m", "idle timeout of a session (sliding)", false,
         duration_of(&settings::session_idle)},
        {"session-absolute", "AUTHD_SESSION_ABSOLUTE", "12h", "absolute lifetime of a session", false,
         duration_of(&settings::session_absolute)},
        {"session-remember", "AUTHD_SESSION_REMEMBER", "30d",
         "absolute lifetime of a \"remember me\" session (no idle timeout)", false,
         duration_of(&settings::session_remember)},
        {"log-level", "AUTHD_LOG_LEVEL", "info", "debug, info, warn or error", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             const auto l = log::parse_level(v);
             if (!l) {
                 return "must be debug, info, warn or error";
             }
             s.log_level = *l;
             return std::nullopt;
         }},
        {"log-format", "AUTHD_LOG_FORMAT", "json",
         "json (one object per line) or text (logfmt-style, for people)", false,
         [](settings& s, std::string_view v) -> std::optional<std::string> {
             const auto f = log::parse_format(v);
             if (!f) {
                 return "must be json or text";
             }
             s.log_format = *f;
             return std::nullopt;
         }},
        {"threads", "AUTHD_THREADS", "0 (one per core)", "I/O worker threads", false,
         count_of(&settings::threads, 0)},
        {"hash-threads", "AUTHD_HASH_THREADS", "0 (half the cores)", "password-hashing (Argon2id) threads",
         false, count_of(&settings::hash_threads, 0)},
        {"hash-queue", "AUTHD_HASH_QUEUE", "64", "password hashes queued or running at most (then 503)",
         false, count_of(&settings::hash_queue, 1)},
        {"session-cache", "AUTHD_SESSION_CACHE", "65536",
         "sessions (and users) cached in memory for session checks; 0 disables", false,
         count_of(&settings::session_cache, 0)},
        {"max-body", "AUTHD_MAX_BODY", "64KiB", "largest request body (then 413)", false,
         count_of(&settings::max_body, 1024)},
        {"max-header", "AUTHD_MAX_HEADER", "16KiB", "largest request header block (then 431)", false,
         count_of(&settings::max_header, 1024)},
        {"max-connections", "AUTHD_MAX_CONNECTIONS", "10000", "open client connections at most", false,
         count_of(&settings::max_connections, 1)},
        {"request-timeout", "AUTHD_REQUEST_TIMEOUT", "10s", "time to receive one request's header and body",
         false, duration_of(&settings::request_timeout)},
        {"keepalive-timeout", "AUTHD_KEEPALIVE_TIMEOUT", "30s",
         "idle time between requests on one connection", false, duration_of(&settings::keepalive_timeout)},
        {"shutdown-grace", "AUTHD_SHUTDOWN_GRACE", "10s", "time for requests in flight to finish on SIGTERM",
         false, duration_of(&settings::shutdown_grace)},
        {"purge-interval", "AUTHD_PURGE_INTERVAL", "1m", "how often expired sessions are deleted", false,
         duration_of(&settings::purge_interval)},
        {"login-max-failures", "AUTHD_LOGIN_MAX_FAILURES", "5",
         "failed logins per account within the window before 429", false,
         count_of(&settings::login_max_failures, 1)},
        {"login-max-failures-per-address", "AUTHD_LOGIN_MAX_FAILURES_PER_ADDRESS", "100",
         "failed logins per client address within the window before 429", false,
         count_of(&settings::login_max_failures_per_address, 1)},
        {"login-failure-window", "AUTHD_LOGIN_FAILURE_WINDOW", "15m",
         "window in which failed logins are counted", false, duration_of(&settings::login_failure_window)},
    };
    return options;
}

const option* find_flag(std::string_view name)
{
    for (const auto& o : table()) {
        if (o.flag == name) {
            return &o;
        }
    }
    return nullptr;
}

// Applies one value and records it as the option's effective value (a later one replaces it).
void apply(const option& o, std::string_view value, std::string_view source, parse_outcome& out)
{
    if (const auto problem = o.apply(out.values, value)) {
        out.errors.push_back(std::string(source) + ": " + *problem);
    }
    const auto index = static_cast<std::size_t>(&o - table().data());
    out.effective[index].value = value;
    out.effective[index].source = source.starts_with("--") ? "flag" : "env";
}

// Browsers match the cookie name prefixes case-insensitively (RFC 6265bis, 4.1.3).
bool has_cookie_prefix(std::string_view name, std::string_view prefix)
{
    return name.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), name.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

void validate(const settings& s, std::vector<std::string>& errors)
{
    if (has_cookie_prefix(s.cookie_name, "__Host-") && (s.cookie_domain || s.insecure_cookies)) {
        errors.emplace_back("--cookie-name: a __Host- cookie must be Secure and must not have a Domain");
    }
    if (has_cookie_prefix(s.cookie_name, "__Secure-") && s.insecure_cookies) {
        errors.emplace_back("--cookie-name: a __Secure- cookie must be Secure");
    }
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
    using namespace std::chrono;
    const auto digits_end = std::min(text.find_first_not_of("0123456789"), text.size());
    const std::string_view digits = text.substr(0, digits_end);
    const std::string_view unit = digits_end == text.size() ? "s" : text.substr(digits_end);
    long long n = 0;
    if (digits.empty() ||
        std::from_chars(digits.data(), digits.data() + digits.size(), n).ec != std::errc{}) {
        return std::nullopt;
    }
    long long ms_per_unit = 0;
    if (unit == "ms")
        ms_per_unit = 1;
    if (unit == "s")
        ms_per_unit = 1000;
    if (unit == "m")
        ms_per_unit = 60 * 1000;
    if (unit == "h")
        ms_per_unit = 3600 * 1000;
    if (unit == "d")
        ms_per_unit = 24LL * 3600 * 1000;
    // Nothing authd times needs more than a hundred years; beyond that is a typo or an overflow.
    constexpr long long max_ms = 100LL * 365 * 24 * 3600 * 1000;
    if (ms_per_unit == 0 || n > max_ms / ms_per_unit) {
        return std::nullopt;
    }
    return milliseconds{n * ms_per_unit};
}

parse_outcome parse(const std::vector<std::string>& args, const char* (*getenv)(const char*))
{
    parse_outcome out;
    for (const auto& o : table()) {
        out.effective.push_back({.env = o.env, .value = std::string(o.default_text), .source = "default"});
    }
    for (const auto& o : table()) {
        if (const char* value = getenv(std::string(o.env).c_str()); value != nullptr) {
            apply(o, value, o.env, out);
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            continue;
        }
        if (arg == "--version") {
            out.version = true;
            continue;
        }
        if (!arg.starts_with("--")) {
            out.errors.push_back("unexpected argument '" + std::string(arg) + "'");
            continue;
        }
        arg.remove_prefix(2);
        std::optional<std::string_view> inline_value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const option* o = find_flag(arg);
        if (o == nullptr) {
            out.errors.push_back("unknown option '--" + std::string(arg) + "' (see --help)");
            continue;
        }
        const std::string source = "--" + std::string(o->flag);
        if (inline_value) {
            apply(*o, *inline_value, source, out);
        } else if (o->is_switch) {
            apply(*o, "true", source, out);
        } else if (i + 1 < args.size()) {
            apply(*o, args[++i], source, out);
        } else {
            out.errors.push_back(source + ": needs a value");
        }
    }
    validate(out.values, out.errors);
    return out;
}

std::string example_env_file()
{
    std::string out =
        "# authd configuration: every variable here is shown at its default, commented out.\n"
        "# Uncomment and change what you need; a command-line flag of the same name wins.\n"
        "# Generated from authd's option table (authd config-example).\n";
    for (const auto& o : table()) {
        // Appended piece by piece: g++ 12 warns falsely (-Wrestrict) on chains of string +.
        out += "\n# --";
        out += o.flag;
        out += ": ";
        out += o.help;
        out += "\n# default: ";
        out += o.default_text;
        out += "\n#";
        // Defaults that describe rather than state a value ("unset", "own origin") stay empty.
        std::string_view literal = o.default_text.substr(0, o.default_text.find(" ("));
        if (literal == "unset" || literal.find(' ') != std::string_view::npos) {
            literal = {};
        }
        out += o.env;
        out += '=';
        out += literal;
        out += '\n';
    }
    return out;
}

std::string help_text()
{
    std::string out =
        "authd: session authentication service\n\n"
        "usage: authd [options]\n\n"
        "Every option is also read from its environment variable; the flag wins.\n\n";
    for (const auto& o : table()) {
        std::string left = "  --" + std::string(o.flag) + (o.is_switch ? "" : " VALUE");
        left.resize(std::max<std::size_t>(left.size() + 1, 40), ' ');
        out += left + std::string(o.help) + "\n";
        out += std::string(40, ' ') + "env " + std::string(o.env) + ", default " +
               std::string(o.default_text) + "\n";
    }
    return out;
}

}  // namespace authd::config
