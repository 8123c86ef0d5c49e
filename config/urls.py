"""Top-level URLs: the public site at /, the editors' admin at /admin/."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "argmap editors"
admin.site.site_title = "argmap"
admin.site.index_title = "Maps, stakeholders and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("argmap.urls")),
]
