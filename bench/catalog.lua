-- wrk script: POST the nested catalog query with a bearer token.
-- Environment: QUERY (the GraphQL document), TOKEN (optional bearer token).
local query = os.getenv("QUERY")
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local escaped = query:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
wrk.body = '{"query":"' .. escaped .. '"}'

local non2xx = 0
response = function(status, headers, body)
  if status ~= 200 or body:find('"errors"') then
    non2xx = non2xx + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + non2xx))
end
