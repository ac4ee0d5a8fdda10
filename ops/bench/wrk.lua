-- wrk script for ops/bench/run.sh. Settings come from the environment:
--   BENCH_TOKEN        bearer token (sent as Authorization: Bearer ...) when set
--   BENCH_MODE         get (default) or put
--   BENCH_PUT_PATHS    put: number of distinct paths written round-robin (default 64)
--   BENCH_THREADS      put: wrk threads (-t), so that each thread writes its own share of the paths
--   BENCH_PUT_BODY     put: the request body
-- In put mode the URL's path is a prefix: the paths written are <prefix>00, <prefix>01, ...
-- done() prints one machine-readable line, BENCH_RESULT key=value ..., that run.sh parses.
local token = os.getenv("BENCH_TOKEN")
if token and #token > 0 then wrk.headers["Authorization"] = "Bearer " .. token end

local mode = os.getenv("BENCH_MODE") or "get"
if mode == "put" then
  wrk.method = "PUT"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = os.getenv("BENCH_PUT_BODY")
  local prefix = wrk.path
  local paths = tonumber(os.getenv("BENCH_PUT_PATHS") or "64")
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local per_thread = math.max(1, math.floor(paths / threads))

  local next_id = 0
  setup = function(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
  end

  -- thread t writes paths t, t+threads, t+2*threads, ... in turn: the requests in flight at one
  -- time go to different paths, so writers rarely race on one stream.
  local counter = 0
  request = function()
    local i = (tid or 0) + threads * (counter % per_thread)
    counter = counter + 1
    return wrk.format(nil, string.format("%s%02d", prefix, i))
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d min_us=%d max_us=%d mean_us=%.1f " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx=%d bytes=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.min, latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status, summary.bytes))
  -- the latency at every 0.1% from 0.1% to 99.9%, so that run.sh can merge several runs' percentiles
  local q = {}
  for i = 1, 999 do q[i] = string.format("%d", latency:percentile(i / 10)) end
  io.write("BENCH_QUANTILES " .. table.concat(q, " ") .. "\n")
end
