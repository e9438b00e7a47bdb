"""`Server-Timing: cpu;dur=<ms>` on every answer when `EDUPLAN_SERVER_TIMING` is on (the web bench turns it on):
the CPU time the request's thread spent in Django, which unlike the wall time does not grow with the load."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = f"cpu;dur={(time.thread_time() - start) * 1000:.2f}"
        return response
