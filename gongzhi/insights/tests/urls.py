"""The project's URL map with the insights pages mounted (until the root map includes them)."""

from django.urls import URLPattern, URLResolver, include, path

from gongzhi.urls import urlpatterns as root

urlpatterns: list[URLPattern | URLResolver] = list(root)
if not any(getattr(p, "namespace", None) == "insights" for p in root):
    urlpatterns.append(path("", include("gongzhi.insights.urls")))
