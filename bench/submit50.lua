-- wrk script: file the 50-question benchmark démarche (bench/FormBench) through the JSON API; the body, printed
-- by `FormBench body`, comes in the BENCH_BODY file.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "r"))
wrk.body = f:read("*a")
f:close()
done = require("report").done
