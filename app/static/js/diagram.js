/* The application card's BPMN diagram: bpmn-js (navigated viewer, served from /vendor) draws the
 * process the application runs on and marks its current step(s), the completed steps and the
 * deadlines that fired. The data comes from /applications/<id>/diagram.json. No inline handlers:
 * everything is wired here. */
(function () {
  "use strict";

  var MARKERS = { current: "vitrina-current", completed: "vitrina-completed", fired: "vitrina-fired" };

  function show(box, text) {
    var note = box.querySelector(".diagram-message");
    note.textContent = text;
    note.hidden = !text;
  }

  function mark(viewer, data) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var current = data.current || [];
    function add(ids, marker, skip) {
      ids.forEach(function (id) {
        if (skip && skip.indexOf(id) !== -1) return;  // a step open again is current, not done
        if (registry.get(id)) canvas.addMarker(id, marker);
      });
    }
    add(current, MARKERS.current);
    add(data.completed || [], MARKERS.completed, current);
    add(data.fired || [], MARKERS.fired, current);
    return current.filter(function (id) { return registry.get(id); });
  }

  function fit(viewer) {
    viewer.get("canvas").zoom("fit-viewport", "auto");
  }

  function draw(box) {
    var canvasBox = box.querySelector(".diagram-canvas");
    if (typeof window.BpmnJS !== "function") {
      box.dataset.state = "error";
      show(box, "Схема не загружена: не найден просмотрщик bpmn-js (запустите scripts/bootstrap).");
      return;
    }
    fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var viewer = new window.BpmnJS({ container: canvasBox });
        return viewer.importXML(data.xml).then(function () {
          fit(viewer);
          var current = mark(viewer, data);
          wireButtons(box, viewer, current);
          box.dataset.state = "ready";
          show(box, "");
        });
      })
      .catch(function (error) {
        box.dataset.state = "error";
        show(box, "Не удалось показать схему процесса (" + error.message + ").");
      });
  }

  function wireButtons(box, viewer, current) {
    var canvas = viewer.get("canvas");
    var actions = {
      fit: function () { fit(viewer); },
      "zoom-in": function () { canvas.zoom(canvas.zoom() * 1.25); },
      "zoom-out": function () { canvas.zoom(canvas.zoom() / 1.25); },
      current: function () {  // the first current step at full size, in the middle
        var element = current.length && viewer.get("elementRegistry").get(current[0]);
        if (!element) return;
        canvas.zoom(1);
        var box = canvas.viewbox();
        canvas.viewbox({ x: element.x + element.width / 2 - box.width / 2,
                         y: element.y + element.height / 2 - box.height / 2,
                         width: box.width, height: box.height });
      }
    };
    box.querySelectorAll("button[data-action]").forEach(function (button) {
      var action = actions[button.dataset.action];
      if (button.dataset.action === "current" && !current.length) button.disabled = true;
      if (action) button.addEventListener("click", action);
      button.hidden = false;
    });
  }

  function start() {
    document.querySelectorAll(".bpmn-diagram[data-src]").forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
