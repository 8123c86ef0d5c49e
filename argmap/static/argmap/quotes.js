// Quote-first editing (templates/admin/argmap/workbench/reason_fragment.html): "Pick the
// quote from the source's text" opens the chosen source's text under the form; selecting
// a passage fills the quote and its locator (paragraph and characters). The server checks
// the quote against the text as the form is saved, with or without this script.
(function () {
  "use strict";
  const PLACEHOLDER = "987654321";

  function offsetIn(paragraph, node, offset) {
    // Characters of the text from the paragraph's start to (node, offset): the paragraph
    // holds nothing but the text (and <mark>s), so this is the text's own count.
    const range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return Number(paragraph.dataset.start) + range.toString().length;
  }

  function paragraphOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element && element.closest("p[data-start]");
  }

  function say(form, message) {
    const status = form.querySelector(".wb-quote-status");
    status.textContent = message;
  }

  async function openText(button) {
    const form = button.closest("form");
    const picker = form.querySelector(".wb-quote-picker");
    const source = form.querySelector("[name=source]");
    if (!source || !source.value) {
      say(form, "Choose a source above first: a source already known, whose text has been added.");
      return;
    }
    const url = form.dataset.sourceTextUrl.replace(PLACEHOLDER, source.value) + "?fragment=1";
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      say(form, "This source has no text yet: add it on the source's page, then pick the quote here.");
      return;
    }
    picker.innerHTML = await response.text();
    picker.hidden = false;
    say(form, "Select the passage in the text below: the quote and its locator are filled in.");
  }

  function pick(picker) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const first = paragraphOf(range.startContainer);
    const last = paragraphOf(range.endContainer);
    if (!first || !last || !picker.contains(first) || !picker.contains(last)) return;
    const start = offsetIn(first, range.startContainer, range.startOffset);
    const end = offsetIn(last, range.endContainer, range.endOffset);
    const quote = selection.toString().trim();
    const form = picker.closest("form");
    if (quote.length > 2000) {
      say(form, "That passage is longer than a quote may be (2,000 characters): select less.");
      return;
    }
    form.querySelector("[name=quote]").value = quote;
    form.querySelector("[name=locator]").value = "¶" + first.dataset.n + ", characters " + (start + 1) + "–" + end;
    say(form, "Quote filled in from paragraph " + first.dataset.n + ".");
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.wb-pick-quote");
    if (!button) return;
    event.preventDefault();
    openText(button);
  });

  document.addEventListener("mouseup", function (event) {
    const picker = event.target.closest(".wb-quote-picker");
    if (picker) pick(picker);
  });

  document.addEventListener("keyup", function (event) {
    const picker = event.target.closest && event.target.closest(".wb-quote-picker");
    if (picker && event.shiftKey) pick(picker);
  });

  // A pasted source text over what a form may carry: say so instead of sending it.
  document.addEventListener("submit", function (event) {
    for (const box of event.target.querySelectorAll("textarea[data-max-bytes]")) {
      const size = new Blob([box.value]).size;
      const limit = Number(box.dataset.maxBytes);
      if (size <= limit) continue;
      event.preventDefault();
      let note = box.parentElement.querySelector(".quotes-too-long");
      if (!note) {
        note = document.createElement("ul");
        note.className = "errorlist quotes-too-long";
        note.setAttribute("role", "alert");
        box.before(note);
      }
      note.textContent = "The pasted text is " + size.toLocaleString() + " bytes; a pasted text may be at most " +
        limit.toLocaleString() + " bytes. Upload it as a file instead (up to 5 MB).";
      box.focus();
      return;
    }
  });

  // The picker's button only works with this script: show it.
  document.documentElement.classList.add("quotes-js");
})();
