-- random_id.lua -- wrk: GET /schemas/ids/{id} for ids drawn at random from 1..IDS (environment),
-- so that most answers miss the cache once the store holds more schemas than it keeps.
local ids = tonumber(os.getenv("IDS") or "1000")
local threads = {}
tid = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + tid)
end

function request()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, ids))
end
