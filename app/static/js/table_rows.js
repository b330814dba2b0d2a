// Task forms' tables: add, remove and move rows. Without the script a blank row is always offered instead.
document.querySelectorAll('[data-table]').forEach(function (box) {
  var body = box.querySelector('tbody'), template = box.querySelector('template');
  var next = body.rows.length;
  box.querySelectorAll('button[hidden]').forEach(function (b) { b.hidden = false; });
  box.querySelector('.add-row').addEventListener('click', function () {
    var html = template.innerHTML.split('__row__').join(String(next++));
    body.insertAdjacentHTML('beforeend', html);
  });
  body.addEventListener('click', function (event) {
    var row = event.target.closest('tr');
    if (event.target.classList.contains('remove-row')) { row.remove(); }
    if (event.target.classList.contains('move-up') && row.previousElementSibling) { row.parentNode.insertBefore(row, row.previousElementSibling); }
    if (event.target.classList.contains('move-down') && row.nextElementSibling) { row.parentNode.insertBefore(row.nextElementSibling, row); }
  });
});
