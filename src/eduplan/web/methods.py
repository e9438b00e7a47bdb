"""Method pages: each area ships its method as `method.md` in its core package, rendered here for its page.

docs/<area>.md is the same text for readers of the repository; each area's tests check that the two agree.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@cache
def method_html(package: str) -> SafeString:
    """`package`'s method.md as HTML (our own file, not user input: safe to mark)."""
    text = resources.files(package).joinpath("method.md").read_text("utf-8")
    return mark_safe(MarkdownIt("commonmark").enable("table").render(text))
