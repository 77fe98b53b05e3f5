-- GET a random path from BENCH_PATHS: one pod (B7 "GET pod") or one LIST page (B7 "LIST").
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local paths = load_paths()

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
