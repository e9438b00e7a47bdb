from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "eduplan.web.region"
    label = "region"
    verbose_name = "区域比较"
