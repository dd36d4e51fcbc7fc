from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class AdminConfig(SimpleAdminConfig):
    """The stock admin, discovering every app's admin module except django-leaflet's.

    leaflet/admin.py imports django.contrib.gis, which fails without the GDAL library; this
    project stores geometry as GeoJSON and never needs it (STACK_NOTES, django-leaflet #336).
    """

    skipped = {"leaflet"}

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.label in self.skipped:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
