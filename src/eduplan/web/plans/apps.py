from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "eduplan.web.plans"
    label = "plans"
    verbose_name = "规划与监测"
