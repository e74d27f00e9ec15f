// Validating a listen address without the transport's headers (the configuration uses it).
#pragma once

#include <optional>
#include <string>

namespace authd::http {

// Why `address` cannot be listened on as host:port (an IP address and a port 0-65535), if it
// cannot: for validating the configuration before anything starts. Defined in server.cpp, where
// the same parsing serves server::listen.
std::optional<std::string> listen_address_problem(const std::string& address);

}  // namespace authd::http
