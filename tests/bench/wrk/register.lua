-- register.lua -- wrk: every request registers a new Avro schema under a new subject
-- (POST /subjects/{s}/versions). Subjects are "bench-<run>-<thread>-<n>", so that two runs on one
-- store never collide; set RUN in the environment. Counts answers that are not 200.
local run = os.getenv("RUN") or "0"
local threads = {}
local n = 0
tid, bad = 0, 0 -- globals: wrk reads them across threads with thread:get
local headers = {["Content-Type"] = "application/vnd.schemaregistry.v1+json"}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function request()
  n = n + 1
  local name = string.format("B%s_%d_%d", run, tid, n)
  local body = '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"' .. name ..
    '\\",\\"namespace\\":\\"bench\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"string\\"},' ..
    '{\\"name\\":\\"amount\\",\\"type\\":\\"long\\"},{\\"name\\":\\"note\\",\\"type\\":' ..
    '[\\"null\\",\\"string\\"],\\"default\\":null}]}"}'
  return wrk.format("POST", string.format("/subjects/bench-%s-%d-%d/versions", run, tid, n),
                    headers, body)
end

function response(status, hdrs, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("non-200 answers: %d\n", total))
end
