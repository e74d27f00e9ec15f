// Micro-benchmarks of the pieces on authd's hot path: cookie parsing, token hashing, routing and
// JSON rendering. Run: build/release/bench/micro/authd_micro_bench
#include "api/reply.hpp"
#include "api/routes.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "http/cookie.hpp"
#include "session/token.hpp"

#include <benchmark/benchmark.h>
#include <boost/json/value.hpp>

namespace {

using namespace authd;

const std::string cookie_header =
    "_ga=GA1.1.1234567890.1700000000; theme=dark; session=Y2xhc3NpY2FsbHktNDMtY2hhcmFjdGVycy1sb25n-xy; "
    "lang=pl";

void cookie_parsing(benchmark::State& state)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(http::cookie_values(cookie_header, "session"));
    }
}
BENCHMARK(cookie_parsing);

void token_hashing(benchmark::State& state)
{
    const std::string token = session::issue_token().cookie_value;
    for (auto _ : state) {
        benchmark::DoNotOptimize(session::hash_cookie_value(token));
    }
}
BENCHMARK(token_hashing);

// libsodium's portable SHA-256 of the same token: what token_hashing costs on a CPU without the
// SHA extensions (token_hashing uses them where the CPU has them).
void token_hashing_portable(benchmark::State& state)
{
    const std::string token = session::issue_token().cookie_value;
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto::sha256_portable(token));
    }
}
BENCHMARK(token_hashing_portable);

void routing(benchmark::State& state)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(api::match_route("/auth/me", boost::beast::http::verb::get));
        benchmark::DoNotOptimize(
            api::match_route("/auth/sessions/abcdef", boost::beast::http::verb::delete_));
    }
}
BENCHMARK(routing);

void json_rendering_of_me(benchmark::State& state)
{
    const sys_ms now = system_clock{}.now();
    const auto hash = session::issue_token().hash;
    for (auto _ : state) {
        boost::json::object user{{"id", "6935b35b-8b01-4160-81c6-b053de92fb8e"},
                                 {"email", "someone@example.com"},
                                 {"role", "user"}};
        boost::json::object session{{"id", session::public_id(hash)},
                                    {"created_at", format_iso8601(now)},
                                    {"expires_at", format_iso8601(now)}};
        benchmark::DoNotOptimize(
            api::json_reply(boost::beast::http::status::ok,
                            boost::json::object{{"user", std::move(user)}, {"session", std::move(session)}}));
    }
}
BENCHMARK(json_rendering_of_me);

void error_rendering(benchmark::State& state)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(api::error_reply(errc::not_authenticated, api::language::pl));
    }
}
BENCHMARK(error_rendering);

}  // namespace

int main(int argc, char** argv)
{
    if (!authd::crypto::initialize()) {
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
