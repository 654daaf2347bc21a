// Small DOM helpers: the UI is built from plain elements, so text is always set as text, never as HTML.

/** Creates an element; attrs go through setAttribute (null/false skipped, true = empty), `on*` functions become listeners. */
export function el(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) node.append(kid);
  return node;
}

export const $ = (id) => document.getElementById(id);

/** Replaces a node's children. */
export function fill(node, ...kids) {
  node.replaceChildren(...kids.flat(Infinity).filter((k) => k != null && k !== false));
  return node;
}

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}
