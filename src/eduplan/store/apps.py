from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "eduplan.store"
    label = "store"
    verbose_name = "数据导入记录"
