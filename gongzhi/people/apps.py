"""Accounts, resident and party-member profiles, role memberships, personal-data masking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = _("People and roles")
