// The HTTP/1.1 framing rules authd adds to Beast's parser: shared by the server and by the request
// fuzzer, which must judge bytes exactly alike.
#pragma once

#include "http/server.hpp"

#include <string>
#include <string_view>

namespace authd::http {

// False for framing Beast's parser accepts but authd refuses (RFC 9112): an HTTP/1.1 request
// without Host, one with several Host fields, and a Transfer-Encoding other than plain "chunked".
bool acceptable_framing(const request& header);

// True when the header part of `bytes` has an obs-fold line (RFC 9112 §5.2): refused with 400.
bool has_obs_fold(std::string_view bytes);

}  // namespace authd::http
