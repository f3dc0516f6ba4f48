/**
 * The embed: `<script src="https://<edge>/widget.js" data-tenant="ten_…" async></script>` (data-lang="en|zh",
 * data-open="true" optional). The API origin is this script's own. `window.Edgedesk` is callable before the script
 * has loaded through the stub `window.Edgedesk=window.Edgedesk||function(){(Edgedesk.q=Edgedesk.q||[]).push(arguments)}`;
 * the calls it queued run here, in order, and afterwards it is both callable (`Edgedesk("open")`) and an object
 * (`Edgedesk.open()`).
 */
import { Widget, type Attributes, type EventName, type WidgetEvents } from "./widget";
import type { Identity } from "./visitor";

type Api = {
  open(): void;
  close(): void;
  toggle(): void;
  identify(identity: Identity): Promise<void>;
  setAttributes(attrs: Attributes): void;
  track(name: string, props?: Record<string, unknown>): void;
  setLanguage(lang: "en" | "zh"): void;
  on<K extends EventName>(event: K, fn: (e: WidgetEvents[K]) => void): () => void;
};
type Callable = ((command: keyof Api, ...args: unknown[]) => unknown) & Api & { q?: ArrayLike<unknown>[]; loaded?: true };

declare global {
  interface Window {
    Edgedesk?: Callable | (((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[] });
  }
}

function embedScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.tenant) return current;
  return document.querySelector<HTMLScriptElement>("script[data-tenant][src*='widget.js']");
}

function install(script: HTMLScriptElement): void {
  const tenantId = script.dataset.tenant!;
  const origin = new URL(script.src, location.href).origin;
  const host = document.createElement("edgedesk-widget");
  document.body.appendChild(host);
  const widget = new Widget(host, { origin, tenantId, lang: script.dataset.lang ?? null, open: script.dataset.open === "true" });

  const api: Api = {
    open: () => widget.open(),
    close: () => widget.close(),
    toggle: () => widget.toggle(),
    identify: (identity) => widget.identify(identity),
    setAttributes: (attrs) => widget.setAttributes(attrs),
    track: (name, props) => widget.track(name, props),
    setLanguage: (lang) => widget.setLanguage(lang),
    on: (event, fn) => widget.on(event, fn),
  };
  const callable = ((command: keyof Api, ...args: unknown[]) => {
    const method = api[command] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof method !== "function") return console.warn(`Edgedesk: unknown command ${String(command)}`);
    return method(...args);
  }) as Callable;
  Object.assign(callable, api, { loaded: true });

  const queued = Array.from(window.Edgedesk?.q ?? []);
  window.Edgedesk = callable;
  for (const args of queued) callable(...(Array.from(args) as [keyof Api, ...unknown[]]));
  void widget.boot();
}

const script = embedScript();
if (!script) console.error("Edgedesk: the widget's <script> tag needs data-tenant");
else if (!(window.Edgedesk as Callable | undefined)?.loaded) {
  if (document.body) install(script);
  else document.addEventListener("DOMContentLoaded", () => install(script), { once: true });
}
