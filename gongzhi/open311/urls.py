"""Open311 GeoReport v2 URLs: the format is the path's extension (.xml or .json)."""

from django.urls import URLPattern, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)$"
urlpatterns: list[URLPattern] = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests_view, name="requests"),
    re_path(rf"^requests/(?P<number>[^/]+){FMT}", views.request_view, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+){FMT}", views.token_view, name="token"),
    re_path(rf"^servicerequestupdates{FMT}", views.updates_view, name="updates"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
