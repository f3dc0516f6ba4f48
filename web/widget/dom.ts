/** A tiny element builder: text always goes in as text nodes, never as HTML, so nothing a message says can run. */
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

// Node methods only: the Workers types this project also compiles with declare an HTMLRewriter `Element` whose
// append/after/remove would shadow the DOM's.
export function append(el: Node, children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
}

/** Shows or hides an element; `hidden` is reinforced in the stylesheet so no host rule can undo it. */
export function show(el: HTMLElement, on: boolean): void {
  el.hidden = !on;
}
