-- wrk script: an agent's inbox page (HTML, first page, all statuses), with the session cookie in GUICHET_COOKIE.
wrk.headers["Cookie"] = os.getenv("GUICHET_COOKIE")
done = require("report").done
