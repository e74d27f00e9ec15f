// The endpoints for the people who run authd: Prometheus metrics and the files it serves itself
// (the OpenAPI document, Swagger UI at /docs and the web UI at /ui/).
#include "api/handlers.hpp"
#include "api/request_metrics.hpp"
#include "observability/metrics.hpp"
#include "web/assets.hpp"

namespace authd::api {

using boost::beast::http::status;

namespace {

// Only authd's own files, no inline script or style: an injected tag has nothing to run.
constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

}  // namespace

task<reply> handlers::static_file(request_context& ctx)
{
    const auto file = web::find(ctx.path);
    if (!file) {
        co_return error_reply(errc::not_found, ctx.lang);
    }
    // The files change only with the binary: a browser may keep them but must revalidate.
    co_return reply{.status = status::ok,
                    .body = std::string(file->bytes),
                    .set_cookies = {},
                    .headers = {{"Cache-Control", "no-cache"},
                                {"Content-Security-Policy", std::string(content_security_policy)}},
                    .content_type = file->content_type};
}

task<reply> handlers::redirect_to_ui(request_context&)
{
    co_return reply{.status = status::moved_permanently,
                    .body = {},
                    .set_cookies = {},
                    .headers = {{"Location", "/ui/"}},
                    .content_type = {}};
}

task<reply> handlers::metrics(request_context&)
{
    std::string out;
    out.reserve(16 * 1024);
    request_metrics::instance().render(out);
    metrics::render_counters(out);

    metrics::render_family_header(out, "authd_password_hash_queue_depth", "gauge",
                                  "Password hashes waiting for or running on a hashing thread.");
    metrics::render_sample(out, "authd_password_hash_queue_depth", "", auth_.hash_queue_depth());
    metrics::render_family_header(out, "authd_password_hash_wait_seconds", "histogram",
                                  "How long a password hash waited for a hashing thread.");
    metrics::hash_wait().render(out, "authd_password_hash_wait_seconds", "");

    // Counted by the store off the I/O threads; left out of this scrape if the store fails.
    auto live = co_await sessions_.count_live();
    if (live) {
        metrics::render_family_header(out, "authd_sessions_active", "gauge",
                                      "Sessions that would be accepted now, across every instance.");
        metrics::render_sample(out, "authd_sessions_active", "", *live);
    }
    metrics::render_family_header(out, "authd_build_info", "gauge", "The running version of authd.");
    metrics::render_sample(out, "authd_build_info",
                           R"(version=")" + metrics::label_value(options_.version) + '"', 1);
    co_return reply{.status = status::ok,
                    .body = std::move(out),
                    .set_cookies = {},
                    .headers = {},
                    .content_type = "text/plain; version=0.0.4; charset=utf-8"};
}

}  // namespace authd::api
