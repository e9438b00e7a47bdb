from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "eduplan.web.staffing"
    label = "staffing"
    verbose_name = "教师编制与交流"
