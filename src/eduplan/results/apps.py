from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "eduplan.results"
    label = "results"
    verbose_name = "计算结果"
