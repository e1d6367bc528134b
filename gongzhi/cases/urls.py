"""Pages of the case platform."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/<str:number>/", views.detail, name="detail"),
    path("errands/", views.errands, name="errands"),
]
