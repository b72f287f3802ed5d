/**
 * The few DOM members the page uses, typed here so the repository's TypeScript setup needs no DOM
 * library, and the two helpers every part of the page builds with. Foreign text only ever goes
 * into `textContent`, never into markup.
 */
export interface Element {
  value: string;
  textContent: string | null;
  className: string;
  files?: { length: number; [index: number]: { arrayBuffer(): Promise<ArrayBuffer> } } | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: Element): Element;
  replaceChildren(...children: Element[]): void;
  addEventListener(type: string, listener: () => void): void;
}
interface Document {
  getElementById(id: string): Element | null;
  createElement(tag: string): Element;
}

const doc = (globalThis as unknown as { document: Document }).document;

export function byId(id: string): Element {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

export function el(tag: string, text?: string, className?: string): Element {
  const e = doc.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** A pasted document or its chosen file: the file's exact bytes (checked as UTF-8) win. */
export async function textOrFile(textId: string, fileId: string): Promise<Uint8Array | string> {
  const files = byId(fileId).files;
  if (files && files.length > 0) return new Uint8Array(await files[0].arrayBuffer());
  return byId(textId).value;
}
