"""Load benchmark of the dashboard: 20 concurrent signed-in users on loopback, overview and a target page.

Builds the demo county in a temporary data directory (`eduplan demo --no-serve`), starts `eduplan serve` on
127.0.0.1 (Django's threaded WSGI server, as shipped), signs 20 users in and has each fetch the pages in turn
from a bounded thread pool of plain HTTP clients. Prints median and p95 per page and the ratio to a plain
baseline: the login page, a template page that touches neither plans nor indicators.
Goal (issue 5): median <= 100 ms and p95 <= 300 ms.

Two runs: users as people (like locust's `wait_time = between(0.5, 1.5)`: a pause of 0.5-1.5 s between page
views), which is what the goal is about; and a stress run without pauses (20 requests always in flight), which
on a 2-core machine measures queueing more than page cost.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eduplan.cli.foundation import DEMO_PASSWORD, DEMO_USER

USERS = 20
ROUNDS = 10  # requests per user per page
THINK = (0.5, 1.5)  # seconds between a user's page views, as locust's between(0.5, 1.5)
HOST = "127.0.0.1"


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


def _client(base: str) -> urllib.request.OpenerDirector:
    """A signed-in client: GET the login form for the CSRF token, POST the demo credentials."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, "login form without CSRF token"
    form = {
        "username": DEMO_USER,
        "password": DEMO_PASSWORD,
        "csrfmiddlewaretoken": token.group(1),
        "next": "/plans/",
    }
    request = urllib.request.Request(f"{base}/accounts/login/", data=urllib.parse.urlencode(form).encode(),
                                     headers={"Referer": f"{base}/accounts/login/"})  # fmt: skip
    opener.open(request).read()
    return opener


def _timed(opener: urllib.request.OpenerDirector, url: str) -> float:
    start = time.perf_counter()
    with opener.open(url) as response:
        response.read()
        if response.status != 200 or ("/accounts/login/" in response.url and "login" not in url):
            raise RuntimeError(f"{url}: status {response.status} at {response.url}")
    return (time.perf_counter() - start) * 1000


def _load(openers: list[urllib.request.OpenerDirector], url: str, think: bool) -> list[float]:
    """Every user fetches `url` ROUNDS times, pausing between views when `think`."""

    def user(opener: urllib.request.OpenerDirector) -> list[float]:
        rng = random.Random(id(opener))
        times = []
        for _ in range(ROUNDS):
            if think:
                time.sleep(rng.uniform(*THINK))
            times.append(_timed(opener, url))
        return times

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        return [t for times in pool.map(user, openers) for t in times]


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def _target_url(base: str, opener: urllib.request.OpenerDirector) -> str:
    page = opener.open(f"{base}/plans/targets/").read().decode()
    match = re.search(r'href="(/plans/targets/\d+/)"', page)
    assert match is not None, "no target link on the targets page"
    return base + match.group(1)


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="eduplan-bench-") as data_dir:
        env = {**os.environ, "EDUPLAN_DATA_DIR": data_dir, "EDUPLAN_DEBUG": "false"}
        env.pop("DATABASE_URL", None)
        subprocess.run(_eduplan("demo", "--no-serve"), env=env, check=True, capture_output=True)
        port = _free_port()
        log = Path(data_dir) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(_eduplan("serve", "--host", HOST, "--port", str(port)),
                                      env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            base = f"http://{HOST}:{port}"
            _wait(f"{base}/accounts/login/")
            _measure(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _measure(base: str) -> None:
    openers = [_client(base) for _ in range(USERS)]
    target = _target_url(base, openers[0])
    pages = {"登录页（基线）": f"{base}/accounts/login/", "概览 /plans/": f"{base}/plans/", "目标页": target}
    # Warm-up: the first request of a page evaluates the plan and fills the per-process caches. The goal is
    # about the steady state, so each page is requested once before timing, and its cold time is printed.
    cold = {name: _timed(openers[0], url) for name, url in pages.items()}
    print("首次请求（冷缓存）：" + "，".join(f"{name} {ms:.0f} ms" for name, ms in cold.items()))
    for think in (True, False):
        results = {name: _load(openers, url, think) for name, url in pages.items()}
        mode = f"每次浏览间隔 {THINK[0]}—{THINK[1]} 秒" if think else "无间隔压力测试（始终 20 个请求在途）"
        print(
            f"{USERS} 个并发用户，{mode}，每页 {USERS * ROUNDS} 次请求（127.0.0.1，Django 线程式 WSGI 服务）"
        )
        _report(results)


def _report(results: dict[str, list[float]]) -> None:
    base_median = statistics.median(results["登录页（基线）"])
    for name, times in results.items():
        median, p95 = statistics.median(times), _p95(times)
        verdict = (
            ""
            if "基线" in name
            else ("  达标" if median <= 100 and p95 <= 300 else "  未达标（中位数 ≤ 100 ms，p95 ≤ 300 ms）")
        )
        print(
            f"{name}: 中位数 {median:.1f} ms，p95 {p95:.1f} ms，为基线中位数的 {median / base_median:.1f} 倍{verdict}"
        )


if __name__ == "__main__":
    run()
