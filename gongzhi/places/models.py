"""Places: the division tree (province → city → district → street → community), grids cut from
communities, and the estates, buildings, entrances and households inside them.

Every place carries a code that extends its parent's, so "everything under X" is a prefix match.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """An administrative division with its statistical code (2, 4, 6, 9 or 12 digits)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")

    CODE_LENGTHS = {
        2: Level.PROVINCE,
        4: Level.CITY,
        6: Level.DISTRICT,
        9: Level.STREET,
        12: Level.COMMUNITY,
    }

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.code

    @property
    def short_name(self) -> str:
        """The name as people say it: 御祥园社区 rather than 御祥园社区居民委员会."""
        for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
            if self.name.endswith(suffix):
                stem = self.name[: -len(suffix)]
                if suffix.startswith("村"):
                    return stem if stem.endswith("村") else stem + "村"
                return stem
        return self.name

    @property
    def is_village(self) -> bool:
        """Village committees have a 3-digit part of 200 or more; urban communities below 200."""
        return self.level == self.Level.COMMUNITY and int(self.code[9:12]) >= 200


class Grid(models.Model):
    """One cell of the integrated grid (一张网): a community code plus a grid number."""

    code = models.CharField(_("grid code"), max_length=20, unique=True)
    community = models.ForeignKey(
        Division,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": Division.Level.COMMUNITY},
    )
    number = models.PositiveIntegerField(_("grid number"))
    name = models.CharField(_("name"), max_length=100)
    households = models.PositiveIntegerField(_("households"), default=0)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    # The bounding box is kept beside the polygon so the map and the locator can filter cheaply.
    min_lng = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="grid_number_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.code


class Estate(models.Model):
    """A residential compound (小区/院落) inside a community, lying in one grid."""

    community = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="estates"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="estates"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["grid__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="estate_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.grid.code


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.CharField(_("building number"), max_length=20)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "number"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_number_unique")
        ]

    def __str__(self) -> str:
        return _("%(estate)s building %(number)s") % {
            "estate": self.estate.name,
            "number": self.number,
        }

    @property
    def scope_code(self) -> str:
        return self.estate.grid.code


class Entrance(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="entrances"
    )
    number = models.CharField(_("entrance number"), max_length=20)

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="entrance_number_unique")
        ]

    def __str__(self) -> str:
        return _("%(building)s entrance %(number)s") % {
            "building": self.building,
            "number": self.number,
        }


class Household(models.Model):
    """A dwelling: the finest address a resident profile points at."""

    entrance = models.ForeignKey(
        Entrance, verbose_name=_("entrance"), on_delete=models.CASCADE, related_name="households"
    )
    room = models.CharField(_("room"), max_length=20)
    # Denormalised from entrance → building → estate → grid so that scoped queries are one LIKE.
    grid_code = models.CharField(_("grid code"), max_length=20, db_index=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["entrance", "room"]
        constraints = [
            models.UniqueConstraint(fields=["entrance", "room"], name="household_room_unique")
        ]

    def __str__(self) -> str:
        return _("%(entrance)s room %(room)s") % {"entrance": self.entrance, "room": self.room}

    @property
    def scope_code(self) -> str:
        return self.grid_code
