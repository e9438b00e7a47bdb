from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "eduplan.web.documents"
    label = "documents"
    verbose_name = "规划文本"
