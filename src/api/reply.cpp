#include "api/reply.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace authd::api {

reply json_reply(boost::beast::http::status status, const boost::json::value& body)
{
    return reply{.status = status, .body = boost::json::serialize(body), .set_cookies = {}, .headers = {}};
}

reply error_reply(errc e, language lang, const std::vector<field_error>& fields)
{
    const catalog_entry entry = describe(e);
    boost::json::object detail{{"error_code", entry.error_code}, {"message", entry.message(lang)}};
    if (!fields.empty()) {
        boost::json::array list;
        for (const auto& f : fields) {
            list.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
        }
        detail["fields"] = std::move(list);
    }
    reply r = json_reply(entry.status, boost::json::object{{"detail", std::move(detail)}});
    if (e == errc::service_busy) {
        // The hashing queue drains within about a second: worth one retry, on every route.
        r.headers.emplace_back("Retry-After", "1");
    }
    return r;
}

}  // namespace authd::api
