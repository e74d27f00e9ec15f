-- GET / against the nginx baseline (a fixed 200): the HTTP ceiling of this machine.
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;" .. package.path
local common = require("common")
non200 = 0

setup = common.setup
done = common.done

request = function()
  return wrk.format("GET", "/")
end

response = function(status)
  if status ~= 200 then non200 = non200 + 1 end
end
