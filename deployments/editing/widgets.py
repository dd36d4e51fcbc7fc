"""A Leaflet.draw map over GeoJSON text, for Location.geometry in the admin.

django-leaflet's own LeafletWidget subclasses GeoDjango's BaseGeometryWidget, which needs GDAL
(STACK_NOTES). Its JavaScript only ever reads and writes GeoJSON text in a textarea, so this
widget is a Textarea beside a map container carrying django-leaflet's options, which
static/deployments/admin-map.js starts without any inline script.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.text import slugify
from leaflet.templatetags.leaflet_tags import leaflet_map

# The default form renderer only searches app template folders; the widget template lives in
# the project's templates/ folder, which TemplatesSetting (the TEMPLATES engines) also searches.
_project_templates = TemplatesSetting()


class GeoJSONMapWidget(forms.Textarea):
    template_name = "admin/deployments/widgets/geojson_map.html"

    class Media:
        css = {
            "screen": [
                "leaflet/leaflet.css",
                "leaflet/leaflet.extras.css",
                "leaflet/draw/leaflet.draw.css",
                "leaflet/leaflet_django.css",
            ]
        }
        js = [
            "leaflet/leaflet.js",
            "leaflet/leaflet.extras.js",
            "leaflet/draw/leaflet.draw.js",
            "leaflet/leaflet.forms.js",
            "deployments/admin-map.js",
        ]

    def format_value(self, value):
        # forms.JSONField hands over json.dumps(None), i.e. "null", for an empty geometry;
        # leaflet.forms.js would try to draw it, so an empty textarea it is.
        if value in (None, "", "null"):
            return ""
        return str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Same naming as LeafletWidget.get_attrs: the HTML ids keep "-" so the admin's inline
        # JavaScript renumbers them in an added row.
        id_css = slugify(context["widget"]["attrs"].get("id", name))
        id_map = f"{id_css}-map"
        context.update(
            id_css=id_css,
            id_map=id_map,
            serialized=context["widget"]["value"] or "",
            # The inline's hidden "add another" template: its map must not start on page load
            # (admin-map.js starts each copy when the admin adds the row).
            is_template="__prefix__" in name,
            djoptions=leaflet_map(id_map)["djoptions"],
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer=_project_templates)
