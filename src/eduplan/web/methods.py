"""Method pages: each area ships its method as `method.md` in its core package, rendered here for its page.

docs/<area>.md is the same text for readers of the repository; each area's tests check that the two agree.
Passages for developers (file names, commands) sit between `<!-- 开发者 -->` and `<!-- /开发者 -->` lines: the
repository copy keeps them, the page leaves them out, so a user page carries no file name or identifier.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

DEVELOPER = re.compile(r"^<!-- 开发者 -->$.*?^<!-- /开发者 -->$\n?", re.MULTILINE | re.DOTALL)


def for_users(text: str) -> str:
    """The method text without its developer passages."""
    return DEVELOPER.sub("", text)


@cache
def method_html(package: str) -> SafeString:
    """`package`'s method.md as HTML, developer passages left out (our own file, not user input: safe to mark)."""
    text = resources.files(package).joinpath("method.md").read_text("utf-8")
    return mark_safe(MarkdownIt("commonmark").enable("table").render(for_users(text)))
