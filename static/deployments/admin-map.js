/* Start the admin's location maps: Leaflet.draw over each GeoJSON textarea.
 *
 * templates/admin/deployments/widgets/geojson_map.html writes each map's options as data
 * attributes instead of django-leaflet's inline scripts, which the Content-Security-Policy
 * refuses. This starts each map the way django-leaflet would: L.Map.djangoMap plus an
 * L.GeometryField writing GeoJSON into the textarea. A row added with "Add another location" is
 * a copy of the hidden empty form with renumbered ids; its map starts when the admin adds it.
 */
"use strict";

function startGeoJSONMap(wrapper) {
    var container = wrapper.querySelector(".leaflet-container-default");
    if (!container || container._leaflet_id) {
        return;
    }
    // Leaflet guesses the marker icons' folder from leaflet.css's URL, which hashed static
    // file names break.
    L.Icon.Default.imagePath = wrapper.dataset.imagePath;
    // django-leaflet names the map "<textarea id>-map"; in a copied row both were renumbered.
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
}

document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".geojson-map:not([data-template])").forEach(startGeoJSONMap);
});

document.addEventListener("formset:added", function (event) {
    event.target.querySelectorAll(".geojson-map").forEach(startGeoJSONMap);
});
