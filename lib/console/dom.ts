/** A few DOM helpers: every text goes in as text (job arguments and reasons are anyone's words), never as markup. */

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;

/** An element with attributes (`on…` ones are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(...children.flat().filter((c): c is Node | string | number => c !== undefined && c !== null && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
}

/** A table from a header row and rows of cells. */
export function table(head: readonly string[], rows: readonly (Child | Child[])[][], attrs: Attrs = {}): HTMLTableElement {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

/** A bar: used of total, as a track filled to that fraction (the width is set through CSSOM, which the policy allows). */
export function meter(used: number, total: number, label: string): HTMLElement {
  const fillEl = h('div', { class: 'meter-fill' });
  fillEl.style.width = `${total > 0 ? Math.min(100, (100 * used) / total) : 0}%`;
  return h('div', { class: 'meter', title: label }, fillEl, h('span', { class: 'meter-label' }, label));
}

export const ago = (iso: string | undefined, now = Date.now()): string => {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : `${Math.floor(s / 86400)}d ago`;
};

export const time = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString() : '');

export const stateBadge = (state: string): HTMLElement => h('span', { class: `state state-${state.toLowerCase()}` }, state);

/** Numbers as people read them: 1,234.5 */
export const num = (n: number, digits = 1): string => n.toLocaleString(undefined, { maximumFractionDigits: digits });
