from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "eduplan.web.pagecache"
    label = "pagecache"
    verbose_name = "页面缓存"

    def ready(self) -> None:
        from eduplan.web.pagecache import middleware, writes

        writes.install()
        middleware.watch_audits()
