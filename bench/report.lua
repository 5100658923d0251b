-- wrk script for bench.run: signs each request in with one of the session ids
-- listed in the file BENCH_COOKIES names (one a line, rotated per request, each
-- thread starting at a different one), counts answers other than 200, and
-- prints one JSON line, prefixed BENCH_JSON, with latency percentiles in ms.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  sessions = {}
  local path = os.getenv("BENCH_COOKIES")
  if path and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then
        table.insert(sessions, line)
      end
    end
  end
  position = thread_id or 0
  not_ok = 0
end

function request()
  local headers = {}
  if #sessions > 0 then
    position = position % #sessions + 1
    headers["Cookie"] = "sessionid=" .. sessions[position]
  end
  return wrk.format("GET", nil, headers)
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do
    refused = refused + thread:get("not_ok")
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, '
      .. '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, "not_ok": %d, '
      .. '"socket_errors": %d, "timeouts": %d, "bytes": %d}\n',
    summary.requests,
    seconds,
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000,
    latency.mean / 1000,
    refused,
    errors.connect + errors.read + errors.write,
    errors.timeout,
    summary.bytes
  ))
end
