from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "eduplan.web.public"
    label = "public"
    verbose_name = "公开页面"
