-- Timelines of random patients of the registry (ids listed by bench/web/run.sh).
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(11)
request = function()
  return wrk.format("GET", "/patients/" .. ids[math.random(#ids)])
end
