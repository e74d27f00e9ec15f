#include "http/framing.hpp"

#include <boost/beast/core/string.hpp>

namespace authd::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Framing that Beast's parser accepts but authd refuses (RFC 9112): an HTTP/1.1 request without
// Host, a request with more than one Host (3.2: which one names the target is ambiguous), and a
// Transfer-Encoding other than plain "chunked" (authd decodes no other coding, and a chain of
// codings is a classic request-smuggling shape).
bool acceptable_framing(const request& header)
{
    if (header.version() >= 11 && header.find(bhttp::field::host) == header.end()) {
        return false;
    }
    if (header.count(bhttp::field::host) > 1) {
        return false;
    }
    const auto te = header.find(bhttp::field::transfer_encoding);
    if (te == header.end()) {
        return true;
    }
    // Beast's parser has already trimmed the value's surrounding whitespace.
    return header.count(bhttp::field::transfer_encoding) == 1 && beast::iequals(te->value(), "chunked");
}

// RFC 9112 §5.2: obs-fold (a header line continued on the next line, which starts with SP or HTAB)
// is obsolete, and a server may reject it with 400. Beast silently unfolds it, but a proxy in
// front of authd may read the same bytes differently (continuation, or a header of its own), which
// is a request-smuggling shape, so authd refuses it. Only the header part of `bytes` is looked at.
bool has_obs_fold(std::string_view bytes)
{
    const std::string_view header = bytes.substr(0, bytes.find("\r\n\r\n"));
    for (auto nl = header.find('\n'); nl != std::string_view::npos && nl + 1 < header.size();
         nl = header.find('\n', nl + 1)) {
        if (header[nl + 1] == ' ' || header[nl + 1] == '\t') {
            return true;
        }
    }
    return false;
}

}  // namespace authd::http
