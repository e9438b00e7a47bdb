"""`eduplan serve`: gunicorn (a process per core, a normal listen backlog, static files by WhiteNoise), or with
`--dev` Django's development server. Neither names its version in the Server header."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

BACKLOG = 2048  # gunicorn's default; Django's development server listens with 10
THREADS = 8  # per worker
TIMEOUT = 120  # seconds a worker may spend on one request (a whole province's evaluation) before a restart


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from eduplan.web.wsgi import application

        return application


def _allow(host: str) -> None:
    """Let Django answer for the address it listens on (settings are loaded before the workers fork)."""
    from django.conf import settings

    wanted = "*" if host in ("0.0.0.0", "::") else host
    if wanted not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(wanted)


def serve(host: str, port: int, workers: int = 0, dev: bool = False) -> None:
    _allow(host)
    if dev:
        _dev(host, port)
        return
    from django.conf import settings

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or os.cpu_count() or 2,
        # Threads let a light page through while a heavy one computes in the same worker (sync workers
        # queue every request behind the slowest one).
        "worker_class": "gthread",
        "threads": THREADS,
        "backlog": BACKLOG,
        "timeout": TIMEOUT,
        "preload_app": True,  # load Django once, then fork: workers start fast and share memory
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        # X-Forwarded-* from nginx on this machine only when EDUPLAN_BEHIND_PROXY is set
        "forwarded_allow_ips": "127.0.0.1,::1" if settings.EDUPLAN_BEHIND_PROXY else "",
    }
    _Gunicorn(options).run()


def _dev(host: str, port: int) -> None:
    """Django's threaded development server, without autoreload or debug pages, version hidden."""
    from django.core.servers.basehttp import ServerHandler, WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    ServerHandler.server_software = "eduplan-dev"
    run(host, port, get_wsgi_application(), threading=True, server_cls=WSGIServer)
