/* argmap's graph view: the topic's positions and claims drawn by Cytoscape.js + dagre from
 * the data of json_script ("graph-data"), readable at its default zoom (labels are at
 * least 12 CSS pixels, whole words, wrapped), with zoom, fit, full-screen and filter
 * controls, keyboard shortcuts, and focus on one node's neighbourhood. The tree on the
 * same page is the text equivalent; without JavaScript nothing here runs.
 * No inline script or style (the Content-Security-Policy forbids them).
 */
(function () {
  "use strict";

  var FONT_SIZE = 13; // CSS pixels at zoom 1: the default zoom is never below 1
  var POSITION_FONT_SIZE = 14;
  var LINE_HEIGHT = 1.3;
  var FONT_FAMILY = "system-ui, sans-serif"; // Cytoscape.js accepts no quoted family names
  var PADDING = 10;
  var MAX_DEFAULT_ZOOM = 1.5;
  var NARROW = 600; // below this width (a phone) the graph runs top to bottom

  function cssVariable(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // Wrap `text` into lines of whole words no wider than `width` pixels (a word longer than
  // the line stays whole on a line of its own), measured with the font the canvas uses.
  function wrap(context, text, width) {
    var words = text.split(/\s+/).filter(Boolean);
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (line && context.measureText(candidate).width > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function nodeElements(data, narrow) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d");
    var width = narrow ? 180 : 230;
    return data.nodes.map(function (node) {
      var isPosition = node.kind === "position";
      var size = isPosition ? POSITION_FONT_SIZE : FONT_SIZE;
      context.font = (isPosition ? "bold " : "") + size + "px " + FONT_FAMILY;
      var textWidth = width - 2 * PADDING;
      var lines = wrap(context, node.label, textWidth);
      var widest = lines.reduce(function (most, line) {
        return Math.max(most, context.measureText(line).width);
      }, 0);
      return {
        group: "nodes",
        data: {
          id: node.id,
          label: lines.join("\n"),
          text: node.label,
          kind: node.kind,
          claim: node.claim,
          holders: node.holders || [],
          width: Math.max(width, Math.ceil(widest) + 2 * PADDING),
          height: Math.ceil(lines.length * size * LINE_HEIGHT + 2 * PADDING),
          fontSize: size,
        },
      };
    });
  }

  function edgeElements(data) {
    return data.edges.map(function (edge) {
      // Drawn from what is argued about to the claim, so that dagre puts the positions
      // first (left, or top on a phone); the arrowhead sits at the source end.
      return {
        group: "edges",
        data: {
          id: edge.id,
          source: edge.target,
          target: edge.source,
          polarity: edge.polarity,
          basis: edge.basis || "",
          glyph: edge.polarity === "supports" ? "+" : "−",
        },
      };
    });
  }

  function graphStyle(narrow) {
    var colours = {
      fg: cssVariable("--fg"),
      bg: cssVariable("--bg"),
      line: cssVariable("--muted"),
      supports: cssVariable("--for"),
      opposes: cssVariable("--against"),
      position: cssVariable("--position"),
      positionBg: cssVariable("--position-bg"),
      focus: cssVariable("--focus"),
    };
    return [
      {
        selector: "node",
        style: {
          shape: "round-rectangle",
          width: "data(width)",
          height: "data(height)",
          "background-color": colours.bg,
          "border-width": 1,
          "border-color": colours.line,
          label: "data(label)",
          color: colours.fg,
          "font-family": FONT_FAMILY,
          "font-size": "data(fontSize)",
          "line-height": LINE_HEIGHT,
          "text-wrap": "wrap",
          "text-max-width": 10000, // lines are already wrapped (whole words)
          "text-valign": "center",
          "text-halign": "center",
          "min-zoomed-font-size": 0,
        },
      },
      {
        selector: "node[kind = 'position']",
        style: {
          "background-color": colours.positionBg,
          "border-color": colours.position,
          "border-width": 3,
          "font-weight": "bold",
        },
      },
      {
        selector: "edge",
        style: {
          width: 2,
          "curve-style": "taxi",
          "taxi-direction": narrow ? "vertical" : "horizontal",
          "taxi-turn": "40%",
          "source-arrow-shape": "triangle",
          // The glyph sits by the claim, where each edge has a segment of its own.
          "target-label": "data(glyph)",
          "target-text-offset": 22,
          "font-size": 16,
          "font-weight": "bold",
          "text-background-color": colours.bg,
          "text-background-opacity": 1,
          "text-background-padding": 2,
        },
      },
      {
        selector: "edge[polarity = 'supports']",
        style: { "line-color": colours.supports, "source-arrow-color": colours.supports, color: colours.supports },
      },
      {
        selector: "edge[polarity = 'opposes']",
        style: {
          "line-color": colours.opposes,
          "source-arrow-color": colours.opposes,
          "source-arrow-shape": "tee",
          "line-style": "dashed",
          "taxi-turn": "60%", // a trunk of its own, apart from the supporters'
          color: colours.opposes,
        },
      },
      // An editor's reading, not the source's: dotted, and said so in the legend.
      { selector: "edge[basis = 'inferred']", style: { "line-style": "dotted", "line-dash-pattern": [2, 4] } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": colours.focus } },
      { selector: ".hidden", style: { display: "none" } },
    ];
  }

  // The default view: the whole graph if it fits at a readable size, else actual size
  // from the positions' end (left, or top on a phone).
  function defaultView(cy, narrow) {
    var box = cy.elements().boundingBox();
    var width = cy.width();
    var height = cy.height();
    var margin = 16;
    var fitZoom = Math.min((width - 2 * margin) / box.w, (height - 2 * margin) / box.h);
    var zoom = Math.max(1, Math.min(fitZoom, MAX_DEFAULT_ZOOM));
    cy.zoom(zoom);
    var first = cy.nodes("[kind = 'position']").first();
    var anchor = first.length ? first.position() : { x: box.x1, y: box.y1 };
    if (fitZoom >= 1) {
      cy.center();
    } else if (narrow) {
      cy.pan({ x: width / 2 - anchor.x * zoom, y: margin - box.y1 * zoom });
    } else {
      cy.pan({ x: margin - box.x1 * zoom, y: height / 2 - anchor.y * zoom });
    }
  }

  function zoomBy(cy, factor) {
    cy.zoom({
      level: Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor)),
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 },
    });
  }

  function draw() {
    var section = document.getElementById("graph");
    var container = document.getElementById("graph-canvas");
    var script = document.getElementById("graph-data");
    if (!section || !container || !script || typeof window.cytoscape !== "function") {
      return;
    }
    var data = JSON.parse(script.textContent);
    var narrow = container.clientWidth < NARROW;
    var cy = window.cytoscape({
      container: container,
      elements: nodeElements(data, narrow).concat(edgeElements(data)),
      style: graphStyle(narrow),
      minZoom: 0.15,
      maxZoom: 3,
      boxSelectionEnabled: false,
      layout: {
        name: "dagre",
        rankDir: narrow ? "TB" : "LR",
        nodeSep: 24,
        rankSep: narrow ? 60 : 90,
        edgeSep: 12,
        fit: false,
      },
    });
    defaultView(cy, narrow);

    var toolbar = section.querySelector(".graph-toolbar");
    var focusPanel = section.querySelector(".graph-focus");
    var focused = null;
    var filters = { supports: true, opposes: true, holder: "", basis: "" };

    function applyVisibility() {
      cy.batch(function () {
        cy.elements().removeClass("hidden");
        cy.edges().forEach(function (edge) {
          var polarity = edge.data("polarity");
          if (!filters[polarity] || (filters.basis && edge.data("basis") !== filters.basis)) {
            edge.addClass("hidden");
          }
        });
        if (filters.holder) {
          cy.nodes("[kind = 'claim']").forEach(function (node) {
            if (node.data("holders").indexOf(filters.holder) < 0) {
              node.addClass("hidden");
            }
          });
        }
        if (focused) {
          var near = focused.closedNeighborhood();
          cy.elements().not(near).addClass("hidden");
        }
      });
    }

    function showFocus(node) {
      focused = node;
      applyVisibility();
      if (!focusPanel) {
        return;
      }
      var text = focusPanel.querySelector(".graph-focus-text");
      var open = focusPanel.querySelector(".graph-focus-open");
      text.textContent = node.data("text");
      if (node.data("kind") === "claim") {
        open.href = container.dataset.claimUrl.replace(/\/0\/$/, "/" + node.data("claim") + "/");
        open.textContent = "Open this claim";
      } else {
        open.href = "#position-" + node.id().slice(1);
        open.textContent = "Go to this position in the tree";
      }
      focusPanel.hidden = false;
      cy.animate({
        fit: { eles: node.closedNeighborhood(), padding: 24 },
        duration: 200,
        complete: function () {
          if (cy.zoom() < 1) {
            // Never below readable size: centre the node at actual size instead.
            cy.zoom(1);
            cy.center(node);
          }
        },
      });
    }

    function showAll() {
      focused = null;
      cy.nodes().unselect();
      applyVisibility();
      if (focusPanel) {
        focusPanel.hidden = true;
      }
    }

    function toggleFullScreen() {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (section.requestFullscreen) {
        section.requestFullscreen().catch(function () {
          section.classList.toggle("is-fullscreen");
          cy.resize();
        });
      } else {
        section.classList.toggle("is-fullscreen");
        cy.resize();
      }
    }

    var actions = {
      "zoom-in": function () {
        zoomBy(cy, 1.25);
      },
      "zoom-out": function () {
        zoomBy(cy, 0.8);
      },
      fit: function () {
        cy.fit(cy.elements(":visible"), 16);
      },
      reset: function () {
        defaultView(cy, narrow);
      },
      "full-screen": toggleFullScreen,
      "show-all": showAll,
    };

    cy.on("tap", "node", function (event) {
      showFocus(event.target);
    });
    cy.on("dbltap", "node[kind = 'claim']", function (event) {
      window.location.href = container.dataset.claimUrl.replace(/\/0\/$/, "/" + event.target.data("claim") + "/");
    });
    document.addEventListener("fullscreenchange", function () {
      cy.resize();
    });

    if (toolbar) {
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-action]");
        if (button && actions[button.dataset.action]) {
          actions[button.dataset.action]();
        }
      });
      toolbar.addEventListener("change", function (event) {
        var control = event.target;
        if (control.name === "polarity") {
          filters[control.value] = control.checked;
        } else if (control.name === "holder" || control.name === "basis") {
          filters[control.name] = control.value;
        }
        applyVisibility();
      });
      var holders = toolbar.querySelector("select[name='holder']");
      (data.stakeholders || []).forEach(function (stakeholder) {
        var option = document.createElement("option");
        option.value = stakeholder.id;
        option.textContent = stakeholder.name;
        holders.appendChild(option);
      });
      holders.closest(".graph-filter").hidden = !(data.stakeholders || []).length;
      var hasBasis = data.edges.some(function (edge) {
        return edge.basis === "inferred";
      });
      toolbar.querySelector("select[name='basis']").closest(".graph-filter").hidden = !hasBasis;
    }
    if (focusPanel) {
      focusPanel.querySelector(".graph-focus-close").addEventListener("click", showAll);
    }

    // Keyboard: + and − zoom, 0 fits, 1 returns to the default view, f toggles full
    // screen, Escape shows everything again, the arrow keys pan.
    container.addEventListener("keydown", function (event) {
      var keys = {
        "+": actions["zoom-in"],
        "=": actions["zoom-in"],
        "-": actions["zoom-out"],
        0: actions.fit,
        1: actions.reset,
        f: toggleFullScreen,
        Escape: showAll,
        ArrowLeft: function () {
          cy.panBy({ x: 80, y: 0 });
        },
        ArrowRight: function () {
          cy.panBy({ x: -80, y: 0 });
        },
        ArrowUp: function () {
          cy.panBy({ x: 0, y: 80 });
        },
        ArrowDown: function () {
          cy.panBy({ x: 0, y: -80 });
        },
      };
      var action = keys[event.key];
      if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        action();
      }
    });

    window.argmapGraph = cy; // for the browser tests
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
