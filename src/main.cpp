// authd: parse the configuration, then hand over to the application.
#include "app/app.hpp"
#include "app/seed_sessions.hpp"
#include "config/options.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

const char* read_env(const char* name)
{
    return std::getenv(name);
}

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args.front() == "seed-sessions") {
        return authd::app::seed_sessions({args.begin() + 1, args.end()});
    }
    const auto parsed = authd::config::parse(args, &read_env);
    if (parsed.help) {
        std::cout << authd::config::help_text();
        return 0;
    }
    if (parsed.version) {
        std::cout << "authd " << AUTHD_VERSION << "\n";
        return 0;
    }
    if (!parsed.errors.empty()) {
        for (const auto& e : parsed.errors) {
            std::cerr << "authd: " << e << "\n";
        }
        return 2;
    }
    return authd::app::run(parsed.values);
}
