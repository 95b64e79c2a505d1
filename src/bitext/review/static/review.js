// The review page: script (written with the page, issue 19).
