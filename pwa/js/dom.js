// Building DOM without HTML strings: text always goes in as text, so nothing typed can become markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (typeof value === 'boolean') el[key] = value;
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let counter = 0;
export function uid(prefix = 'sf') {
  counter += 1;
  return `${prefix}-${counter}`;
}

// Tell screen-reader users about something that happened away from the focus.
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// Short messages at the bottom of the screen. At most two at a time, the newest last, so they never pile up
// over the form and a new confirmation is never kept waiting behind an old one.
const TOAST_MS = 4000;
const TOASTS_SHOWN = 2;

export function toast(text, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('p', { class: `toast toast-${kind}` }, text);
  box.append(item);
  while (box.children.length > TOASTS_SHOWN) box.firstElementChild.remove();
  setTimeout(() => item.remove(), TOAST_MS);
}
