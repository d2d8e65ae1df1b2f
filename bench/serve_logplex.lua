-- wrk script: POSTs a logplex body of FRAMES frames (env, default 100) to the
-- URL given to wrk. With DELAY_MS set, each connection waits that long between
-- requests, which caps the offered rate (for latency at a fixed load).
--
-- The frames carry the current time (the body is rebuilt once a second), as a
-- live drain's do: a database indexed by time sees times that move forward,
-- not the same hundred values over and over.
local frames = tonumber(os.getenv("FRAMES") or "100")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

local function body_at(now)
local stamp = os.date("!%Y-%m-%dT%H:%M:%S", now)
local parts = {}
for i = 1, frames do
  local status = (i % 50 == 0) and 503 or 200
  local msg
  if i % 3 == 0 then
    msg = string.format("<190>1 %s.%06d+00:00 host app web.%d - INFO order %d shipped in %dms",
                        stamp, i, i % 4 + 1, i, i * 7)
  else
    msg = string.format('<158>1 %s.%06d+00:00 host heroku router - at=info method=GET path="/api/items/%d" host=app.herokuapp.com request_id=%08x fwd="10.0.%d.%d" dyno=web.%d connect=1ms service=%dms status=%d bytes=%d protocol=https',
                        stamp, i, i % 20, i * 2654435761 % 4294967296, i % 250, i % 200, i % 4 + 1, 10 + i % 300, status, 1000 + i)
  end
  parts[#parts + 1] = string.format("%d %s\n", #msg + 1, msg)
end
return table.concat(parts)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/logplex-1"
wrk.headers["Logplex-Msg-Count"] = tostring(frames)

-- With FRAME_IDS set, every request carries a Logplex-Frame-Id of its own
-- (serve --bus dedupes equal bodies without one within JetStream's window).
local frame_ids = os.getenv("FRAME_IDS") ~= nil
local threads = 0
function setup(thread)  -- runs in wrk's main state: numbers the threads
  threads = threads + 1
  thread:set("tid", threads)
end
local run_id = string.format("%x", os.time())
local second, req, body, sent = -1, nil, nil, 0
function request()
  local now = os.time()
  if now ~= second then
    second = now
    body = body_at(now)
    req = wrk.format(nil, nil, nil, body)
  end
  if frame_ids then
    sent = sent + 1
    local headers = {}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    headers["Logplex-Frame-Id"] = run_id .. "-" .. tostring(tid) .. "-" .. sent
    return wrk.format(nil, nil, headers, body)
  end
  return req
end

if delay_ms > 0 then
  function delay() return delay_ms end
end
