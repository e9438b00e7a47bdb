from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "eduplan.web.reports"
    label = "reports"
    verbose_name = "报告"
