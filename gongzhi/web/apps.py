"""Base templates, navigation, the place browser and the static asset build."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "gongzhi.web"
    label = "web"
    verbose_name = _("Web")
