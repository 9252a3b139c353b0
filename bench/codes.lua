-- wrk script: asks for authorization codes as a signed-in, consented browser does with prompt=none (the session
-- cookie in GUICHET_COOKIE), and appends each code the redirect carries to BENCH_KEEP.<thread>: the token
-- endpoint's run then exchanges them (codes live a minute, so they are made right before it).
wrk.headers["Cookie"] = os.getenv("GUICHET_COOKIE")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local keep
function init(args) keep = io.open(os.getenv("BENCH_KEEP") .. "." .. thread_id, "w") end
response = function(status, headers, body)
  local code = (headers["Location"] or ""):match("[?&]code=([^&]+)")
  if code then keep:write(code, "\n") end
end
done = require("report").done
