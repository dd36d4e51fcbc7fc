from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Surveillance register: data entry"
admin.site.site_title = "Surveillance register admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("deployments.urls")),
]
