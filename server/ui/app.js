/* sluice's web UI: subjects, versions, differences and checks, drawn from the registry's API
 * (Confluent's, and sluice's own under /sluice/v1/). Every page has its own URL under /ui/;
 * the server answers each with this page, and render() draws what the path names.
 * No build step: plain JavaScript, highlight.js and jsdiff from Debian's packages. */
'use strict';

const UI = '/ui/';
const TYPES = ['AVRO', 'PROTOBUF', 'JSON'];
const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL',
  'FULL_TRANSITIVE', 'NONE'];
const MODES = ['READWRITE', 'READONLY', 'IMPORT'];
const DIRECTIONS = ['BACKWARD', 'FORWARD', 'FULL'];
const main = document.getElementById('main');

/* ---- small helpers ---- */

/* h('a', {href: '/x', class: 'y'}, 'text', child...): an element. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'html') el.innerHTML = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const enc = encodeURIComponent;
const subjectPath = (s) => UI + 'subjects/' + enc(s);
const versionPath = (s, v) => subjectPath(s) + '/versions/' + v;
const schemaPath = (id) => UI + 'schemas/' + id;

function when(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  return h('time', {datetime: d.toISOString(), title: d.toString()},
    d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
}

function fileName(subject, version, type) {
  const ext = {AVRO: 'avsc', PROTOBUF: 'proto', JSON: 'json'}[type] || 'txt';
  return subject.replace(/[\/\\:*?"<>|\s]+/g, '_') + '-v' + version + '.' + ext;
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.classList.add('shown');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('shown'), 4000);
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || ('HTTP ' + status));
    this.status = status;
    this.code = body && body.error_code;
  }
}

/* One call to the registry; the parsed JSON answer, or an ApiError. */
async function api(method, path, body) {
  const opts = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/vnd.schemaregistry.v1+json';
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

function errorBox(err) {
  return h('div', {class: 'error', role: 'alert'},
    h('strong', {}, err.status === 404 ? 'Not found. ' : 'Error. '), err.message);
}

/* A confirmation in a modal dialog: resolves true when the person confirms. */
function confirmAction(title, text, label) {
  const d = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = label;
  d.returnValue = 'cancel';
  d.showModal();
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), {once: true});
  });
}

/* ---- code: highlighted, with line numbers ---- */

function langOf(type) {
  return type === 'PROTOBUF' ? 'protobuf' : 'json';
}

/* The text highlighted, as one HTML string per line (spans reopened on each line). */
function highlightLines(text, type) {
  let html;
  try {
    html = window.hljs ? hljs.highlight(langOf(type), text, true).value : null;
  } catch (e) {
    html = null;
  }
  if (html === null) html = text.replace(/[&<>]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]));
  const lines = [];
  const open = [];
  let cur = '';
  for (const m of html.matchAll(/(<span[^>]*>)|(<\/span>)|(\n)|([^<\n]+|<)/g)) {
    if (m[1]) { open.push(m[1]); cur += m[1]; }
    else if (m[2]) { open.pop(); cur += m[2]; }
    else if (m[3]) { lines.push(cur + '</span>'.repeat(open.length)); cur = open.join(''); }
    else cur += m[4];
  }
  lines.push(cur + '</span>'.repeat(open.length));
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/* A code block: line numbers that are not copied, lines that can be marked (marks: line ->
 * [{label, cls}]) and linked (#<prefix>L<n>). */
function codeBlock(text, type, opts = {}) {
  const lines = highlightLines(text, type);
  const prefix = opts.prefix || '';
  const marks = opts.marks || new Map();
  const body = h('div', {class: 'code', role: 'region', tabindex: '0',
    'aria-label': opts.label || 'Schema text'});
  lines.forEach((line, i) => {
    const n = i + 1;
    const m = marks.get(n);
    const row = h('div', {class: 'line' + (m ? ' marked' : ''), id: prefix + 'L' + n},
      h('span', {class: 'ln', 'data-n': n, 'aria-hidden': 'true'}),
      h('span', {class: 'src', html: line || ' '}),
      m ? h('span', {class: 'mark'}, m.map((x) => x.label).join(', ')) : null);
    body.append(row);
  });
  return body;
}

/* ---- page frame ---- */

function crumbs(...items) {
  const nav = document.getElementById('crumbs');
  nav.replaceChildren(h('ol', {}, items.map((it, i) => h('li', {},
    i === items.length - 1 ? h('span', {'aria-current': 'page'}, it.text)
      : h('a', {href: it.href}, it.text)))));
}

function page(title, ...children) {
  document.title = title + ' · sluice';
  main.replaceChildren(h('h1', {}, title), ...children);
}

function badge(text, cls) {
  return h('span', {class: 'badge ' + (cls || '')}, text);
}

function breaksBadges(breaks) {
  return h('span', {class: 'breaks'}, DIRECTIONS.map((d) => breaks[d]
    ? h('span', {class: 'badge bad', title: 'breaks ' + d}, '✗ ' + d, h('span', {class: 'sr-only'}, ' breaks'))
    : h('span', {class: 'badge ok', title: 'keeps ' + d}, '✓ ' + d, h('span', {class: 'sr-only'}, ' holds'))));
}

function breaksText(breaks, one) {
  const b = DIRECTIONS.filter((d) => breaks[d]);
  const verb = one ? 'breaks ' : 'break ';
  return b.length ? verb + b.join(', ').replace(/, ([^,]*)$/, ' and $1') + ' compatibility' : verb + 'nothing';
}

/* ---- subjects ---- */

const searchState = {seq: 0};

function subjectsPage() {
  const params = new URLSearchParams(location.search);
  crumbs({text: 'Subjects'});
  const q = h('input', {id: 'q', type: 'search', name: 'q', value: params.get('q') || '',
    autocomplete: 'off', spellcheck: 'false', placeholder: 'orders, ^acme\\., …'});
  const match = select('match', 'Match', ['substring', 'prefix', 'regex'], params.get('match') || 'substring');
  const type = select('type', 'Schema type', ['', ...TYPES], params.get('type') || '', 'any');
  const level = select('level', 'Compatibility', ['', ...LEVELS], params.get('level') || '', 'any');
  const deleted = h('input', {id: 'deleted', type: 'checkbox', name: 'deleted'});
  deleted.checked = params.get('deleted') === 'true';
  const status = h('p', {id: 'search-status', class: 'muted', role: 'status', 'aria-live': 'polite'});
  const tbody = h('tbody');
  const more = h('button', {type: 'button', id: 'more', class: 'secondary', hidden: true}, 'More');
  const form = h('form', {class: 'search', role: 'search', 'aria-label': 'Subjects',
    onsubmit: (e) => { e.preventDefault(); run(); }},
  h('div', {class: 'field grow'}, h('label', {for: 'q'}, 'Search subjects'), q),
  match.field, type.field, level.field,
  h('div', {class: 'field check'}, deleted, h('label', {for: 'deleted'}, 'Show soft-deleted')));
  const newForm = h('form', {class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const name = e.target.elements.subject.value;
    if (name) go(subjectPath(name) + '/check');
  }}, h('label', {for: 'new-subject'}, 'New subject'),
  h('input', {id: 'new-subject', name: 'subject', required: true, autocomplete: 'off'}),
  h('button', {type: 'submit', class: 'secondary'}, 'Write its first schema'));
  page('Subjects', form, status,
    h('div', {class: 'table-wrap'}, h('table', {id: 'results', class: 'list'},
      h('caption', {class: 'sr-only'}, 'Subjects matching the search'),
      h('thead', {}, h('tr', {}, ['Subject', 'Type', 'Latest', 'Versions', 'Compatibility',
        'Registered'].map((t) => h('th', {scope: 'col'}, t)))), tbody)), more, newForm);

  let timer = null;
  let next = null;
  const query = () => {
    const p = new URLSearchParams();
    if (q.value) p.set('q', q.value);
    if (match.el.value !== 'substring') p.set('match', match.el.value);
    if (type.el.value) p.set('type', type.el.value);
    if (level.el.value) p.set('level', level.el.value);
    if (deleted.checked) p.set('deleted', 'true');
    return p;
  };
  async function run(after) {
    const p = query();
    if (!after) history.replaceState(null, '', UI + (p.toString() ? '?' + p : ''));
    p.set('limit', '50');
    if (after) p.set('after', after);
    const seq = ++searchState.seq;
    try {
      const r = await api('GET', '/sluice/v1/subjects?' + p);
      if (seq !== searchState.seq) return; /* a later keystroke won */
      if (!after) tbody.replaceChildren();
      for (const s of r.subjects) tbody.append(subjectRow(s));
      next = r.next;
      more.hidden = !next;
      const n = tbody.children.length;
      status.textContent = n === 0 ? 'No subject matches.'
        : n + (next ? '+' : '') + (n === 1 ? ' subject' : ' subjects');
    } catch (err) {
      if (seq !== searchState.seq) return;
      tbody.replaceChildren();
      more.hidden = true;
      status.replaceChildren(errorBox(err));
    }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => run(), 120); };
  q.addEventListener('input', soon);
  for (const el of [match.el, type.el, level.el, deleted]) el.addEventListener('change', () => run());
  more.addEventListener('click', () => run(next));
  run();
  if (!params.toString()) q.focus();
}

function select(name, label, values, current, emptyLabel) {
  const el = h('select', {id: name, name},
    values.map((v) => h('option', {value: v, selected: v === current}, v || emptyLabel)));
  return {el, field: h('div', {class: 'field'}, h('label', {for: name}, label), el)};
}

function subjectRow(s) {
  return h('tr', {class: s.deleted ? 'deleted' : ''},
    h('th', {scope: 'row'}, h('a', {href: subjectPath(s.subject)}, s.subject),
      s.deleted ? badge('deleted', 'warn') : null),
    h('td', {}, s.schemaType || ''),
    h('td', {}, h('a', {href: versionPath(s.subject, s.version)}, 'v' + s.version)),
    h('td', {}, s.versions),
    h('td', {}, s.compatibility),
    h('td', {}, when(s.ts)));
}

/* ---- a subject ---- */

async function subjectPage(subject) {
  crumbs({text: 'Subjects', href: UI}, {text: subject});
  const o = await api('GET', '/sluice/v1/subjects/' + enc(subject));
  const live = o.versions.filter((v) => !v.deleted);
  const rows = o.versions.slice().reverse().map((v) => h('tr', {class: v.deleted ? 'deleted' : ''},
    h('th', {scope: 'row'}, h('a', {href: versionPath(subject, v.version)}, 'v' + v.version)),
    h('td', {}, h('a', {href: schemaPath(v.id)}, v.id)),
    h('td', {}, v.schemaType),
    h('td', {}, when(v.ts)),
    h('td', {}, v.deleted ? badge('soft-deleted', 'warn') : 'live'),
    h('td', {}, v.references.length ? h('ul', {class: 'plain'}, v.references.map((r) => h('li', {},
      h('a', {href: versionPath(r.subject, r.version)}, r.subject + ' v' + r.version),
      ' as ', h('code', {}, r.name)))) : ''),
    h('td', {class: 'actions'},
      v.version !== o.versions[0].version ? h('a', {href: subjectPath(subject) + '/diff?to=' + v.version,
        'aria-label': 'Changes in v' + v.version}, 'Changes') : null,
      h('a', {href: '/subjects/' + enc(subject) + '/versions/' + v.version + '/schema?deleted=true',
        download: fileName(subject, v.version, v.schemaType),
        'aria-label': 'Download v' + v.version}, 'Download'))));

  const settings = h('dl', {class: 'facts'},
    h('dt', {}, 'Compatibility'), h('dd', {id: 'level'}, o.compatibility.level, ' ',
      h('span', {class: 'muted'}, '(' + fromText(o.compatibility.from) + ')')),
    h('dt', {}, 'Mode'), h('dd', {id: 'mode'}, o.mode.mode, ' ',
      h('span', {class: 'muted'}, '(' + fromText(o.mode.from) + ')')),
    h('dt', {}, 'Versions'), h('dd', {}, live.length + ' live, ' +
      (o.versions.length - live.length) + ' soft-deleted'));

  const by = o.referencedBy.length ? h('ul', {id: 'referenced-by'}, o.referencedBy.map((r) => h('li', {},
    h('a', {href: versionPath(r.subject, r.version)}, r.subject + ' v' + r.version),
    ' (schema ', h('a', {href: schemaPath(r.id)}, r.id), ') references v' + r.references,
    r.deleted ? badge('soft-deleted', 'warn') : null)))
    : h('p', {class: 'muted', id: 'referenced-by'}, 'No other schema references this subject.');

  const actions = h('div', {class: 'toolbar'},
    h('a', {class: 'button', href: subjectPath(subject) + '/check'}, 'Check a new schema'),
    o.versions.length > 1 ? h('a', {class: 'button secondary', href: subjectPath(subject) + '/diff'},
      'Compare versions') : null);

  page(subject, actions, settings,
    h('h2', {}, 'Versions'),
    h('div', {class: 'table-wrap'}, h('table', {class: 'list', id: 'versions'},
      h('thead', {}, h('tr', {}, ['Version', 'ID', 'Type', 'Registered', 'State', 'References']
        .map((t) => h('th', {scope: 'col'}, t)), h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, rows))),
    h('h2', {}, 'Referenced by'), by,
    settingsForms(subject, o),
    dangerZone(subject, o));
}

function fromText(from) {
  return {subject: 'set on this subject', context: "set on the subject's context",
    global: 'inherited from the global setting', default: "the server's default"}[from] || from;
}

function settingsForms(subject, o) {
  if (!o.rights.config) return null;
  const lv = select('new-level', 'Compatibility level', LEVELS, o.compatibility.level);
  const md = select('new-mode', 'Mode', MODES, o.mode.mode);
  const levelForm = h('form', {class: 'inline', id: 'level-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!await confirmAction('Change the compatibility level?',
      'New versions of ' + subject + ' will be checked at ' + lv.el.value + '.', 'Change level')) return;
    try {
      await api('PUT', '/config/' + enc(subject), {compatibility: lv.el.value});
      toast('Compatibility level of ' + subject + ' is now ' + lv.el.value);
      render();
    } catch (err) { toast(err.message); }
  }}, lv.field, h('button', {type: 'submit'}, 'Set level'),
  o.compatibility.from === 'subject' ? h('button', {type: 'button', class: 'secondary',
    onclick: async () => {
      if (!await confirmAction('Inherit the global level?', subject +
        ' will use the global compatibility level again.', 'Inherit')) return;
      try { await api('DELETE', '/config/' + enc(subject)); render(); } catch (err) { toast(err.message); }
    }}, 'Inherit') : null);
  const modeForm = h('form', {class: 'inline', id: 'mode-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!await confirmAction('Change the mode?', subject + ' will be in ' + md.el.value + ' mode.',
      'Change mode')) return;
    try {
      await api('PUT', '/mode/' + enc(subject), {mode: md.el.value});
      toast('Mode of ' + subject + ' is now ' + md.el.value);
      render();
    } catch (err) { toast(err.message); }
  }}, md.field, h('button', {type: 'submit'}, 'Set mode'));
  return h('section', {'aria-labelledby': 'settings-h'}, h('h2', {id: 'settings-h'}, 'Settings'),
    levelForm, modeForm);
}

function dangerZone(subject, o) {
  if (!o.rights.delete) return null;
  const live = o.versions.some((v) => !v.deleted);
  const btn = live
    ? h('button', {type: 'button', class: 'danger', id: 'delete-subject', onclick: async () => {
      if (!await confirmAction('Delete ' + subject + '?', 'Every version is soft-deleted: clients ' +
        'can no longer look them up, but the schemas stay until a permanent delete.', 'Delete subject')) return;
      try { await api('DELETE', '/subjects/' + enc(subject)); toast(subject + ' deleted'); render(); }
      catch (err) { toast(err.message); }
    }}, 'Delete subject')
    : h('button', {type: 'button', class: 'danger', id: 'delete-subject-permanently', onclick: async () => {
      if (!await confirmAction('Delete ' + subject + ' permanently?', 'Its versions and the schemas ' +
        'no other subject holds are removed for good. This cannot be undone.', 'Delete permanently')) return;
      try { await api('DELETE', '/subjects/' + enc(subject) + '?permanent=true'); go(UI); }
      catch (err) { toast(err.message); }
    }}, 'Delete permanently');
  return h('section', {class: 'danger-zone', 'aria-labelledby': 'danger-h'},
    h('h2', {id: 'danger-h'}, 'Delete'), btn);
}

/* ---- a version ---- */

async function versionPage(subject, version) {
  crumbs({text: 'Subjects', href: UI}, {text: subject, href: subjectPath(subject)}, {text: 'v' + version});
  const v = await api('GET', '/sluice/v1/subjects/' + enc(subject) + '/versions/' + enc(version));
  const forms = [
    {id: 'schema', label: 'Schema', node: () => codeBlock(v.pretty, v.schemaType, {label: 'Schema of v' + v.version})},
    {id: 'canonical', label: 'Canonical', node: () => h('pre', {class: 'raw', tabindex: '0'}, v.schema)},
    {id: 'normalized', label: 'Normalized', node: () => h('pre', {class: 'raw', tabindex: '0'},
      v.normalized === null ? 'The normalized form could not be computed.' : v.normalized)},
  ];
  const refs = (v.references || []).length ? h('ul', {}, v.references.map((r) => h('li', {},
    h('code', {}, r.name), ' → ', h('a', {href: versionPath(r.subject, r.version)}, r.subject + ' v' + r.version))))
    : h('p', {class: 'muted'}, 'None.');
  const by = v.referencedBy.length ? h('ul', {}, v.referencedBy.map((r) => h('li', {},
    h('a', {href: versionPath(r.subject, r.version)}, r.subject + ' v' + r.version),
    ' (schema ', h('a', {href: schemaPath(r.id)}, r.id), ')'))) : h('p', {class: 'muted'}, 'None.');
  page(subject + ' v' + v.version,
    h('dl', {class: 'facts'},
      h('dt', {}, 'Schema ID'), h('dd', {}, h('a', {href: schemaPath(v.id)}, v.id)),
      h('dt', {}, 'Type'), h('dd', {}, v.schemaType),
      h('dt', {}, 'Registered'), h('dd', {}, when(v.ts)),
      h('dt', {}, 'State'), h('dd', {}, v.deleted ? badge('soft-deleted', 'warn') : 'live')),
    h('div', {class: 'toolbar'},
      v.version > 1 ? h('a', {class: 'button secondary', href: subjectPath(subject) + '/diff?to=' + v.version},
        'Changes from the previous version') : null,
      h('a', {class: 'button secondary', download: fileName(subject, v.version, v.schemaType),
        href: '/subjects/' + enc(subject) + '/versions/' + v.version + '/schema?deleted=true'}, 'Download')),
    tabs(forms),
    h('h2', {}, 'References'), refs,
    h('h2', {}, 'Referenced by'), by,
    versionDanger(subject, v));
}

/* Tabs with the ARIA pattern: arrow keys move between them. */
function tabs(items) {
  const list = h('div', {role: 'tablist', class: 'tabs', 'aria-label': 'Forms of the schema'});
  const panels = [];
  const select = (i, focus) => {
    items.forEach((it, j) => {
      const tab = list.children[j];
      tab.setAttribute('aria-selected', String(i === j));
      tab.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
      if (i === j && !panels[j].firstChild) panels[j].append(it.node());
    });
    if (focus) list.children[i].focus();
  };
  items.forEach((it, i) => {
    list.append(h('button', {role: 'tab', type: 'button', id: 'tab-' + it.id,
      'aria-controls': 'panel-' + it.id, onclick: () => select(i),
      onkeydown: (e) => {
        if (e.key === 'ArrowRight') select((i + 1) % items.length, true);
        if (e.key === 'ArrowLeft') select((i + items.length - 1) % items.length, true);
      }}, it.label));
    panels.push(h('div', {role: 'tabpanel', id: 'panel-' + it.id, 'aria-labelledby': 'tab-' + it.id}));
  });
  const box = h('div', {class: 'tabbox'}, list, ...panels);
  select(0);
  return box;
}

function versionDanger(subject, v) {
  return h('section', {class: 'danger-zone', 'aria-labelledby': 'danger-h'},
    h('h2', {id: 'danger-h'}, 'Delete'),
    h('button', {type: 'button', class: 'danger', id: 'delete-version', onclick: async () => {
      const permanent = v.deleted;
      if (!await confirmAction((permanent ? 'Permanently delete ' : 'Delete ') + subject + ' v' + v.version + '?',
        permanent ? 'The version is removed for good. This cannot be undone.'
          : 'The version is soft-deleted: clients can no longer look it up by version.',
        permanent ? 'Delete permanently' : 'Delete version')) return;
      try {
        await api('DELETE', '/subjects/' + enc(subject) + '/versions/' + v.version + (permanent ? '?permanent=true' : ''));
        toast('v' + v.version + ' deleted');
        go(subjectPath(subject));
      } catch (err) { toast(err.message); }
    }}, v.deleted ? 'Delete permanently' : 'Delete this version'));
}

/* ---- differences ---- */

async function diffPage(subject) {
  crumbs({text: 'Subjects', href: UI}, {text: subject, href: subjectPath(subject)}, {text: 'Changes'});
  const params = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  if (params.get('from')) q.set('from', params.get('from'));
  if (params.get('to')) q.set('to', params.get('to'));
  const [o, d] = await Promise.all([
    api('GET', '/sluice/v1/subjects/' + enc(subject)),
    api('GET', '/sluice/v1/subjects/' + enc(subject) + '/diff?' + q)]);
  const versions = o.versions.map((v) => v.version);
  const from = select('from', 'From', versions.map(String), String(d.from.version));
  const to = select('to', 'To', versions.map(String), String(d.to.version));
  const pick = h('form', {class: 'search', onsubmit: (e) => {
    e.preventDefault();
    go(subjectPath(subject) + '/diff?from=' + from.el.value + '&to=' + to.el.value);
  }}, from.field, to.field, h('button', {type: 'submit'}, 'Compare'));

  const level = d.compatibility.level;
  const breaksLevel = level !== 'NONE' && d.breaks[level.replace('_TRANSITIVE', '')];
  const summary = h('p', {id: 'verdict', class: 'verdict ' + (breaksLevel ? 'bad' : 'ok')},
    d.differences.length === 0 ? 'No difference breaks compatibility in either direction.'
      : d.differences.length + (d.differences.length === 1 ? ' difference ' : ' differences ') +
        breaksText(d.breaks, d.differences.length === 1) + '. ',
    d.differences.length ? h('span', {}, 'At the subject\'s level (' + level + '): ',
      h('strong', {}, breaksLevel ? 'v' + d.to.version + ' would be refused' : 'allowed'), '.') : null);

  const marks = {old: new Map(), new: new Map()};
  d.differences.forEach((f, i) => {
    if (!f.side || !f.line) return;
    const m = marks[f.side];
    if (!m.has(f.line)) m.set(f.line, []);
    m.get(f.line).push({label: String(i + 1), cls: 'bad'});
  });
  const list = d.differences.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'list', id: 'differences'},
    h('caption', {class: 'sr-only'}, 'Differences that break compatibility'),
    h('thead', {}, h('tr', {}, ['#', 'Difference', 'Where', 'Breaks', 'Message'].map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, d.differences.map((f, i) => h('tr', {},
      h('td', {}, i + 1),
      h('th', {scope: 'row'}, h('code', {class: 'dtype'}, f.type)),
      h('td', {class: 'where'}, f.side && f.line ? h('a', {href: '#' + f.side + '-L' + f.line,
        'aria-label': (f.side === 'old' ? 'v' + d.from.version : 'v' + d.to.version) + ' line ' + f.line + ' column ' + f.column},
      (f.side === 'old' ? 'v' + d.from.version : 'v' + d.to.version) + ' ' + f.line + ':' + f.column)
        : h('code', {}, f.path)),
      h('td', {}, breaksBadges(f.breaks)),
      h('td', {class: 'message'}, f.message))))))
    : null;
  page('Changes in ' + subject, pick, summary, list,
    h('h2', {}, 'v' + d.from.version + ' → v' + d.to.version),
    sideBySide(d, marks));
}

/* Both texts side by side, lines aligned by jsdiff, removed and added lines coloured, and the
 * lines that hold a difference marked with its number. */
function sideBySide(d, marks) {
  const type = d.to.schemaType;
  const left = highlightLines(d.from.text, d.from.schemaType);
  const right = highlightLines(d.to.text, type);
  const parts = window.Diff ? Diff.diffLines(d.from.text, d.to.text)
    : [{value: d.from.text, removed: true}, {value: d.to.text, added: true}];
  const rows = [];
  let a = 0, b = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const n = p.count || p.value.split('\n').length - (p.value.endsWith('\n') ? 1 : 0);
    if (p.removed && parts[i + 1] && parts[i + 1].added) {
      const q = parts[++i];
      const m = q.count || q.value.split('\n').length - (q.value.endsWith('\n') ? 1 : 0);
      for (let k = 0; k < Math.max(n, m); k++)
        rows.push([k < n ? a++ : null, k < m ? b++ : null, 'changed']);
    } else if (p.removed) {
      for (let k = 0; k < n; k++) rows.push([a++, null, 'removed']);
    } else if (p.added) {
      for (let k = 0; k < n; k++) rows.push([null, b++, 'added']);
    } else {
      for (let k = 0; k < n; k++) rows.push([a++, b++, 'same']);
    }
  }
  const cell = (side, lines, idx, kind) => {
    if (idx === null || idx >= lines.length) return [h('span', {class: 'ln empty', 'aria-hidden': 'true'}), h('span', {class: 'src empty'})];
    const n = idx + 1;
    const m = marks[side].get(n);
    return [h('span', {class: 'ln', 'data-n': n, 'aria-hidden': 'true'}),
      h('span', {class: 'src ' + kind + (m ? ' marked' : ''), id: side + '-L' + n},
        m ? h('span', {class: 'mark', title: 'Difference ' + m.map((x) => x.label).join(', ')},
          m.map((x) => x.label).join(',')) : null,
        h('span', {html: lines[idx] || ' '}))];
  };
  const grid = h('div', {class: 'sbs', role: 'region', tabindex: '0',
    'aria-label': 'v' + d.from.version + ' and v' + d.to.version + ' side by side'},
  h('div', {class: 'sbs-head'}, 'v' + d.from.version + ' (registered ', when(d.from.ts), ')'),
  h('div', {class: 'sbs-head'}, 'v' + d.to.version + ' (registered ', when(d.to.ts), ')'));
  for (const [i, j, kind] of rows) {
    const row = h('div', {class: 'sbs-row'});
    row.append(...cell('old', left, i, kind === 'same' ? 'same' : 'removed'),
      ...cell('new', right, j, kind === 'same' ? 'same' : 'added'));
    grid.append(row);
  }
  return grid;
}

/* ---- checking a new schema ---- */

async function checkPage(subject) {
  crumbs({text: 'Subjects', href: UI}, {text: subject, href: subjectPath(subject)}, {text: 'Check'});
  let o = null;
  try {
    o = await api('GET', '/sluice/v1/subjects/' + enc(subject));
  } catch (err) {
    if (err.code !== 40401) throw err; /* a new subject: nothing to compare with */
  }
  const latest = o && o.latest ? o.versions.find((v) => v.version === o.latest) : null;
  const type = select('schema-type', 'Schema type', TYPES, latest ? latest.schemaType : 'AVRO');
  const text = h('textarea', {id: 'schema-text', name: 'schema', rows: 16, spellcheck: 'false',
    required: true, 'aria-describedby': 'schema-help'});
  if (latest) {
    const v = await api('GET', '/sluice/v1/subjects/' + enc(subject) + '/versions/' + latest.version);
    text.value = v.pretty;
  }
  const file = h('input', {id: 'schema-file', type: 'file', accept: '.avsc,.proto,.json,.txt'});
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    text.value = await f.text();
    if (/\.proto$/.test(f.name)) type.el.value = 'PROTOBUF';
    else if (/\.avsc$/.test(f.name)) type.el.value = 'AVRO';
  });
  const result = h('section', {id: 'check-result', 'aria-live': 'polite'});
  const register = h('button', {type: 'button', id: 'register', disabled: true}, 'Register');
  const body = () => ({schema: text.value, schemaType: type.el.value});
  const form = h('form', {id: 'check-form', onsubmit: async (e) => {
    e.preventDefault();
    result.replaceChildren(h('p', {class: 'muted'}, 'Checking…'));
    try {
      const r = await api('POST', '/sluice/v1/subjects/' + enc(subject) + '/check', body());
      result.replaceChildren(...checkResult(r, text.value, type.el.value));
      const why = !r.is_compatible ? 'The schema is not compatible.'
        : !r.rights.write ? 'You may not register schemas on this subject.'
          : r.mode === 'READONLY' || r.mode === 'READONLY_OVERRIDE' ? 'The subject is read-only.'
            : r.mode === 'IMPORT' ? 'The subject is in IMPORT mode.' : null;
      register.disabled = !!why;
      register.title = why || '';
    } catch (err) {
      result.replaceChildren(errorBox(err));
      register.disabled = true;
    }
  }},
  h('p', {id: 'schema-help', class: 'muted'}, 'Paste a schema or choose a file; it is checked against ' +
    (o ? subject + ' at its level (' + o.compatibility.level + ')' : 'nothing yet: ' + subject + ' has no version') + '.'),
  h('div', {class: 'row'}, type.field, h('div', {class: 'field'}, h('label', {for: 'schema-file'}, 'Upload a file'), file)),
  h('div', {class: 'field'}, h('label', {for: 'schema-text'}, 'Schema'), text),
  h('div', {class: 'toolbar'}, h('button', {type: 'submit', id: 'check'}, 'Check compatibility'), register));
  register.addEventListener('click', async () => {
    if (!await confirmAction('Register this schema?', 'It becomes the next version of ' + subject + '.', 'Register')) return;
    try {
      const r = await api('POST', '/subjects/' + enc(subject) + '/versions', body());
      toast('Registered ' + subject + ' v' + r.version + ' (schema ' + r.id + ')');
      go(versionPath(subject, r.version));
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  });
  text.addEventListener('input', () => { register.disabled = true; });
  page('Check a schema for ' + subject, form, result);
}

function checkResult(r, text, type) {
  const ok = r.is_compatible;
  const out = [h('p', {class: 'verdict ' + (ok ? 'ok' : 'bad'), id: 'verdict'},
    ok ? 'Compatible' : 'Not compatible', ' at ', h('strong', {}, r.compatibility),
    ' (mode ' + r.mode + ').')];
  const marks = new Map();
  r.findings.forEach((f, i) => {
    if (f.side !== 'new' || !f.line) return;
    if (!marks.has(f.line)) marks.set(f.line, []);
    marks.get(f.line).push({label: String(i + 1)});
  });
  if (r.findings.length) {
    out.push(h('ol', {id: 'findings', class: 'findings'}, r.findings.map((f) => h('li', {},
      h('code', {class: 'dtype'}, f.type), ' ',
      f.side === 'new' && f.line ? h('a', {href: '#sent-L' + f.line}, 'line ' + f.line + ':' + f.column)
        : f.side === 'old' ? 'in v' + f.version + ' line ' + f.line : h('code', {}, f.path), ' ',
      breaksBadges(f.breaks), h('div', {class: 'message'}, f.message)))));
    out.push(codeBlock(text, type, {prefix: 'sent-', marks, label: 'The schema checked'}));
  }
  if (r.messages.length)
    out.push(h('details', {open: !ok && !r.findings.length}, h('summary', {}, 'Messages, as Confluent\'s API gives them'),
      h('ul', {class: 'messages'}, r.messages.map((m) => h('li', {}, h('code', {}, m))))));
  return out;
}

/* ---- a schema by id ---- */

async function schemaPage(id) {
  crumbs({text: 'Subjects', href: UI}, {text: 'Schema ' + id});
  const [s, holders] = await Promise.all([
    api('GET', '/schemas/ids/' + id),
    api('GET', '/schemas/ids/' + id + '/versions?deleted=true')]);
  const first = holders[0];
  let pretty = s.schema;
  if (first) {
    try {
      pretty = (await api('GET', '/sluice/v1/subjects/' + enc(first.subject) + '/versions/' + first.version)).pretty;
    } catch (e) { /* the plain text will do */ }
  }
  page('Schema ' + id,
    h('dl', {class: 'facts'}, h('dt', {}, 'Type'), h('dd', {}, s.schemaType || 'AVRO'),
      s.ts ? h('dt', {}, 'First stored') : null, s.ts ? h('dd', {}, when(s.ts)) : null),
    h('h2', {}, 'Held by'),
    holders.length ? h('ul', {id: 'holders'}, holders.map((x) => h('li', {},
      h('a', {href: versionPath(x.subject, x.version)}, x.subject + ' v' + x.version))))
      : h('p', {class: 'muted'}, 'No subject you may read holds it.'),
    (s.references || []).length ? [h('h2', {}, 'References'), h('ul', {}, s.references.map((r) => h('li', {},
      h('code', {}, r.name), ' → ', h('a', {href: versionPath(r.subject, r.version)}, r.subject + ' v' + r.version))))] : null,
    h('h2', {}, 'Schema'),
    codeBlock(pretty, s.schemaType || 'AVRO', {label: 'Schema ' + id}));
}

/* ---- routing ---- */

function notFound() {
  crumbs({text: 'Subjects', href: UI}, {text: 'Not found'});
  page('Page not found', h('p', {}, 'No page of the sluice UI lives at ', h('code', {}, location.pathname), '.'),
    h('p', {}, h('a', {href: UI}, 'Browse the subjects')));
  main.classList.add('not-found');
}

/* The page a path names: [function, args] or null. */
function route(path) {
  if (!path.startsWith(UI)) return null;
  const seg = path.slice(UI.length).split('/');
  let dec;
  try { dec = seg.map(decodeURIComponent); } catch (e) { return null; }
  if (seg.length === 1 && seg[0] === '') return [subjectsPage, []];
  if (seg.length === 2 && seg[0] === 'schemas' && /^\d+$/.test(seg[1])) return [schemaPage, [seg[1]]];
  if (seg[0] !== 'subjects' || !seg[1]) return null;
  if (seg.length === 2) return [subjectPage, [dec[1]]];
  if (seg.length === 3 && seg[2] === 'diff') return [diffPage, [dec[1]]];
  if (seg.length === 3 && seg[2] === 'check') return [checkPage, [dec[1]]];
  if (seg.length === 4 && seg[2] === 'versions' && seg[3]) return [versionPage, [dec[1], dec[3]]];
  return null;
}

async function render() {
  if (location.pathname === '/ui') history.replaceState(null, '', UI + location.search + location.hash);
  const r = route(location.pathname);
  main.classList.remove('not-found');
  main.setAttribute('aria-busy', 'true');
  try {
    if (!r) notFound();
    else await r[0](...r[1]);
  } catch (err) {
    page(err.status === 404 ? 'Not found' : 'Something went wrong', errorBox(err),
      h('p', {}, h('a', {href: UI}, 'Browse the subjects')));
    if (err.status === 404) main.classList.add('not-found');
  }
  main.removeAttribute('aria-busy');
  if (location.hash) {
    const el = document.getElementById(location.hash.slice(1));
    if (el) el.scrollIntoView({block: 'center'});
  }
}

function go(path) {
  history.pushState(null, '', path);
  render().then(() => main.focus({preventScroll: true}));
  window.scrollTo(0, 0);
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey ||
    a.hasAttribute('download') || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(UI)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    return; /* an anchor on this page: the browser scrolls */
  }
  e.preventDefault();
  go(url.pathname + url.search + url.hash);
});
window.addEventListener('popstate', render);

document.getElementById('jump').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = document.getElementById('jump-id').value.trim();
  if (/^\d+$/.test(id)) go(schemaPath(id));
});

/* Light or dark: the system's choice, until the person picks one (remembered). */
(function theme() {
  const btn = document.getElementById('theme');
  const set = (t) => {
    document.documentElement.dataset.theme = t;
    btn.setAttribute('aria-pressed', String(t === 'dark'));
    btn.textContent = t === 'dark' ? 'Light' : 'Dark';
    btn.setAttribute('aria-label', t === 'dark' ? 'Light theme' : 'Dark theme');
  };
  let saved = null;
  try { saved = localStorage.getItem('sluice-theme'); } catch (e) { saved = null; }
  set(saved || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  btn.addEventListener('click', () => {
    const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem('sluice-theme', t); } catch (e) { /* private mode */ }
    set(t);
  });
})();

render();
