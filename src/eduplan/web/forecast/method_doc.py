"""`python -m eduplan.web.forecast.method_doc`: render docs/forecast.md into the method page's body.

The page and the file must say the same; tests/forecast/test_web.py checks that they do.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "forecast.md"
BODY = Path(__file__).with_name("templates") / "forecast" / "method_body.html"


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def main() -> None:
    BODY.write_text(render(DOC.read_text("utf-8")), "utf-8")
    print(f"已更新 {BODY}")


if __name__ == "__main__":
    main()
