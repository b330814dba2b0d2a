/* The modeller page: one tab per file of the bundle (BPMN in bpmn-js, DMN in dmn-js, both served
 * from /vendor), the properties panel (panel.js) beside the BPMN canvas, and the three actions:
 * check, save as a draft, deploy. The server answers with problems naming file, element and
 * reason; clicking one opens the file and selects the element.
 *
 * A file is sent back as exported by the modeller only when it was changed: an untouched file
 * goes back byte for byte, so opening and deploying changes nothing (same content hash).
 * window.vitrinaModeller exposes the state for tests and for the browser console. */
(function () {
  "use strict";

  var root = document.getElementById("modeller");
  if (!root) return;
  var vocabulary = JSON.parse(document.getElementById("modeller-vocabulary").textContent);
  var tabsBox = root.querySelector(".modeller-tabs");
  var canvases = root.querySelector(".modeller-canvases");
  var panelBox = root.querySelector(".modeller-panel");
  var messageBox = root.querySelector(".modeller-message");
  var problemsBox = root.querySelector(".modeller-problems");
  var findInput = root.querySelector("input[name=find]");
  var findList = document.getElementById("modeller-elements");
  var state = { source: null, files: {}, tabs: {}, active: null, busy: false };

  function say(text, kind) {
    messageBox.textContent = text || "";
    messageBox.hidden = !text;
    messageBox.className = "modeller-message" + (kind ? " " + kind : "");
  }

  function editable(name) { return /\.(bpmn|dmn)$/.test(name); }

  // --- tabs ---------------------------------------------------------------------------------

  function Tab(name, text) {
    this.name = name;
    this.original = text;
    this.baseline = null;  // the modeller's own export right after import
    this.changed = false;
    this.modeler = null;
    this.panel = null;
    this.canvas = document.createElement("div");
    this.canvas.className = "modeller-canvas";
    this.canvas.dataset.file = name;
    this.canvas.hidden = true;
    canvases.appendChild(this.canvas);
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.setAttribute("role", "tab");
    this.button.dataset.file = name;
    this.button.textContent = name;
    tabsBox.appendChild(this.button);
    var self = this;
    this.button.addEventListener("click", function () { activate(self.name); });
  }

  Tab.prototype.isBpmn = function () { return /\.bpmn$/.test(this.name); };

  Tab.prototype.open = function (moddle) {
    if (this.ready) return this.ready;
    var self = this;
    if (this.isBpmn()) {
      this.modeler = new window.BpmnJS({ container: this.canvas, moddleExtensions: { spiffworkflow: moddle } });
      this.panel = new window.VitrinaPropertiesPanel(this.modeler, panelBox, vocabulary, this.name);
      this.modeler.on("commandStack.changed", function () { self.markChanged(); });
    } else {
      this.modeler = new window.DmnJS({ container: this.canvas });
      this.modeler.on("views.changed", function () { self.listenToView(); });
    }
    this.ready = this.modeler.importXML(this.original).then(function (result) {
      if (!self.isBpmn()) self.openFirstTable();
      return self.exportXML().then(function (xml) {
        self.baseline = xml;
        return result;
      });
    });
    return this.ready;
  };

  Tab.prototype.openFirstTable = function () {
    var views = this.modeler.getViews();
    var table = views.filter(function (v) { return v.type === "decisionTable"; })[0];
    if (table) this.modeler.open(table);
  };

  Tab.prototype.listenToView = function () {
    // dmn-js has one command stack per view; each new viewer gets a listener once.
    var viewer = this.modeler.getActiveViewer();
    if (!viewer || viewer.__vitrinaListening) return;
    viewer.__vitrinaListening = true;
    var self = this;
    viewer.on("commandStack.changed", function () { self.markChanged(); });
  };

  Tab.prototype.markChanged = function () {
    this.changed = true;
    this.button.classList.add("dirty");
    scheduleLiveCheck();
  };

  Tab.prototype.exportXML = function () {
    return this.modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  };

  // The text to send: the modeller's export when the user changed something, else the original.
  Tab.prototype.text = function () {
    var self = this;
    if (!this.modeler || !this.changed) return Promise.resolve(this.original);
    return this.exportXML().then(function (xml) { return xml === self.baseline ? self.original : xml; });
  };

  Tab.prototype.fit = function () {
    if (this.isBpmn()) this.modeler.get("canvas").zoom("fit-viewport", "auto");
  };

  var moddlePromise = fetch(root.dataset.moddleUrl, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error("описание расширений spiffworkflow не загружено (" + r.status + ")");
    return r.json();
  });

  function activate(name) {
    var tab = state.tabs[name];
    if (!tab) return Promise.reject(new Error("нет файла " + name));
    Object.keys(state.tabs).forEach(function (other) {
      var t = state.tabs[other];
      t.canvas.hidden = other !== name;
      t.button.setAttribute("aria-selected", other === name ? "true" : "false");
    });
    state.active = name;
    panelBox.hidden = !tab.isBpmn();
    var first = !tab.ready;
    return moddlePromise.then(function (moddle) { return tab.open(moddle); }).then(function () {
      if (first) tab.fit();
      if (first) markTab(tab);  // problems found before the file was first opened
      if (tab.panel) tab.panel.show(null);
      listElements(tab);
      return tab;
    });
  }

  // --- finding an element -------------------------------------------------------------------

  function listElements(tab) {
    findList.textContent = "";
    findInput.disabled = !tab.isBpmn();
    if (!tab.isBpmn()) return;
    tab.modeler.get("elementRegistry").filter(function (e) {
      return e.type !== "label" && e.businessObject && e.businessObject.id && e.type !== "bpmn:Process";
    }).forEach(function (e) {
      var option = document.createElement("option");
      option.value = e.businessObject.id;
      option.label = e.businessObject.name || e.type.replace("bpmn:", "");
      findList.appendChild(option);
    });
  }

  findInput.addEventListener("change", function () {
    var wanted = findInput.value.trim();
    var tab = state.tabs[state.active];
    if (!wanted || !tab || !tab.isBpmn()) return;
    var registry = tab.modeler.get("elementRegistry");
    var found = registry.get(wanted) || registry.filter(function (e) {
      return e.businessObject && (e.businessObject.name || "").toLowerCase() === wanted.toLowerCase();
    })[0];
    if (found) select(state.active, found.id);
    else say("Элемент «" + wanted + "» не найден в " + state.active + ".", "error");
  });

  // --- problems -----------------------------------------------------------------------------

  function select(fileName, elementId) {
    if (!state.tabs[fileName]) return Promise.resolve(false);
    return activate(fileName).then(function (tab) {
      if (!elementId || !tab.isBpmn()) return false;
      var element = tab.modeler.get("elementRegistry").get(elementId);
      if (!element) return false;
      var canvas = tab.modeler.get("canvas");
      if (canvas.zoom() < 0.8) canvas.zoom(1);  // readable, and big enough to click
      canvas.scrollToElement(element, { top: 120, bottom: 120, left: 200, right: 200 });
      tab.modeler.get("selection").select(element);
      return true;
    });
  }

  // The server's problems lead with causes; what follows from a cause alone is folded under it.
  // Both are marked on the diagram of their file (the cause red, its consequences paler); the
  // rules are the server's only, the page just lists and marks what it answered.
  var MARKERS = { cause: "vitrina-problem", consequence: "vitrina-consequence" };
  state.marks = [];

  function markTab(tab) {
    if (!tab.isBpmn() || !tab.modeler) return;
    var canvas = tab.modeler.get("canvas");
    var registry = tab.modeler.get("elementRegistry");
    (tab.marked || []).forEach(function (m) { if (registry.get(m.id)) canvas.removeMarker(m.id, m.marker); });
    tab.marked = state.marks.filter(function (m) { return m.file === tab.name && registry.get(m.id); });
    tab.marked.forEach(function (m) { canvas.addMarker(m.id, m.marker); });
  }

  function consequencesWord(n) {
    var last = n % 10, tens = n % 100;
    if (last === 1 && tens !== 11) return "следствие";
    if (last >= 2 && last <= 4 && (tens < 12 || tens > 14)) return "следствия";
    return "следствий";
  }

  // A consequence in its cause's file names only the element: the file is said once, above.
  function problemItem(p, marker, causeFile) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    var name = p.element_name ? "«" + p.element_name + "»" : "";
    link.textContent = p.file === causeFile && name ? name : p.file + (name ? ", " + name : "");
    link.dataset.file = p.file;
    if (p.element_id) {
      link.dataset.elementId = p.element_id;
      state.marks.push({ file: p.file, id: p.element_id, marker: marker });
    }
    link.addEventListener("click", function () { select(p.file, p.element_id); });
    item.appendChild(link);
    item.appendChild(document.createTextNode(": " + p.reason));
    return item;
  }

  function showProblems(problems) {
    problemsBox.textContent = "";
    problemsBox.hidden = !problems.length;
    state.marks = [];
    problems.forEach(function (p) {
      var item = problemItem(p, MARKERS.cause);
      var following = p.consequences || [];
      if (following.length) {
        var fold = document.createElement("details");
        var summary = document.createElement("summary");
        summary.textContent = "ещё " + following.length + " " + consequencesWord(following.length);
        var list = document.createElement("ul");
        following.forEach(function (c) { list.appendChild(problemItem(c, MARKERS.consequence, p.file)); });
        fold.appendChild(summary);
        fold.appendChild(list);
        item.appendChild(fold);
      }
      problemsBox.appendChild(item);
    });
    Object.keys(state.tabs).forEach(function (name) {
      var tab = state.tabs[name];
      if (tab.ready) tab.ready.then(function () { markTab(tab); });
    });
  }

  // --- server calls -------------------------------------------------------------------------

  function collect() {
    var names = Object.keys(state.files);
    return Promise.all(names.map(function (name) {
      return state.tabs[name] ? state.tabs[name].text() : Promise.resolve(state.files[name]);
    })).then(function (texts) {
      var files = {};
      names.forEach(function (name, i) { files[name] = texts[i]; });
      return files;
    });
  }

  function post(url, extra) {
    return collect().then(function (files) {
      var body = Object.assign({ files: files, comment: root.querySelector("input[name=comment]").value }, extra || {});
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrfToken },
        body: JSON.stringify(body),
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function errorText(answer) {
    var error = answer.data && answer.data.error;
    return error ? error.message : "Сервер ответил ошибкой " + answer.status;
  }

  function run(action, work) {
    if (state.busy) return Promise.resolve();
    cancelLiveCheck();  // what the owner pressed speaks now; the pause check would talk over it
    state.busy = true;
    root.dataset.state = "busy";
    say(action + "…");
    return work().catch(function (exc) {
      say(action + " не удалось: " + exc.message, "error");
    }).then(function () {
      state.busy = false;
      root.dataset.state = "ready";
    });
  }

  // --- checks as the owner edits -----------------------------------------------------------
  // A pause in editing sends the model to the same server check as «Проверить» (no rules of
  // its own here); an answer that an edit has overtaken is dropped.
  var LIVE_CHECK_MS = 1200;
  var live = { timer: null, sent: 0 };

  function scheduleLiveCheck() {
    clearTimeout(live.timer);
    live.timer = setTimeout(liveCheck, LIVE_CHECK_MS);
  }

  function liveCheck() {
    if (state.busy) { scheduleLiveCheck(); return; }
    var mine = ++live.sent;
    root.dataset.liveCheck = "running";
    post(root.dataset.validateUrl).then(function (answer) {
      if (mine !== live.sent || state.busy) return;
      root.dataset.liveCheck = "done";
      if (answer.status !== 200) return;  // a refused check says why when the owner presses «Проверить»
      showProblems(answer.data.problems);
      if (answer.data.ok) say("Проверено при правке: ошибок нет.", "ok");
      else say("Проверено при правке: ошибок " + answer.data.problems.length +
               ". Щелчок по ошибке выделяет элемент.", "error");
    }).catch(function () { if (mine === live.sent) root.dataset.liveCheck = "failed"; });
  }

  function cancelLiveCheck() {
    clearTimeout(live.timer);
    live.sent++;  // an answer on its way is now overtaken
  }

  var actions = {
    validate: function () {
      return run("Проверка", function () {
        return post(root.dataset.validateUrl).then(function (answer) {
          if (answer.status !== 200) { say(errorText(answer), "error"); return; }
          showProblems(answer.data.problems);
          // The same check «Развернуть» makes first; the scenarios run after it, in the deploy's job.
          if (answer.data.ok) say("Ошибок нет: модель можно развернуть. При развёртывании её проверят " +
                                  "сценарии модели.", "ok");
          else say("Найдено ошибок: " + answer.data.problems.length + ". Щелчок по ошибке выделяет элемент.", "error");
        });
      });
    },
    "save-draft": function () {
      return run("Сохранение черновика", function () {
        return post(root.dataset.draftsUrl, { base_version: state.source.base_version }).then(function (answer) {
          if (answer.status !== 201) { say(errorText(answer), "error"); return; }
          root.dataset.draft = answer.data.id;
          say("Черновик № " + answer.data.id + " сохранён.", "ok");
        });
      });
    },
    deploy: function () {
      return run("Развёртывание", function () {
        hideDeploy();
        return post(root.dataset.deployUrl).then(function (answer) {
          if (answer.status === 422) {
            showProblems(answer.data.error.problems || []);
            say(errorText(answer), "error");
            return;
          }
          if (answer.status !== 202) { say(errorText(answer), "error"); return; }
          showProblems([]);
          return watchDeploy(answer.data);
        });
      });
    },
    redeploy: function () { return actions.deploy(); },
    "deploy-anyway": function () {
      if (!state.deploy) return Promise.resolve();
      return run("Развёртывание", function () {
        return send(state.deploy.anyway_url).then(function (answer) {
          if (answer.status !== 200) { say(errorText(answer), "error"); return; }
          return settle(answer.data);
        });
      });
    },
  };

  // --- deploy as a background job -----------------------------------------------------------
  // The server stores the bundle and runs the model scenarios on it in a job; the page polls the
  // job's state, shows «n из m», then the new version or the table of divergences.

  var deployBox = root.querySelector(".modeller-deploy");
  var progressLine = deployBox.querySelector(".modeller-deploy-progress");
  var divergenceBox = deployBox.querySelector(".modeller-divergences");
  var POLL_MS = 700;
  var HEADINGS = ["Сценарий", "Шаг", "Ожидалось", "Получено", "Что сделать"];

  function hideDeploy() {
    deployBox.hidden = progressLine.hidden = divergenceBox.hidden = true;
    delete root.dataset.deployState;
  }

  function send(url) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrfToken },
      body: "{}",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function showProgress(data) {
    deployBox.hidden = progressLine.hidden = false;
    progressLine.querySelector("[data-role=done]").textContent = data.done;
    progressLine.querySelector("[data-role=total]").textContent = data.total || "…";
    var bar = progressLine.querySelector("progress");
    bar.max = Math.max(data.total, 1);
    bar.value = data.done;
    say(data.total ? "Проверяются сценарии модели: " + data.done + " из " + data.total + "…"
        : "Развёртывание поставлено в очередь…");
  }

  function watchDeploy(data) {
    state.deploy = data;
    root.dataset.deployState = data.state;
    if (data.state === "queued" || data.state === "running" || data.state === "passed") {
      showProgress(data);
      return new Promise(function (resolve) { setTimeout(resolve, POLL_MS); }).then(function () {
        return fetch(data.status_url || state.deploy.status_url, { credentials: "same-origin" });
      }).then(function (response) {
        if (!response.ok) throw new Error("состояние развёртывания не получено (" + response.status + ")");
        return response.json();
      }).then(function (next) {
        next.status_url = data.status_url;
        return watchDeploy(next);
      });
    }
    return settle(data);
  }

  function settle(data) {
    state.deploy = Object.assign(state.deploy || {}, data);
    root.dataset.deployState = data.state;
    progressLine.hidden = true;
    if (data.state === "diverged") {
      showDivergences(data.divergences);
      say("Версия не развёрнута: модель расходится со сценариями (" + data.divergences.length + ").", "error");
      return;
    }
    deployBox.hidden = divergenceBox.hidden = true;
    if (data.state === "failed") { say(data.error || "Развёртывание не удалось.", "error"); return; }
    deployed(data);
  }

  function showDivergences(rows) {
    var body = divergenceBox.querySelector("tbody");
    var scenariosUrl = divergenceBox.querySelector("[data-role=scenarios-link]").getAttribute("href");
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      [row.scenario, row.step, row.expected, row.got].forEach(function (text, i) {
        var td = document.createElement("td");
        td.dataset.label = HEADINGS[i];  // a phone shows each row as a card, each value under its heading
        if (i === 0) {
          var link = document.createElement("a");
          link.href = scenariosUrl + "#" + row.file;
          link.target = "_blank";
          link.rel = "noopener";
          link.textContent = text;
          td.appendChild(link);
        } else {
          td.textContent = text;
        }
        tr.appendChild(td);
      });
      tr.appendChild(rowAction(row, scenariosUrl));
      body.appendChild(tr);
    });
    var pending = rows.some(function (row) { return row.update_url && !row.updated; });
    var updated = rows.some(function (row) { return row.updated; });
    divergenceBox.querySelector("[data-action=redeploy]").hidden = !updated;
    divergenceBox.querySelector("[data-role=updated-note]").hidden = !updated || pending;
    deployBox.hidden = divergenceBox.hidden = false;
  }

  // «Обновить сценарий»: the scenario expects what the model did; a row the server cannot rewrite
  // (a missing task, a failed step) links to the scenario's text instead.
  function rowAction(row, scenariosUrl) {
    var td = document.createElement("td");
    td.dataset.label = HEADINGS[4];
    if (row.updated) {
      td.appendChild(Object.assign(document.createElement("span"), { className: "done", textContent: "Сценарий обновлён" }));
    } else if (row.update_url) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.action = "update-scenario";
      button.textContent = "Обновить сценарий";
      button.addEventListener("click", function () { updateScenario(row.update_url); });
      td.appendChild(button);
    } else {
      var link = document.createElement("a");
      link.href = scenariosUrl + "#" + row.file;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "Изменить сценарий";
      td.appendChild(link);
    }
    return td;
  }

  function updateScenario(url) {
    return run("Обновление сценария", function () {
      return send(url).then(function (answer) {
        if (answer.status !== 200) { say(errorText(answer), "error"); return; }
        state.deploy = Object.assign(state.deploy || {}, answer.data);
        showDivergences(answer.data.divergences);
        var left = answer.data.divergences.filter(function (r) { return r.update_url && !r.updated; }).length;
        say(left ? "Сценарий обновлён. Осталось расхождений: " + left + "."
            : "Сценарии обновлены: разверните модель снова, чтобы проверить её по ним.", "ok");
      });
    });
  }

  function deployed(data) {
    var version = data.version;
    root.dataset.deployed = version;
    Object.keys(state.tabs).forEach(function (name) {
      state.tabs[name].changed = false;
      state.tabs[name].button.classList.remove("dirty");
    });
    // The page now edits the deployed version: its heading, title and address follow.
    state.source = { kind: "version", id: version, label: "версия № " + version, base_version: version };
    root.querySelector("[data-role=source-label]").textContent = state.source.label;
    document.title = document.title.replace(/(версия|черновик) № \d+/, state.source.label);
    if (data.url && window.history.replaceState) window.history.replaceState(null, "", data.url);
    say(data.created ? "Развёрнута версия № " + version +
        ": новые заявки пойдут по ней, начатые остаются на своей версии."
        : "Такая модель уже развёрнута (версия № " + version + ").", "ok");
  }

  root.querySelectorAll("button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { actions[button.dataset.action](); });
  });

  window.addEventListener("beforeunload", function (event) {
    var dirty = Object.keys(state.tabs).some(function (name) { return state.tabs[name].changed; });
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // --- start --------------------------------------------------------------------------------

  if (typeof window.BpmnJS !== "function" || typeof window.DmnJS !== "function") {
    root.dataset.state = "error";
    say("Редактор не загружен: нет bpmn-js или dmn-js (запустите scripts/bootstrap).", "error");
    return;
  }

  fetch(root.dataset.bundleUrl, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok) throw new Error("модель не загружена (" + response.status + ")");
    return response.json();
  }).then(function (bundle) {
    state.source = bundle.source;
    state.files = bundle.files;
    var names = Object.keys(bundle.files).filter(editable);
    // The main process first, then other BPMN, then decision tables.
    names.sort(function (a, b) {
      function rank(n) { return n === "marketplace_support.bpmn" ? 0 : /\.bpmn$/.test(n) ? 1 : 2; }
      return rank(a) - rank(b) || (a < b ? -1 : 1);
    });
    names.forEach(function (name) { state.tabs[name] = new Tab(name, bundle.files[name]); });
    return activate(names[0]);
  }).then(function () {
    root.dataset.state = "ready";
  }).catch(function (exc) {
    root.dataset.state = "error";
    say("Не удалось открыть модель: " + exc.message, "error");
  });

  window.vitrinaModeller = {
    state: state,
    activate: activate,
    select: select,
    actions: actions,
    // The file as the modeller saves it (opening it first), whether changed or not.
    exportFile: function (name) {
      return activate(name).then(function (tab) { return tab.exportXML(); });
    },
  };
})();
