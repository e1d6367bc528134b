"""The native REST API (OpenAPI 3, django-ninja): adapters over each app's actions and queries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "gongzhi.api"
    label = "api"
    verbose_name = _("REST API")
