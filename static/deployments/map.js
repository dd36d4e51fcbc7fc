/* The explore map (/deployments/map/) and the small maps of record, organisation and
 * technology pages. One hand-written file, no build step.
 *
 * Both pages work without it: the explore page lists mapped locations in a table, the others
 * list them as text. What this adds is the same locations on a Leaflet map, drawn as
 * precisely as they are known (only an exact site gets a pin), points clustered, and
 * "Search this area", which reloads the page with a bbox so the count, list and downloads
 * narrow together.
 *
 * A small map draws the features its page embeds (deployments/explore/minimap.py), which
 * carry the same "areas" as the explore map's data, through the same draw().
 *
 * The explore map reads /deployments/map.geojson (deployments/mapdata.py). Up to a threshold
 * it gets every location and clusters them here; past it the server counts them on a grid
 * ("mode": "grid"), and the map asks again for the visible area and zoom after each move.
 *
 * Country outlines come with the site (static/vendor/world-atlas-2.0.2, read with
 * topojson-client): they are the background when no tile server is set, and a location that is
 * a country, several countries or a region (its "areas", deployments/explore/outlines.py) is
 * drawn as those outlines, all of a place's records behind one mark.
 */
"use strict";

(function () {
    if (!window.L) {
        return;
    }

    // Location.Precision's labels (deployments/models.py); test_map.py keeps them in step.
    const PRECISION = {
        exact: "Exact site",
        approximate: "Approximate",
        city: "City or region",
        national: "National",
        multi: "Several countries",
    };
    // A country is not "near" a site: area-wide locations are never clustered with points.
    const AREA_WIDE = new Set(["national", "multi"]);
    // Outlines of non-point geometries (a city boundary, a country), by precision.
    const SHAPE_STYLE = {
        exact: {color: "#0b5394", weight: 2, fillOpacity: 0.2},
        approximate: {color: "#0b5394", weight: 2, dashArray: "6 5", fillOpacity: 0},
        city: {color: "#0b5394", weight: 1.5, fillOpacity: 0.18},
        national: {color: "#6a1b6e", weight: 2, dashArray: "8 6", fillOpacity: 0.07},
        multi: {color: "#7a4100", weight: 2, dashArray: "2 6", fillOpacity: 0.07},
    };
    const MARK_SIZE = {approximate: 26, city: 46, national: 76, multi: 76};

    function element(tag, className, text) {
        const node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    // "Title: place (Precision)". The map's compact data names the place of area-wide
    // locations only, so a site reads "Title (Exact site)".
    function describe(props) {
        const precision = "(" + (PRECISION[props.precision] || props.precision) + ")";
        const where = props.location ? props.location + " " + precision : precision;
        if (!props.title) {
            return where;
        }
        return props.location ? props.title + ": " + where : props.title + " " + where;
    }

    // Slug -> a promise of the record's JSON (/deployments/<slug>.json), fetched once.
    const details = new Map();

    function recordDetails(url, slug) {
        if (!details.has(slug)) {
            const promise = fetch(url.replace("__slug__", encodeURIComponent(slug)), {
                headers: {Accept: "application/json"},
            }).then(function (response) {
                if (!response.ok) {
                    throw new Error("HTTP " + response.status);
                }
                return response.json();
            });
            // A failed fetch is forgotten, so opening the popup again tries again.
            promise.catch(function () {
                details.delete(slug);
            });
            details.set(slug, promise);
        }
        return details.get(slug);
    }

    // The record's location drawn at these coordinates (the map's data rounds them to 5
    // decimals, mapdata._coordinate), to name the place in the popup.
    function placeOf(record, props, coordinates) {
        return (record.locations || []).find(function (place) {
            return place.precision === props.precision &&
                place.longitude !== null && place.latitude !== null &&
                Math.abs(place.longitude - coordinates[0]) <= 1e-5 &&
                Math.abs(place.latitude - coordinates[1]) <= 1e-5;
        });
    }

    // `coordinates` is the feature's point, when it is one. The explore map's compact data has
    // no site names or technologies (and past a size no titles): those come from the record.
    function popupContent(props, options, coordinates) {
        const box = element("div", "map-popup");
        const heading = element("p", "map-popup-title");
        let link = null;
        if (options.linkRecords && props.slug) {
            link = element("a", "", props.title || "Open this record");
            link.href = options.recordUrl.replace("__slug__", encodeURIComponent(props.slug));
            heading.appendChild(link);
        } else {
            heading.textContent = props.title || props.location;
        }
        box.appendChild(heading);
        const precision = PRECISION[props.precision] || props.precision;
        const where = element("p", "", props.location ? props.location + " · " + precision : precision);
        box.appendChild(where);
        const technologies = element("p", "muted");
        if (props.technologies && props.technologies.length) {
            technologies.textContent = props.technologies.join(", ");
        }
        box.appendChild(technologies);
        if (options.recordJsonUrl && props.slug && !props.technologies) {
            box.setAttribute("aria-busy", "true");
            recordDetails(options.recordJsonUrl, props.slug)
                .then(function (record) {
                    if (link && !props.title) {
                        link.textContent = record.title;
                    }
                    const place = coordinates && !props.location && placeOf(record, props, coordinates);
                    if (place) {
                        where.textContent = place.name + " · " + precision;
                    }
                    technologies.textContent = (record.technologies || [])
                        .map((technology) => technology.name).join(", ");
                })
                .catch(function () {
                    // The link to the record is there already; the details are a bonus.
                })
                .finally(function () {
                    box.removeAttribute("aria-busy");
                });
        }
        return box;
    }

    // The focusable mark of one location: a pin for an exact site, otherwise a circle (with
    // the place's name when it is a whole country or more). `outlined` says the area's own
    // shape is drawn too, so an area-wide mark needs only its label.
    function markIcon(props, outlined) {
        if (props.precision === "exact") {
            return new L.Icon.Default();
        }
        const html = element("span", "visually-hidden", describe(props));
        const wrapper = element("span");
        wrapper.appendChild(html);
        let className = "map-mark map-mark--" + props.precision;
        if (AREA_WIDE.has(props.precision)) {
            const label = element("span", "map-mark-label", props.location);
            label.setAttribute("aria-hidden", "true");
            wrapper.appendChild(label);
            if (outlined) {
                className += " map-mark--outlined";
            }
        }
        const size = MARK_SIZE[props.precision] || 26;
        return L.divIcon({className: className, html: wrapper, iconSize: [size, size]});
    }

    function clusterText(count) {
        return count === 1
            ? "1 location here: zoom in"
            : count.toLocaleString("en") + " locations close together: zoom in";
    }

    // 1234 -> "1.2k", 56789 -> "57k": the full number is the accessible name.
    function shortCount(count) {
        if (count < 1000) {
            return String(count);
        }
        const [value, unit] = count < 1e6 ? [count / 1e3, "k"] : [count / 1e6, "M"];
        return (value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)) + unit;
    }

    function countIcon(count) {
        const size = count < 10 ? 34 : count < 100 ? 40 : 48;
        const wrapper = element("span");
        const shown = element("span", "map-cluster-count", shortCount(count));
        shown.setAttribute("aria-hidden", "true");
        wrapper.appendChild(shown);
        wrapper.appendChild(element("span", "visually-hidden", clusterText(count)));
        return L.divIcon({className: "map-cluster", html: wrapper, iconSize: [size, size]});
    }

    function clusterIcon(cluster) {
        return countIcon(cluster.getChildCount());
    }

    const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    // Layers for a FeatureCollection's features. Each feature gets exactly one focusable mark
    // (so the number of marks is the number of features), plus its shape when it is not a
    // point. The caller sets the view first and then adds them (addTo), so clusters are made
    // once at the final zoom instead of animating from the default view.
    function draw(features, options, outlines) {
        const shapes = L.featureGroup();
        const areas = L.featureGroup();
        const clusters = L.markerClusterGroup({
            iconCreateFunction: clusterIcon,
            showCoverageOnHover: false,
            maxClusterRadius: 50,
            chunkedLoading: true,
            animate: !reducedMotion,
        });
        const marks = new Map();
        const bounds = L.latLngBounds([]);
        const records = new Set();
        const drawnFeatures = new Map(); // id -> every feature drawn, by whatever mark
        const groups = new Map(); // the same outlines -> the features drawn as them

        features.forEach(function (feature) {
            const props = feature.properties;
            const geometry = feature.geometry;
            if (outlines && props.areas && props.areas.some((id) => outlines.has(id))) {
                const key = props.areas.join(",");
                if (!groups.has(key)) {
                    groups.set(key, []);
                }
                groups.get(key).push(feature);
                return;
            }
            if (!geometry) {
                return;
            }
            const popup = function () {
                return popupContent(
                    props, options, geometry.type === "Point" ? geometry.coordinates : null
                );
            };
            let at;
            if (geometry.type === "Point") {
                at = L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
                bounds.extend(at);
            } else {
                const style = SHAPE_STYLE[props.precision] || SHAPE_STYLE.approximate;
                const shape = L.geoJSON(geometry, {
                    style: style,
                    pointToLayer: function (point, latlng) {
                        return L.circleMarker(latlng, L.extend({radius: 8}, style));
                    },
                }).bindPopup(popup);
                shapes.addLayer(shape);
                // The centre of its bounds, as Location.save() places the record's point.
                at = shape.getBounds().getCenter();
                bounds.extend(shape.getBounds());
            }
            const text = describe(props);
            const mark = L.marker(at, {
                icon: markIcon(props, geometry.type !== "Point"),
                title: text,
                alt: text,
                riseOnHover: true,
                zIndexOffset: AREA_WIDE.has(props.precision) ? -1000 : 0,
            }).bindPopup(popup);
            mark.feature = feature;
            (AREA_WIDE.has(props.precision) ? areas : clusters).addLayer(mark);
            marks.set(String(feature.id), mark);
            drawnFeatures.set(String(feature.id), feature);
            records.add(props.slug || props.id);
        });
        groups.forEach(function (members) {
            const area = outlineArea(members, outlines, {
                label: groupLabel(members, outlines),
                national: members.filter((f) => f.properties.precision === "national").length,
                popup: function () {
                    return groupPopup(members, options, outlines);
                },
            });
            shapes.addLayer(area.shape);
            areas.addLayer(area.mark);
            bounds.extend(area.view);
            area.mark.feature = members[0];
            area.mark.features = members;
            members.forEach(function (feature) {
                marks.set(String(feature.id), area.mark);
                drawnFeatures.set(String(feature.id), feature);
                records.add(feature.properties.slug || feature.properties.id);
            });
        });
        return {shapes, areas, clusters, marks, bounds, records, features: drawnFeatures};
    }

    // Outlines -------------------------------------------------------------------------------

    // The countries of world-atlas (ISO 3166-1 numeric id -> GeoJSON Feature), or null when
    // they cannot be read: the map then draws what has a point, as it would without them.
    function loadOutlines(url) {
        if (!url || !window.topojson) {
            return Promise.resolve(null);
        }
        return fetch(url)
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("HTTP " + response.status);
                }
                return response.json();
            })
            .then(function (topology) {
                const countries = window.topojson.feature(topology, topology.objects.countries);
                const byId = new Map();
                countries.features.forEach(function (country) {
                    if (CUT.has(country.id)) {
                        unwrap(country.geometry);
                    }
                    if (country.id) {
                        byId.set(country.id, country);
                    }
                });
                // Several countries as one shape, their shared borders dissolved: a region
                // reads as one place, not as so many countries. The merge reads the file's
                // own arcs, so a CUT country stays a shape of its own, unwrapped.
                byId.merge = function (ids) {
                    const wanted = new Set(ids);
                    const parts = topology.objects.countries.geometries
                        .filter((geometry) => wanted.has(geometry.id));
                    return {
                        merged: window.topojson.merge(topology, parts.filter((g) => !CUT.has(g.id))),
                        cut: parts.filter((g) => CUT.has(g.id)).map((g) => byId.get(g.id)),
                    };
                };
                return byId;
            })
            .catch(function () {
                return null;
            });
    }

    // Fiji and Russia: the countries of countries-110m.json whose rings cross the
    // antimeridian, from 180 to -180 in one step, which Leaflet draws as a line (and a band of
    // fill) across the whole world. Antarctica's rings run along it instead, as they should.
    const CUT = new Set(["242", "643"]);

    // Their western longitudes as east of 180 (-179 as 181), so each ring is continuous.
    function unwrap(geometry) {
        const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
        polygons.forEach((rings) => rings.forEach((ring) => ring.forEach(function (position) {
            if (position[0] < 0) {
                position[0] += 360;
            }
        })));
    }

    // The bounds of a country's largest part, so France is labelled in France and not between
    // it and French Guiana.
    function mainBounds(country) {
        const geometry = country.geometry;
        const parts = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
        let best = null;
        let bestSize = -1;
        parts.forEach(function (polygon) {
            const part = L.geoJSON({type: "Polygon", coordinates: polygon}).getBounds();
            const size = (part.getEast() - part.getWest()) * (part.getNorth() - part.getSouth());
            if (size > bestSize) {
                best = part;
                bestSize = size;
            }
        });
        return best;
    }

    // National records per country -> the class of its shading; map.css and the legend on
    // the map page (deployment_map.html) use the same steps.
    function shade(count) {
        return count >= 5 ? 3 : count >= 2 ? 2 : 1;
    }

    // One drawn area: the outlines of `features[0].properties.areas`, and one focusable mark
    // with its label. `view` is what fits it on screen.
    function outlineArea(features, outlines, spec) {
        const props = features[0].properties;
        const countries = props.areas.map((id) => outlines.get(id)).filter(Boolean);
        let kind = props.wider ? "wider" : props.precision === "national" ? "national" : "multi";
        if (spec.national) {
            kind = "national map-shade-" + shade(spec.national);
        }
        const className = "map-area map-area--" + kind;
        const shape = L.featureGroup();
        if (countries.length > 1) {
            const parts = outlines.merge(props.areas);
            shape.addLayer(L.geoJSON(parts.merged, {className: className}));
            parts.cut.forEach((country) => shape.addLayer(L.geoJSON(country, {className: className})));
        } else {
            shape.addLayer(L.geoJSON(countries[0], {className: className}));
        }
        shape.bindPopup(spec.popup);
        let view = L.latLngBounds([]);
        let at;
        const box = features.map((f) => f.bbox).find(Boolean);
        if (box) {
            // A region's view (mapdata's "bbox"). Its label goes below the middle, where it
            // stays clear of the label of a country in the west of it.
            view = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
            at = L.latLng(box[1] + (box[3] - box[1]) * 0.35, (box[0] + box[2]) / 2);
        } else {
            countries.forEach((country) => view.extend(mainBounds(country)));
            at = view.getCenter();
        }
        const wrapper = element("span");
        wrapper.appendChild(element("span", "visually-hidden", spec.label));
        const shown = element("span", "map-mark-label", spec.label);
        shown.setAttribute("aria-hidden", "true");
        wrapper.appendChild(shown);
        const mark = L.marker(at, {
            icon: L.divIcon({
                className: "map-mark map-mark--outlined map-mark--" + props.precision,
                html: wrapper,
                iconSize: [76, 28],
            }),
            title: spec.label,
            alt: spec.label,
            riseOnHover: true,
            zIndexOffset: -1000,
        }).bindPopup(spec.popup);
        return {shape, mark, view};
    }

    function plural(count, word) {
        return count.toLocaleString("en") + " " + word + (count === 1 ? "" : "s");
    }

    // "United Kingdom · 5 records", "Somewhere in Europe · 1 record": the place, said to be
    // imprecise when every record there is only known to be somewhere inside it.
    function groupLabel(features, outlines) {
        const props = features[0].properties;
        let place;
        if (props.region) {
            place = props.region;
        } else if (props.areas.length > 2) {
            place = props.location;
        } else {
            place = props.areas.map((id) => outlines.has(id) ? outlines.get(id).properties.name : id)
                .join(" and ");
        }
        if (features.every((f) => f.properties.wider)) {
            place = "Somewhere in " + place;
        }
        // The shading counts national records (shade()): the label says that number too.
        const national = features.filter((f) => f.properties.precision === "national").length;
        const more = national && national < features.length ? " (" + national + " national)" : "";
        return place + " · " + plural(features.length, "record") + more;
    }

    function groupPopup(features, options, outlines) {
        const box = element("div", "map-popup");
        box.appendChild(element("p", "map-popup-title", groupLabel(features, outlines)));
        const list = element("ul", "map-popup-list");
        features.forEach(function (feature) {
            const props = feature.properties;
            const item = element("li");
            if (options.linkRecords && props.slug) {
                const link = element("a", "", props.title || props.slug);
                link.href = options.recordUrl.replace("__slug__", encodeURIComponent(props.slug));
                item.appendChild(link);
            } else {
                item.appendChild(element("span", "", props.title || props.location));
            }
            let where = ": " + props.location + " (" + (PRECISION[props.precision] || props.precision) + ")";
            if (props.region) {
                where += ", imprecise: no country is named, so all of " + props.region +
                    " is drawn (its countries as the UN's M49 standard lists them)";
            } else if (props.wider) {
                where += ", imprecise: its own area is not recorded, so its country is drawn";
            }
            item.appendChild(document.createTextNode(where + "."));
            list.appendChild(item);
        });
        box.appendChild(list);
        return box;
    }

    // The background when no tile server is set: every country, drawn under everything else.
    function addLand(map, outlines) {
        map.createPane("land");
        map.getPane("land").classList.add("map-land-pane");
        L.geoJSON({type: "FeatureCollection", features: Array.from(outlines.values())}, {
            pane: "land",
            className: "map-land",
            interactive: false,
        }).addTo(map);
    }

    function addTo(map, drawn) {
        [drawn.shapes, drawn.areas, drawn.clusters].forEach((layer) => layer.addTo(map));
    }

    function removeFrom(map, drawn) {
        [drawn.shapes, drawn.areas, drawn.clusters].forEach((layer) => map.removeLayer(layer));
    }

    function areaGroupText(props) {
        const count = props.count.toLocaleString("en");
        return props.location + " (" + (PRECISION[props.precision] || props.precision) + "): " +
            count + " location" + (props.count === 1 ? "" : "s");
    }

    // A group of area-wide locations on the grid: the same mark as one such location (a large
    // soft circle with its name), with the count added. Never a cluster, never a pin.
    function areaGroupIcon(props) {
        const wrapper = element("span");
        wrapper.appendChild(element("span", "visually-hidden", areaGroupText(props)));
        const label = element("span", "map-mark-label", props.location + " · " + shortCount(props.count));
        label.setAttribute("aria-hidden", "true");
        wrapper.appendChild(label);
        const size = MARK_SIZE[props.precision] || 76;
        return L.divIcon({
            className: "map-mark map-mark--" + props.precision,
            html: wrapper,
            iconSize: [size, size],
        });
    }

    function areaGroupPopup(props, options) {
        const box = element("div", "map-popup");
        box.appendChild(element("p", "map-popup-title", props.location));
        box.appendChild(element("p", "", areaGroupText(props) + " in these results."));
        const params = new URLSearchParams(options.listUrl.split("?")[1] || "");
        const hint = element("p", "muted");
        // A country filter narrows to records with any location in that country: it would not
        // widen the results, so it is offered only when no country is chosen yet.
        if (props.country && !params.has("country")) {
            params.append("country", props.country);
            const link = element("a", "", "List the records in " + props.location);
            link.href = options.listUrl.split("?")[0] + "?" + params.toString();
            hint.appendChild(link);
        } else {
            hint.textContent = "Narrow the filters or zoom in to see each record.";
        }
        box.appendChild(hint);
        return box;
    }

    // A grid answer from the server ("mode": "grid", mapdata.grid_features): one mark per cell
    // with its count, which zooms to its cell when selected, and one mark per group of
    // area-wide locations. Same layers as draw(), so the rest of the page treats both alike.
    function drawGrid(collection, options, outlines) {
        const shapes = L.featureGroup();
        const areas = L.featureGroup();
        const clusters = L.featureGroup();
        const bounds = L.latLngBounds([]);
        collection.features.forEach(function (feature) {
            const props = feature.properties;
            const outlined = outlines && props.areas && props.areas.some((id) => outlines.has(id));
            if (!feature.geometry) {
                // Locations with no point, counted per country: drawn as its outline.
                if (outlined) {
                    const area = outlineArea([feature], outlines, {
                        label: areaGroupText(props),
                        national: props.precision === "national" ? props.count : 0,
                        popup: function () {
                            return areaGroupPopup(props, options);
                        },
                    });
                    shapes.addLayer(area.shape);
                    areas.addLayer(area.mark);
                    bounds.extend(area.view);
                    area.mark.feature = feature;
                }
                return;
            }
            const at = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
            bounds.extend(at);
            let mark;
            if (AREA_WIDE.has(props.precision)) {
                const text = areaGroupText(props);
                mark = L.marker(at, {
                    icon: areaGroupIcon(props),
                    title: text,
                    alt: text,
                    zIndexOffset: -1000,
                }).bindPopup(function () {
                    return areaGroupPopup(props, options);
                });
                areas.addLayer(mark);
            } else {
                const text = clusterText(props.count);
                mark = L.marker(at, {icon: countIcon(props.count), title: text, alt: text});
                const box = feature.bbox;
                const zoomIn = function () {
                    options.zoomTo(box && L.latLngBounds([box[1], box[0]], [box[3], box[2]]), at);
                };
                // Leaflet turns Enter into a click only for marks with a popup; a button also
                // answers the space bar.
                mark.on("click", zoomIn);
                mark.on("keypress", function (event) {
                    const key = event.originalEvent.key;
                    if (key === "Enter" || key === " ") {
                        event.originalEvent.preventDefault(); // the space bar would scroll
                        zoomIn();
                    }
                });
                clusters.addLayer(mark);
            }
            mark.feature = feature;
        });
        return {shapes, areas, clusters, marks: new Map(), bounds, records: new Set(), features: new Map()};
    }

    // For bench/map_browser.py and the browser tests: once the first mark of any kind (pin,
    // area, cluster) is in the page, data-first-drawn-ms holds when, in milliseconds since
    // navigation started. Marker clusters are made in chunks, so this waits for the DOM.
    function markFirstDrawn(container) {
        if (container.dataset.firstDrawnMs || container.dataset.watchingDraw) {
            return;
        }
        container.dataset.watchingDraw = "true";
        const giveUp = performance.now() + 60000;
        const check = function () {
            if (container.querySelector(".leaflet-marker-icon")) {
                container.dataset.firstDrawnMs = performance.now().toFixed(1);
            } else if (performance.now() < giveUp) {
                window.requestAnimationFrame(check);
            }
        };
        window.requestAnimationFrame(check);
    }

    // Zoom to one mark (out of its cluster if need be), open its popup and move focus into it.
    function show(map, drawn, mark) {
        const open = function () {
            mark.openPopup();
            const popup = mark.getPopup().getElement();
            const target = popup && popup.querySelector("a, .leaflet-popup-close-button");
            if (target) {
                target.focus();
            }
        };
        map.getContainer().scrollIntoView({block: "nearest"});
        if (drawn.clusters.hasLayer(mark)) {
            drawn.clusters.zoomToShowLayer(mark, open);
        } else {
            map.setView(mark.getLatLng(), Math.max(map.getZoom(), 4));
            open();
        }
    }

    function addBackground(map, tiles, container, outlinesReady) {
        if (tiles.length) {
            const layers = {};
            tiles.forEach(function (tile, index) {
                const layer = L.tileLayer(tile[1], tile[2] || {});
                layers[tile[0]] = layer;
                if (index === 0) {
                    layer.addTo(map);
                }
            });
            if (tiles.length > 1) {
                L.control.layers(layers).addTo(map);
            }
            return;
        }
        // No tile server configured: nothing is requested from anywhere else. The bundled
        // country outlines are the background; without them (they failed to load), a few
        // lines of latitude and longitude keep the map readable.
        container.classList.add("map--no-tiles");
        (outlinesReady || Promise.resolve(null)).then(function (outlines) {
            if (outlines) {
                addLand(map, outlines);
                return;
            }
            const line = {color: "#9db0c3", weight: 1, interactive: false};
            for (let lat = -60; lat <= 60; lat += 30) {
                L.polyline([[lat, -180], [lat, 180]], line).addTo(map);
            }
            for (let lon = -180; lon <= 180; lon += 30) {
                L.polyline([[-85, lon], [85, lon]], line).addTo(map);
            }
        });
    }

    function startMap(container, options) {
        const config = JSON.parse(container.dataset.leaflet || "{}");
        L.Icon.Default.imagePath = container.dataset.imagePath;
        const map = L.map(container, {
            minZoom: config.MIN_ZOOM || 1,
            maxZoom: config.MAX_ZOOM || 18,
            zoomAnimation: !reducedMotion,
            fadeAnimation: !reducedMotion,
            markerZoomAnimation: !reducedMotion,
            // The page scrolls under the wheel until the reader clicks or tabs into the map.
            scrollWheelZoom: false,
            worldCopyJump: true,
        });
        map.once("focus click", function () {
            map.scrollWheelZoom.enable();
        });
        map.setView(config.DEFAULT_CENTER || [20, 0], config.DEFAULT_ZOOM || 2);
        addBackground(map, options.tiles || config.TILES || [], container, options.outlines);
        return map;
    }

    function fit(map, bounds, maxZoom) {
        if (bounds.isValid()) {
            map.fitBounds(bounds, {padding: [24, 24], maxZoom: maxZoom, animate: false});
        }
    }

    // bbox=minlon,minlat,maxlon,maxlat <-> Leaflet bounds. A box whose west edge is east of
    // its east edge crosses the antimeridian (filters.py reads it the same way).
    function parseBBox(text) {
        const parts = (text || "").split(",").map(Number);
        if (parts.length !== 4 || parts.some(Number.isNaN)) {
            return null;
        }
        const [west, south, east, north] = parts;
        return L.latLngBounds([south, west], [north, east < west ? east + 360 : east]);
    }

    function wrapLongitude(lon) {
        return lon >= -180 && lon <= 180 ? lon : ((((lon + 180) % 360) + 360) % 360) - 180;
    }

    // `pad`: a fraction of the view to add on each side (asking for a little more than is on
    // screen keeps short pans from showing empty edges).
    function bboxOf(map, pad) {
        const bounds = map.getBounds().pad(pad || 0);
        let west = bounds.getWest();
        let east = bounds.getEast();
        if (east - west >= 360) {
            west = -180;
            east = 180;
        } else {
            west = wrapLongitude(west);
            east = wrapLongitude(east);
        }
        const south = Math.max(bounds.getSouth(), -90);
        const north = Math.min(bounds.getNorth(), 90);
        return [west, south, east, north].map((value) => Number(value.toFixed(4))).join(",");
    }

    function say(text) {
        const status = document.getElementById("map-status");
        if (status) {
            status.textContent = text;
        }
    }

    // The locations table: a "Show on map" button on each row with a mark on the map (each
    // time the map is drawn again, for the marks drawn now).
    function linkTable(map, drawn) {
        document.querySelectorAll("tr[data-location] .map-show").forEach(function (button) {
            button.previousSibling.remove(); // the space before it
            button.remove();
        });
        document.querySelectorAll("tr[data-location]").forEach(function (row) {
            const mark = drawn.marks.get(row.dataset.location);
            const cell = row.querySelector(".map-location-name");
            if (!mark || !cell) {
                return;
            }
            const button = element("button", "map-show", "Show on map");
            button.type = "button";
            // The row names the place, which the map's compact data leaves out for sites.
            const feature = drawn.features.get(row.dataset.location) || mark.feature;
            const props = L.extend({}, feature.properties, {location: cell.textContent.trim()});
            button.setAttribute("aria-label", "Show " + describe(props) + " on the map");
            button.addEventListener("click", function () {
                show(map, drawn, mark);
            });
            cell.appendChild(document.createTextNode(" "));
            cell.appendChild(button);
        });
    }

    function startExploreMap(container) {
        const frame = document.getElementById("map-frame");
        frame.hidden = false;
        const tilesScript = document.getElementById(container.dataset.tiles);
        const tiles = tilesScript ? JSON.parse(tilesScript.textContent) : [];
        const outlinesReady = loadOutlines(container.dataset.outlines);
        const map = startMap(container, {tiles: tiles, outlines: outlinesReady});
        // For readers' consoles and the browser tests: the map, and (once loaded) what it drew.
        window.registerMap = map;
        const bbox = parseBBox(container.dataset.bbox);
        if (bbox) {
            fit(map, bbox, 18);
        }

        document.getElementById("map-search-area").addEventListener("click", function () {
            const params = new URLSearchParams(window.location.search);
            params.set("bbox", bboxOf(map));
            params.delete("page");
            window.location.assign(window.location.pathname + "?" + params.toString());
        });

        const options = {
            linkRecords: true,
            recordUrl: container.dataset.recordUrl,
            recordJsonUrl: container.dataset.recordJsonUrl,
            listUrl: container.dataset.listUrl,
            // A grid cell was selected: show its area (at least two zoom levels closer).
            zoomTo: function (cell, at) {
                const zoom = map.getZoom();
                if (cell && map.getBoundsZoom(cell) > zoom + 1) {
                    map.fitBounds(cell, {animate: !reducedMotion});
                } else {
                    map.setView(at, Math.min(zoom + 2, map.getMaxZoom()), {animate: !reducedMotion});
                }
            },
        };
        let drawn = null; // what the map shows now
        // True once an answer held every location of the filter: moving needs no new data.
        let complete = false;
        let latest = 0; // answers to anything but the latest request are dropped
        let controller = null;
        let moved = null;

        function render(collection, whole, outlines) {
            const grid = collection.mode === "grid";
            const next = grid
                ? drawGrid(collection, options, outlines)
                : draw(collection.features, options, outlines);
            const first = drawn === null;
            // A reader on a mark that is about to be replaced keeps focus in the map.
            const active = document.activeElement;
            const hadFocus = active !== container && container.contains(active);
            if (drawn) {
                removeFrom(map, drawn);
            }
            drawn = next;
            map.register = drawn;
            complete = whole && !grid;
            // The first time, the view fits what is there before it is added, so clusters are
            // made once at the final zoom (a grid answer then comes again for that zoom).
            if (first && !bbox) {
                fit(map, drawn.bounds, 11);
            }
            addTo(map, drawn);
            linkTable(map, drawn);
            if (hadFocus) {
                container.focus({preventScroll: true});
            }
            const where = whole ? "On the map: " : "In and around this view: ";
            if (grid) {
                say(where + plural(collection.total, "location") +
                    ", counted by area: zoom in, or select a number, to see each one.");
            } else {
                say(where + plural(drawn.marks.size, "location") + " of " +
                    plural(drawn.records.size, "record") + ".");
            }
            container.dataset.mode = grid ? "grid" : "locations";
            container.dataset.scope = whole ? "all" : "view";
            container.dataset.features = String(collection.features.length);
            // Features drawn (by a mark of their own or their area's): all of them, unless
            // the outlines failed to load for a location with no point.
            container.dataset.drawn = String(drawn.features.size);
            container.dataset.records = String(drawn.records.size);
            container.dataset.total = String(collection.total);
            container.dataset.state = "ready";
            if (collection.features.length) {
                markFirstDrawn(container);
            }
        }

        // The filter's data for the current zoom; with `inView`, only around the visible area.
        function load(inView) {
            latest += 1;
            const request = latest;
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const url = new URL(container.dataset.geojson, window.location.href);
            url.searchParams.set("zoom", String(Math.round(map.getZoom())));
            if (inView) {
                url.searchParams.set("view", bboxOf(map, 0.25));
            }
            container.dataset.state = "loading";
            const answer = fetch(url, {
                headers: {Accept: "application/geo+json"},
                signal: controller.signal,
            }).then(function (response) {
                if (!response.ok) {
                    throw new Error("HTTP " + response.status);
                }
                return response.json();
            });
            return Promise.all([answer, outlinesReady])
                .then(function ([collection, outlines]) {
                    if (request === latest) {
                        render(collection, !inView, outlines);
                    }
                })
                .catch(function (error) {
                    if (error.name === "AbortError") {
                        return;
                    }
                    say("The map could not load its data (" + error.message + "). " +
                        "The locations are listed below.");
                    container.dataset.state = "error";
                });
        }

        // Past the server's threshold the map holds counts for one zoom and area: ask again
        // after each move, once the reader has stopped. Not while a popup is open: opening
        // one pans the map, and drawing again would close it under the reader's eyes.
        let popupOpen = false;
        let stale = false;
        function moveEnded() {
            if (complete || drawn === null) {
                return;
            }
            if (popupOpen) {
                stale = true;
                return;
            }
            window.clearTimeout(moved);
            moved = window.setTimeout(function () {
                load(true);
            }, 250);
        }
        map.on("moveend", moveEnded);
        map.on("popupopen", function () {
            popupOpen = true;
        });
        map.on("popupclose", function () {
            popupOpen = false;
            if (stale) {
                stale = false;
                moveEnded();
            }
        });

        say("Loading the map…");
        load(false);
    }

    // A mini map draws its embedded features (deployments/explore/minimap.py) as the explore
    // map draws its data, country outlines included, once they have loaded. It stays hidden
    // when nothing could be drawn (the outlines failed, or none is bundled for a place): the
    // page lists the locations as text anyway, and an empty box would say nothing.
    function startMiniMap(figure) {
        const container = figure.querySelector(".mini-map");
        const data = container && document.getElementById(container.dataset.features);
        if (!data || container.dataset.state) {
            return;
        }
        container.dataset.state = "loading";
        const collection = JSON.parse(data.textContent);
        const outlinesReady = loadOutlines(container.dataset.outlines);
        outlinesReady.then(function (outlines) {
            const drawn = draw(collection.features, {
                linkRecords: container.dataset.link === "true",
                recordUrl: container.dataset.recordUrl,
            }, outlines);
            // For the browser tests: features embedded, and features drawn by any mark.
            container.dataset.featureCount = String(collection.features.length);
            container.dataset.drawn = String(drawn.features.size);
            if (!drawn.features.size) {
                container.dataset.state = "empty";
                return;
            }
            figure.hidden = false;
            const map = startMap(container, {outlines: outlinesReady});
            // Small and "static-ish": no dragging on touch screens, where it would trap the page.
            if (L.Browser.mobile) {
                map.dragging.disable();
            }
            fit(map, drawn.bounds, 9);
            addTo(map, drawn);
            container.dataset.state = "ready";
        });
    }

    function start() {
        const explore = document.getElementById("register-map");
        if (explore && !explore.dataset.state) {
            startExploreMap(explore);
        }
        document.querySelectorAll(".mini-map-figure").forEach(startMiniMap);
    }

    // Mini maps may be included several times with the script loaded once, mid-page: wait
    // for the whole document.
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
