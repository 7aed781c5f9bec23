-- paced.lua -- wrk: each connection sends its next request PACE_MS (environment, default 2)
-- milliseconds after the previous answer, so that the load stays below what the machine can
-- serve and the latency measured is the server's, not that of a queue.
local pace = tonumber(os.getenv("PACE_MS") or "2")

function delay()
  return pace
end
