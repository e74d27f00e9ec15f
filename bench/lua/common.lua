-- Shared by the authd wrk scripts: counts non-200 answers per thread and prints one
-- machine-readable RESULT line at the end (the runner parses it).
local M = {}
local threads = {}

function M.setup(thread)
  table.insert(threads, thread)
end

-- Loads "TOKEN CSRF_TOKEN" lines (authd seed-sessions --out) from the file named by $TOKENS.
function M.load_tokens()
  local path = os.getenv("TOKENS")
  assert(path, "set TOKENS to a file written by: authd seed-sessions --out FILE")
  local list = {}
  for line in io.lines(path) do
    local token, csrf = line:match("^(%S+) (%S+)$")
    if token then list[#list + 1] = {token, csrf} end
  end
  return list
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
