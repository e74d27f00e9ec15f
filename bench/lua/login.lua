-- POST /auth/login with the right password, as fast as possible (the login flood of isolation.sh).
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
non200 = 0

setup = common.setup
done = common.done

local body = '{"email":"flood@bench.invalid","password":"flood-password"}'

request = function()
  return wrk.format("POST", "/auth/login", {["Content-Type"] = "application/json"}, body)
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
