/* Low-vision mode, as on Russian public sites: font size, colour scheme, images, letter
   spacing; remembered across pages. Loaded in <head> so settings apply before the first paint. */
(function () {
  'use strict';
  var KEY = 'praktika-a11y', root = document.documentElement;
  var OPTIONS = {
    font: [['0', 'A', 'Обычный размер шрифта'], ['1', 'A+', 'Крупный шрифт'], ['2', 'A++', 'Очень крупный шрифт']],
    scheme: [['', 'Цвет: обычный', 'Обычные цвета'], ['bw', 'Ч/Б', 'Чёрным по белому'], ['wb', 'Б/Ч', 'Белым по чёрному'], ['blue', 'Синий', 'Тёмно-синим по голубому']],
    images: [['', 'Изображения: вкл.', 'Показывать изображения'], ['off', 'Изображения: выкл.', 'Скрыть изображения']],
    spacing: [['', 'Интервал: обычный', 'Обычный интервал между буквами'], ['wide', 'Интервал: большой', 'Увеличенный интервал между буквами']]
  };
  var LEGEND = { font: 'Размер шрифта', scheme: 'Цветовая схема', images: 'Изображения', spacing: 'Интервал' };
  var settings = {};
  try { settings = JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { settings = {}; }
  function apply() {
    Object.keys(OPTIONS).forEach(function (name) {
      if (settings[name]) root.setAttribute('data-' + name, settings[name]); else root.removeAttribute('data-' + name);
    });
  }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(settings)); } catch (e) { /* private mode */ } }
  apply();

  function build() {
    var slot = document.getElementById('a11y-slot');
    if (!slot) return;
    var toggle = document.createElement('button');
    toggle.type = 'button'; toggle.id = 'a11y-toggle'; toggle.className = 'a11y-toggle';
    toggle.setAttribute('aria-expanded', 'false'); toggle.setAttribute('aria-controls', 'a11y-panel');
    toggle.textContent = 'Версия для слабовидящих';
    var panel = document.createElement('div');
    panel.id = 'a11y-panel'; panel.className = 'a11y-panel'; panel.hidden = true;
    panel.setAttribute('role', 'region'); panel.setAttribute('aria-label', 'Настройки для слабовидящих');
    Object.keys(OPTIONS).forEach(function (name) {
      var group = document.createElement('div');
      group.className = 'a11y-group'; group.setAttribute('role', 'group'); group.setAttribute('aria-label', LEGEND[name]);
      OPTIONS[name].forEach(function (o) {
        var b = document.createElement('button');
        b.type = 'button'; b.textContent = o[1]; b.title = o[2];
        b.setAttribute('aria-label', o[2]); b.setAttribute('data-a11y', name + ':' + o[0]);
        b.setAttribute('aria-pressed', String((settings[name] || '') == o[0] || (name == 'font' && !settings.font && o[0] == '0')));
        b.addEventListener('click', function () {
          if (o[0] && o[0] != '0') settings[name] = o[0]; else delete settings[name];
          save(); apply(); sync();
        });
        group.appendChild(b);
      });
      panel.appendChild(group);
    });
    var reset = document.createElement('button');
    reset.type = 'button'; reset.className = 'a11y-reset'; reset.textContent = 'Обычная версия';
    reset.addEventListener('click', function () { settings = {}; save(); apply(); sync(); });
    panel.appendChild(reset);
    toggle.addEventListener('click', function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute('aria-expanded', String(!panel.hidden));
    });
    function sync() {
      panel.querySelectorAll('[data-a11y]').forEach(function (b) {
        var parts = b.getAttribute('data-a11y').split(':'), value = settings[parts[0]] || (parts[0] == 'font' ? '0' : '');
        b.setAttribute('aria-pressed', String(value == parts[1]));
      });
    }
    slot.appendChild(toggle);
    slot.appendChild(panel);
  }
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', build); else build();
})();
