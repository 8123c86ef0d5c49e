"""Top-level URLs: the public site at /, the editors' admin at /admin/, the JSON API at /api/."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "argmap editors"
admin.site.site_title = "argmap"
admin.site.index_title = "Maps, stakeholders and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("argmap.api.urls")),
    path("", include("argmap.urls")),
]
