// `authd seed-sessions`: creates one user and N sessions directly in the store, exactly as login
// would, and writes one "TOKEN CSRF_TOKEN" line per session. Benchmarks consume one session per
// logout, and logging in N times would measure Argon2id instead of authd.
#pragma once

#include <string>
#include <vector>

namespace authd::app {

// `args` are the arguments after "seed-sessions"; returns the process exit code.
int seed_sessions(const std::vector<std::string>& args);

}  // namespace authd::app
