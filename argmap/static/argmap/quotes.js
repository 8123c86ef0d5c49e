// Quote-first editing (argmap.workbench.QuotePickerTextarea: the map editor's "add a reason"
// form, a claim's citations, a citation's page): "Pick the quote from the source's text"
// opens the text of the source chosen beside the quote; selecting a passage fills the quote
// and its locator (paragraph and characters). The server checks the quote against the
// text as the form is saved, with or without this script.
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

  // The fields a picker fills: its own box, and the source and locator of the same form
  // row, named alike ("quote", "source", "locator"; "citations-0-quote" and so on on a
  // claim's inline rows, whose "Add another" renames them).
  function fieldsOf(picking) {
    const quote = picking.querySelector("textarea");
    const form = quote.form;
    const named = (field) => form.elements.namedItem(quote.name.replace(/quote$/, field));
    return { quote: quote, source: named("source"), locator: named("locator") };
  }

  function say(picking, message) {
    picking.querySelector(".wb-quote-status").textContent = message;
  }

  async function openText(button) {
    const picking = button.closest(".quote-picking");
    const picker = picking.querySelector(".wb-quote-picker");
    const source = fieldsOf(picking).source;
    if (!source || !source.value) {
      say(picking, "Choose the source first: a source already known, whose text has been added.");
      return;
    }
    const url = picking.dataset.sourceTextUrl.replace(PLACEHOLDER, source.value) + "?fragment=1";
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      picker.hidden = true;
      say(picking, "This source has no text yet: add it on the source's page, then pick the quote here.");
      return;
    }
    picker.innerHTML = await response.text();
    picker.hidden = false;
    say(picking, "Select the passage in the text below: the quote and its locator are filled in.");
  }

  function pick(picker) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const first = paragraphOf(range.startContainer);
    const last = paragraphOf(range.endContainer);
    if (!first || !last || !picker.contains(first) || !picker.contains(last)) return;
    const picking = picker.closest(".quote-picking");
    const fields = fieldsOf(picking);
    const panel = picker.querySelector("[data-source]");
    if (!fields.source || !panel || panel.dataset.source !== fields.source.value) {
      say(picking, "The source changed since its text was opened: open the text again.");
      return;
    }
    const start = offsetIn(first, range.startContainer, range.startOffset);
    const end = offsetIn(last, range.endContainer, range.endOffset);
    const quote = selection.toString().trim();
    if (quote.length > 2000) {
      say(picking, "That passage is longer than a quote may be (2,000 characters): select less.");
      return;
    }
    fields.quote.value = quote;
    if (fields.locator) {
      fields.locator.value = "¶" + first.dataset.n + ", characters " + (start + 1) + "–" + end;
    }
    say(picking, "Quote filled in from paragraph " + first.dataset.n + ".");
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
