"""Open311 GeoReport v2: an adapter over the case platform's actions and scoped queries."""

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = _("Open311")

    def ready(self) -> None:
        from gongzhi.cases.models import Category

        from .defaults import on_category_saved

        # The shipped attributes follow the default categories wherever they are created.
        post_save.connect(on_category_saved, sender=Category, dispatch_uid="open311_defaults")
