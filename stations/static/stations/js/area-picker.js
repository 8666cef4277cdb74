/*
 * The station directory's "near" picker as two short selects (plain ES2017, no build step).
 *
 * Without this script the form has one select: the streets grouped by district, each followed
 * by its communities (石牌街 · 龙口西社区), the options of a community marked with their street
 * (data-street). That works everywhere but is long on a phone. Here it is hidden and, on the same
 * line (so nothing below moves), a street select and a select of the chosen street's communities
 * stand in for it. They only set the hidden select's value, which the form submits as before.
 */
(function () {
  "use strict";

  function option(label, value) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    return node;
  }

  // 石牌街 · 龙口西社区 → 龙口西社区: under its street the community needs no prefix.
  function communityName(label, streetName) {
    const prefix = streetName + " · ";
    return label.indexOf(prefix) === 0 ? label.slice(prefix.length) : label;
  }

  function setUp(original) {
    const text = original.dataset;
    const streets = {}; // street id → { name, communities: [option] }
    const streetOf = {}; // community id → street id
    const byStreet = document.createElement("select");
    byStreet.id = original.id + "-street";
    byStreet.setAttribute("aria-label", text.streetLabel);
    byStreet.appendChild(option(text.chooseStreet, ""));

    Array.prototype.forEach.call(original.children, function (child) {
      if (child.tagName !== "OPTGROUP") {
        return; // the placeholder: the street select has its own
      }
      const group = document.createElement("optgroup");
      group.label = child.label;
      Array.prototype.forEach.call(child.children, function (node) {
        const street = node.dataset.street;
        if (street) {
          streetOf[node.value] = street;
          if (streets[street]) {
            streets[street].communities.push(node);
          }
        } else {
          streets[node.value] = { name: node.textContent, communities: [] };
          group.appendChild(option(node.textContent, node.value));
        }
      });
      byStreet.appendChild(group);
    });
    if (!Object.keys(streetOf).length) {
      return; // no communities at all: the one select is short enough
    }

    const byCommunity = document.createElement("select");
    byCommunity.id = original.id + "-community";
    byCommunity.setAttribute("aria-label", text.communityLabel);

    function offerCommunities(streetId, chosen) {
      byCommunity.textContent = "";
      const street = streets[streetId];
      const communities = street ? street.communities : [];
      if (!communities.length) {
        byCommunity.appendChild(option(street ? text.noCommunity : text.streetFirst, ""));
        byCommunity.disabled = true;
        return;
      }
      byCommunity.disabled = false;
      byCommunity.appendChild(option(text.wholeStreet, ""));
      communities.forEach(function (node) {
        byCommunity.appendChild(option(communityName(node.textContent, street.name), node.value));
      });
      byCommunity.value = chosen || "";
    }

    const current = original.value;
    const currentStreet = streetOf[current] || current;
    byStreet.value = streets[currentStreet] ? currentStreet : "";
    offerCommunities(byStreet.value, streetOf[current] ? current : "");

    byStreet.addEventListener("change", function () {
      offerCommunities(byStreet.value, "");
      original.value = byStreet.value;
    });
    byCommunity.addEventListener("change", function () {
      original.value = byCommunity.value || byStreet.value;
    });

    original.hidden = true;
    original.after(byStreet, byCommunity);
    const label = document.getElementById("station-near-label");
    if (label) {
      label.htmlFor = byStreet.id;
    }
  }

  function start() {
    document.querySelectorAll("select[data-area-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
