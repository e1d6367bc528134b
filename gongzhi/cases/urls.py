"""Pages of the case platform."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/hotline/", views.report_hotline, name="report_hotline"),
    path("report/sent/<str:number>/", views.report_sent, name="report_sent"),
    path("workbench/", views.workbench, name="workbench"),
    path("command/map/", views.command_map, name="command_map"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/act/<str:action>/", views.act, name="act"),
    path("cases/<str:number>/photos/<int:pk>/", views.photo, name="photo"),
    path("my/reports/", views.my_reports, name="my_reports"),
    path("echo-wall/", views.echo_wall, name="echo_wall"),
    path("errands/", views.errands, name="errands"),
    path("errands/<str:number>/<str:action>/", views.errand_act, name="errand_act"),
]
