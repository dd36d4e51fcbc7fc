"""A Leaflet.draw map over GeoJSON text, for Location.geometry in the admin.

django-leaflet's own LeafletWidget subclasses GeoDjango's BaseGeometryWidget, which needs GDAL
(STACK_NOTES). Its template and JavaScript only ever read and write GeoJSON text in a textarea,
so this widget is a Textarea that feeds django-leaflet's template the context it expects.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.templatetags.static import static
from django.utils.text import slugify
from leaflet import app_settings
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
        # JavaScript renumbers them in an added row; JavaScript names use "_" instead.
        id_css = slugify(context["widget"]["attrs"].get("id", name))
        js_name = id_css.replace("-", "_")
        id_map = f"{id_css}-map"
        context["widget"]["attrs"].update(geom_name="Geometry", map_srid=4326)
        context.update(
            id_css=id_css,
            id_map=id_map,
            module=f"geodjango_{js_name}",
            id_map_callback=f"{js_name}_map_callback",
            modifiable=True,
            geometry_field_class="L.GeometryField",
            field_store_class="L.FieldStore",
            loadevent=app_settings["LOADEVENT"],
            settings_overrides={},
            csp_nonce=None,
            target_map=None,
            display_raw=True,
            serialized=context["widget"]["value"] or "",
            FORCE_IMAGE_PATH=False,
            reset_view_icon=static("leaflet/images/reset-view.png"),
            # The inline's hidden "add another" template: its map must not start on page load
            # (admin-map.js starts each copy when the admin adds the row), and the copy needs
            # the map options, which django-leaflet would otherwise only write into a script.
            is_template="__prefix__" in name,
            djoptions=leaflet_map(id_map)["djoptions"],
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer=_project_templates)
