from django.contrib import admin
from django.urls import include, path

from deployments.importing import admin_import

admin.site.site_header = "Surveillance register: data entry"
admin.site.site_title = "Surveillance register admin"

# A database outage raised by a middleware rather than a view answers 503 too (middleware.py).
handler500 = "transparency.middleware.server_error"

urlpatterns = [
    # Before the admin: its catch-all URL would answer anything else under /admin/.
    path("admin/import/", include(admin_import.urlpatterns)),
    path("admin/", admin.site.urls),
    path("", include("deployments.urls")),
]
