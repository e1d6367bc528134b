"""The roles a person can hold over a scope: one list, below every app that grants or checks them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    BUILDING_HEAD = "building_head", _("Building head")
    ENTRANCE_HEAD = "entrance_head", _("Entrance head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_INSTRUCTOR = "grid_instructor", _("Grid instructor")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    STREET_STAFF = "street_staff", _("Street staff")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    COMMAND_CENTRE_STAFF = "command_centre_staff", _("Command-centre staff")
    ADMINISTRATOR = "administrator", _("Administrator")
