-- PATCH the status of a random pod from BENCH_PATHS (…/pods/NAME/status) with a JSON merge
-- patch that changes something every time, so every request is a real write.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local paths = load_paths()
local run = os.getenv("BENCH_RUN") or "0"
local counter = 0
wrk.headers["Content-Type"] = "application/merge-patch+json"

function request()
  counter = counter + 1
  local body = string.format(
    '{"status":{"message":"wrk %s-%d-%d"}}', run, thread_index or 1, counter)
  return wrk.format("PATCH", paths[math.random(#paths)], nil, body)
end
