// DGR web pages: progressive enhancement, plain browser JavaScript (no framework, no build step).
//
// A <form class="api-form" data-api="/api/…" data-method="POST" data-redirect="…"> is sent to the JSON
// API: its fields become a JSON object (data-type says how a value is typed: int, kronor → öre, bool,
// json-list; dotted names nest), with an Idempotency-Key made once per form display, so a double click
// or a retry records once. A problem answer (application/problem+json) is shown beside the fields and in
// a summary that takes the focus; on success the page goes to data-redirect and announces "Sparat".
'use strict';

(function () {
  var FLASH = 'dgr-meddelande';

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  // ---------------------------------------------------------------------------------------------
  // Values
  // ---------------------------------------------------------------------------------------------

  var KRONOR = /^(\d+)(?:[,.](\d{1,2}))?$/;

  /** "1 250 000,50" (spaces, non-breaking spaces, "kr" allowed) → 125000050 öre, or null. */
  function kronorToOre(text) {
    var compact = text.replace(/[\s\u00a0\u2009\u202f]/g, '').replace(/kr$/i, '').replace(/:-$/, '');
    var m = KRONOR.exec(compact);
    if (!m) return null;
    var ore = Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
    return Number.isSafeInteger(ore) ? ore : null;
  }

  /** Sets `value` at a dotted path ("coFinancing.0.amountOre"); numeric segments make lists. */
  function setPath(target, name, value) {
    var parts = name.split('.');
    var node = target;
    for (var i = 0; i < parts.length - 1; i++) {
      var key = parts[i];
      if (node[key] === undefined) node[key] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      node = node[key];
    }
    node[parts[parts.length - 1]] = value;
  }

  /** The form as the API's JSON body, the values of the API path's {placeholders}, and what is wrong. */
  function serialise(form) {
    var body = {};
    var pathValues = {};
    var errors = [];
    var lists = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET') return;
      var type = el.dataset.type || 'text';
      if (el.type === 'checkbox' && type === 'json-list') {
        if (!lists[el.name]) lists[el.name] = [];
        if (el.checked) lists[el.name].push(JSON.parse(el.value));
        return;
      }
      if (el.type === 'checkbox') {
        setPath(body, el.name, el.checked);
        return;
      }
      if (el.type === 'radio' && !el.checked) return;
      var text = el.value.trim();
      if (text === '') return;
      if (el.hasAttribute('data-path')) {
        pathValues[el.name] = text;
        return;
      }
      var value = text;
      if (type === 'int') {
        if (!/^-?\d+$/.test(text)) {
          errors.push({ field: el.name, message: 'Ange ett heltal, till exempel 2026.' });
          return;
        }
        value = Number(text);
      } else if (type === 'kronor') {
        value = kronorToOre(text);
        if (value === null) {
          errors.push({ field: el.name, message: 'Ange ett belopp i kronor, till exempel 1 250 000 eller 1 250 000,50.' });
          return;
        }
      }
      setPath(body, el.name, value);
    });
    Object.keys(lists).forEach(function (name) {
      if (lists[name].length > 0) setPath(body, name, lists[name]);
    });
    return { body: body, pathValues: pathValues, errors: errors };
  }

  function fillPath(template, values) {
    return template.replace(/\{([A-Za-z0-9_.]+)\}/g, function (_, name) {
      return encodeURIComponent(values[name] === undefined ? '' : String(values[name]));
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Errors beside the fields
  // ---------------------------------------------------------------------------------------------

  function describedBy(el, id, add) {
    var ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (x) { return x && x !== id; });
    if (add) ids.unshift(id);
    if (ids.length > 0) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function controlsOf(wrapper) {
    return Array.prototype.filter.call(wrapper.querySelectorAll('input, select, textarea'), function (el) {
      return el.type !== 'hidden';
    });
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll('[data-field]'), function (wrapper) {
      var id = wrapper.dataset.errorId;
      var p = document.getElementById(id);
      if (p) { p.textContent = ''; p.hidden = true; }
      controlsOf(wrapper).forEach(function (el) {
        el.removeAttribute('aria-invalid');
        describedBy(el, id, false);
      });
    });
    var summary = form.querySelector('.felsammanfattning');
    summary.hidden = true;
    summary.textContent = '';
  }

  /** The wrapper of an API field: `coFinancing.0.amountOre`, else `coFinancing.0`, else `coFinancing`. */
  function wrapperOf(form, field) {
    var parts = String(field || '').split('.');
    while (parts.length > 0) {
      var name = parts.join('.');
      var found = Array.prototype.find.call(form.querySelectorAll('[data-field]'), function (w) { return w.dataset.field === name; });
      if (found) return found;
      parts.pop();
    }
    return null;
  }

  /** The visible name of a field: its label or legend without "(obligatoriskt)". */
  function labelOf(wrapper) {
    var label = wrapper.querySelector('label, legend, .etikett');
    if (!label) return '';
    var first = label.firstChild;
    return (first && first.nodeType === 3 ? first.textContent : label.textContent).replace(/:\s*$/, '').trim();
  }

  /** The text a control's value is shown with: a radio's label, a select's option. */
  function valueWords(wrapper) {
    var words = {};
    Array.prototype.forEach.call(wrapper.querySelectorAll('input[type="radio"], input[type="checkbox"]'), function (el) {
      var label = el.id ? wrapper.querySelector('label[for="' + el.id + '"]') : null;
      if (label) words[el.value] = label.textContent.trim();
    });
    Array.prototype.forEach.call(wrapper.querySelectorAll('option'), function (o) {
      if (o.value !== '') words[o.value] = o.textContent.trim();
    });
    return words;
  }

  /**
   * The server's sentence in the form's words: the API's field name at its start becomes the field's label
   * ("decidedOn måste vara …" → "Beslutsdatum måste vara …"), and the values listed after "ett av:" the
   * labels the clerk chooses between ("approved, rejected" → "Bifall (godkänt), Avslag").
   */
  function inWords(wrapper, error) {
    var message = String(error.message || '');
    if (!wrapper) return message;
    var label = labelOf(wrapper);
    var name = String(error.field || '');
    var last = name.split('.').pop();
    [name, last].forEach(function (n) {
      if (label && n && message.indexOf(n + ' ') === 0) message = label + message.slice(n.length);
    });
    var words = valueWords(wrapper);
    return message.replace(/(ett av: )(.+)$/, function (_, lead, values) {
      return lead + values.split(/,\s*/).map(function (v) { return words[v] || v; }).join(', ');
    });
  }

  function showProblem(form, problem) {
    var summary = form.querySelector('.felsammanfattning');
    summary.textContent = '';
    var heading = document.createElement('p');
    heading.textContent = problem.title || 'Det gick inte att spara';
    summary.appendChild(heading);
    // Field errors are listed below (the detail only repeats them); otherwise the detail says what is wrong.
    if (problem.detail && !(problem.errors && problem.errors.length > 0)) {
      var detail = document.createElement('p');
      detail.className = 'detalj';
      detail.textContent = problem.detail;
      summary.appendChild(detail);
    }
    var list = document.createElement('ul');
    (problem.errors || []).forEach(function (error) {
      var item = document.createElement('li');
      var wrapper = wrapperOf(form, error.field);
      var message = inWords(wrapper, error);
      if (wrapper) {
        var p = document.getElementById(wrapper.dataset.errorId);
        p.textContent = p.hidden || p.textContent === '' ? message : p.textContent + ' ' + message;
        p.hidden = false;
        var controls = controlsOf(wrapper);
        controls.forEach(function (el) {
          el.setAttribute('aria-invalid', 'true');
          describedBy(el, wrapper.dataset.errorId, true);
        });
        if (controls.length > 0) {
          var link = document.createElement('a');
          link.href = '#' + controls[0].id;
          var label = labelOf(wrapper);
          link.textContent = label && message.indexOf(label) !== 0 ? label + ': ' + message : message;
          link.addEventListener('click', function (event) {
            event.preventDefault();
            controls[0].focus();
          });
          item.appendChild(link);
        } else {
          item.textContent = message;
        }
      } else {
        item.textContent = message;
      }
      list.appendChild(item);
    });
    if (list.children.length > 0) summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------------------------

  function setSending(form, sending) {
    form.dataset.sending = sending ? 'true' : 'false';
    Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (b) {
      b.disabled = sending;
      if (sending) b.setAttribute('aria-disabled', 'true');
      else b.removeAttribute('aria-disabled');
    });
  }

  function readJson(res) {
    return res.text().then(function (text) {
      try { return text ? JSON.parse(text) : {}; } catch { return { detail: text }; }
    });
  }

  /** An upload form (data-upload): its one file is the whole body, as application/pdf; the server checks the bytes. */
  var MAX_UPLOAD = 10 * 1024 * 1024;

  function upload(form) {
    if (form.dataset.sending === 'true') return;
    clearErrors(form);
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    var problem = null;
    if (!file) problem = 'Välj en PDF-fil.';
    else if (file.size > MAX_UPLOAD) problem = 'Filen är för stor: högst 10 MiB.';
    if (problem) {
      showProblem(form, { title: 'Rätta uppgifterna', errors: [{ field: input ? input.name : '', message: problem }] });
      return;
    }
    setSending(form, true);
    fetch(form.dataset.api, {
      method: form.dataset.method || 'PUT',
      headers: { Accept: 'application/json', 'Content-Type': 'application/pdf' },
      body: file,
      credentials: 'same-origin',
    }).then(function (res) {
      return readJson(res).then(function (answer) {
        if (res.ok) {
          try { window.sessionStorage.setItem(FLASH, 'Sparat'); } catch { /* private mode: no announcement */ }
          window.location.assign(form.dataset.redirect || window.location.pathname + window.location.search);
          return;
        }
        if (res.status === 401) answer.detail = (answer.detail ? answer.detail + ' ' : '') + 'Logga in igen och försök på nytt.';
        // The server's refusal of the file (not a PDF, too large…) is shown beside the file field.
        if (!(answer.errors && answer.errors.length > 0) && answer.detail && input) answer.errors = [{ field: input.name, message: answer.detail }];
        setSending(form, false);
        showProblem(form, answer);
      });
    }).catch(function () {
      setSending(form, false);
      showProblem(form, { title: 'Inget svar från tjänsten', detail: 'Kontrollera anslutningen och försök igen.' });
    });
  }

  function submit(form) {
    if (form.hasAttribute('data-upload')) return upload(form);
    if (form.dataset.sending === 'true') return;
    clearErrors(form);
    var data = serialise(form);
    if (data.errors.length > 0) {
      showProblem(form, { title: 'Rätta uppgifterna', detail: 'Några uppgifter har fel form.', errors: data.errors });
      return;
    }
    if (!form.dataset.idempotencyKey) form.dataset.idempotencyKey = newKey();
    var noBody = form.hasAttribute('data-no-body');
    var headers = { Accept: 'application/json', 'Idempotency-Key': form.dataset.idempotencyKey };
    if (!noBody) headers['Content-Type'] = 'application/json';
    setSending(form, true);
    fetch(fillPath(form.dataset.api, data.pathValues), {
      method: form.dataset.method || 'POST',
      headers: headers,
      body: noBody ? undefined : JSON.stringify(data.body),
      credentials: 'same-origin',
    }).then(function (res) {
      return readJson(res).then(function (answer) {
        if (res.ok) {
          try { window.sessionStorage.setItem(FLASH, 'Sparat'); } catch { /* private mode: no announcement */ }
          var target = form.dataset.redirect ? fillPath(form.dataset.redirect, answer) : window.location.pathname + window.location.search;
          window.location.assign(target);
          return;
        }
        // A refused request recorded nothing: the next attempt is a new request, with a new key, except
        // while the same key is still being answered.
        if (answer.code !== 'idempotency-key-in-progress') delete form.dataset.idempotencyKey;
        if (res.status === 401) answer.detail = (answer.detail ? answer.detail + ' ' : '') + 'Logga in igen och försök på nytt.';
        setSending(form, false);
        showProblem(form, answer);
      });
    }).catch(function () {
      // No answer: the key is kept, so sending again cannot record twice.
      setSending(form, false);
      showProblem(form, { title: 'Inget svar från tjänsten', detail: 'Kontrollera anslutningen och försök igen; uppgifterna registreras bara en gång.' });
    });
  }

  function enhanceForms() {
    Array.prototype.forEach.call(document.querySelectorAll('form.api-form'), function (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        submit(form);
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Revision: verify the log
  // ---------------------------------------------------------------------------------------------

  /** An ISO instant as the day and time in Sweden: "2025-06-15 12:00:00". */
  function swedishTime(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });
  }

  function addRow(list, term, value, code) {
    var dt = document.createElement('dt');
    dt.textContent = term;
    var dd = document.createElement('dd');
    if (code) {
      var c = document.createElement('code');
      c.className = 'hash';
      c.textContent = value;
      dd.appendChild(c);
    } else {
      dd.textContent = value;
    }
    list.appendChild(dt);
    list.appendChild(dd);
  }

  /** The answer of GET /api/audit/verify (apps/api/src/audit/verify-answer.ts) in Swedish. */
  function renderVerification(region, r) {
    region.textContent = '';
    region.className = 'resultat ' + (r.ok ? 'ok' : 'inte-ok');
    var heading = document.createElement('h3');
    heading.textContent = r.ok ? '✓ Loggen är oförändrad' : '✗ Loggen stämmer inte';
    region.appendChild(heading);
    if (r.summary) {
      var summary = document.createElement('p');
      summary.textContent = r.summary;
      region.appendChild(summary);
    }
    var list = document.createElement('dl');
    addRow(list, 'Kontrollerad', swedishTime(r.checkedAt));
    addRow(list, 'Händelser', String(r.events));
    addRow(list, 'Strömmar', String(r.streams));
    addRow(list, 'Senast registrerat', swedishTime(r.lastRecordedAt));
    addRow(list, 'Merkle-rot', r.rootHash || '–', Boolean(r.rootHash));
    addRow(list, 'Avvikelser', String(r.mismatchCount));
    addRow(
      list,
      'Signerad kontrollpunkt',
      r.checkpointProblem ? r.checkpointProblem : r.checkpoint ? r.checkpoint.size + ' händelser, ursprung ' + r.checkpoint.origin + ': loggen bygger vidare på den' : '–',
    );
    region.appendChild(list);
    var mismatches = r.mismatches || [];
    if (mismatches.length > 0) {
      var title = document.createElement('h4');
      title.textContent = r.mismatchCount > mismatches.length ? 'De första ' + mismatches.length + ' av ' + r.mismatchCount + ' avvikelserna' : 'Avvikelser';
      region.appendChild(title);
      var ul = document.createElement('ul');
      mismatches.forEach(function (m) {
        var li = document.createElement('li');
        li.textContent = m.description || m.kind + ' vid position ' + m.position;
        ul.appendChild(li);
      });
      region.appendChild(ul);
    }
  }

  function enhanceVerify() {
    var button = document.getElementById('verifiera');
    var region = document.getElementById('verifieringsresultat');
    if (!button || !region) return;
    button.addEventListener('click', function () {
      button.disabled = true;
      region.className = 'resultat';
      region.textContent = 'Verifierar loggen …';
      fetch(button.dataset.verify, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) {
          return readJson(res).then(function (answer) {
            if (res.ok) renderVerification(region, answer);
            else {
              region.className = 'resultat inte-ok';
              region.textContent = (answer.title || 'Verifieringen misslyckades') + (answer.detail ? ': ' + answer.detail : '');
            }
          });
        })
        .catch(function () {
          region.className = 'resultat inte-ok';
          region.textContent = 'Inget svar från tjänsten. Försök igen.';
        })
        .then(function () { button.disabled = false; });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // "Sparat" after the page that saved navigated here
  // ---------------------------------------------------------------------------------------------

  function announceSaved() {
    var message;
    try {
      message = window.sessionStorage.getItem(FLASH);
      window.sessionStorage.removeItem(FLASH);
    } catch {
      message = null;
    }
    var region = document.getElementById('meddelande');
    if (message && region) {
      // Filled after load, so screen readers announce the live region's change.
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
  }

  function start() {
    enhanceForms();
    enhanceVerify();
    announceSaved();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
