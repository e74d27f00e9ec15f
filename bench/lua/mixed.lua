-- 95% GET /auth/me, 5% POST /auth/logout of distinct sessions. /auth/me cycles through the first
-- $ACTIVE lines of $TOKENS (default 1: one long-lived session; bench/run.sh's mixed-1k uses 1,000,
-- as a service with many signed-in users sees it); the lines after them are consumed by logouts.
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
local active = tonumber(os.getenv("ACTIVE") or "1")
-- The signed-in sessions (a small table), then a reader over the lines after them.
local active_tokens, next_pair = {}, common.token_reader()
for i = 1, active do
  active_tokens[i] = assert(next_pair(), "$TOKENS has fewer lines than $ACTIVE")
end
non200 = 0
exhausted = 0

setup = common.setup
done = common.done

local counter, next_active = 0, 1

request = function()
  counter = counter + 1
  if counter % 20 == 0 then
    local token, csrf = next_pair()
    if token == nil then
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", "/health")
    end
    return wrk.format("POST", "/auth/logout", {["Cookie"] = "session=" .. token, ["X-CSRF-Token"] = csrf})
  end
  local token = active_tokens[next_active]
  next_active = next_active % active + 1
  return wrk.format("GET", "/auth/me", {["Cookie"] = "session=" .. token})
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
