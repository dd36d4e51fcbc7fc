/* Start the map of a location row added with "Add another location".
 *
 * The admin adds a row by copying the hidden empty form: its ids are renumbered, but its scripts
 * do not run again, and its map was deliberately left unstarted (templates/admin/deployments/
 * widgets/geojson_map.html). This starts the copy the way django-leaflet starts the others:
 * L.Map.djangoMap plus an L.GeometryField writing GeoJSON into the row's textarea.
 */
"use strict";

document.addEventListener("formset:added", function (event) {
    event.target.querySelectorAll(".geojson-map").forEach(function (wrapper) {
        var container = wrapper.querySelector(".leaflet-container-default");
        if (!container || container._leaflet_id) {
            return;
        }
        // django-leaflet names the map "<textarea id>-map"; both ids were renumbered together.
        var fieldid = container.id.replace(/-map$/, "");
        L.Map.djangoMap(container.id, {
            djoptions: JSON.parse(wrapper.dataset.djoptions),
            globals: false,
            callback: function (map, options) {
                new L.GeometryField({
                    fieldid: fieldid,
                    modifiable: true,
                    geom_type: "Geometry",
                    srid: 4326,
                    field_store_class: L.FieldStore,
                    precision: options.djoptions.precision,
                }).addTo(map);
            },
        });
    });
});
