-- The load of the submit path (bench/submit.py writes the config, runs wrk, reads the result):
--
--   wrk -t8 -c8 -d60s --timeout 30s -s bench/submit.lua http://127.0.0.1:PORT -- CONFIG.lua
--
-- CONFIG.lua returns a table: `mode` ("trivial": GET `path`; "submit": POST complete answers to
-- the open link at `path`), and for "submit" the CSRF cookie ("name=value") and token, the signed
-- start time, the agencies, the items with the values to draw from, the key `prefix` and the
-- thank-you URL `done`.
--
-- Run it with as many threads as connections: each thread's Lua state then drives a single
-- connection, request() and response() strictly alternate, and the thread knows which submission
-- key each response answers. That makes the lost-answer check exact, key by key.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local cfg, headers, trivial_request

-- Read back by done() through thread:get, so global, and each a flat table: wrk 4.1 crashes
-- copying a table nested in another. `pending` is the counter of the submission sent and not yet
-- answered (0: none); `unanswered` lists the ones given up without an answer (a socket error, or
-- the request() call wrk makes in the first thread to check the script); `refused` the ones
-- answered with anything but the redirect to the thank-you page; `status` counts the statuses.
stats = { sent = 0, accepted = 0, pending = 0 }
unanswered, refused, status = {}, {}, {}

function init(args)
  cfg = dofile(args[1])
  math.randomseed(cfg.seed + id)
  if cfg.mode == "trivial" then
    trivial_request = wrk.format("GET", cfg.path)
  else
    -- The one CSRF pair fetched by bench/submit.py: Django accepts a cookie and its masked token
    -- any number of times, as it does when a citizen reloads the page.
    headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cfg.cookie,
    }
  end
end

-- An index drawn from cumulative shares (the last entry is 1).
local function draw(cumulative)
  local r = math.random()
  for i = 1, #cumulative do
    if r <= cumulative[i] then
      return i
    end
  end
  return #cumulative
end

-- One to `most` different options of a multiple-choice item, each as its own field.
local function choose_some(parts, item)
  local pool = {}
  for i, v in ipairs(item.values) do
    pool[i] = v
  end
  for _ = 1, math.random(item.most) do
    local i = math.random(#pool)
    parts[#parts + 1] = item.name .. "=" .. pool[i]
    table.remove(pool, i)
  end
end

-- A complete answer, as the browser posts the form: every item answered.
local function body(key)
  local parts = {
    "csrfmiddlewaretoken=" .. cfg.token,
    "submission_key=" .. key,
    "started=" .. cfg.started,
    "agency=" .. cfg.agencies[math.random(#cfg.agencies)],
    "website=", -- the honeypot, left empty as people leave it
  }
  for _, item in ipairs(cfg.items) do
    if item.kind == "choice" then
      parts[#parts + 1] = item.name .. "=" .. item.values[draw(item.cumulative)]
    elseif item.kind == "multi" then
      choose_some(parts, item)
    elseif item.kind == "number" then
      parts[#parts + 1] = item.name .. "=" .. math.random(item.low, item.high)
    else -- free text: most people leave the comment box empty
      local text = ""
      if math.random() < item.share then
        text = item.texts[math.random(#item.texts)]
      end
      parts[#parts + 1] = item.name .. "=" .. text
    end
  end
  return table.concat(parts, "&")
end

function request()
  if cfg.mode == "trivial" then
    stats.sent = stats.sent + 1
    return trivial_request
  end
  if stats.pending ~= 0 then
    table.insert(unanswered, stats.pending)
  end
  stats.sent = stats.sent + 1
  stats.pending = stats.sent
  -- Unique across runs (the prefix is random per run) and within one (thread id, counter).
  local key = string.format("%s-4%03x-8000-%012x", cfg.prefix, id, stats.sent)
  return wrk.format("POST", cfg.path, headers, body(key))
end

function response(code, response_headers, _)
  status[code] = (status[code] or 0) + 1
  if cfg.mode == "trivial" then
    if code == 200 then
      stats.accepted = stats.accepted + 1
    end
    return
  end
  if code == 302 and response_headers["Location"] == cfg.done then
    stats.accepted = stats.accepted + 1
  else
    table.insert(refused, stats.pending)
  end
  stats.pending = 0
end

-- One line per thread and two for the run, "BENCH <what> key=value ...", for bench/submit.py.
local function numbers(list)
  return table.concat(list, ",")
end

function done(summary, latency, _)
  for _, thread in ipairs(threads) do
    local s = thread:get("stats")
    local counts = {}
    for code, n in pairs(thread:get("status")) do
      counts[#counts + 1] = code .. ":" .. n
    end
    io.write(string.format(
      "BENCH thread id=%d sent=%d accepted=%d pending=%d unanswered=%s refused=%s status=%s\n",
      thread:get("id"), s.sent, s.accepted, s.pending, numbers(thread:get("unanswered")),
      numbers(thread:get("refused")), numbers(counts)
    ))
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH run duration_us=%d requests=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout
  ))
  io.write(string.format(
    "BENCH latency_us p50=%d p95=%d p99=%d mean=%d max=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    math.floor(latency.mean), latency.max
  ))
end
