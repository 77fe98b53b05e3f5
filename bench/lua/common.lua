-- Loads report.lua and the request paths that the bench wrote for this point.
local dir = os.getenv("BENCH_LUA_DIR")
dofile(dir .. "/report.lua")

function load_paths()
  local paths = {}
  local file = assert(io.open(os.getenv("BENCH_PATHS"), "r"))
  for line in file:lines() do
    if line ~= "" then paths[#paths + 1] = line end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. os.getenv("BENCH_PATHS"))
  return paths
end

math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
