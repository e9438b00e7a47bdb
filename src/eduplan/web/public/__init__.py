"""The public progress pages (/public/<county>/): no login, aggregate figures only, cacheable, printable; the same
pages as static files for a government website (`eduplan publish`)."""
