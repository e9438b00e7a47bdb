"""Two pages for people: the API's documentation in Chinese (rendered from the same OpenAPI document the
machines read, no script, no CDN), and "my API tokens" (make, list, revoke one's own)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from eduplan.errors import NotFound
from eduplan.web import access
from eduplan.web.api import tokens

METHODS = ("get", "put", "post", "delete")
PLACES = {"query": "查询参数", "path": "路径参数", "header": "请求头"}


@cache
def document() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _resolve(schema: dict[str, Any], node: Any) -> dict[str, Any]:
    """The component a `$ref` points at (one level of arrays unwrapped), else the node itself."""
    if isinstance(node, dict) and node.get("type") == "array":
        node = node.get("items", {})
    if isinstance(node, dict) and "$ref" in node:
        return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]
    return node if isinstance(node, dict) else {}


def _fields(schema: dict[str, Any], node: Any) -> list[dict[str, Any]]:
    component = _resolve(schema, node)
    if "results" in component.get("properties", {}):  # a page: describe its items
        component = _resolve(schema, component["properties"]["results"])
    required = set(component.get("required", []))
    return [
        {"name": name, "type": _type(schema, spec), "required": name in required,
         "description": spec.get("description", "")}
        for name, spec in component.get("properties", {}).items()
    ]  # fmt: skip


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    if "$ref" in spec or "allOf" in spec:
        ref = spec.get("$ref") or spec["allOf"][0].get("$ref", "")
        target = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        return "、".join(str(v) for v in target.get("enum", [])) or "对象"
    words = {"string": "文本", "integer": "整数", "number": "数", "boolean": "true/false", "array": "数组",
             "object": "对象"}  # fmt: skip
    text = words.get(spec.get("type", ""), "值")
    if "minimum" in spec or "maximum" in spec:
        text += f"（{spec.get('minimum', '')}～{spec.get('maximum', '')}）"
    return text + ("，可为空" if spec.get("nullable") else "")


def operations() -> list[dict[str, Any]]:
    schema = document()
    found = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            ok = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            found.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "tag": (op.get("tags") or ["其他"])[0],
                "parameters": [{"name": p["name"], "place": PLACES.get(p["in"], p["in"]),
                                "description": p.get("description", "")} for p in op.get("parameters", [])],
                "body": _fields(schema, body) if body else [],
                "answer": _fields(schema, ok.get("schema")) if ok else [],
                "errors": [f"{code} {r.get('description', '')}" for code, r in op.get("responses", {}).items()
                           if code != "200"],
            })  # fmt: skip
    return found


@access.public
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI document, generated once per process (it cannot change while the process runs, and
    generating it per request would let anyone keep a core busy)."""
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})


@access.public
def docs(request: HttpRequest) -> HttpResponse:
    schema = document()
    tags = [t["name"] for t in schema.get("tags", [])]
    ops = operations()
    groups = [(tag, [o for o in ops if o["tag"] == tag]) for tag in tags]
    return render(request, "api/docs.html", {"info": schema["info"], "groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own tokens: make one (shown once), revoke one or all."""
    made = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create":
            label = request.POST.get("label", "").strip()[:100] or "默认"
            made = tokens.create(request.user, label)
            access.audit(request, "api.token_create", "", label=label, prefix=made[: tokens.SHOWN])
        elif action == "revoke":
            prefix = request.POST.get("prefix", "")
            try:
                count = tokens.revoke(request.user, prefix) if prefix else 0
            except NotFound:
                count = 0
            access.audit(request, "api.token_revoke", "", prefix=prefix[: tokens.SHOWN], revoked=count)
            return redirect("api_pages:tokens")
    context = {"rows": tokens.listing(request.user), "made": made}
    return render(request, "api/tokens.html", context)
