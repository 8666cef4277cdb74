/*
 * The station page's small map (plain ES2017, no build step): the station's marker on the tiles,
 * or on the simplified base when they cannot load (map-base.js). Its room is kept in the page
 * from the start; without JavaScript map-noscript.css takes it away and the 导航 menu's links,
 * which need no script, open the place in a map app.
 */
(function () {
  "use strict";

  // On the simplified base a few streets around the station say more than its own block.
  const FALLBACK_ZOOM = 14;

  function start() {
    const node = document.getElementById("station-place-map");
    const configNode = document.getElementById("station-place-config");
    if (!node || !configNode) {
      return;
    }
    if (!window.L || !window.PortalMap) {
      node.hidden = true;
      return;
    }
    const config = JSON.parse(configNode.textContent);
    const point = [config.point.lat, config.point.lng];
    const map = L.map(node, {
      scrollWheelZoom: false,
      // On a phone one finger scrolls the page past the map; two still zoom it.
      dragging: !L.Browser.mobile,
    });
    PortalMap.addBase(map, config, {
      onFail: function () {
        map.setView(point, Math.min(map.getZoom(), FALLBACK_ZOOM), { animate: false });
        // The station a little below the middle, clear of the notice at the top.
        map.panBy([0, -Math.round(map.getSize().y * 0.2)], { animate: false });
      },
      onRecover: function () {
        map.setView(point, config.zoom, { animate: false });
      },
    });
    map.setView(point, config.zoom);
    L.marker(point, {
      icon: PortalMap.stationIcon(config.icons),
      title: config.title,
      alt: config.title,
      interactive: false,
      keyboard: false,
    }).addTo(map);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
