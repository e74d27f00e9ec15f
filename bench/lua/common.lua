-- Shared by the authd wrk scripts: counts non-200 answers per thread and prints one
-- machine-readable RESULT line at the end (the runner parses it).
local M = {}
local threads = {}

function M.setup(thread)
  table.insert(threads, thread)
end

-- The "TOKEN CSRF_TOKEN" lines of $TOKENS (authd seed-sessions --out), read one at a time from the
-- file kept as one string. Not a table of pairs: every cycle of LuaJIT's garbage collector walks a
-- table whole, and with a million pairs that is tens of milliseconds with wrk's event loop stopped,
-- which wrk's coordinated-omission correction then spreads over many samples of the p99. A string
-- costs the collector nothing to mark.
function M.token_file()
  local path = os.getenv("TOKENS")
  assert(path, "set TOKENS to a file written by: authd seed-sessions --out FILE")
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

-- A function that returns the token and CSRF token of the line after the last one it returned,
-- starting at line `first` and taking every `step`-th line after it (1: every line); nil, nil
-- once the lines run out. Lines that are not a pair are skipped, as if absent.
function M.token_reader(text, first, step)
  local pos, skip = 1, (first or 1) - 1
  step = step or 1
  return function()
    while pos <= #text do
      local line_end = text:find("\n", pos, true) or #text + 1
      -- No part of the pattern matches a newline, so the match stays within this line.
      local token, csrf, after = text:match("^(%S+) (%S+)\r*()", pos)
      pos = line_end + 1
      if token ~= nil and after == line_end then
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
