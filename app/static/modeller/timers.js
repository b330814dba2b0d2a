/* The timer fields of the properties panel (panel.js): a deadline as its kind and a number of
 * working days, a client wait as what the client is waited for, a report period in months; the
 * expression and the element's name are written from them with the server's templates
 * (app/modeller/vocabulary.py), and the expression itself is under «Дополнительно». */
(function () {
  "use strict";

  var PropertiesPanel = window.VitrinaPropertiesPanel;
  var el = PropertiesPanel.helpers.el;
  var propertyValue = PropertiesPanel.helpers.propertyValue;
  var TIMER_TYPES = [["timeDate", "дата (timeDate)"], ["timeDuration", "длительность (timeDuration)"],
                     ["timeCycle", "цикл (timeCycle)"]];

  function fill(template, values, fields) {
    return template.replace(/\{(\w+)(?::(\w+))?\}/g, function (_m, key, attribute) {
      if (!attribute) return values[key];
      var spec = fields.filter(function (f) { return f.key === key; })[0];
      var option = spec.options.filter(function (o) { return o.value === values[key]; })[0];
      return option ? option[attribute] : "";
    });
  }

  function readTimer(words, expression) {
    var found = new RegExp("^(?:" + words.pattern + ")$").exec((expression || "").trim());
    return found ? Object.assign({}, found.groups) : null;
  }

  // A value the owner set (a number, a picked option), not a name of the application's data.
  function concrete(field, value) {
    if (field.type === "number") return /^\d+$/.test(value || "");
    return field.options.some(function (o) { return o.value === value; });
  }

  function timerOf(timer) {
    var kind = TIMER_TYPES.filter(function (t) { return timer[t[0]]; })[0];
    var type = kind ? kind[0] : "timeDate";
    return { type: type, expression: timer[type] ? timer[type].body || "" : "" };
  }

  PropertiesPanel.prototype.writeTimer = function (element, timer, type, body) {
    var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    props[type] = body ? this.moddle.create("bpmn:FormalExpression", { body: body }) : undefined;
    this.modeling.updateModdleProperties(element, timer, props);
  };

  // The element's name follows the fields (e.g. «Нормативный срок: 3 р.д.»), when the kind names it.
  PropertiesPanel.prototype.rename = function (element, words, values) {
    if (!words.name) return;
    var named = words.fields.every(function (f) { return concrete(f, values[f.key]); });
    var name = named ? fill(words.name, values, words.fields) : null;
    if (name && name !== element.businessObject.name) this.modeling.updateLabel(element, name);
  };

  PropertiesPanel.prototype.timerFields = function (element, timer) {
    var self = this;
    var bo = element.businessObject;
    var kinds = this.vocabulary.deadline_kinds;
    var current = timerOf(timer);
    var kind = propertyValue(bo, "deadline_kind");
    var words = kinds.filter(function (k) { return k.value === kind; })[0];
    this.heading("Срок");
    this.select("Вид срока", "deadline_kind", kind, kinds.map(function (k) { return [k.value, k.label]; }),
      function (value) {
        self.setProperty(element, "deadline_kind", value);
        var next = kinds.filter(function (k) { return k.value === value; })[0];
        var values = next && readTimer(next, current.expression);
        if (values) self.rename(element, next, values);
      }, "неизвестный вид");
    if (!words) {
      this.box.appendChild(el("p", { class: "hint", text: "Выберите вид срока, чтобы задать его в рабочих днях." }));
      return;
    }
    var values = readTimer(words, current.expression);
    if (!values) {
      this.box.appendChild(el("p", { class: "hint", "data-role": "timer-custom", text: "Выражение срока записано " +
        "вручную (см. «Дополнительно»); значение, заданное ниже, заменит его." }));
    }
    words.fields.forEach(function (field) { self.timerField(element, timer, current.type, words, values || {}, field); });
  };

  PropertiesPanel.prototype.timerField = function (element, timer, type, words, values, field) {
    var self = this;
    var id = "prop-timer-" + field.key;
    var current = values[field.key];
    var input;
    if (field.type === "number") {
      input = el("input", { type: "number", id: id, name: "timer_" + field.key, min: field.min, max: field.max,
                            step: 1, inputmode: "numeric" });
      if (concrete(field, current)) input.value = current;
      else if (current) input.placeholder = (field.named || {})[current] || "задано выражением";
    } else {
      input = el("select", { id: id, name: "timer_" + field.key });
      input.appendChild(el("option", { value: "", text: "— не задано —" }));
      field.options.forEach(function (o) {
        var option = el("option", { value: o.value, text: o.label });
        if (o.value === current) option.selected = true;
        input.appendChild(option);
      });
    }
    var error = el("p", { class: "hint error", id: id + "-error", hidden: true });
    var hint = field.hint ? el("p", { class: "hint", id: id + "-hint", text: field.hint }) : null;
    if (hint) input.setAttribute("aria-describedby", hint.id);
    this.box.appendChild(el("label", { for: id, text: field.label }));
    this.box.appendChild(input);
    this.box.appendChild(error);
    if (hint) this.box.appendChild(hint);
    function refuse(text) {
      error.textContent = text;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id + (hint ? " " + hint.id : ""));
    }
    input.addEventListener("change", function () {
      var raw = input.value.trim();
      var value = raw;
      if (field.type === "number") {
        var number = Number(raw);
        if (raw === "" && field.empty) value = field.empty;
        else if (!/^\d+$/.test(raw) || number < field.min || number > field.max) {
          refuse("Укажите целое число от " + field.min + " до " + field.max + ".");
          return;
        } else value = String(number);
      } else if (!raw) {
        refuse("Выберите значение из списка.");
        return;
      }
      var next = Object.assign({}, words.defaults, values);
      next[field.key] = value;
      self.writeTimer(element, timer, type, fill(words.expression, next, words.fields));
      self.rename(element, words, next);
    });
  };

  // The expression itself, under «Дополнительно».
  PropertiesPanel.prototype.timerExpression = function (element, timer) {
    var self = this;
    var current = timerOf(timer);
    this.box.appendChild(el("label", { for: "prop-timer_type", text: "Тип выражения срока" }));
    var typeSelect = el("select", { id: "prop-timer_type", name: "timer_type" });
    TIMER_TYPES.forEach(function (t) {
      var option = el("option", { value: t[0], text: t[1] });
      if (t[0] === current.type) option.selected = true;
      typeSelect.appendChild(option);
    });
    this.box.appendChild(typeSelect);
    typeSelect.addEventListener("change", function () { self.writeTimer(element, timer, typeSelect.value, current.expression); });
    this.field("Выражение срока", "timer_expression", current.expression, function (value) {
      self.writeTimer(element, timer, typeSelect.value, value);
    }, "deadline(n) — конец n-го рабочего дня со дня после начала шага; client_wait(\"remarks\", region) — " +
       "ожидание Клиента; next_period(start, months) — граница отчётного периода.");
  };
})();
