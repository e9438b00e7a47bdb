from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "eduplan.web.finance"
    label = "finance"
    verbose_name = "经费"
