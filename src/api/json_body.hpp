// Decoding JSON request bodies into plain values, collecting every field problem for one 422.
#pragma once

#include "api/reply.hpp"
#include "http/server.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::api {

class json_body {
public:
    // The body as a JSON object; nullopt (and a "body" error) when it is not JSON, not an object,
    // not valid UTF-8, or sent with a Content-Type that is not JSON.
    static std::optional<json_body> parse(const http::request& req, std::vector<field_error>& errors);

    // The string at `key`, or nullopt (and an error naming `key`) when missing or not a string.
    std::optional<std::string> required_string(std::string_view key, std::vector<field_error>& errors) const;
    // The boolean at `key`, `fallback` when absent, nullopt (and an error) when anything else, null
    // included (a `bool = false` field of the plan's models refuses null too).
    std::optional<bool> optional_bool(std::string_view key, bool fallback,
                                      std::vector<field_error>& errors) const;

private:
    explicit json_body(boost::json::object object) : object_(std::move(object)) {}
    boost::json::object object_;
};

}  // namespace authd::api
