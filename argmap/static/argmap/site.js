/* argmap's public pages: a little progressive enhancement. Everything works without it:
 * the tree is plain HTML (<details>), links to unloaded branches go to the claim's page.
 *
 * - loads a branch of a large tree when its claim is opened;
 * - opens the tree at #claim-<id> (loading the branches on the way if needed);
 * - draws the graph view (Cytoscape.js + dagre) from the data of json_script;
 * - opens every <details> before printing.
 * No inline script anywhere (the Content-Security-Policy forbids it).
 */
(function () {
  "use strict";

  function loadBranch(branch) {
    if (!branch || branch.dataset.state) {
      return Promise.resolve();
    }
    branch.dataset.state = "loading";
    branch.setAttribute("aria-busy", "true");
    return fetch(branch.dataset.branchUrl, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html; // server-rendered, escaped HTML from our own origin
        branch.replaceWith(template.content);
      })
      .catch(function () {
        branch.dataset.state = "";
        branch.removeAttribute("aria-busy");
      });
  }

  function directBranch(details) {
    for (var i = 0; i < details.children.length; i++) {
      if (details.children[i].classList.contains("branch")) {
        return details.children[i];
      }
    }
    return null;
  }

  function openAncestors(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }

  function reveal(element) {
    openAncestors(element);
    var previous = document.querySelector(".argument.is-target");
    if (previous) {
      previous.classList.remove("is-target");
    }
    element.classList.add("is-target");
    element.scrollIntoView({ block: "start" });
  }

  // Open the tree at #claim-<id>: if the claim is in a branch not loaded yet, ask the
  // server for the path down to it and load each branch on the way.
  function openHash() {
    var match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (!match) {
      return;
    }
    var element = document.getElementById("claim-" + match[1]);
    if (element) {
      reveal(element);
      return;
    }
    var tree = document.querySelector("[data-path-url]");
    if (!tree) {
      return;
    }
    var url = tree.dataset.pathUrl.replace(/\/0\/$/, "/" + match[1] + "/");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { path: [] };
      })
      .then(function (data) {
        var chain = Promise.resolve();
        data.path.forEach(function (claimId) {
          chain = chain.then(function () {
            var item = document.getElementById("claim-" + claimId);
            var details = item && item.querySelector(":scope > details");
            return details ? loadBranch(directBranch(details)) : null;
          });
        });
        return chain;
      })
      .then(function () {
        var found = document.getElementById("claim-" + match[1]);
        if (found) {
          reveal(found);
        }
      });
  }

  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.tagName === "DETAILS" && details.open) {
        loadBranch(directBranch(details));
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".branch a");
    if (link) {
      event.preventDefault();
      loadBranch(link.parentElement);
    }
  });

  window.addEventListener("hashchange", openHash);
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) {
      details.open = true;
    });
  });

  function cssVariable(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function drawGraph() {
    var container = document.getElementById("graph-canvas");
    var script = document.getElementById("graph-data");
    if (!container || !script || typeof window.cytoscape !== "function") {
      return;
    }
    var data = JSON.parse(script.textContent);
    var elements = [];
    data.nodes.forEach(function (node) {
      var label = node.label.length > 90 ? node.label.slice(0, 89) + "…" : node.label;
      elements.push({ group: "nodes", data: { id: node.id, label: label, kind: node.kind, claim: node.claim } });
    });
    data.edges.forEach(function (edge) {
      // Drawn from what is argued about to the claim, so that dagre's left-to-right
      // layout puts the positions on the left; the arrowhead sits at the source end.
      elements.push({
        group: "edges",
        data: {
          id: edge.id,
          source: edge.target,
          target: edge.source,
          polarity: edge.polarity,
          glyph: edge.polarity === "supports" ? "+" : "−",
        },
      });
    });
    var colours = {
      fg: cssVariable("--fg"),
      bg: cssVariable("--bg"),
      line: cssVariable("--muted"),
      supports: cssVariable("--for"),
      opposes: cssVariable("--against"),
      position: cssVariable("--position"),
      positionBg: cssVariable("--position-bg"),
    };
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      style: [
        {
          selector: "node",
          style: {
            shape: "round-rectangle",
            width: 190,
            height: 64,
            "background-color": colours.bg,
            "border-width": 1,
            "border-color": colours.line,
            label: "data(label)",
            color: colours.fg,
            "font-size": 10,
            "text-wrap": "wrap",
            "text-max-width": 176,
            "text-valign": "center",
            "text-halign": "center",
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
            "curve-style": "bezier",
            "source-arrow-shape": "triangle",
            label: "data(glyph)",
            "font-size": 14,
            "font-weight": "bold",
            "text-background-color": colours.bg,
            "text-background-opacity": 1,
            "text-background-padding": 1,
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
            color: colours.opposes,
          },
        },
        { selector: "node:selected", style: { "border-width": 4, "border-color": cssVariable("--focus") } },
      ],
      layout: { name: "dagre", rankDir: "LR", nodeSep: 16, rankSep: 70, fit: true, padding: 16 },
    });
    cy.on("tap", "node", function (event) {
      var node = event.target;
      if (node.data("kind") === "claim") {
        window.location.href = container.dataset.claimUrl.replace(/\/0\/$/, "/" + node.data("claim") + "/");
      } else {
        window.location.hash = "#position-" + node.id().slice(1);
      }
    });
    window.argmapGraph = cy; // for the browser tests
  }

  // In the embed view (inside another site's iframe), links leave the frame for a new
  // tab; links within the page stay.
  function openLinksOutsideTheFrame() {
    if (!document.body.classList.contains("embed")) {
      return;
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (link && link.getAttribute("href").charAt(0) !== "#" && !link.closest(".branch")) {
        link.target = "_blank";
        link.rel = "noopener";
      }
    });
  }

  // A large map's cruxes and coalitions come from a page of their own (views.TopicAnalysisView):
  // its #analysis section takes the place of the placeholder.
  function loadAnalysis() {
    var placeholder = document.querySelector("section[data-analysis-url]");
    if (!placeholder) {
      return;
    }
    placeholder.setAttribute("aria-busy", "true");
    fetch(placeholder.dataset.analysisUrl, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Server-rendered, escaped HTML from our own origin; its scripts are not run.
        var page = new DOMParser().parseFromString(html, "text/html");
        var section = page.getElementById("analysis");
        if (section) {
          placeholder.replaceWith(document.adoptNode(section));
        }
      })
      .catch(function () {
        placeholder.removeAttribute("aria-busy");
      });
  }

  function start() {
    openLinksOutsideTheFrame();
    drawGraph();
    openHash();
    loadAnalysis();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
