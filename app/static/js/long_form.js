// Task forms: conditional questions (x-show-if) shown only while their condition holds, the draft
// saved as it is typed and a warning before leaving with changes not yet saved (a chosen file is
// uploaded only when the form is posted, so it counts as unsaved), and for a long form
// (x-sections "steps") one section at a time with its progress. The server checks the same
// conditions on submission; without this script every question and section is shown.
(function () {
  var form = document.querySelector('form.task-form');
  if (!form) { return; }

  // --- values as the server reads them -------------------------------------------------
  function valueOf(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (first.type === 'radio') {
      var checked = form.querySelector('[name="' + name + '"]:checked');
      return checked ? checked.value : '';
    }
    if (first.type === 'checkbox') { return first.checked ? 'true' : 'false'; }
    return first.value.trim();
  }
  function asText(value) {
    if (value === true) { return 'true'; }
    if (value === false) { return 'false'; }
    return value === null || value === undefined ? '' : String(value);
  }
  function holds(condition) {
    var expected = 'in' in condition ? condition['in'] : [condition.value];
    var now = valueOf(condition.field);
    return expected.map(asText).indexOf(now) >= 0;
  }
  function answered(question) {
    var fields = question.querySelectorAll('input, select, textarea');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === 'radio' || f.type === 'checkbox') { if (f.checked) { return true; } }
      else if (f.type === 'file') { if (f.files && f.files.length) { return true; } }
      else if (f.type !== 'hidden' || f.closest('.file-current')) { if (f.value.trim()) { return true; } }
    }
    return false;
  }

  // --- conditional questions ------------------------------------------------------------
  var conditional = Array.prototype.slice.call(form.querySelectorAll('.question[data-show-if]'));
  function applyConditions() {
    conditional.forEach(function (q) {
      q.hidden = !holds(JSON.parse(q.getAttribute('data-show-if')));
    });
  }

  // --- sections, progress ---------------------------------------------------------------
  var steps = form.classList.contains('in-steps');
  var sections = steps ? Array.prototype.slice.call(form.querySelectorAll('section.form-step')) : [];
  var links = steps ? Array.prototype.slice.call(form.querySelectorAll('.form-steps a')) : [];
  var current = 0;
  function show(index, focus) {
    current = Math.max(0, Math.min(index, sections.length - 1));
    sections.forEach(function (s, i) { s.hidden = i !== current; });
    links.forEach(function (a, i) {
      if (i === current) { a.setAttribute('aria-current', 'step'); } else { a.removeAttribute('aria-current'); }
    });
    if (focus) {
      var heading = sections[current].querySelector('h2');
      if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
      form.scrollIntoView({block: 'start'});
    }
  }
  function progress() {
    if (!steps) { return; }
    var total = 0, done = 0;
    sections.forEach(function (s, i) {
      var need = 0, have = 0;
      s.querySelectorAll('.question[data-required]').forEach(function (q) {
        if (q.hidden) { return; }
        need++; if (answered(q)) { have++; }
      });
      total += need; done += have;
      var item = links[i].parentNode;
      item.querySelector('.step-count').textContent = need ? '(' + have + ' из ' + need + ')' : '';
      item.classList.toggle('done', need > 0 && have === need);
    });
    var bar = form.querySelector('#form-progress');
    bar.max = total || 1; bar.value = done;
    form.querySelector('.progress-text').textContent = done + ' из ' + total;
  }
  function sectionOf(element) {
    for (var i = 0; i < sections.length; i++) { if (sections[i].contains(element)) { return i; } }
    return -1;
  }
  if (steps) {
    form.querySelector('.form-progress').hidden = false;
    form.querySelectorAll('.step-buttons').forEach(function (b) { b.hidden = false; });
    links.forEach(function (a, i) {
      a.addEventListener('click', function (event) { event.preventDefault(); show(i, true); });
    });
    form.addEventListener('click', function (event) {
      if (event.target.closest('.step-next')) { show(current + 1, true); }
      if (event.target.closest('.step-prev')) { show(current - 1, true); }
    });
    // A link to a field (the error summary, the remarks) opens its section first.
    document.addEventListener('click', function (event) {
      var link = event.target.closest('a[href^="#f-"]');
      var target = link && document.getElementById(link.getAttribute('href').slice(1));
      if (target && sectionOf(target) >= 0) { show(sectionOf(target), false); }
    });
    var firstError = form.querySelector('.form-steps li.has-error');
    show(firstError ? links.indexOf(firstError.querySelector('a')) : 0, false);
  }

  // --- the draft, saved as it is typed --------------------------------------------------
  var url = form.getAttribute('data-autosave');
  var status = form.querySelector('.autosave-status');
  var dirty = false, timer = null, saving = false, again = false;
  function say(text) { if (status) { status.textContent = text; } }
  function body() {
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!f.name || f.disabled || f.name === '_action' || f.type === 'file' || f.type === 'button' || f.type === 'submit') { return; }
      if ((f.type === 'radio' || f.type === 'checkbox') && !f.checked) { return; }
      if (f.tagName === 'SELECT' && f.multiple) {
        Array.prototype.forEach.call(f.selectedOptions, function (o) { data.append(f.name, o.value); });
        return;
      }
      data.append(f.name, f.value);
    });
    return data;
  }
  function save(keepalive) {
    clearTimeout(timer); timer = null;
    if (!dirty) { return; }
    if (saving) { again = true; return; }
    saving = true; dirty = false;
    say('Сохраняем черновик…');
    var token = form.querySelector('[name=csrf_token]');
    fetch(url, {method: 'POST', body: body(), credentials: 'same-origin', keepalive: !!keepalive,
                headers: {'X-CSRFToken': token ? token.value : '', 'Accept': 'application/json'}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) { throw new Error(json.error || (response.status === 400
            ? 'страница устарела, обновите её' : 'ошибка ' + response.status)); }
          say('Черновик сохранён ' + json.saved + (filesChosen()
            ? '; выбранный файл загрузится при отправке или по кнопке «Сохранить черновик»' : ''));
        });
      })
      .catch(function (error) { dirty = true; say('Черновик не сохранён: ' + error.message); })
      .then(function () { saving = false; if (again) { again = false; save(); } });
  }
  function changed() {
    if (!url) { return; }
    dirty = true;
    say('Есть несохранённые изменения');
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  form.addEventListener('input', function () { applyConditions(); progress(); changed(); });
  form.addEventListener('change', function () { applyConditions(); progress(); changed(); });
  form.addEventListener('click', function (event) {
    if (event.target.closest('.remove-row, .move-up, .move-down')) { progress(); changed(); }
  });
  var submitted = false;
  form.addEventListener('submit', function () { dirty = false; submitted = true; clearTimeout(timer); });
  function filesChosen() {
    return Array.prototype.some.call(form.querySelectorAll('input[type=file]'), function (f) {
      return f.files && f.files.length > 0;
    });
  }
  if (url) {
    window.addEventListener('beforeunload', function (event) {
      if (dirty || saving || (filesChosen() && !submitted)) { event.preventDefault(); event.returnValue = ''; }
    });
    // Leaving the tab (or the phone's browser) is the last chance to keep what was typed.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') { save(true); }
    });
  }
  applyConditions();
  progress();
})();
