"""The API's routes: `health` (ops), `operator` (/api/v1, bearer token), `public` (signed
links, rate limited) and `pages` (the subscribe form)."""
