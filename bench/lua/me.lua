-- GET /auth/me with one valid session (the first line of $TOKENS).
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
local token = assert(common.token_reader()(), "$TOKENS has no TOKEN CSRF_TOKEN line")
non200 = 0

setup = common.setup
done = common.done

request = function()
  return wrk.format("GET", "/auth/me", {["Cookie"] = "session=" .. token})
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
