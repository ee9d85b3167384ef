-- wrk script: rotates through requests pre-signed by sign_requests.py.
--   SIGNED_REQUESTS=FILE SIGNED_PATH=/twilio/message-status wrk -s wrk_signed.lua ...
-- Each thread starts at a different offset. At the end prints one JSON line (prefix "WRKJSON ")
-- with p50/p90/p99/p99.9 so bench.sh can parse it.

local file = os.getenv("SIGNED_REQUESTS")
local target = os.getenv("SIGNED_PATH") or "/twilio/message-status"
local limit = tonumber(os.getenv("SIGNED_LIMIT") or "50000")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local n = 0
  for line in io.lines(file) do
    local tab = line:find("\t", 1, true)
    local signature = line:sub(1, tab - 1)
    local body = line:sub(tab + 1)
    n = n + 1
    requests[n] = wrk.format("POST", target, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = signature,
      ["I-Twilio-Idempotency-Token"] = "bench-" .. n,
    }, body)
    if n >= limit then break end
  end
  count = n
  index = (id * 7919) % count
end

function request()
  index = index + 1
  if index > count then index = 1 end
  return requests[index]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors.status, errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
