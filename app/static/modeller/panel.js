/* The properties panel of the BPMN modeller: it edits what Vitrina reads from the model
 * (bpmn/README.md): the spiffworkflow properties step, form, application_status, service_status
 * and deadline_kind; timer expressions; conditions and the default flow; scripts of script tasks
 * and the pre-/post-scripts of tasks; names and documentation.
 *
 * Every change goes through bpmn-js' `modeling` service, so it can be undone (Ctrl+Z) and marks
 * the file as changed. Fields commit on "change" (leaving the field, Enter, picking an option),
 * never on each keystroke, so redrawing the panel never steals the caret. */
(function () {
  "use strict";

  var PROPS = "spiffworkflow:Properties";
  var PROP = "spiffworkflow:Property";
  var TIMER_TYPES = [["timeDate", "дата (timeDate)"], ["timeDuration", "длительность (timeDuration)"],
                     ["timeCycle", "цикл (timeCycle)"]];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== false) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function is(bo, type) { return bo && typeof bo.$instanceOf === "function" && bo.$instanceOf(type); }

  function processOf(bo) {
    var node = bo;
    while (node && !is(node, "bpmn:Process")) node = node.$parent;
    return node;
  }

  function PropertiesPanel(modeler, container, vocabulary, fileName) {
    this.modeler = modeler;
    this.container = container;
    this.vocabulary = vocabulary;
    this.fileName = fileName;
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
    this.element = null;
    var self = this;
    modeler.on("selection.changed", function (event) {
      self.show(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.on("elements.changed", function (event) {
      if (!self.element) return;
      var mine = event.elements.some(function (e) { return e.id === self.element.id || e === self.element; });
      if (mine) self.show(modeler.get("elementRegistry").get(self.element.id) || null);
    });
  }

  PropertiesPanel.prototype.show = function (element) {
    if (element && element.type === "label") element = element.labelTarget;
    this.element = element;
    var box = this.container;
    box.textContent = "";
    delete box.dataset.elementId;
    if (!element || element.type === "bpmn:Process" || element.type === "bpmn:Collaboration") {
      box.appendChild(el("h3", { text: "Файл " + this.fileName }));
      box.appendChild(el("p", { class: "hint", text: "Выберите элемент на схеме, чтобы изменить его свойства: " +
        "форму шага, статусы, сроки, условия переходов, скрипты." }));
      box.appendChild(this.help());
      return;
    }
    var bo = element.businessObject;
    box.dataset.elementId = bo.id;
    box.appendChild(el("h3", { text: (bo.name || bo.id) }));
    box.appendChild(el("p", { class: "hint", text: bo.$type.replace("bpmn:", "") + " · id " + bo.id }));
    this.field("Название", "name", bo.name || "", function (value) {
      this.modeling.updateLabel(element, value || null);
    });
    if (is(bo, "bpmn:FlowNode")) this.vitrinaFields(element, bo);
    var timer = (bo.eventDefinitions || []).filter(function (d) { return is(d, "bpmn:TimerEventDefinition"); })[0];
    if (timer) this.timerFields(element, timer);
    if (is(bo, "bpmn:SequenceFlow")) this.flowFields(element, bo);
    if (is(bo, "bpmn:ScriptTask")) {
      this.heading("Скрипт");
      this.area("Скрипт (Python в песочнице Витрины)", "script", bo.script || "", function (value) {
        this.modeling.updateProperties(element, { script: value || undefined });
      });
    }
    if (is(bo, "bpmn:Task")) this.taskScripts(element, bo);
    this.area("Описание (documentation)", "documentation",
              (bo.documentation && bo.documentation[0] && bo.documentation[0].text) || "", function (value) {
      var docs = value ? [this.moddle.create("bpmn:Documentation", { text: value })] : [];
      this.modeling.updateProperties(element, { documentation: docs });
    });
  };

  PropertiesPanel.prototype.heading = function (text) {
    this.container.appendChild(el("h4", { text: text }));
  };

  PropertiesPanel.prototype.bind = function (input, apply) {
    var self = this;
    input.addEventListener("change", function () { apply.call(self, input.value.trim()); });
  };

  PropertiesPanel.prototype.field = function (label, name, value, apply, hint) {
    var id = "prop-" + name;
    var input = el("input", { type: "text", id: id, name: name });
    input.value = value;
    this.container.appendChild(el("label", { for: id, text: label }));
    this.container.appendChild(input);
    if (hint) this.container.appendChild(el("p", { class: "hint", text: hint }));
    this.bind(input, apply);
    return input;
  };

  PropertiesPanel.prototype.area = function (label, name, value, apply) {
    var id = "prop-" + name;
    var input = el("textarea", { id: id, name: name, rows: 4, spellcheck: "false" });
    input.value = value;
    this.container.appendChild(el("label", { for: id, text: label }));
    this.container.appendChild(input);
    this.bind(input, apply);
  };

  // options: [[value, label]]; the current value stays selectable even when unknown, marked so.
  PropertiesPanel.prototype.select = function (label, name, value, options, apply, unknownNote) {
    var id = "prop-" + name;
    var select = el("select", { id: id, name: name });
    select.appendChild(el("option", { value: "", text: "— не задано —" }));
    var known = false;
    options.forEach(function (option) {
      var node = el("option", { value: option[0], text: option[1] });
      if (option[0] === value) { node.selected = true; known = true; }
      select.appendChild(node);
    });
    if (value && !known) {
      var odd = el("option", { value: value, text: value + " (" + unknownNote + ")" });
      odd.selected = true;
      select.appendChild(odd);
    }
    this.container.appendChild(el("label", { for: id, text: label }));
    this.container.appendChild(select);
    this.bind(select, apply);
  };

  // --- spiffworkflow:properties -------------------------------------------------------------

  function propertiesOf(bo) {
    var ext = bo.extensionElements;
    return ext && (ext.values || []).filter(function (v) { return v.$type === PROPS; })[0];
  }

  function propertyValue(bo, name) {
    var props = propertiesOf(bo);
    var found = props && (props.properties || []).filter(function (p) { return p.name === name; })[0];
    return found ? found.value : "";
  }

  PropertiesPanel.prototype.extensionElements = function (element) {
    var bo = element.businessObject;
    if (!bo.extensionElements) {
      var ext = this.moddle.create("bpmn:ExtensionElements", { values: [] });
      this.modeling.updateProperties(element, { extensionElements: ext });
    }
    return bo.extensionElements;
  };

  PropertiesPanel.prototype.setProperty = function (element, name, value) {
    var bo = element.businessObject;
    var props = propertiesOf(bo);
    var found = props && (props.properties || []).filter(function (p) { return p.name === name; })[0];
    if (!value) {
      if (found) this.modeling.updateModdleProperties(element, props, {
        properties: props.properties.filter(function (p) { return p !== found; }) });
      return;
    }
    if (found) {
      this.modeling.updateModdleProperties(element, found, { value: value });
      return;
    }
    if (!props) {
      var ext = this.extensionElements(element);
      props = this.moddle.create(PROPS, { properties: [] });
      props.$parent = ext;
      this.modeling.updateModdleProperties(element, ext, { values: (ext.values || []).concat([props]) });
    }
    var prop = this.moddle.create(PROP, { name: name, value: value });
    prop.$parent = props;
    this.modeling.updateModdleProperties(element, props, { properties: (props.properties || []).concat([prop]) });
  };

  PropertiesPanel.prototype.vitrinaFields = function (element, bo) {
    var self = this;
    var vocab = this.vocabulary;
    var process = processOf(bo);
    var words = (process && vocab.statuses[process.id]) || {};
    this.heading("Витрина");
    this.field("Шаг табл. 5.9 (step)", "step", propertyValue(bo, "step"), function (value) {
      self.setProperty(element, "step", value);
    }, "Например 2, 2.1, 12.");
    if (is(bo, "bpmn:UserTask")) {
      this.select("Форма шага (form)", "form", propertyValue(bo, "form"),
        vocab.forms.map(function (f) { return [f.name, f.name + " — " + f.title]; }),
        function (value) { self.setProperty(element, "form", value); }, "нет файла в forms/");
    }
    Object.keys(vocab.status_lines).forEach(function (line) {
      var options = (words[line] || vocab.statuses["*"][line] || []).map(function (w) { return [w, w]; });
      self.select(vocab.status_lines[line] + " при входе (" + line + ")", line, propertyValue(bo, line), options,
        function (value) { self.setProperty(element, line, value); }, "нет в словаре статусов");
    });
  };

  // --- timers ------------------------------------------------------------------------------

  PropertiesPanel.prototype.timerFields = function (element, timer) {
    var self = this;
    var bo = element.businessObject;
    var kind = TIMER_TYPES.filter(function (t) { return timer[t[0]]; })[0];
    var type = kind ? kind[0] : "timeDate";
    var expression = timer[type] ? timer[type].body || "" : "";
    this.heading("Срок (таймер)");
    this.select("Вид срока (deadline_kind)", "deadline_kind", propertyValue(bo, "deadline_kind"),
      this.vocabulary.deadline_kinds.map(function (k) { return [k.value, k.value + " — " + k.label]; }),
      function (value) { self.setProperty(element, "deadline_kind", value); }, "неизвестный вид");
    var typeSelect;
    function write(newType, body) {
      var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      props[newType] = body ? self.moddle.create("bpmn:FormalExpression", { body: body }) : undefined;
      self.modeling.updateModdleProperties(element, timer, props);
    }
    this.container.appendChild(el("label", { for: "prop-timer_type", text: "Тип выражения" }));
    typeSelect = el("select", { id: "prop-timer_type", name: "timer_type" });
    TIMER_TYPES.forEach(function (t) {
      var option = el("option", { value: t[0], text: t[1] });
      if (t[0] === type) option.selected = true;
      typeSelect.appendChild(option);
    });
    this.container.appendChild(typeSelect);
    typeSelect.addEventListener("change", function () { write(typeSelect.value, expression); });
    this.field("Выражение срока", "timer_expression", expression, function (value) {
      write(typeSelect.value, value);
    }, "deadline(n) — конец n-го рабочего дня со дня после начала шага; client_wait(\"remarks\", region) — " +
       "ожидание Клиента; next_period(start, months) — граница отчётного периода.");
  };

  // --- sequence flows ----------------------------------------------------------------------

  PropertiesPanel.prototype.flowFields = function (element, bo) {
    var self = this;
    var source = element.source;
    var sourceBo = source && source.businessObject;
    this.heading("Переход");
    var isDefault = sourceBo && sourceBo.default === bo;
    if (sourceBo && (is(sourceBo, "bpmn:ExclusiveGateway") || is(sourceBo, "bpmn:InclusiveGateway") ||
                     is(sourceBo, "bpmn:Activity"))) {
      var id = "prop-default_flow";
      var box = el("input", { type: "checkbox", id: id, name: "default_flow" });
      box.checked = isDefault;
      this.container.appendChild(el("label", { class: "checkbox", for: id }, [box,
        document.createTextNode(" поток по умолчанию (когда ни одно условие не выполнено)")]));
      box.addEventListener("change", function () {
        self.modeling.updateProperties(source, { default: box.checked ? bo : undefined });
      });
    }
    if (isDefault) {
      this.container.appendChild(el("p", { class: "hint", text: "У потока по умолчанию нет условия." }));
      return;
    }
    this.area("Условие (Python, например decision == \"remarks\")", "condition",
              (bo.conditionExpression && bo.conditionExpression.body) || "", function (value) {
      this.modeling.updateProperties(element, {
        conditionExpression: value ? this.moddle.create("bpmn:FormalExpression", { body: value }) : undefined });
    });
  };

  // --- pre-/post-scripts ---------------------------------------------------------------------

  PropertiesPanel.prototype.taskScripts = function (element, bo) {
    var self = this;
    [["spiffworkflow:PreScript", "pre_script", "Скрипт перед шагом (preScript)"],
     ["spiffworkflow:PostScript", "post_script", "Скрипт после шага (postScript)"]].forEach(function (spec) {
      var ext = bo.extensionElements;
      var found = ext && (ext.values || []).filter(function (v) { return v.$type === spec[0]; })[0];
      self.area(spec[2], spec[1], (found && found.script) || "", function (value) {
        if (found && value) {
          self.modeling.updateModdleProperties(element, found, { script: value });
        } else if (found) {
          self.modeling.updateModdleProperties(element, ext, {
            values: ext.values.filter(function (v) { return v !== found; }) });
        } else if (value) {
          var target = self.extensionElements(element);
          var script = self.moddle.create(spec[0], { script: value });
          script.$parent = target;
          self.modeling.updateModdleProperties(element, target, { values: (target.values || []).concat([script]) });
        }
      });
    });
  };

  PropertiesPanel.prototype.help = function () {
    return el("div", {}, [
      el("h4", { text: "Что читает Витрина" }),
      el("p", { class: "hint", text: "Дорожка — роль исполнителя (Клиент, ЦПЭ, МО РЭЦ, ОПС РЭЦ, КБ РЭЦ, Оператор). " +
        "Статусы устанавливаются при входе в элемент. Сроки — граничные таймеры с выражением deadline(n) " +
        "и видом normative или indicative. У каждого исключающего шлюза — поток по умолчанию." }),
    ]);
  };

  window.VitrinaPropertiesPanel = PropertiesPanel;
})();
