"""Load benchmark of the site: 20 signed-in users without pauses for 30 s over every page kind of the tour, for
a county (the county planner) and for the city above it (the city supervisor), on gunicorn (`eduplan serve`)
with results stored per data version and the page cache; the same without the page cache; gunicorn recomputing
results on every request (the baseline of issue 14: `EDUPLAN_RESULTS_STORE=false`); and Django's development
server (issue 12's comparison), in the same run.

Builds the demo city in a temporary data directory (`eduplan demo --no-serve`, which also stores the results),
starts each server on 127.0.0.1, signs 20 users in (half county990101, half city9901: real sessions) and has
the load client (`eduplan.bench._load`, asyncio on raw sockets in a process of its own) request each user's
pages in turn, with no pause, until the time is up. Reports per page the requests, errors, median, p95 and the
server's CPU ms per request (its Server-Timing header); per server the throughput, the server's CPU ms per
request (its processes' CPU time over the requests: load-independent) and the CPU shares of server, client and
the rest of the machine. Goals: 0 errors (issue 12); p95 ≤ 300 ms per page (issue 14), beside the recomputing
baseline as ratios of p50 and p95.

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
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eduplan.cli.foundation import DEMO_PASSWORD, DEMO_USER

# eduplan.web.pagecache.middleware.SETTLE_SECONDS and a little (that module needs Django, this one does not)
SETTLE_SECONDS = 6.5

USERS = 20
SECONDS = 30.0
HOST = "127.0.0.1"
CITY_USER = "city9901"  # the city supervisor of the demo: the city above the county
CITY = "9901"
GOAL_P95_MS = 300.0
INDICATOR = "primary_teacher_college_share"  # a school-level indicator: its page, and its comparison page
TARGET = ""  # a target page: its address is found on the targets page of the same scope
# Every page kind of the tour, as the county planner sees it ...
COUNTY_PAGES = {
    "学校与统计 /": "/",
    "指标 /indicators/": "/indicators/",
    "规划概览 /plans/": "/plans/",
    "目标表 /plans/targets/": "/plans/targets/",
    "目标页": TARGET,
    "督导评估 /standards/": "/standards/",
    "优质均衡 /standards/balanced/": "/standards/balanced/",
    "基本均衡 /standards/basic/": "/standards/basic/",
    "普及普惠 /standards/preschool/": "/standards/preschool/",
    "学位预测 /forecast/": "/forecast/",
    "规划文本 /documents/": "/documents/",
    "单项指标 /indicators/<code>/": f"/indicators/{INDICATOR}/",
    "乡镇学校比较 /indicators/<code>/compare/": f"/indicators/{INDICATOR}/compare/",
    "数据质量 /indicators/quality/": "/indicators/quality/",
    "教师编制 /staffing/": "/staffing/",
    "县管校聘 /staffing/plan/": "/staffing/plan/",
    "经费 /finance/": "/finance/",
    "导入 /imports/": "/imports/",
    "数据审核 /access/approval/": "/access/approval/",
    "公开页 /public/<county>/": "/public/990101/",
}
# ... and as the city supervisor sees it for the city (the pages that take a city; the others show a county).
CITY_PAGES = {
    "市 指标 /indicators/?unit=9901": f"/indicators/?unit={CITY}",
    "市 规划概览 /plans/?unit=9901": f"/plans/?unit={CITY}",
    "市 目标表 /plans/targets/?unit=9901": f"/plans/targets/?unit={CITY}",
    "市 目标页": TARGET,
    "市 规划汇总 /plans/rollup/9901/": f"/plans/rollup/{CITY}/",
    "市 单项指标 /indicators/<code>/?unit=9901": f"/indicators/{INDICATOR}/?unit={CITY}",
    "市 区县比较 /indicators/<code>/compare/?unit=9901": f"/indicators/{INDICATOR}/compare/?unit={CITY}",
    "市 规划文本 /documents/?unit=9901": f"/documents/?unit={CITY}",
    "市 数据审核 /access/approval/": "/access/approval/",
    "市 区县对比 /region/9901/": f"/region/{CITY}/",
}
PAGES = {**COUNTY_PAGES, **CITY_PAGES}
STORED, UNCACHED, RECOMPUTE, DEV = "stored", "uncached", "recompute", "dev"
# (label, serve flags, environment): the same demo database each time
SERVERS = {
    STORED: ("gunicorn（eduplan serve），结果按数据版本存储，页面缓存", [], {}),
    UNCACHED: ("gunicorn，结果按数据版本存储，不用页面缓存", [], {"EDUPLAN_PAGE_CACHE": "false"}),
    RECOMPUTE: ("gunicorn，每次请求重新计算（基线）", [], {"EDUPLAN_RESULTS_STORE": "false"}),
    DEV: ("Django 开发服务器（eduplan serve --dev）", ["--dev"], {}),
}
# Users who request each of their pages before the run: all where pages are kept, else one of each kind.
WARM = {STORED: USERS, UNCACHED: 2, RECOMPUTE: 2, DEV: 2}


@dataclass
class PageResult:
    times: list[float] = field(default_factory=list)  # ms of successful requests
    errors: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the server's CPU ms per request (Server-Timing)

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.times)
        return {
            "requests": len(self.times) + len(self.errors),
            "errors": len(self.errors),
            "median_ms": round(statistics.median(ordered), 1) if ordered else None,
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
            "server_cpu_ms": round(statistics.median(self.cpu), 2) if self.cpu else None,
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


def _sign_in(base: str, username: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A signed-in session: GET the login form for the CSRF token, POST the demo credentials; the opener and
    the Cookie header that carries the session."""
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
    assert any(c.name == "sessionid" for c in jar), f"{username} could not sign in"
    return opener, "; ".join(f"{c.name}={c.value}" for c in jar)


def _target_path(base: str, opener: urllib.request.OpenerDirector, targets: str) -> str:
    page = opener.open(base + targets).read().decode()
    match = re.search(r'href="(/plans/targets/\d+/)"', page)
    assert match is not None, f"no target link on {targets}"
    return match.group(1)


def _tours(base: str) -> list[dict[str, Any]]:
    """USERS signed-in sessions, half county planners and half city supervisors, each with its pages."""
    users = []
    for k in range(USERS):
        county = k % 2 == 0
        opener, cookie = _sign_in(base, DEMO_USER if county else CITY_USER)
        pages = dict(COUNTY_PAGES if county else CITY_PAGES)
        for name, path in pages.items():
            if path == TARGET:
                pages[name] = _target_path(base, opener, pages["目标表 /plans/targets/" if county else
                                                              "市 目标表 /plans/targets/?unit=9901"])  # fmt: skip
        users.append({"cookie": cookie, "pages": sorted(pages.items())})
    return users


def _client(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the load client (eduplan.bench._load) in its own process."""
    done = subprocess.run([sys.executable, "-m", "eduplan.bench._load"], input=json.dumps(spec),
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout))


def _load(port: int, seconds: float, warm: int, tree: _Tree) -> tuple[dict[str, PageResult], dict[str, Any]]:
    """USERS users, each cycling through its pages without pause until `seconds` have passed."""
    users = _tours(f"http://{HOST}:{port}")
    # Warm the workers' caches: users request each of their pages once, all at the same time (a new
    # connection each time, so with every user each worker meets every page). Pages are kept only once the
    # last write is a few seconds old (the first requests store results): where they are kept, warm twice.
    _client({"host": HOST, "port": port, "seconds": 0, "users": users[:warm]})
    if warm == USERS:
        time.sleep(SETTLE_SECONDS)
        _client({"host": HOST, "port": port, "seconds": 0, "users": users})
    machine, server = _machine_cpu(), tree.cpu()
    out = _client({"host": HOST, "port": port, "seconds": seconds, "users": users})
    machine_s, server_s = _machine_cpu() - machine, tree.cpu() - server
    results = {name: PageResult() for name in PAGES}
    for name, times in out["times"].items():
        results[name].times = times
    for name, errors in out["errors"].items():
        results[name].errors = errors
    for name, cpu in out["cpu_ms"].items():
        results[name].cpu = cpu
    requests = sum(len(r.times) + len(r.errors) for r in results.values())
    cores = os.cpu_count() or 1
    load = {
        "elapsed_s": round(out["elapsed_s"], 1),
        "requests_per_second": round(requests / out["elapsed_s"], 1),
        "server_cpu_ms_per_request": round(server_s * 1000 / max(requests, 1), 2),
        "server_cpu_share": round(server_s / (cores * out["elapsed_s"]), 3),
        "client_cpu_share": round(out["cpu_s"] / (cores * out["elapsed_s"]), 3),
        "others_cpu_share": round(
            max(machine_s - server_s - out["cpu_s"], 0) / (cores * out["elapsed_s"]), 3
        ),
        "load_average": os.getloadavg()[0],
    }
    return results, load


def _machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class _Tree:
    """A server process and its workers: their CPU seconds so far (those of workers already ended included)."""

    pid: int

    def cpu(self) -> float:
        total = 0.0
        for pid in [self.pid, *self._children()]:
            try:
                parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # utime, stime, and the children's that ended and were waited for (cutime, cstime)
            total += sum(int(x) for x in parts[11:15])
        return total / os.sysconf("SC_CLK_TCK")

    def _children(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            found += [int(x) for x in task.read_text().split()]
        return found


def measure(seconds: float = SECONDS, servers: tuple[str, ...] = tuple(SERVERS)) -> dict[str, Any]:
    """Build the demo, then load each server in turn; the figures per server and page."""
    out: dict[str, Any] = {"users": USERS, "seconds": seconds, "cores": os.cpu_count(), "servers": {}}
    with tempfile.TemporaryDirectory(prefix="eduplan-bench-") as fresh:
        # EDUPLAN_BENCH_DATA: a data directory whose demo is already built (while working; `make bench` builds)
        data_dir = os.environ.get("EDUPLAN_BENCH_DATA") or fresh
        env = {**os.environ, "EDUPLAN_DATA_DIR": data_dir, "EDUPLAN_DEBUG": "false",
               "EDUPLAN_SERVER_TIMING": "true"}  # fmt: skip
        env.pop("DATABASE_URL", None)
        if data_dir == fresh:
            subprocess.run(_eduplan("demo", "--no-serve"), env=env, check=True, capture_output=True)
        for key in servers:
            label, flags, extra = SERVERS[key]
            figures = _serve_and_load(data_dir, {**env, **extra}, flags, seconds, WARM[key])
            out["servers"][key] = figures | {"label": label}
    return out


def _serve_and_load(
    data_dir: str, env: dict[str, str], flags: list[str], seconds: float, warm: int
) -> dict[str, Any]:
    port = _free_port()
    log = Path(data_dir) / "server.log"
    with log.open("a") as sink:
        server = subprocess.Popen(_eduplan("serve", "--host", HOST, "--port", str(port), *flags),
                                  env=env, stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://{HOST}:{port}"
        _wait(f"{base}/accounts/login/")
        header = urllib.request.urlopen(f"{base}/accounts/login/").headers.get("Server", "")
        results, load = _load(port, seconds, warm, _Tree(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=20)
    pages = {name: r.figures() for name, r in results.items()}
    return {"server_header": header, "pages": pages, **load,
            "errors": sum(p["errors"] for p in pages.values()),
            "sample_errors": [e for r in results.values() for e in r.errors][:3]}  # fmt: skip


SERVER_KEYS = ("requests_per_second", "server_cpu_ms_per_request", "server_cpu_share", "client_cpu_share",
               "others_cpu_share", "load_average")  # fmt: skip


def page_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One object per page kind: the figures with stored results and the page cache, those of the other
    servers beside them (without the page cache, recomputing, the development server), the baseline's p50 and
    p95 over ours, and under `server` each server's throughput, CPU per request and the machine's CPU shares."""
    servers = figures["servers"]
    rows = []
    for name in PAGES:
        ours = servers[STORED]["pages"].get(name, {})
        row: dict[str, Any] = {"page": name, "users": figures["users"], **_renamed(ours)}
        row["goal_p95_ms"] = GOAL_P95_MS
        for key in (UNCACHED, RECOMPUTE, DEV):
            if key in servers:
                row[key] = {"page": name, "users": figures["users"], **_renamed(servers[key]["pages"][name])}
        for q in ("p50", "p95"):
            base, own = row.get(RECOMPUTE, {}).get(f"{q}_ms"), row.get(f"{q}_ms")
            row[f"recompute_{q}_ratio"] = round(base / own, 1) if base and own else None
        row["server"] = {k: {f: s.get(f) for f in SERVER_KEYS} for k, s in servers.items()}
        rows.append(row)
    return rows


def _renamed(page: dict[str, Any]) -> dict[str, Any]:
    return {"p50_ms" if k == "median_ms" else k: v for k, v in page.items()}


def _chosen() -> tuple[float, tuple[str, ...]]:
    """The run's length and servers: EDUPLAN_BENCH_SECONDS and EDUPLAN_BENCH_SERVERS (e.g. "stored,recompute")
    shorten a run while working; `make bench` uses the defaults."""
    seconds = float(os.environ.get("EDUPLAN_BENCH_SECONDS") or SECONDS)
    servers = tuple(k for k in (os.environ.get("EDUPLAN_BENCH_SERVERS") or ",".join(SERVERS)).split(",") if k)
    unknown = set(servers) - set(SERVERS)
    if unknown or STORED not in servers:
        raise SystemExit(
            f"EDUPLAN_BENCH_SERVERS: {sorted(unknown)} 不认识；须含 {STORED}，可选 {list(SERVERS)}"
        )
    return seconds, servers


def run_json() -> None:
    for row in page_rows(measure(*_chosen())):
        print(json.dumps(row, ensure_ascii=False), flush=True)


def run() -> None:
    seconds, servers = _chosen()
    figures = measure(seconds, servers)
    print(f"{USERS} 个已登录用户（县规划员与市督导各半）无间隔连续请求 {seconds:.0f} 秒，各自轮流访问各类页面"
          f"（{figures['cores']} 核，127.0.0.1，压测客户端为独立进程）")  # fmt: skip
    for s in figures["servers"].values():
        _print_server(s, figures["cores"])
    print(f"比值（每次重新计算 ÷ 存储结果；目标：存储结果 p95 ≤ {GOAL_P95_MS:.0f} ms）：")
    for row in page_rows(figures):
        mark = "达到" if row["p95_ms"] is not None and row["p95_ms"] <= GOAL_P95_MS else "未达到"
        print(f"  {row['page']}: 中位数 {row['recompute_p50_ratio']}×，p95 {row['recompute_p95_ratio']}×"
              f"（存储 p95 {row['p95_ms']} ms，{mark}目标）")  # fmt: skip
    if DEV in figures["servers"]:
        ours, dev = figures["servers"][STORED], figures["servers"][DEV]
        ratio = ours["requests_per_second"] / dev["requests_per_second"]
        print(f"吞吐量比值（gunicorn ÷ 开发服务器）：{ratio:.1f}×")


def _print_server(s: dict[str, Any], cores: int) -> None:
    cpu = s["server_cpu_ms_per_request"]
    print(f"{s['label']}（Server: {s['server_header']}）：{s['requests_per_second']} 次/秒，错误 {s['errors']} 次；"
          f"服务器每次请求 CPU {cpu} ms；CPU 占用：服务器 {s['server_cpu_share']:.0%}，"
          f"压测客户端 {s['client_cpu_share']:.0%}，本机其他进程 {s['others_cpu_share']:.0%}"
          f"（负载 {s['load_average']:.1f}）")  # fmt: skip
    # Closed loop without pauses: mean wait = users / throughput, and an idle machine serves cores / CPU.
    print(f"  空闲机器估算：{cores * 1000 / cpu:.0f} 次/秒，平均响应 {USERS * cpu / cores:.0f} ms"
          if cpu else "  （无 CPU 数据）")  # fmt: skip
    for name, p in s["pages"].items():
        print(f"  {name}: {p['requests']} 次，错误 {p['errors']}，中位数 {p['median_ms']} ms，"
              f"p95 {p['p95_ms']} ms，服务器 CPU {p['server_cpu_ms']} ms")  # fmt: skip
    for e in s["sample_errors"]:
        print(f"  错误示例：{e}")


if __name__ == "__main__":
    run()
