// Zoom, pan and chain picking on the atlas maps (gallery/plots/atlas.py → atlas_map_svg).
//
// Everything here has a server-side twin, so the maps work without this file: the
// zoom and pan buttons are links that move the viewBox on the server, and a chain is
// drawn by the "Draw a chain's path" form. With it, the same links act in place, the
// wheel and a pinch zoom about the pointer, a drag pans, arrow and +/- keys work on a
// focused map, and clicking a dot asks the server (atlas/at/) which chain it belongs
// to and draws that chain's path without a page load. The points never change: only
// the viewBox does, and their strokes do not scale (vector-effect), so dots keep their
// size on screen. Guarded so that loading the file twice binds nothing twice.
(function () {
  "use strict";
  if (window.__atlasMaps) return;
  window.__atlasMaps = true;

  var SIZE = 1000;  // the data square, in SVG units (gallery/plots/atlas.py)
  var MIN_ZOOM = 1;
  var MAX_ZOOM = 32;
  var LABEL_PIXELS = 13;
  var DRAG_THRESHOLD = 4;

  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

  function Map(frame) {
    this.frame = frame;
    this.svg = frame.querySelector("svg.atlas-map");
    var box = this.svg.getAttribute("viewBox").split(/\s+/).map(Number);
    this.pad = Number(this.svg.getAttribute("data-pad") || 0);
    this.extent = SIZE + 2 * this.pad;
    this.zoom = this.extent / box[2];
    this.cx = box[0] + box[2] / 2;
    this.cy = box[1] + box[3] / 2;
    this.pointers = {};
    this.bind();
  }

  Map.prototype.apply = function () {
    this.zoom = clamp(this.zoom, MIN_ZOOM, MAX_ZOOM);
    var side = this.extent / this.zoom;
    this.cx = clamp(this.cx, side / 2 - this.pad, SIZE + this.pad - side / 2);
    this.cy = clamp(this.cy, side / 2 - this.pad, SIZE + this.pad - side / 2);
    var box = [this.cx - side / 2, this.cy - side / 2, side, side].map(function (v) { return v.toFixed(2); });
    this.svg.setAttribute("viewBox", box.join(" "));
    this.svg.setAttribute("data-zoom", String(Math.round(this.zoom)));
    // Names keep a readable size on screen whatever the zoom and the map's width.
    var labels = this.svg.querySelector(".atlas-labels");
    var width = this.svg.getBoundingClientRect().width;
    if (labels && width) {
      labels.setAttribute("font-size", (LABEL_PIXELS * side / width).toFixed(3));
      this.scheduleLabels(labels, box.map(Number));
    }
    this.remember();
  };

  // Lay the names out again (largest attractor first): nudge each inside the view, hide
  // it if it would cover a larger one's name or its attractor is out of sight. The
  // server did the same for its own view; sizes change with zoom and width, so redo it.
  Map.prototype.scheduleLabels = function (labels, box) {
    var self = this;
    if (this.labelFrame) cancelAnimationFrame(this.labelFrame);
    this.labelFrame = requestAnimationFrame(function () { self.layoutLabels(labels, box); });
  };

  Map.prototype.layoutLabels = function (labels, box) {
    var left = box[0], top = box[1], right = box[0] + box[2], bottom = box[1] + box[3];
    var margin = box[2] * 0.01;
    var placed = [];
    Array.prototype.forEach.call(labels.querySelectorAll("text"), function (text) {
      var x0 = Number(text.getAttribute("data-x"));
      text.setAttribute("x", x0);
      text.removeAttribute("visibility");
      var b = text.getBBox();
      var centreY = b.y + b.height / 2;
      var shift = 0;
      if (b.x < left + margin) shift = left + margin - b.x;
      else if (b.x + b.width > right - margin) shift = right - margin - (b.x + b.width);
      var r = { x: b.x + shift, y: b.y, w: b.width, h: b.height };
      var inView = x0 >= left && x0 <= right && centreY >= top && centreY <= bottom;
      var clear = placed.every(function (p) {
        return r.x + r.w <= p.x || p.x + p.w <= r.x || r.y + r.h <= p.y || p.y + p.h <= r.y;
      });
      if (inView && clear) {
        text.setAttribute("x", (x0 + shift).toFixed(2));
        placed.push(r);
      } else {
        text.setAttribute("visibility", "hidden");
      }
    });
  };

  // Keep the view in the address bar, so a reload or a shared link shows the same place.
  Map.prototype.remember = function () {
    if (!this.frame.hasAttribute("data-atlas-at")) return;
    var self = this;
    clearTimeout(this.rememberTimer);
    this.rememberTimer = setTimeout(function () {
      var url = new URL(window.location.href);
      var zoom = Math.round(self.zoom);
      if (zoom <= 1) {
        ["x", "y", "zoom"].forEach(function (key) { url.searchParams.delete(key); });
      } else {
        url.searchParams.set("x", (self.cx / SIZE).toFixed(4));
        url.searchParams.set("y", (1 - self.cy / SIZE).toFixed(4));
        url.searchParams.set("zoom", String(Math.pow(2, Math.round(Math.log2(zoom)))));
      }
      window.history.replaceState(null, "", url);
    }, 250);
  };

  // Screen pixels to map units.
  Map.prototype.toMap = function (clientX, clientY) {
    var rect = this.svg.getBoundingClientRect();
    var side = this.extent / this.zoom;
    var scale = side / Math.min(rect.width, rect.height);
    var offsetX = (rect.width - side / scale) / 2;
    var offsetY = (rect.height - side / scale) / 2;
    return {
      x: this.cx - side / 2 + (clientX - rect.left - offsetX) * scale,
      y: this.cy - side / 2 + (clientY - rect.top - offsetY) * scale,
      scale: scale
    };
  };

  Map.prototype.zoomAt = function (factor, clientX, clientY) {
    var before = clientX === undefined ? { x: this.cx, y: this.cy } : this.toMap(clientX, clientY);
    var old = this.zoom;
    this.zoom = clamp(this.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    var ratio = old / this.zoom;
    this.cx = before.x + (this.cx - before.x) * ratio;
    this.cy = before.y + (this.cy - before.y) * ratio;
    this.apply();
  };

  Map.prototype.pan = function (dxScreens, dyScreens) {
    var side = this.extent / this.zoom;
    this.cx += dxScreens * side;
    this.cy += dyScreens * side;
    this.apply();
  };

  Map.prototype.bind = function () {
    var self = this;
    var svg = this.svg;
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      self.zoomAt(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), event.clientX, event.clientY);
    }, { passive: false });

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      self.pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      self.dragged = false;
      self.start = { x: event.clientX, y: event.clientY, cx: self.cx, cy: self.cy };
      self.pinch = null;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!self.pointers[event.pointerId]) return;
      self.pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      var ids = Object.keys(self.pointers);
      if (ids.length === 2) {
        var a = self.pointers[ids[0]], b = self.pointers[ids[1]];
        var distance = Math.hypot(a.x - b.x, a.y - b.y);
        if (self.pinch) self.zoomAt(distance / self.pinch, (a.x + b.x) / 2, (a.y + b.y) / 2);
        self.pinch = distance;
        self.dragged = true;
        return;
      }
      var dx = event.clientX - self.start.x, dy = event.clientY - self.start.y;
      if (!self.dragged && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!self.dragged) svg.setPointerCapture(event.pointerId);
      self.dragged = true;
      var scale = self.toMap(0, 0).scale;
      self.cx = self.start.cx - dx * scale;
      self.cy = self.start.cy - dy * scale;
      self.apply();
    });
    function release(event) {
      delete self.pointers[event.pointerId];
      if (Object.keys(self.pointers).length < 2) self.pinch = null;
    }
    svg.addEventListener("pointerup", function (event) {
      release(event);
      if (!self.dragged && !event.target.closest("a")) self.pick(event.clientX, event.clientY);
    });
    svg.addEventListener("pointercancel", release);
    // A drag that ends on a link must not follow it.
    svg.addEventListener("click", function (event) {
      if (self.dragged) { event.preventDefault(); self.dragged = false; }
    }, true);

    this.frame.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [-0.25, 0], ArrowRight: [0.25, 0], ArrowUp: [0, -0.25], ArrowDown: [0, 0.25] };
      if (event.target.closest && event.target.closest("a")) return;
      if (moves[event.key]) { self.pan(moves[event.key][0], moves[event.key][1]); event.preventDefault(); }
      else if (event.key === "+" || event.key === "=") { self.zoomAt(2); event.preventDefault(); }
      else if (event.key === "-") { self.zoomAt(0.5); event.preventDefault(); }
    });
  };

  // Ask the server which chain the clicked dot belongs to, and draw it.
  Map.prototype.pick = function (clientX, clientY) {
    var endpoint = this.frame.getAttribute("data-atlas-at");
    if (!endpoint) return;
    var point = this.toMap(clientX, clientY);
    var params = new URLSearchParams({
      x: (point.x / SIZE).toFixed(5), y: (1 - point.y / SIZE).toFixed(5),
      zoom: String(Math.pow(2, Math.round(Math.log2(Math.max(1, this.zoom))))), fragment: "1",
      space: this.frame.getAttribute("data-atlas-space") || ""
    });
    var self = this;
    fetch(endpoint + "?" + params.toString(), { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { self.show(html); })
      .catch(function () { /* the form still works */ });
  };

  Map.prototype.show = function (html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var group = parsed.getElementById("atlas-map-selection");
    var panel = parsed.getElementById("atlas-chain");
    var currentGroup = this.svg.querySelector(".atlas-selection");
    if (group && currentGroup) currentGroup.replaceWith(document.importNode(group, true));
    var currentPanel = document.getElementById("atlas-chain");
    if (panel && currentPanel) currentPanel.replaceWith(document.importNode(panel, true));
    var chain = panel ? panel.getAttribute("data-chain") : "";
    var url = new URL(window.location.href);
    if (chain) url.searchParams.set("chain", chain); else url.searchParams.delete("chain");
    window.history.replaceState(null, "", url);
    var input = document.getElementById("atlas-chain-input");
    if (input && chain) input.value = chain;
  };

  function setUp(frame) {
    if (frame.__atlasMap || !frame.querySelector("svg.atlas-map")) return;
    var map = frame.__atlasMap = new Map(frame);
    map.apply();
    window.addEventListener("resize", function () { map.apply(); });
    frame.setAttribute("tabindex", "0");
    var controls = frame.parentNode.querySelector("[data-atlas-controls]");
    if (!controls) return;
    controls.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (!link) return;
      var zoom = link.getAttribute("data-atlas-zoom");
      var pan = link.getAttribute("data-atlas-pan");
      if (zoom === "in") map.zoomAt(2);
      else if (zoom === "out") map.zoomAt(0.5);
      else if (zoom === "reset") { map.zoom = 1; map.apply(); }
      else if (pan) map.pan({ left: -0.5, right: 0.5 }[pan] || 0, { up: -0.5, down: 0.5 }[pan] || 0);
      else return;
      event.preventDefault();
    });
    controls.classList.add("is-live");
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-frame"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
