-- wrk script: a plain GET, with the session cookie in GUICHET_COOKIE when it is set.
local cookie = os.getenv("GUICHET_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
done = require("report").done
