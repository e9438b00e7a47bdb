"""Whole pages kept per user and per state of the database, so that a page nobody's data has changed since is
sent again without running its view (issue 14: every page of the tour in p95 ≤ 300 ms under load).

- `writes`: every database write that can change a page moves one counter, the generation, in the same
  transaction (a Django execute wrapper on every connection: the ORM, `update()`, bulk and raw SQL alike);
  sessions, sign-in attempts, the audit trail and API tokens' last use do not.
- `middleware`: a GET of a page kind listed in `PAGES`, by a signed-in user without pending messages, is looked
  up under (user, host, full path, day, generation). A hit is sent with a fresh CSRF token, and the
  audit events the view wrote are written again for this request; a miss runs the view and keeps its 200 HTML.

A page is therefore never another user's (the key has the user; a change of their roles is a write) and never
older than the last write (the key has the generation): stored results being refreshed are shown as the view marked them, and the
refresh's own writes move the generation.
"""
