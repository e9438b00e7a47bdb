from django.apps import AppConfig


class ForecastConfig(AppConfig):
    name = "eduplan.web.forecast"
    label = "forecast"
    verbose_name = "学位预测"
