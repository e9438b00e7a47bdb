from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "eduplan.web.schools"
    label = "schools"
    verbose_name = "学校与统计"
