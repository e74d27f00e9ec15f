// authd: parse the configuration, then hand over to the application.
#include "app/admin_cli.hpp"
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
    if (!args.empty()) {
        const std::string& command = args.front();
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "seed-sessions") {
            return authd::app::seed_sessions(rest);
        }
        if (command == "migrate") {
            return authd::app::migrate_command(rest, &read_env);
        }
        if (command == "check-config") {
            return authd::app::check_config_command(rest, &read_env);
        }
        if (command == "config-example") {
            return authd::app::config_example_command(rest);
        }
        if (command == "admin") {
            return authd::app::admin_command(rest, &read_env);
        }
    }
    const auto parsed = authd::config::parse(args, &read_env);
    if (parsed.help) {
        std::cout << authd::config::help_text() << authd::app::subcommands_help();
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
