// The map editor (templates/admin/argmap/workbench/): "add a reason" opens its form in place,
// saving it puts the new claim in the tree, "show N reasons" loads a branch and "show more reasons" the next ones: no page reloads.
// Without this script the same links lead to plain admin pages.
(function () {
  "use strict";
  // The gaps panel, when this version's is not built yet, comes after the page (argmap.admin.gaps_panel).
  const gaps = document.querySelector("#gaps[data-fragment]");
  if (gaps) {
    fetch(gaps.dataset.fragment, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => html && gaps.replaceWith(fromHTML(html)));
  }

  const map = document.getElementById("map-editor");
  if (!map) return;

  // The server names the action that Undo would now revert (argmap/undo.py).
  function offerUndo(response) {
    const label = response.headers.get("X-Workbench-Undo");
    const form = map.querySelector("form.wb-undo");
    if (!label || !form) return;
    form.querySelector(".wb-undo-label").textContent = "Your last change: " + decodeURIComponent(label);
    form.hidden = false;
  }

  function withFragment(url) {
    return url + (url.includes("?") ? "&" : "?") + "fragment=1";
  }

  function fromHTML(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  async function openForm(link) {
    const node = link.closest(".wb-node");
    const open = node.querySelector(":scope > form.wb-reason");
    if (open) open.remove();
    const response = await fetch(withFragment(link.href), { credentials: "same-origin" });
    const form = fromHTML(await response.text()).firstElementChild;
    node.querySelector(":scope > .wb-actions").after(form);
    form.querySelector("textarea, input:not([type=hidden])").focus();
  }

  // A form of the map editor sent in place: the answer is a fragment of the page.
  function post(form) {
    return fetch(withFragment(form.action), { method: "POST", body: new FormData(form), credentials: "same-origin" });
  }

  async function submitForm(form) {
    const node = form.closest(".wb-node");
    const response = await post(form);
    const html = await response.text();
    if (response.headers.get("X-Workbench-Created")) {
      offerUndo(response);
      const item = fromHTML(html).firstElementChild;
      node.querySelector(":scope > .wb-children").append(item);
      form.remove();
      item.classList.add("wb-new");
      item.scrollIntoView({ block: "nearest" });
    } else {
      const again = fromHTML(html).firstElementChild;
      form.replaceWith(again);
      const error = again.querySelector(".errorlist");
      if (error) error.scrollIntoView({ block: "nearest" });
    }
  }

  async function editText(link) {
    const node = link.closest(".wb-node");
    const response = await fetch(withFragment(link.href), { credentials: "same-origin" });
    const form = fromHTML(await response.text()).firstElementChild;
    node.querySelector(":scope > .wb-line > .wb-text").hidden = true;
    node.querySelector(":scope > .wb-line").after(form);
    form.querySelector("textarea, input:not([type=hidden])").focus();
  }

  async function saveText(form) {
    const node = form.closest(".wb-node");
    const response = await post(form);
    const html = await response.text();
    if (response.ok) {
      offerUndo(response);
      node.querySelector(":scope > .wb-line > .wb-text").replaceWith(fromHTML(html).firstElementChild);
      form.remove();
    } else {
      form.replaceWith(fromHTML(html).firstElementChild);
    }
  }

  async function expand(link) {
    const node = link.closest(".wb-node");
    const response = await fetch(withFragment(link.href), { credentials: "same-origin" });
    node.querySelector(":scope > .wb-children").replaceChildren(fromHTML(await response.text()));
    link.remove();
  }

  // "show more reasons for / against": the next ones take the link's place.
  async function more(link) {
    const response = await fetch(withFragment(link.href), { credentials: "same-origin" });
    link.closest(".wb-more-item").replaceWith(fromHTML(await response.text()));
  }

  map.addEventListener("click", function (event) {
    const link = event.target.closest("a.wb-add, a.wb-expand, a.wb-more, a.wb-edit-text, a.wb-cancel");
    if (!link) return;
    event.preventDefault();
    if (link.classList.contains("wb-add")) openForm(link);
    else if (link.classList.contains("wb-expand")) expand(link);
    else if (link.classList.contains("wb-more")) more(link);
    else if (link.classList.contains("wb-edit-text")) editText(link);
    else {
      const text = link.closest(".wb-node").querySelector(":scope > .wb-line > .wb-text");
      if (text) text.hidden = false;
      link.closest("form").remove();
    }
  });

  map.addEventListener("submit", function (event) {
    const form = event.target.closest("form.wb-reason, form.wb-text-form");
    if (!form) return;
    event.preventDefault();
    if (form.classList.contains("wb-text-form")) saveText(form);
    else submitForm(form);
  });
})();
