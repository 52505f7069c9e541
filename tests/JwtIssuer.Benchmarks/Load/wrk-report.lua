-- wrk script for the load harness. Counts every answer that is not a 302 to the expected consumer URL with a
-- token (a redirect to /login or a 403 would otherwise look like a fast success), and prints wrk's figures as
-- one JSON line. The harness prepends "function delay() ... end" to pace a run at a fixed rate.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  wrong = 0
end

function response(status, headers, body)
  local location = headers["Location"]
  if status ~= 302 or location == nil or location:sub(1, #prefix) ~= prefix or not location:find("jwt=", 1, true) then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local wrongAnswers = 0
  for _, thread in ipairs(threads) do
    wrongAnswers = wrongAnswers + thread:get("wrong")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationMicroseconds":%d,"socketErrors":%d,"wrongAnswers":%d,"p50Microseconds":%d,"p99Microseconds":%d,"maxMicroseconds":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, wrongAnswers,
    latency:percentile(50), latency:percentile(99), latency.max))
end
