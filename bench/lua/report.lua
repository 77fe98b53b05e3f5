-- Shared by every bench script: counts answers that are not 2xx, keeps the first such
-- answer for the report, and prints one machine-readable summary line when wrk is done.
local threads = {}
non2xx = 0
first_error = ""

function setup(thread)
  thread:set("thread_index", #threads + 1)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_error == "" then
      first_error = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    if sample == "" then sample = thread:get("first_error") or "" end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"p50_us\":%d,\"p90_us\":%d," ..
    "\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"non2xx\":%d,\"connect\":%d," ..
    "\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, bad, e.connect, e.read, e.write,
    e.status, e.timeout))
  if sample ~= "" then
    io.write("BENCH_ERROR " .. string.gsub(sample, "[\r\n]", " ") .. "\n")
  end
end
