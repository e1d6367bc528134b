"""Pages of the web UI."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("places/", views.places, name="places"),
    path("places/<str:code>/", views.division, name="division"),
    path(
        "places/<str:code>/grids.geojson",
        views.division_grids_geojson,
        name="division_grids_geojson",
    ),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("people/<int:pk>/reveal/", views.reveal_personal_data, name="reveal_personal_data"),
    path("organisations/", views.organisations, name="organisations"),
    path("audit/", views.audit_log, name="audit"),
    path("notifications/", views.notifications, name="notifications"),
]
