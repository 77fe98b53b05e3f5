-- POST a new pod with a unique name: wrk-<run>-<thread>-<n>.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local run = os.getenv("BENCH_RUN") or "0"
local path = "/api/v1/namespaces/" .. (os.getenv("BENCH_NAMESPACE") or "bench") .. "/pods"
local counter = 0
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local body = string.format(
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"wrk-%s-%d-%d",' ..
    '"labels":{"app":"wrk"}},"spec":{"containers":[{"name":"app",' ..
    '"image":"registry.k8s.io/pause:3.10"}]}}',
    run, thread_index or 1, counter)
  return wrk.format("POST", path, nil, body)
end
