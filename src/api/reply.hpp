// What a handler answers, before the dispatcher adds the common headers: a status, a JSON body,
// cookies and extra headers. Error replies always come from the catalog.
#pragma once

#include "api/error_catalog.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::api {

struct field_error {
    std::string field;
    std::string message;
};

struct reply {
    boost::beast::http::status status = boost::beast::http::status::ok;
    std::string body;  // JSON text; empty for 204
    std::vector<std::string> set_cookies;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view content_type = {};  // empty: JSON (when there is a body)
};

reply json_reply(boost::beast::http::status status, const boost::json::value& body);

// {"detail": {"error_code": ..., "message": ...[, "fields": [...]]}} with the catalog's status
// (and Retry-After for SERVICE_BUSY, whichever route it comes from).
reply error_reply(errc e, language lang, const std::vector<field_error>& fields = {});

}  // namespace authd::api
