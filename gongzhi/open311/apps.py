"""Open311 GeoReport v2: an adapter over the case platform's actions and scoped queries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    # No signals: the shipped service settings are given by the audited action
    # `actions.load_defaults`, which `manage.py open311_defaults` and the demo loader run.
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = _("Open311")
