// The coroutine type every asynchronous domain function returns, and the one way authd hands a
// blocking job to another thread and resumes the caller on its own executor when the job is done.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace authd {

namespace net = boost::asio;

template <class T>
using task = net::awaitable<T>;

// An already-finished task holding `value` (for functions that compute synchronously but
// implement an asynchronous interface).
template <class T>
task<T> ready(T value)
{
    co_return value;
}

// Resumes the coroutine that awaits `handler` with `value`, on the coroutine's own executor.
// The work guard keeps that executor's io_context running while the job is away.
template <class Handler, class Value>
void complete_on_own_executor(Handler handler, Value value)
{
    auto ex = net::get_associated_executor(handler);
    net::post(ex, [handler = std::move(handler), value = std::move(value)]() mutable {
        std::move(handler)(std::move(value));
    });
}

// Runs fn() on `target` (a thread pool's executor) and resumes the caller on its executor with
// fn's return value. fn must not throw: it returns its failure as a value.
// Deliberately not a coroutine: async_initiate builds the awaitable directly (g++ 12 mishandles
// lambda captures that live in a coroutine frame across a co_await).
template <class Executor, class Fn>
auto run_on(Executor target, Fn fn) -> task<std::invoke_result_t<Fn&>>
{
    using value_type = std::invoke_result_t<Fn&>;
    return net::async_initiate<const net::use_awaitable_t<>&, void(value_type)>(
        [target, fn = std::move(fn)](auto handler) mutable {
            auto guard = net::make_work_guard(net::get_associated_executor(handler));
            net::post(target,
                      [fn = std::move(fn), handler = std::move(handler), guard = std::move(guard)]() mutable {
                          complete_on_own_executor(std::move(handler), fn());
                      });
        },
        net::use_awaitable);
}

}  // namespace authd
