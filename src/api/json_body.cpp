#include "api/json_body.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace authd::api {
namespace {

bool is_json_media_type(std::string_view content_type)
{
    std::string_view media = content_type.substr(0, content_type.find(';'));
    while (!media.empty() && media.back() == ' ') {
        media.remove_suffix(1);
    }
    return boost::beast::iequals(media, "application/json") ||
           (media.size() > 5 && boost::beast::iequals(media.substr(media.size() - 5), "+json"));
}

}  // namespace

std::optional<json_body> json_body::parse(const http::request& req, std::vector<field_error>& errors)
{
    const auto content_type = req[boost::beast::http::field::content_type];
    if (!content_type.empty() && !is_json_media_type(content_type)) {
        // A cross-site form can send text/plain or form data without a preflight; JSON cannot.
        errors.push_back({"body", "Content-Type must be application/json"});
        return std::nullopt;
    }
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 16;
    boost::json::value value = boost::json::parse(req.body(), ec, {}, options);
    if (ec) {
        errors.push_back({"body", "must be valid JSON (UTF-8)"});
        return std::nullopt;
    }
    if (!value.is_object()) {
        errors.push_back({"body", "must be a JSON object"});
        return std::nullopt;
    }
    return json_body(std::move(value.as_object()));
}

std::optional<std::string> json_body::required_string(std::string_view key,
                                                      std::vector<field_error>& errors) const
{
    const auto* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        errors.push_back({std::string(key), "field required"});
        return std::nullopt;
    }
    if (!value->is_string()) {
        errors.push_back({std::string(key), "must be a string"});
        return std::nullopt;
    }
    return std::string(value->as_string());
}

std::optional<bool> json_body::optional_bool(std::string_view key, bool fallback,
                                             std::vector<field_error>& errors) const
{
    const auto* value = object_.if_contains(key);
    if (value == nullptr) {
        return fallback;
    }
    if (!value->is_bool()) {
        errors.push_back({std::string(key), "must be a boolean"});
        return std::nullopt;
    }
    return value->as_bool();
}

}  // namespace authd::api
