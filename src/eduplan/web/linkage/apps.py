from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "eduplan.web.linkage"
    label = "linkage"
    verbose_name = "控辍保学与资助比对"
