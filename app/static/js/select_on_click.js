// A field marked data-select-on-click selects its whole value on a click, ready to copy.
document.querySelectorAll('[data-select-on-click]').forEach(function (field) {
  field.addEventListener('click', function () { field.select(); });
});
