// docs/openapi.json (compiled into the binary, served at /openapi.json) and the route table must
// name the same (method, path) pairs: a route without documentation, or documentation of a route
// that does not exist, fails here.
#include "api/routes.hpp"
#include "web/assets.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace authd::api {
namespace {

using pair_set = std::set<std::pair<std::string, std::string>>;

// The routes that serve the files of Swagger UI and the web UI: not API operations.
bool serves_static_files(std::string_view pattern)
{
    return pattern == "/ui" || pattern.starts_with("/ui/") || pattern.starts_with("/docs/");
}

pair_set routed_pairs()
{
    pair_set out;
    for (const route& r : route_table()) {
        if (!serves_static_files(r.pattern)) {
            out.emplace(std::string(boost::beast::http::to_string(r.method)), std::string(r.pattern));
        }
    }
    return out;
}

pair_set documented_pairs()
{
    const auto file = web::find("/openapi.json");
    if (!file) {
        ADD_FAILURE() << "/openapi.json is not embedded";
        return {};
    }
    const auto doc = boost::json::parse(file->bytes);
    pair_set out;
    static const std::set<std::string> methods{"get", "put", "post", "delete", "patch", "head", "options"};
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [key, operation] : item.as_object()) {
            if (methods.contains(std::string(key))) {
                out.emplace(boost::algorithm::to_upper_copy(std::string(key)), std::string(path));
            }
        }
    }
    return out;
}

TEST(OpenApiDocument, NamesExactlyTheRoutesOfTheRouter)
{
    const pair_set routed = routed_pairs();
    const pair_set documented = documented_pairs();
    for (const auto& [method, path] : routed) {
        EXPECT_TRUE(documented.contains({method, path}))
            << method << " " << path << " is routed, not documented";
    }
    for (const auto& [method, path] : documented) {
        EXPECT_TRUE(routed.contains({method, path})) << method << " " << path << " is documented, not routed";
    }
}

TEST(OpenApiDocument, IsOpenApi31)
{
    const auto file = web::find("/openapi.json");
    ASSERT_TRUE(file);
    const auto doc = boost::json::parse(file->bytes);
    EXPECT_TRUE(doc.at("openapi").as_string().starts_with("3.1."));
}

}  // namespace
}  // namespace authd::api
