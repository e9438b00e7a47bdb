from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "eduplan.web.standards"
    label = "standards"
    verbose_name = "督导评估"
