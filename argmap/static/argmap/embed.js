/* argmap's embed helper, loaded by the page that embeds an argmap frame (the code each
 * argmap page offers to copy). It sizes every argmap <iframe> to its content: the frame
 * posts its height, and this script believes only messages that come from the origin it
 * was itself loaded from, and only for the frame that sent them.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.argmapEmbedListening) {
    return;
  }
  window.argmapEmbedListening = true;
  var origin = new URL(script.src, window.location.href).origin;

  // Frames that loaded before this script ran have already sent their height: ask them
  // again (only a height ever comes back).
  function measure(frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ argmap: "measure" }, origin);
    }
  }
  var frames = document.getElementsByTagName("iframe");
  for (var i = 0; i < frames.length; i++) {
    if (frames[i].src.indexOf(origin + "/") === 0) {
      measure(frames[i]);
      frames[i].addEventListener("load", measure.bind(null, frames[i]));
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.argmap !== "height") {
      return;
    }
    var height = Number(event.data.height);
    if (!isFinite(height) || height <= 0 || height > 100000) {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(height) + "px";
      }
    }
  });
})();
