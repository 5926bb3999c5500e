/* Passerelle — autocomplete for the fields drawn by the "skill-field"
   template (templates/_skill_field.html). Progressive enhancement only:
   without this script the fields are text inputs with a datalist filled by
   the server, which resolves what was typed.

   With it, each field asks its suggest endpoint as the person types, puts
   the answers in a datalist of its own (the browser shows them as a native,
   keyboard-usable list), says in a polite live region how many there are,
   and copies the code of a chosen suggestion into the hidden input, which
   the server then trusts as long as the text still matches it. */
(function () {
  'use strict';

  var DELAY = 150; // ms after the last keystroke
  var LIMIT = 10;

  function options(list) {
    return list ? list.getElementsByTagName('option') : [];
  }

  // chosen returns the option whose value is exactly the input's, if any.
  function chosen(input) {
    var opts = options(input.list);
    for (var i = 0; i < opts.length; i++) {
      if (opts[i].value === input.value) {
        return opts[i];
      }
    }
    return null;
  }

  function say(input, n) {
    var status = document.getElementById(input.getAttribute('data-status'));
    if (!status) {
      return;
    }
    var text = '';
    if (n > 0) {
      text = (input.getAttribute('data-status-many') || '').replace('%d', String(n));
    } else if (n === 0) {
      text = input.getAttribute('data-status-none') || '';
    }
    status.textContent = text;
  }

  // entries turns an answer into [value, code] pairs, written as the server
  // writes them in the fields: skills by label, occupations as
  // "Label (M1855)", communes as "Name (département)".
  function entries(source, body) {
    var out = [];
    var items = (body && body.items) || [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      if (source.indexOf('/communes') >= 0) {
        out.push([it.name + ' (' + it.department + ')', it.id]);
      } else if (it.kind === 'occupation' || it.kind === 'appellation') {
        out.push([it.label + ' (' + it.code + ')', it.code]);
      } else {
        out.push([it.label, it.code]);
      }
    }
    return out;
  }

  function enhance(input) {
    var source = input.getAttribute('data-autocomplete');
    var code = document.getElementById(input.getAttribute('data-code-field'));
    var kinds = input.getAttribute('data-kinds') || '';
    var own = document.createElement('datalist');
    own.id = input.id + '-ac';
    input.parentNode.appendChild(own);
    var timer = null;
    var seq = 0;

    function fill(pairs) {
      while (own.firstChild) {
        own.removeChild(own.firstChild);
      }
      for (var i = 0; i < pairs.length; i++) {
        var o = document.createElement('option');
        o.value = pairs[i][0];
        o.setAttribute('data-code', pairs[i][1]);
        own.appendChild(o);
      }
      input.setAttribute('list', own.id);
      say(input, pairs.length);
    }

    function ask(q) {
      var mine = ++seq;
      var url = source + '?q=' + encodeURIComponent(q) + '&limit=' + LIMIT;
      if (kinds) {
        url += '&kinds=' + encodeURIComponent(kinds);
      }
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.json() : { items: [] }; })
        .then(function (body) {
          if (mine === seq) {
            fill(entries(source, body));
          }
        })
        .catch(function () { /* the server-side list and resolution still work */ });
    }

    input.addEventListener('input', function () {
      var opt = chosen(input);
      if (opt) {
        // A suggestion was picked (or typed exactly): keep its code.
        if (code) {
          code.value = opt.getAttribute('data-code') || '';
        }
        clearTimeout(timer);
        return;
      }
      if (code) {
        code.value = '';
      }
      clearTimeout(timer);
      var q = input.value.replace(/^\s+|\s+$/g, '');
      if (q.length === 0 || q.length > 60) {
        say(input, -1);
        return;
      }
      timer = setTimeout(function () { ask(q); }, DELAY);
    });
  }

  function init() {
    if (!window.fetch) {
      return;
    }
    var inputs = document.querySelectorAll('input[data-autocomplete]');
    for (var i = 0; i < inputs.length; i++) {
      enhance(inputs[i]);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
