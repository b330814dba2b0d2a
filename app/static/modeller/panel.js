/* The properties panel of the BPMN modeller: it edits what Vitrina reads from the model
 * (bpmn/README.md) in the owners' words: the step, the form picked from the forms with a preview
 * of its fields, the statuses picked from the vocabulary, a deadline as its kind and a number of
 * working days (a client wait as what the client is waited for, a report period in months), the
 * conditions and the default flow. The expressions and scripts themselves stay reachable under
 * «Дополнительно».
 *
 * The words come from the server (app/modeller/vocabulary.py): each deadline kind brings the
 * pattern its expression is read with and the templates its expression and the element's name
 * are written from, so this file keeps no rule of its own. The timer fields are in timers.js.
 *
 * Every change goes through bpmn-js' `modeling` service, so it can be undone (Ctrl+Z) and marks
 * the file as changed. Fields commit on "change" (leaving the field, Enter, picking an option),
 * never on each keystroke, so redrawing the panel never steals the caret. */
(function () {
  "use strict";

  var PROPS = "spiffworkflow:Properties";
  var PROP = "spiffworkflow:Property";

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
    this.box = box;
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
    this.advanced(element, bo, timer);
  };

  // «Дополнительно»: the expressions and scripts as written; it stays open while the owner works.
  PropertiesPanel.prototype.advanced = function (element, bo, timer) {
    var self = this;
    var details = el("details", { class: "advanced" }, [el("summary", { text: "Дополнительно: выражения и скрипты" })]);
    details.open = !!this.advancedOpen;
    details.addEventListener("toggle", function () { self.advancedOpen = details.open; });
    this.container.appendChild(details);
    this.box = details;
    if (timer) this.timerExpression(element, timer);
    if (is(bo, "bpmn:ScriptTask")) {
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
    this.box = this.container;
  };

  PropertiesPanel.prototype.heading = function (text) {
    this.box.appendChild(el("h4", { text: text }));
  };

  PropertiesPanel.prototype.bind = function (input, apply) {
    var self = this;
    input.addEventListener("change", function () { apply.call(self, input.value.trim()); });
  };

  PropertiesPanel.prototype.field = function (label, name, value, apply, hint) {
    var id = "prop-" + name;
    var input = el("input", { type: "text", id: id, name: name });
    input.value = value;
    this.box.appendChild(el("label", { for: id, text: label }));
    this.box.appendChild(input);
    if (hint) this.box.appendChild(el("p", { class: "hint", text: hint }));
    this.bind(input, apply);
    return input;
  };

  PropertiesPanel.prototype.area = function (label, name, value, apply) {
    var id = "prop-" + name;
    var input = el("textarea", { id: id, name: name, rows: 4, spellcheck: "false" });
    input.value = value;
    this.box.appendChild(el("label", { for: id, text: label }));
    this.box.appendChild(input);
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
    this.box.appendChild(el("label", { for: id, text: label }));
    this.box.appendChild(select);
    this.bind(select, apply);
    return select;
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
    this.field("Шаг табл. 5.9", "step", propertyValue(bo, "step"), function (value) {
      self.setProperty(element, "step", value);
    }, "Например 2, 2.1, 12.");
    if (is(bo, "bpmn:UserTask")) this.formField(element, bo);
    Object.keys(vocab.status_lines).forEach(function (line) {
      var options = (words[line] || vocab.statuses["*"][line] || []).map(function (w) { return [w, w]; });
      self.select(vocab.status_lines[line] + " при входе в шаг", line, propertyValue(bo, line), options,
        function (value) { self.setProperty(element, line, value); }, "нет в словаре статусов");
    });
  };

  // The form of a user task, picked from the forms the model is deployed with, its fields shown.
  PropertiesPanel.prototype.formField = function (element, bo) {
    var self = this;
    var forms = this.vocabulary.forms;
    var select = this.select("Форма шага", "form", propertyValue(bo, "form"),
      forms.map(function (f) { return [f.name, f.title ? f.title + " (" + f.name + ")" : f.name]; }),
      function (value) { self.setProperty(element, "form", value); }, "такой формы нет");
    var preview = el("div", { class: "form-preview", id: "prop-form-preview", "aria-live": "polite" });
    select.setAttribute("aria-describedby", preview.id);
    this.box.appendChild(preview);
    function draw(name) {
      preview.textContent = "";
      var form = forms.filter(function (f) { return f.name === name; })[0];
      if (!form) {
        if (name) preview.appendChild(el("p", { class: "hint error", text: "Формы с таким именем нет среди форм модели." }));
        return;
      }
      preview.appendChild(el("p", { class: "hint", text: form.fields.length ? "Поля формы:" : "В форме нет полей." }));
      preview.appendChild(el("ul", {}, form.fields.map(function (f) {
        return el("li", { text: f.title + " — " + f.kind + (f.required ? ", обязательное" : "") });
      })));
    }
    draw(select.value);
    select.addEventListener("input", function () { draw(select.value); });
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
      this.box.appendChild(el("label", { class: "checkbox", for: id }, [box,
        document.createTextNode(" поток по умолчанию (когда ни одно условие не выполнено)")]));
      box.addEventListener("change", function () {
        self.modeling.updateProperties(source, { default: box.checked ? bo : undefined });
      });
    }
    if (isDefault) {
      this.box.appendChild(el("p", { class: "hint", text: "У потока по умолчанию нет условия." }));
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
        "Статусы устанавливаются при входе в элемент. Сроки — граничные таймеры: вид срока и число рабочих " +
        "дней, название таймера следует за числом. У каждого исключающего шлюза — поток по умолчанию." }),
    ]);
  };

  // What the timer fields (timers.js) share with the rest of the panel.
  PropertiesPanel.helpers = { el: el, propertyValue: propertyValue };
  window.VitrinaPropertiesPanel = PropertiesPanel;
})();
