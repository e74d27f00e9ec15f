-- 95% GET /auth/me with one long-lived session, 5% POST /auth/logout of distinct sessions.
-- The first line of $TOKENS is the long-lived session; the others are consumed by logouts.
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load_tokens()
non200 = 0
exhausted = 0

setup = common.setup
done = common.done

local counter, next_logout = 0, 2

request = function()
  counter = counter + 1
  if counter % 20 == 0 then
    local pair = tokens[next_logout]
    if pair == nil then
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", "/health")
    end
    next_logout = next_logout + 1
    return wrk.format("POST", "/auth/logout", {["Cookie"] = "session=" .. pair[1], ["X-CSRF-Token"] = pair[2]})
  end
  return wrk.format("GET", "/auth/me", {["Cookie"] = "session=" .. tokens[1][1]})
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
