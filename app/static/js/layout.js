// Loaded in <head> by base.html: marks the page as scripted (the phone menu folds only then),
// then opens and closes the menu, and names each table cell by its column for the stacked cards
// of narrow screens (vitrina.css), so the header row can be hidden there.
document.documentElement.classList.add('js');

document.addEventListener('DOMContentLoaded', function () {
  var header = document.querySelector('header.site'), toggle = header && header.querySelector('.menu-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var open = header.classList.toggle('open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }
  var label = function () { document.querySelectorAll('main table:not(.no-cards)').forEach(labelCells); };
  label();
  // Rows a page's script adds (the task forms' tables) are labelled too.
  var main = document.querySelector('main');
  if (main && window.MutationObserver) { new MutationObserver(label).observe(main, {childList: true, subtree: true}); }
});

function labelCells(table) {
  var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  if (!head) { return; }
  var names = [];
  Array.prototype.forEach.call(head.cells, function (cell) {
    for (var i = 0; i < (cell.colSpan || 1); i++) { names.push(cell.textContent.replace(/\s+/g, ' ').trim()); }
  });
  Array.prototype.forEach.call(table.tBodies, function (body) {
    Array.prototype.forEach.call(body.rows, function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var name = names[column];
        if (name && cell.tagName === 'TD' && !cell.hasAttribute('data-label') && (cell.colSpan || 1) === 1) {
          cell.setAttribute('data-label', name);
        }
        column += cell.colSpan || 1;
      });
    });
  });
}
