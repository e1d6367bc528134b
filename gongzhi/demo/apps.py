"""The demo district: 双滦区 with people in every role, loaded by `manage.py seed_demo`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo district and its history: the top floor, it imports every app and none imports it."""

    name = "gongzhi.demo"
    label = "demo"
    verbose_name = _("Demo district")
