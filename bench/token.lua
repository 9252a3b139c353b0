-- wrk script: the token endpoint, each request with a secret of its own read from BENCH_TOKENS (one per line; each
-- thread takes its share), the application's credentials in BENCH_BASIC (base64 of id:secret). BENCH_GRANT is
-- authorization_code (the codes then need BENCH_REDIRECT and BENCH_VERIFIER) or refresh_token. With BENCH_KEEP set,
-- each thread appends the refresh tokens it receives to BENCH_KEEP.<thread>, for a later refresh run.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local secrets, next_secret, keep = {}, 1, nil
local grant = os.getenv("BENCH_GRANT")
local tail = grant == "authorization_code"
  and ("&redirect_uri=" .. os.getenv("BENCH_REDIRECT") .. "&code_verifier=" .. os.getenv("BENCH_VERIFIER")) or ""
local field = grant == "authorization_code" and "code" or "refresh_token"

function init(args)
  local i = 0
  -- Threads are numbered from 1 in setup; two threads split the file by line parity, and so on.
  local count = tonumber(os.getenv("BENCH_THREADS") or "1")
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line ~= "" then
      if i % count == (thread_id - 1) then secrets[#secrets + 1] = line end
      i = i + 1
    end
  end
  local path = os.getenv("BENCH_KEEP")
  if path and path ~= "" then keep = io.open(path .. "." .. thread_id, "w") end
end

request = function()
  local secret = secrets[next_secret] or "spent"
  next_secret = next_secret + 1
  return wrk.format(nil, nil, nil, "grant_type=" .. grant .. "&" .. field .. "=" .. secret .. tail)
end

if os.getenv("BENCH_KEEP") and os.getenv("BENCH_KEEP") ~= "" then
  response = function(status, headers, body)
    local token = body:match('"refresh_token":"([^"]+)"')
    if token then keep:write(token, "\n") end
  end
end

done = require("report").done
