// Every setting of authd, with its default. The option table (options.cpp) is the one place that
// names them for flags, environment variables and --help.
#pragma once

#include "observability/log.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace authd::config {

struct settings {
    std::string listen = "127.0.0.1:8080";
    std::string db = "./data/authd.db";
    std::string cookie_name = "session";
    std::optional<std::string> cookie_domain;
    bool insecure_cookies = false;
    std::vector<std::string> allowed_origins;  // empty: the service's own origin
    // Peers whose X-Forwarded-For names the client (reverse proxies); empty: none is trusted.
    std::vector<std::string> trusted_proxies;
    bool clear_site_data = false;
    std::chrono::milliseconds session_idle{std::chrono::minutes{30}};
    std::chrono::milliseconds session_absolute{std::chrono::hours{12}};
    std::chrono::milliseconds session_remember{std::chrono::hours{24 * 30}};
    log::level log_level = log::level::info;
    log::format log_format = log::format::json;
    unsigned threads = 0;       // I/O threads; 0: one per core
    unsigned hash_threads = 0;  // Argon2id threads; 0: half the cores, at least one
    std::size_t hash_queue = 64;
    std::size_t session_cache = 65536;  // sessions and users kept in memory; 0 disables
    std::size_t max_body = 64 * 1024;
    std::size_t max_header = 16 * 1024;
    std::size_t max_connections = 10000;
    std::chrono::milliseconds request_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds keepalive_timeout{std::chrono::seconds{30}};
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds{10}};
    std::chrono::milliseconds purge_interval{std::chrono::minutes{1}};
    std::size_t login_max_failures = 5;
    std::size_t login_max_failures_per_address = 100;
    std::chrono::milliseconds login_failure_window{std::chrono::minutes{15}};
};

}  // namespace authd::config
