// The subcommands that work on a database, also while servers run on it:
//   authd migrate, authd check-config, authd config-example, authd admin ...
// Each returns the process exit code: 0 done, 1 it could not be done (named on stderr),
// 2 the command line is wrong (usage on stderr). Nothing secret is ever printed: no password
// hash, session token or CSRF token; sessions are named by their short reference.
#pragma once

#include <string>
#include <vector>

namespace authd::app {

using getenv_fn = const char* (*)(const char*);

// `args` are the arguments after the subcommand's name.
int migrate_command(const std::vector<std::string>& args, getenv_fn getenv);
int check_config_command(const std::vector<std::string>& args, getenv_fn getenv);
int config_example_command(const std::vector<std::string>& args);
int admin_command(const std::vector<std::string>& args, getenv_fn getenv);

// The subcommand list for `authd --help`.
std::string subcommands_help();

}  // namespace authd::app
