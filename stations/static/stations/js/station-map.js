/*
 * The station directory's map and "use my location" button (plain ES2017, no build step).
 *
 * The page works without this script: a GET form and a list sorted by the server. The script only
 * adds a map of the same stations (map.geojson with the form's filters) and two more ways to give
 * a location, the browser's position or a point clicked on the map; both fill the form's lat/lng
 * (and the coordinate system they are in) and submit it, so the server sorts the list as always.
 * Every coordinate in the config and the GeoJSON is already in the tiles' system. The tiles, and
 * the simplified base drawn when they cannot load, come from map-base.js (window.PortalMap).
 *
 * The map, its hint and the location button have their room in the page from the start (no
 * layout shift when this script runs); without JavaScript map-noscript.css takes it away.
 */
(function () {
  "use strict";

  function readConfig() {
    const node = document.getElementById("station-map-config");
    return node ? JSON.parse(node.textContent) : null;
  }

  function setStatus(id, message) {
    const node = document.getElementById(id);
    if (node) {
      node.textContent = message;
    }
  }

  function setHidden(form, name, value) {
    let input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  // Leave empty fields out of the URL: ?district=3 rather than ?near=&district=3&street=&type=.
  function dropEmptyFields(form) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name && element.value === "" && !element.disabled) {
        element.disabled = true;
        element.dataset.dropped = "1";
      }
    });
  }

  function restoreFields(form) {
    form.querySelectorAll("[data-dropped]").forEach(function (element) {
      element.disabled = false;
      delete element.dataset.dropped;
    });
  }

  // One code path: whatever gave the point, the form carries it to the server.
  function searchFrom(form, lat, lng, crs) {
    setHidden(form, "lat", lat.toFixed(6));
    setHidden(form, "lng", lng.toFixed(6));
    setHidden(form, "crs", crs);
    if (form.elements.near) {
      form.elements.near.value = "";
    }
    dropEmptyFields(form);
    // Land on the sorted list, not back at the top of the page.
    form.action = form.action.split("#")[0] + "#station-list-heading";
    form.submit();
  }

  function setUpLocateButton(form, text) {
    const button = document.getElementById("station-locate");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        // Kept in place rather than hidden, which would move the page under the reader.
        setStatus("station-locate-status", text.locateFailed);
        return;
      }
      button.disabled = true;
      setStatus("station-locate-status", text.locating);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // Browsers report GPS positions in WGS-84 whatever the map's tiles use.
          searchFrom(form, position.coords.latitude, position.coords.longitude, "wgs84");
        },
        function (error) {
          button.disabled = false;
          const denied = error && error.code === error.PERMISSION_DENIED;
          setStatus("station-locate-status", denied ? text.locateDenied : text.locateFailed);
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // Built when a popup opens, from text nodes only: titles never become markup.
  function stationPopup(properties, text) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const link = document.createElement("a");
    link.className = "map-popup__title";
    link.href = properties.url;
    link.textContent = properties.title;
    const meta = document.createElement("p");
    meta.className = "map-popup__meta";
    meta.textContent = properties.type + " ";
    const badge = document.createElement("span");
    badge.className = "tag " + (properties.meets_standard ? "tag--ok" : "tag--warn");
    badge.textContent = properties.meets_standard ? text.meets : text.notMeets;
    meta.appendChild(badge);
    box.append(link, meta);
    return box;
  }

  function searchHerePopup(form, latlng, config) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "map-popup__search";
    button.textContent = config.text.searchHere;
    button.addEventListener("click", function () {
      searchFrom(form, latlng.lat, latlng.lng, config.crs);
    });
    return button;
  }

  // Frame the origin and the stations listed beside it, else every station; no animation, as
  // this is where the page starts rather than a move the user asked for.
  function frame(map, config, cluster) {
    const options = { padding: [24, 24], maxZoom: 16, animate: false };
    // The nearest few are what someone looking for a station wants to see, not all the list.
    const points = config.listed.slice(0, 3).map(function (p) { return [p.lat, p.lng]; });
    if (config.origin) {
      points.push([config.origin.lat, config.origin.lng]);
      map.fitBounds(L.latLngBounds(points), options);
    } else if (cluster && cluster.getLayers().length) {
      map.fitBounds(cluster.getBounds(), options);
    }
  }

  function setUpMap(form, config) {
    const node = document.getElementById("station-map");
    if (!node) {
      return;
    }
    if (!window.L || !window.PortalMap || !config.geojsonUrl) {
      // The map's scripts did not load: no empty box, and the list says the rest.
      node.hidden = true;
      const hint = document.getElementById("station-map-hint");
      if (hint) {
        hint.hidden = true;
      }
      setStatus("station-map-status", config.text.loadFailed);
      return;
    }

    const map = L.map(node, { scrollWheelZoom: false });
    PortalMap.addBase(map, config);
    map.setView([config.defaultView.lat, config.defaultView.lng], config.defaultView.zoom);

    if (config.origin) {
      // Above the markers and clusters, so "you are here" is never hidden under them.
      map.createPane("station-origin").style.zIndex = 650;
      L.circleMarker([config.origin.lat, config.origin.lng], {
        pane: "station-origin",
        radius: 9,
        color: "#ffffff",
        weight: 3,
        fillColor: "#1565c0",
        fillOpacity: 1,
      })
        .bindTooltip(config.origin.label)
        .addTo(map);
      frame(map, config, null);
    }

    map.on("click", function (event) {
      L.popup()
        .setLatLng(event.latlng)
        .setContent(searchHerePopup(form, event.latlng, config))
        .openOn(map);
    });

    node.setAttribute("aria-busy", "true");
    fetch(config.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        const icon = PortalMap.stationIcon(config.icons);
        // Clusters keep ten thousand markers smooth on a phone; chunked so the page never stalls.
        const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
        const markers = data.features.map(function (feature) {
          const [lng, lat] = feature.geometry.coordinates;
          const properties = feature.properties;
          const marker = L.marker([lat, lng], { icon: icon, title: properties.title, alt: properties.title });
          marker.bindPopup(function () { return stationPopup(properties, config.text); });
          return marker;
        });
        cluster.addLayers(markers);
        map.addLayer(cluster);
        if (!config.origin) {
          frame(map, config, cluster);
        }
        node.dataset.features = String(markers.length);
        setStatus("station-map-status", config.text.stationCount.replace("%(count)s", markers.length));
      })
      .catch(function () {
        node.dataset.features = "error";
        setStatus("station-map-status", config.text.loadFailed);
      })
      .then(function () {
        node.removeAttribute("aria-busy");
      });
  }

  function start() {
    const config = readConfig();
    const form = document.getElementById("station-filters");
    if (!config || !form) {
      return;
    }
    form.addEventListener("submit", function () { dropEmptyFields(form); });
    // Coming back to the page from the browser's history shows the form as it was left.
    window.addEventListener("pageshow", function () { restoreFields(form); });
    setUpLocateButton(form, config.text);
    setUpMap(form, config);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
