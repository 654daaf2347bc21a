// Pieces several screens share: tier badges (icon + text, never colour alone) and focus keeping.
import { el } from '../dom.js';
import { label } from '../i18n.js';

// Each tier has its own shape as well as its colour and its word.
const TIER_ICONS = { Green: '○', Yellow: '●', Orange: '▲', Red: '⚠' };

export function tierBadge(tier) {
  return el('span', { class: `tier tier-${tier}` },
    el('span', { class: 'tier-icon', 'aria-hidden': 'true' }, TIER_ICONS[tier] ?? ''),
    el('span', { class: 'tier-text' }, label('tier', tier)));
}

/** Re-renders inside container without losing the keyboard focus of an element that has a data-focus key. */
export function keepingFocus(container, render) {
  const active = document.activeElement;
  const key = container.contains(active) ? active?.dataset?.focus : null;
  render();
  if (key) container.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}

export function scopeKind(scope) {
  return scope === 'city' ? 'city' : scope.split(':')[0];
}
