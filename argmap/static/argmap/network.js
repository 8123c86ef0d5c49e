/* The stakeholder network: stakeholders and their relationships (invests in, regulates,
 * supplies…), drawn by Cytoscape.js from the data of json_script ("network-data"), with
 * labels of at least 12 CSS pixels at the default zoom, zoom buttons and keys. A
 * relationship an editor inferred is dashed. Select a stakeholder to open its page. The
 * table beside the picture says the same in text; without JavaScript nothing here runs.
 */
(function () {
  "use strict";

  var FONT_FAMILY = "system-ui, sans-serif";

  function cssVariable(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function draw() {
    var section = document.getElementById("network");
    var container = document.getElementById("network-canvas");
    var script = document.getElementById("network-data");
    if (!section || !container || !script || typeof window.cytoscape !== "function") {
      return;
    }
    var data = JSON.parse(script.textContent);
    if (!data.edges.length) {
      return;
    }
    var canvas = document.createElement("canvas").getContext("2d");
    canvas.font = "13px " + FONT_FAMILY;
    var elements = data.nodes.map(function (node) {
      return {
        group: "nodes",
        data: {
          id: node.id,
          label: node.label,
          slug: node.slug,
          width: Math.ceil(canvas.measureText(node.label).width) + 24,
          centre: node.centre ? "yes" : "no",
        },
      };
    });
    data.edges.forEach(function (edge) {
      elements.push({ group: "edges", data: edge });
    });
    var colours = { fg: cssVariable("--fg"), bg: cssVariable("--bg"), line: cssVariable("--muted"),
                    accent: cssVariable("--position"), accentBg: cssVariable("--position-bg") };
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      style: [
        {
          selector: "node",
          style: {
            shape: "round-rectangle",
            width: "data(width)",
            height: 30,
            label: "data(label)",
            "font-family": FONT_FAMILY,
            "font-size": 13,
            "text-valign": "center",
            "text-halign": "center",
            color: colours.fg,
            "background-color": colours.bg,
            "border-width": 1,
            "border-color": colours.line,
            "min-zoomed-font-size": 0,
          },
        },
        { selector: "node[centre = 'yes']", style: { "border-width": 3, "border-color": colours.accent,
                                                      "background-color": colours.accentBg, "font-weight": "bold" } },
        {
          selector: "edge",
          style: {
            width: 2,
            "curve-style": "bezier",
            "control-point-step-size": 60, // two ties between the same stakeholders stay apart
            "line-color": colours.line,
            "target-arrow-shape": "triangle",
            "target-arrow-color": colours.line,
            label: "data(label)",
            "font-family": FONT_FAMILY,
            "font-size": 12,
            color: colours.fg,
            "text-background-color": colours.bg,
            "text-background-opacity": 1,
            "text-background-padding": 2,
            "text-rotation": "none",
            "min-zoomed-font-size": 0,
          },
        },
        { selector: "edge[basis = 'inferred']", style: { "line-style": "dashed" } },
      ],
      // Rings: a stakeholder's own page has it in the middle; a topic has the most
      // connected stakeholders nearest the middle.
      layout: {
        name: "concentric",
        concentric: function (node) {
          return node.data("centre") === "yes" ? 1000 : node.degree();
        },
        levelWidth: function () {
          return 2;
        },
        minNodeSpacing: 70,
        animate: false,
        padding: 24,
        fit: true,
      },
    });
    // Room for the whole network at actual size, up to most of the window's height; then
    // fit when that keeps the text readable, else actual size around the first stakeholder.
    var needed = cy.elements().boundingBox().h + 60;
    if (needed > container.clientHeight) {
      container.style.height = Math.min(needed, window.innerHeight * 0.85) + "px";
      cy.resize();
      cy.fit(undefined, 24);
    }
    if (cy.zoom() < 1) {
      cy.zoom(1);
      cy.center(cy.nodes("[centre = 'yes']").length ? cy.nodes("[centre = 'yes']") : cy.nodes().first());
    } else if (cy.zoom() > 1.5) {
      cy.zoom(1.5);
      cy.center();
    }
    function zoomBy(factor) {
      cy.zoom({ level: Math.min(3, Math.max(0.2, cy.zoom() * factor)),
                renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    }
    var actions = {
      "zoom-in": function () { zoomBy(1.25); },
      "zoom-out": function () { zoomBy(0.8); },
      fit: function () { cy.fit(undefined, 16); },
    };
    var toolbar = section.querySelector(".network-toolbar");
    if (toolbar) {
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-action]");
        if (button && actions[button.dataset.action]) {
          actions[button.dataset.action]();
        }
      });
    }
    container.addEventListener("keydown", function (event) {
      var keys = { "+": actions["zoom-in"], "=": actions["zoom-in"], "-": actions["zoom-out"], 0: actions.fit };
      if (keys[event.key] && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        keys[event.key]();
      }
    });
    cy.on("tap", "node", function (event) {
      var slug = event.target.data("slug");
      if (slug && event.target.data("centre") !== "yes") {
        window.location.href = container.dataset.stakeholderUrl.replace(/\/slug\/$/, "/" + slug + "/");
      }
    });
    window.argmapNetwork = cy; // for the browser tests
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
