-- wrk script: the back-office's « Simuler » (a form posted with mode=simuler, nothing saved), with the session
-- cookie in GUICHET_COOKIE and the form body (its CSRF token included) in BENCH_FORM.
wrk.method = "POST"
wrk.headers["Cookie"] = os.getenv("GUICHET_COOKIE")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = os.getenv("BENCH_FORM")
done = require("report").done
