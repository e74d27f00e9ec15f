// Reads settings from AUTHD_* environment variables and --flags (a flag wins over its variable),
// and renders --help, all from one option table.
#pragma once

#include "config/settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::config {

// An option's effective value as text, as given (not normalized), and where it came from:
// "flag", "env" or "default" (then the value is the default's description).
struct effective_option {
    std::string_view env;
    std::string value;
    std::string_view source;
};

struct parse_outcome {
    settings values;
    std::vector<effective_option> effective;  // every option, in table order (authd check-config)
    std::vector<std::string> errors;          // every problem at once, each naming its option
    bool help = false;
    bool version = false;
};

// `args` excludes the program name; `getenv` looks up environment variables (nullptr: unset).
parse_outcome parse(const std::vector<std::string>& args, const char* (*getenv)(const char*));

std::string help_text();

// A commented environment file (for systemd's EnvironmentFile=) naming every option with its
// default: deploy/authd.env is this text, and a test keeps them equal.
std::string example_env_file();

// "90s", "30m", "12h", "30d", "500ms", or a plain number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace authd::config
