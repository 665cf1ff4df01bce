-- wrk script: POST a GraphQL document (QUERY), or with METHOD=GET call the URL as it is (a REST
-- route), with a bearer token (TOKEN) and optionally X-Store-Id (STORE).
local token = os.getenv("TOKEN")
local store = os.getenv("STORE")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if store and store ~= "" then
  wrk.headers["X-Store-Id"] = store
end
if os.getenv("METHOD") == "GET" then
  wrk.method = "GET"
else
  local query = os.getenv("QUERY")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local escaped = query:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
  wrk.body = '{"query":"' .. escaped .. '"}'
end

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
