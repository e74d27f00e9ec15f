// The composition root: builds the store, services, handlers and server from the settings, runs
// them until SIGTERM/SIGINT, and shuts down gracefully.
#pragma once

#include "config/settings.hpp"

namespace authd::app {

// The process exit code: 0 after a clean shutdown, 1 when start-up failed (reported on stderr).
int run(const config::settings& settings);

}  // namespace authd::app
