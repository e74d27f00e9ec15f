// Runs one authd::task to completion on an io_context from a plain (non-coroutine) test body.
#pragma once

#include "core/async.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace authd::test {

// Spawns `t` on `ioc`, runs the context until it has no more work, and returns the task's value
// (rethrowing its exception). The context may be reused for the next call.
template <class T>
T run(boost::asio::io_context& ioc, task<T> t)
{
    std::optional<T> out;
    std::exception_ptr error;
    auto done = [&out, &error](std::exception_ptr e, T value) {
        error = e;
        if (!e) {
            out.emplace(std::move(value));
        }
    };
    boost::asio::co_spawn(ioc, std::move(t), std::move(done));
    ioc.restart();
    ioc.run();
    if (error) {
        std::rethrow_exception(error);
    }
    if (!out) {
        throw std::logic_error("the task did not finish");
    }
    return std::move(*out);
}

inline void run(boost::asio::io_context& ioc, task<void> t)
{
    bool finished = false;
    std::exception_ptr error;
    auto done = [&finished, &error](std::exception_ptr e) {
        error = e;
        finished = true;
    };
    boost::asio::co_spawn(ioc, std::move(t), std::move(done));
    ioc.restart();
    ioc.run();
    if (error) {
        std::rethrow_exception(error);
    }
    if (!finished) {
        throw std::logic_error("the task did not finish");
    }
}

// The same on a fresh io_context of its own.
template <class T>
T run(task<T> t)
{
    boost::asio::io_context ioc;
    return run(ioc, std::move(t));
}

}  // namespace authd::test
