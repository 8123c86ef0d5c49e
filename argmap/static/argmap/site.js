/* argmap's public pages: a little progressive enhancement. Everything works without it:
 * the tree is plain HTML (<details>), links to unloaded branches go to the claim's page.
 *
 * - loads a branch of a large tree when its claim is opened;
 * - opens the tree at #claim-<id> (loading the branches on the way if needed);
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

  // In a frame on another site, tell the embedding page how tall the content is (it
  // sizes the frame: static/argmap/embed.js); only a height is sent.
  function postHeight() {
    if (!document.body.classList.contains("embed") || window.parent === window) {
      return;
    }
    var send = function () {
      window.parent.postMessage({ argmap: "height", height: document.documentElement.scrollHeight }, "*");
    };
    send();
    // The embedding page's script may load after this frame: it then asks again.
    window.addEventListener("message", function (event) {
      if (event.source === window.parent && event.data && event.data.argmap === "measure") {
        send();
      }
    });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(send).observe(document.body);
    }
  }

  // "Copy embed code" (and any button with data-copy naming a field to copy).
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      var status = button.parentElement.querySelector(".copy-status");
      if (!field || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(
          function () {
            status.textContent = "Copied.";
          },
          function () {
            field.select();
            status.textContent = "Select the code and copy it.";
          }
        );
      });
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
    postHeight();
    copyButtons();
    openHash();
    loadAnalysis();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
