from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "eduplan.web.indicators"
    label = "indicators"
    verbose_name = "指标"
