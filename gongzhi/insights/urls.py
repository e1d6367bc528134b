"""Insights pages: the dashboards, the big screen, rankings, drill-down, the monthly report."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/cases/", views.case_list, name="cases"),
    path("insights/assessments/", views.assessments, name="assessments"),
    path("insights/departments/", views.departments, name="departments"),
    path("insights/report/", views.report, name="report"),
    path("insights/screen/", views.screen, name="screen"),
    path("insights/screen/data.json", views.screen_data, name="screen_data"),
    path("insights/screen/grids.geojson", views.screen_grids, name="screen_grids"),
]
