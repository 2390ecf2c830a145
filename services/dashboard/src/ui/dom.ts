/** A few lines of DOM building instead of a framework: h() makes elements, patch() swaps content. */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Handler>;

function append(el: Element | DocumentFragment, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  el.append(child instanceof Node ? child : String(child));
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * Replaces the content of `container`; the element that had focus inside it (found again by its
 * `data-key`) gets focus back, so a live refresh never throws a keyboard user out.
 */
export function patch(container: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.key : undefined;
  const frag = document.createDocumentFragment();
  append(frag, children);
  container.replaceChildren(frag);
  if (key) {
    const again = container.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    again?.focus({ preventScroll: true });
  }
}

/** A select of options; `value` is selected. */
export function select(
  props: Props,
  options: readonly (string | [value: string, label: string])[],
  value: string,
  onChange: (v: string) => void,
): HTMLSelectElement {
  const el = h(
    'select',
    props,
    options.map((o) => {
      const [v, label] = typeof o === 'string' ? [o, o] : o;
      return h('option', { value: v, selected: v === value }, label);
    }),
  );
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, label),
    control,
    hint ? h('small', {}, hint) : null,
  );
}

/** A row of toggle buttons (aria-pressed), e.g. the window switch. */
export function segmented(
  label: string,
  options: readonly (string | [string, string])[],
  value: string,
  onChange: (v: string) => void,
  testid?: string,
): HTMLElement {
  return h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': label, 'data-testid': testid },
    options.map((o) => {
      const [v, text] = typeof o === 'string' ? [o, o] : o;
      return h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(v === value),
          'data-value': v,
          'data-key': `${testid ?? label}-${v}`,
          onclick: () => onChange(v),
        },
        text,
      );
    }),
  );
}

/** A per-currency figure ("EUR 80.00 · USD 140.00"), one currency a line. */
export function lines(text: string): HTMLElement {
  return h(
    'span',
    { class: 'lines' },
    text.split(' · ').map((t) => h('span', {}, t)),
  );
}
