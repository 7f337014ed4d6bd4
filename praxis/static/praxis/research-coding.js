// Coding a source: select any span of its text with the mouse or keyboard, and the form
// codes exactly that span. Offsets are Unicode code points (as the server and REFI-QDA
// count), not the UTF-16 units JavaScript counts. Without this script, sentences and
// paragraphs are picked with checkboxes.
(function () {
  "use strict";
  var text = document.getElementById("source-text");
  var start = document.getElementById("selection-start");
  var end = document.getElementById("selection-end");
  var note = document.getElementById("selection-note");
  if (!text || !start || !end || !note) { return; }

  function codePoints(s) { return Array.from(s).length; }

  // The code point offset of a DOM position inside a run (an element with data-start).
  function offset(node, at) {
    var el = node.nodeType === 3 ? node.parentElement : node;
    var run = el && el.closest("[data-start]");
    if (!run || !text.contains(run)) { return null; }
    var before = document.createRange();
    before.selectNodeContents(run);
    before.setEnd(node, at);
    return parseInt(run.getAttribute("data-start"), 10) + codePoints(before.toString());
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    var from = offset(range.startContainer, range.startOffset);
    var to = offset(range.endContainer, range.endOffset);
    if (from === null || to === null || to <= from) { return; }
    start.value = from;
    end.value = to;
    var quoted = range.toString().replace(/\s+/g, " ").trim();
    note.textContent = note.getAttribute("data-label") + " \u201c" +
      (quoted.length > 120 ? quoted.slice(0, 117) + "\u2026" : quoted) + "\u201d";
    note.hidden = false;
  });
})();
