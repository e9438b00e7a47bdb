"""Load benchmark of the site: 20 signed-in users without pauses for 30 s over every page kind, on gunicorn
(`eduplan serve`) with results stored per data version, on gunicorn recomputing them on every request (the
baseline of issue 14: `EDUPLAN_RESULTS_STORE=false`), and on Django's development server (issue 12's
comparison), in the same run.

Builds the demo city in a temporary data directory (`eduplan demo --no-serve`, which also stores the results),
starts each server on 127.0.0.1, signs 20 users in (half as a county planner, half as the city supervisor)
and has each request the pages in turn, with no pause, until the time is up. Reports per page the requests,
errors, median and p95, and per server the throughput. Goals: 0 errors (issue 12); p95 ≤ 300 ms per page with
stored results (issue 14), beside the recomputing baseline as a ratio.

`run()` prints; `run_json()` prints one JSON object per page kind; `measure()` returns the figures.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eduplan.cli.foundation import DEMO_PASSWORD, DEMO_USER

USERS = 20
SECONDS = 30.0
HOST = "127.0.0.1"
CITY_USER = "city9901"  # the city supervisor of the demo: the city above the county
GOAL_P95_MS = 300.0
INDICATOR = "primary_teacher_college_share"  # a school-level indicator: its page, and its comparison page
# Every page kind of the tour (the target page's address is found on the targets page).
PAGES = {
    "学校与统计 /": "/",
    "指标 /indicators/": "/indicators/",
    "规划概览 /plans/": "/plans/",
    "目标表 /plans/targets/": "/plans/targets/",
    "目标页": "",
    "督导评估 /standards/": "/standards/",
    "优质均衡 /standards/balanced/": "/standards/balanced/",
    "学位预测 /forecast/": "/forecast/",
    "规划文本 /documents/": "/documents/",
    "单项指标 /indicators/<code>/": f"/indicators/{INDICATOR}/",
    "乡镇学校比较 /indicators/<code>/compare/": f"/indicators/{INDICATOR}/compare/",
}
STORED, RECOMPUTE, DEV = "stored", "recompute", "dev"
# (label, serve flags, environment): the same demo database each time
SERVERS = {
    STORED: ("gunicorn（eduplan serve），结果按数据版本存储", [], {}),
    RECOMPUTE: ("gunicorn，每次请求重新计算（基线）", [], {"EDUPLAN_RESULTS_STORE": "false"}),
    DEV: ("Django 开发服务器（eduplan serve --dev）", ["--dev"], {}),
}


@dataclass
class PageResult:
    times: list[float] = field(default_factory=list)  # ms of successful requests
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.times)
        return {
            "requests": len(self.times) + len(self.errors),
            "errors": len(self.errors),
            "median_ms": round(statistics.median(ordered), 1) if ordered else None,
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _eduplan(*args: str) -> list[str]:
    return [sys.executable, "-m", "eduplan.cli", *args]


def _wait(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not start")


def _client(base: str, username: str) -> urllib.request.OpenerDirector:
    """A signed-in client: GET the login form for the CSRF token, POST the demo credentials."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, "login form without CSRF token"
    form = {
        "username": username,
        "password": DEMO_PASSWORD,
        "csrfmiddlewaretoken": token.group(1),
        "next": "/",
    }
    request = urllib.request.Request(f"{base}/accounts/login/", data=urllib.parse.urlencode(form).encode(),
                                     headers={"Referer": f"{base}/accounts/login/"})  # fmt: skip
    opener.open(request).read()
    return opener


def _get(opener: urllib.request.OpenerDirector, url: str) -> float:
    """ms for one page; raises on anything but a 200 page that is not the login form."""
    start = time.perf_counter()
    with opener.open(url, timeout=60) as response:
        response.read()
        if response.status != 200 or "/accounts/login/" in response.url:
            raise RuntimeError(f"status {response.status} at {response.url}")
    return (time.perf_counter() - start) * 1000


def _target_url(base: str, opener: urllib.request.OpenerDirector) -> str:
    page = opener.open(f"{base}/plans/targets/").read().decode()
    match = re.search(r'href="(/plans/targets/\d+/)"', page)
    assert match is not None, "no target link on the targets page"
    return base + match.group(1)


def _load(base: str, seconds: float) -> tuple[dict[str, PageResult], float]:
    """USERS threads, each cycling through the pages without pause until `seconds` have passed."""
    openers = [_client(base, DEMO_USER if k % 2 == 0 else CITY_USER) for k in range(USERS)]
    urls = {name: base + path if path else _target_url(base, openers[0]) for name, path in PAGES.items()}
    for url in urls.values():  # warm every worker's caches: all users at once, so each worker gets some
        warm = [threading.Thread(target=_get, args=(o, url)) for o in openers]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
    results = {name: PageResult() for name in urls}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(k: int) -> None:
        names = list(urls)
        i = k  # users start on different pages
        while time.monotonic() < deadline:
            name = names[i % len(names)]
            i += 1
            try:
                ms = _get(openers[k], urls[name])
                with lock:
                    results[name].times.append(ms)
            except (OSError, RuntimeError, urllib.error.URLError) as exc:
                with lock:
                    results[name].errors.append(str(exc)[:200])

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.monotonic() - started


def measure(seconds: float = SECONDS, servers: tuple[str, ...] = tuple(SERVERS)) -> dict[str, Any]:
    """Build the demo, then load each server in turn; the figures per server and page."""
    out: dict[str, Any] = {"users": USERS, "seconds": seconds, "cores": os.cpu_count(), "servers": {}}
    with tempfile.TemporaryDirectory(prefix="eduplan-bench-") as data_dir:
        env = {**os.environ, "EDUPLAN_DATA_DIR": data_dir, "EDUPLAN_DEBUG": "false"}
        env.pop("DATABASE_URL", None)
        subprocess.run(_eduplan("demo", "--no-serve"), env=env, check=True, capture_output=True)
        for key in servers:
            label, flags, extra = SERVERS[key]
            out["servers"][key] = _serve_and_load(data_dir, {**env, **extra}, flags, seconds) | {
                "label": label
            }
    return out


def _serve_and_load(data_dir: str, env: dict[str, str], flags: list[str], seconds: float) -> dict[str, Any]:
    port = _free_port()
    log = Path(data_dir) / "server.log"
    with log.open("a") as sink:
        server = subprocess.Popen(_eduplan("serve", "--host", HOST, "--port", str(port), *flags),
                                  env=env, stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://{HOST}:{port}"
        _wait(f"{base}/accounts/login/")
        header = urllib.request.urlopen(f"{base}/accounts/login/").headers.get("Server", "")
        results, elapsed = _load(base, seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    pages = {name: r.figures() for name, r in results.items()}
    total = sum(p["requests"] for p in pages.values())
    return {"server_header": header, "pages": pages, "requests_per_second": round(total / elapsed, 1),
            "errors": sum(p["errors"] for p in pages.values()),
            "sample_errors": [e for r in results.values() for e in r.errors][:3]}  # fmt: skip


def page_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One object per page kind: the stored results' figures, the recomputing baseline's beside them (and
    the development server's), and the baseline's p95 over ours."""
    servers = figures["servers"]
    rows = []
    for name in PAGES:
        ours = servers[STORED]["pages"].get(name, {})
        row: dict[str, Any] = {"page": name, "users": figures["users"], **_renamed(ours)}
        row["goal_p95_ms"] = GOAL_P95_MS
        for key in (RECOMPUTE, DEV):
            if key in servers:
                row[key] = {"page": name, "users": figures["users"], **_renamed(servers[key]["pages"][name])}
        base = row.get(RECOMPUTE, {}).get("p95_ms")
        row["recompute_p95_ratio"] = round(base / row["p95_ms"], 1) if base and row.get("p95_ms") else None
        rows.append(row)
    return rows


def _renamed(page: dict[str, Any]) -> dict[str, Any]:
    return {"p50_ms" if k == "median_ms" else k: v for k, v in page.items()}


def run_json() -> None:
    for row in page_rows(measure()):
        print(json.dumps(row, ensure_ascii=False), flush=True)


def run() -> None:
    figures = measure()
    print(f"{USERS} 个已登录用户（县规划员与市督导各半）无间隔连续请求 {SECONDS:.0f} 秒，各类页面轮流访问"
          f"（{figures['cores']} 核，127.0.0.1）")  # fmt: skip
    for s in figures["servers"].values():
        print(
            f"{s['label']}（Server: {s['server_header']}）：{s['requests_per_second']} 次/秒，错误 {s['errors']} 次"
        )
        for name, p in s["pages"].items():
            print(
                f"  {name}: {p['requests']} 次，错误 {p['errors']}，中位数 {p['median_ms']} ms，p95 {p['p95_ms']} ms"
            )
        for e in s["sample_errors"]:
            print(f"  错误示例：{e}")
    print(f"p95 比值（每次重新计算 ÷ 存储结果；目标：存储结果 p95 ≤ {GOAL_P95_MS:.0f} ms）：")
    for row in page_rows(figures):
        mark = "达到" if row["p95_ms"] is not None and row["p95_ms"] <= GOAL_P95_MS else "未达到"
        print(f"  {row['page']}: {row['recompute_p95_ratio']}×（存储 p95 {row['p95_ms']} ms，{mark}目标）")
    servers = figures["servers"]
    ours, dev = servers[STORED], servers[DEV]
    print(
        f"吞吐量比值（gunicorn ÷ 开发服务器）：{ours['requests_per_second'] / dev['requests_per_second']:.1f}×"
    )


if __name__ == "__main__":
    run()
