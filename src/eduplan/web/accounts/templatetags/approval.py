"""`{% load approval %}{% data_status county.code year %}`: whether a page's figures stand on approved data."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from eduplan.web import access

register = template.Library()


@register.simple_tag
def data_status(county: str, year: int | None) -> SafeString:
    text = access.data_status(county, year) if county else ""
    if not text:
        return SafeString("")
    css = "approval-status approved" if ("已审核" in text or "已确认" in text) else "approval-status"
    return format_html(
        '<p class="{}">{}（<a href="/access/approval/?unit={}">数据审核</a>）</p>', css, text, county
    )


@register.filter
def may_edit(user: object, code: str) -> bool:
    """`{% if user|may_edit:plan.region_code %}`: whether to offer an edit link for that unit's data."""
    return access.can(user, str(code), "edit")


@register.filter
def may_read(user: object, code: str) -> bool:
    """`{% if user|may_read:city %}`: whether to offer a link to that unit's pages."""
    return access.can(user, str(code))
