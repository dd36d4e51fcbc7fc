/* The explore map (/deployments/map/) and the small maps of record, organisation and
 * technology pages. One hand-written file, no build step.
 *
 * Both pages work without it: the explore page lists every mapped location in a table, the
 * others list them as text. What this adds is the same locations on a Leaflet map, drawn as
 * precisely as they are known (only an exact site gets a pin), points clustered, and
 * "Search this area", which reloads the page with a bbox so the count, list and downloads
 * narrow together.
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

    function describe(props) {
        const where = props.location + " (" + (PRECISION[props.precision] || props.precision) + ")";
        return props.title ? props.title + ": " + where : where;
    }

    function popupContent(props, options) {
        const box = element("div", "map-popup");
        const heading = element("p", "map-popup-title");
        if (options.linkRecords && props.slug) {
            const link = element("a", "", props.title);
            link.href = options.recordUrl.replace("__slug__", encodeURIComponent(props.slug));
            heading.appendChild(link);
        } else {
            heading.textContent = props.title || props.location;
        }
        box.appendChild(heading);
        const precision = PRECISION[props.precision] || props.precision;
        box.appendChild(element("p", "", props.location + " · " + precision));
        if (props.technologies && props.technologies.length) {
            box.appendChild(element("p", "muted", props.technologies.join(", ")));
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

    function clusterIcon(cluster) {
        const count = cluster.getChildCount();
        const size = count < 10 ? 34 : count < 100 ? 40 : 48;
        const wrapper = element("span");
        const shown = element("span", "map-cluster-count", String(count));
        shown.setAttribute("aria-hidden", "true");
        wrapper.appendChild(shown);
        wrapper.appendChild(
            element("span", "visually-hidden", count + " locations close together: zoom in")
        );
        return L.divIcon({className: "map-cluster", html: wrapper, iconSize: [size, size]});
    }

    const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    // Layers for a FeatureCollection's features. Each feature gets exactly one focusable mark
    // (so the number of marks is the number of features), plus its shape when it is not a
    // point. The caller sets the view first and then adds them (addTo), so clusters are made
    // once at the final zoom instead of animating from the default view.
    function draw(features, options) {
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

        features.forEach(function (feature) {
            const props = feature.properties;
            const geometry = feature.geometry;
            if (!geometry) {
                return;
            }
            const popup = function () {
                return popupContent(props, options);
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
            records.add(props.slug || props.id);
        });
        return {shapes, areas, clusters, marks, bounds, records};
    }

    function addTo(map, drawn) {
        [drawn.shapes, drawn.areas, drawn.clusters].forEach((layer) => layer.addTo(map));
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

    function addBackground(map, tiles, container) {
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
        // No tile server configured: nothing is requested from anywhere. A plain background
        // and a few lines of latitude and longitude keep the map readable.
        container.classList.add("map--no-tiles");
        const line = {color: "#9db0c3", weight: 1, interactive: false};
        for (let lat = -60; lat <= 60; lat += 30) {
            L.polyline([[lat, -180], [lat, 180]], line).addTo(map);
        }
        for (let lon = -180; lon <= 180; lon += 30) {
            L.polyline([[-85, lon], [85, lon]], line).addTo(map);
        }
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
        addBackground(map, options.tiles || config.TILES || [], container);
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

    function bboxOf(map) {
        const bounds = map.getBounds();
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

    // The locations table: a "Show on map" button on each row with a mark on the map.
    function linkTable(map, drawn) {
        document.querySelectorAll("tr[data-location]").forEach(function (row) {
            const mark = drawn.marks.get(row.dataset.location);
            const cell = row.querySelector(".map-location-name");
            if (!mark || !cell) {
                return;
            }
            const button = element("button", "map-show", "Show on map");
            button.type = "button";
            button.setAttribute("aria-label", "Show " + describe(mark.feature.properties) + " on the map");
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
        const map = startMap(container, {tiles: tiles});
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

        say("Loading the map…");
        container.dataset.state = "loading";
        fetch(container.dataset.geojson, {headers: {Accept: "application/geo+json"}})
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("HTTP " + response.status);
                }
                return response.json();
            })
            .then(function (collection) {
                const drawn = draw(collection.features, {
                    linkRecords: true,
                    recordUrl: container.dataset.recordUrl,
                });
                map.register = drawn;
                if (!bbox) {
                    fit(map, drawn.bounds, 11);
                }
                addTo(map, drawn);
                linkTable(map, drawn);
                const places = drawn.marks.size;
                const records = drawn.records.size;
                say(
                    "On the map: " + places + " location" + (places === 1 ? "" : "s") +
                    " of " + records + " record" + (records === 1 ? "" : "s") + "."
                );
                container.dataset.features = String(places);
                container.dataset.records = String(records);
                container.dataset.state = "ready";
            })
            .catch(function (error) {
                say("The map could not load its data (" + error.message + "). " +
                    "Every location is in the list below.");
                container.dataset.state = "error";
            });
    }

    function startMiniMap(figure) {
        const container = figure.querySelector(".mini-map");
        const data = container && document.getElementById(container.dataset.features);
        if (!data || container.dataset.state) {
            return;
        }
        figure.hidden = false;
        const map = startMap(container, {});
        // Small and "static-ish": no dragging on touch screens, where it would trap the page.
        if (L.Browser.mobile) {
            map.dragging.disable();
        }
        const drawn = draw(JSON.parse(data.textContent).features, {
            linkRecords: container.dataset.link === "true",
            recordUrl: container.dataset.recordUrl,
        });
        fit(map, drawn.bounds, 9);
        addTo(map, drawn);
        container.dataset.state = "ready";
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
