-- Shared by the authd wrk scripts: counts non-200 answers per thread and prints one
-- machine-readable RESULT line at the end (the runner parses it).
local M = {}
local threads = {}

function M.setup(thread)
  table.insert(threads, thread)
end

-- A function that returns the token and CSRF token of the next "TOKEN CSRF_TOKEN" line of $TOKENS
-- (authd seed-sessions --out), starting at line `first` and taking every `step`-th line after it
-- (1: every line); nil, nil once the lines run out. Lines that are not a pair are skipped, as if
-- absent. The file is read a line at a time through its own handle, so the Lua heap stays small
-- whatever the file's size. Not a table of pairs: every cycle of LuaJIT's garbage collector walks
-- a table whole, and with a million pairs that is tens of milliseconds with wrk's event loop
-- stopped, which wrk's coordinated-omission correction then spreads over many samples of the p99.
-- Not the file as one string either: the collector lets garbage grow to twice the live heap
-- before its next cycle, so an 88 MB string made wrk run through fresh memory (page faults) and
-- held /auth/me at 145-153k req/s where a short file gave 173-175k.
function M.token_reader(first, step)
  local path = os.getenv("TOKENS")
  assert(path, "set TOKENS to a file written by: authd seed-sessions --out FILE")
  local file = assert(io.open(path, "rb"))
  local skip = (first or 1) - 1
  step = step or 1
  return function()
    for line in file:lines() do
      local token, csrf = line:match("^(%S+) (%S+)\r*$")
      if token ~= nil then
        if skip == 0 then
          skip = step - 1
          return token, csrf
        end
        skip = skip - 1
      end
    end
    return nil, nil
  end
end

function M.done(summary, latency, requests)
  local non200, exhausted = 0, 0
  for _, t in ipairs(threads) do
    non200 = non200 + (t:get("non200") or 0)
    exhausted = exhausted + (t:get("exhausted") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d non200=%d socket_errors=%d tokens_exhausted=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    non200, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    exhausted))
end

return M
