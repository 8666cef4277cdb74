/*
 * What the station maps share (plain ES2017, no build step; station-map.js and station-place.js
 * use it as window.PortalMap): the tile layer, sharp tiles on high-density screens, and what the
 * map shows when its tiles cannot load.
 *
 * Tiles come from another host, which a network may block or a weak connection may never reach.
 * When every tile of a view fails, or none has arrived a few seconds after the first was asked
 * for, the map draws a simplified base the site serves itself (basemap.geojson: the districts'
 * and streets' names at their centres, in the tiles' coordinate system) under its markers, and
 * says so in a notice inside the map. The first tile that loads later takes both away again.
 */
(function () {
  "use strict";

  if (!window.L) {
    return; // Leaflet did not load: the pages keep their lists and links
  }

  // No tile at all this long after the map asked for its first: give up waiting and draw the base.
  const TILE_TIMEOUT_MS = 6000;
  // Above the tiles (200), below the markers' shadows and the markers (500, 600).
  const BASE_PANE = "portal-base";
  const BASE_PANE_Z = 250;

  // The provider's sharper tiles where it has them, else Leaflet's detectRetina (the next zoom
  // level's tiles at half size) when the settings allow it (mapdata.tile_config).
  function tileLayer(tiles) {
    let url = tiles.url;
    let detectRetina = false;
    if (L.Browser.retina && tiles.retinaUrl) {
      url = tiles.retinaUrl;
    } else if (url.indexOf("{r}") === -1) {
      // With {r} in the URL Leaflet itself asks for "@2x" tiles on such screens.
      detectRetina = Boolean(tiles.detectRetina);
    }
    return L.tileLayer(url, {
      attribution: tiles.attribution,
      subdomains: tiles.subdomains,
      maxZoom: tiles.maxZoom,
      detectRetina: detectRetina,
    });
  }

  function stationIcon(icons) {
    return L.icon({
      iconUrl: icons.marker,
      iconRetinaUrl: icons.marker2x,
      shadowUrl: icons.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  // Calls onFail when a view's tiles all failed, or when none has loaded TILE_TIMEOUT_MS after
  // the start; onRecover when a tile loads after a failure.
  function watchTiles(layer, onFail, onRecover) {
    let everLoaded = false;
    let failed = false;
    let batchLoaded = 0;
    let batchFailed = 0;
    function fail() {
      if (!failed) {
        failed = true;
        onFail();
      }
    }
    const timer = window.setTimeout(function () {
      if (!everLoaded) {
        fail();
      }
    }, TILE_TIMEOUT_MS);
    layer.on("loading", function () {
      batchLoaded = 0;
      batchFailed = 0;
    });
    layer.on("tileload", function () {
      batchLoaded += 1;
      everLoaded = true;
      window.clearTimeout(timer);
      if (failed) {
        failed = false;
        onRecover();
      }
    });
    layer.on("tileerror", function () {
      batchFailed += 1;
    });
    // "load": every tile of the view has answered, loaded or failed.
    layer.on("load", function () {
      if (batchFailed > 0 && batchLoaded === 0) {
        fail();
      }
    });
  }

  // A notice in the map's corner, announced to screen readers when it appears; the reader may
  // close it to see the markers under it.
  const Notice = L.Control.extend({
    options: { position: "topright", closeLabel: "" },
    onAdd: function () {
      const box = L.DomUtil.create("div", "map-notice");
      box.hidden = true;
      const text = L.DomUtil.create("p", "map-notice__text", box);
      text.setAttribute("role", "status");
      const close = L.DomUtil.create("button", "map-notice__close", box);
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", this.options.closeLabel);
      close.title = this.options.closeLabel;
      L.DomEvent.on(close, "click", this.hide, this);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      this._text = text;
      return box;
    },
    show: function (message) {
      const text = this._text;
      this._box.hidden = false;
      // Filled a moment after it is shown, so screen readers notice the change.
      window.setTimeout(function () {
        text.textContent = message;
      }, 50);
    },
    hide: function () {
      this._box.hidden = true;
      this._text.textContent = "";
    },
  });

  function label(feature) {
    const level = feature.properties.level === "district" ? "district" : "street";
    const text = document.createElement("span");
    text.className = "basemap-label__text";
    text.textContent = feature.properties.name; // a text node: names never become markup
    const [lng, lat] = feature.geometry.coordinates;
    return L.marker([lat, lng], {
      icon: L.divIcon({ className: "basemap-label basemap-label--" + level, html: text, iconSize: null }),
      pane: BASE_PANE,
      interactive: false,
      keyboard: false,
      zIndexOffset: level === "district" ? 1000 : 0,
    });
  }

  // Names that would overlap one already shown are left out (districts first, in the reference
  // data's order, then streets); run again at each zoom.
  function declutter(group) {
    const kept = [];
    group.eachLayer(function (marker) {
      const element = marker.getElement();
      if (!element) {
        return;
      }
      element.classList.remove("basemap-label--crowded");
      const box = element.querySelector(".basemap-label__text").getBoundingClientRect();
      if (!box.width) {
        return; // not shown at this zoom
      }
      const crowded = kept.some(function (other) {
        return box.left < other.right + 4 && box.right > other.left - 4 &&
          box.top < other.bottom && box.bottom > other.top;
      });
      if (crowded) {
        element.classList.add("basemap-label--crowded");
      } else {
        kept.push(box);
      }
    });
  }

  function zoomBand(zoom) {
    if (zoom <= 10) {
      return "far";
    }
    return zoom >= 15 ? "near" : "mid";
  }

  /*
   * Tiles for `map` from config.tiles, with the fallback base from config.basemapUrl and the
   * notices config.text.tilesFailed / basemapFailed. hooks.onFail and hooks.onRecover, if given,
   * run after the map has switched. Returns the tile layer.
   */
  function addBase(map, config, hooks) {
    hooks = hooks || {};
    const container = map.getContainer();
    const layer = tileLayer(config.tiles).addTo(map);
    const pane = map.createPane(BASE_PANE);
    pane.style.zIndex = String(BASE_PANE_Z);
    // The names are a picture of the map, not content: the station list says it all in words.
    pane.setAttribute("aria-hidden", "true");
    const notice = new Notice({ closeLabel: config.text.closeNotice }).addTo(map);
    const scale = L.control.scale({ imperial: false, position: "bottomleft" });
    let base = null; // a promise of the base's layer group (null: not asked for yet)
    let showing = false;

    let shownGroup = null;

    function setBand() {
      container.dataset.baseZoom = zoomBand(map.getZoom());
      if (shownGroup) {
        declutter(shownGroup);
      }
    }
    map.on("zoomend", setBand);
    map.whenReady(setBand);

    function loadBase() {
      if (!config.basemapUrl) {
        return Promise.reject(new Error("no base"));
      }
      return fetch(config.basemapUrl, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          const group = L.layerGroup(data.features.map(label));
          container.dataset.basemapFeatures = String(data.features.length);
          return group;
        });
    }

    function onFail() {
      showing = true;
      container.classList.add("map--no-tiles");
      container.dataset.tiles = "failed";
      scale.addTo(map);
      if (base === null) {
        base = loadBase();
        // Asked again at the next failure if this one did not arrive.
        base.catch(function () { base = null; });
      }
      base
        .then(function (group) {
          if (showing) {
            group.addTo(map);
            shownGroup = group;
            declutter(group);
            notice.show(config.text.tilesFailed);
          }
        })
        .catch(function () {
          if (showing) {
            container.dataset.basemapFeatures = "error";
            notice.show(config.text.basemapFailed);
          }
        });
      if (hooks.onFail) {
        hooks.onFail();
      }
    }

    function onRecover() {
      showing = false;
      container.classList.remove("map--no-tiles");
      container.dataset.tiles = "ok";
      scale.remove();
      notice.hide();
      shownGroup = null;
      if (base !== null) {
        base.then(function (group) { group.remove(); }, function () {});
      }
      if (hooks.onRecover) {
        hooks.onRecover();
      }
    }

    layer.once("tileload", function () {
      if (!showing) {
        container.dataset.tiles = "ok";
      }
    });
    watchTiles(layer, onFail, onRecover);
    return layer;
  }

  window.PortalMap = { addBase: addBase, stationIcon: stationIcon, tileLayer: tileLayer };
})();
