// The only way the webview creates DOM: attributes through setAttribute and text through text nodes, so no
// value (member names, server errors: untrusted) is ever parsed as HTML.

/** A child of el(): strings become text nodes; null/undefined/false are skipped. */
export type Child = Node | string | null | undefined | false;

/** Attribute values; true sets an empty (boolean) attribute, false/undefined leave it out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children; never uses innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    // Event handler attributes would run code: listeners are added with addEventListener instead.
    if (/^on/i.test(name)) throw new Error(`el(): refusing event handler attribute ${name}`);
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}
