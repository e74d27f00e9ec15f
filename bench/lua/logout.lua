-- POST /auth/logout, each request with a distinct pre-made session and its CSRF token.
-- Threads take disjoint slices of $TOKENS; a thread that runs out stops and says so.
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
local thread_count = tonumber(os.getenv("WRK_THREADS") or "1")
local next_id = 0
non200 = 0
exhausted = 0

setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  common.setup(thread)
end
done = common.done

local next_pair

init = function()
  next_pair = common.token_reader(id + 1, thread_count)
end

request = function()
  local token, csrf = next_pair()
  if token == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/auth/logout", {["Cookie"] = "session=" .. token, ["X-CSRF-Token"] = csrf})
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
