-- Random pages of the patient list, a tenth of them with a study-id search (bench/web/run.sh).
local pages = tonumber(os.getenv("PAGES") or "2000")
math.randomseed(7)
request = function()
  if math.random(10) == 1 then
    return wrk.format("GET", string.format("/patients?search=S%d-%03d", math.random(4), math.random(999)))
  end
  return wrk.format("GET", "/patients?p=" .. math.random(pages))
end
