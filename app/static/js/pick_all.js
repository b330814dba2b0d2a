// «выбрать все» of the task list's bulk actions: ticks or clears every row's checkbox of the form
// it belongs to, and shows ticked, clear or mixed as the rows are. Without scripts it stays hidden
// (it could do nothing) and the rows are ticked one by one.
document.querySelectorAll('[data-pick-all]').forEach(function (all) {
  var form = all.form;
  var rows = function () {
    return Array.prototype.filter.call(document.querySelectorAll('input[type=checkbox][name=task]'),
      function (box) { return box.form === form; });
  };
  var holder = all.closest('[hidden]');
  if (holder) { holder.hidden = false; }
  all.addEventListener('change', function () {
    rows().forEach(function (box) { box.checked = all.checked; });
    all.indeterminate = false;
  });
  document.addEventListener('change', function (event) {
    if (event.target.name !== 'task' || event.target.form !== form) { return; }
    var boxes = rows(), ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  });
});
