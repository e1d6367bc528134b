"""The URL map of gongzhi."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

admin.site.site_header = "共治 · 后台管理"
admin.site.site_title = "共治后台"
admin.site.index_title = "基础数据"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("gongzhi.open311.urls")),
    path("api/v1/", include("gongzhi.api.urls")),
    path("", include("gongzhi.cases.urls")),
    path("", include("gongzhi.insights.urls")),
    path("", include("gongzhi.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
