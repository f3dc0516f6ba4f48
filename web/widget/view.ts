/**
 * The widget's DOM inside its shadow root: built once per language, then brought up to date from the model on
 * every change. Messages are keyed by client_msg_id and rebuilt only when what they show changed, so images keep
 * their blob URLs, focus stays on a button, and the list does not jump.
 */
import { mediaUrl } from "../lib/media";
import { timeOfDay } from "../lib/format";
import type { ContentPart } from "../../shared/message";
import type { WidgetConfig } from "../../shared/widget-config";
import type { Chat } from "./chat";
import { append, h, show } from "./dom";
import { fill, type Lang, type Strings } from "./i18n";
import { CSS } from "./styles";
import * as T from "./thread";

export type Phase = "loading" | "ready" | "unavailable" | "network" | "identity";

export type Model = {
  t: Strings;
  lang: Lang;
  phase: Phase;
  open: boolean;
  color: string;
  title: string;
  avatar: string | null;
  greeting: string | null;
  position: "left" | "right";
  /** The pre-chat form's fields while it is still to be filled in. */
  prechat: WidgetConfig["prechat"]["fields"] | null;
  teaser: string | null;
  status: string | null;
  composerError: string | null;
  chat: Chat;
};

export type Actions = {
  toggle(): void;
  close(): void;
  send(text: string): void;
  reply(value: string, label: string): void;
  retry(key: string): void;
  startOver(): void;
  attach(file: File): void;
  typed(hasText: boolean): void;
  prechat(values: Record<string, string>): void;
  token(): Promise<string>;
};

const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2Z";
const ICON_SEND = "M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z";
const ICON_CLIP = "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z";

function icon(d: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class View {
  readonly shadow: ShadowRoot;
  private root!: HTMLDivElement;
  private launcher!: HTMLButtonElement;
  private badge!: HTMLSpanElement;
  private teaser!: HTMLButtonElement;
  private panel!: HTMLElement;
  private heading!: HTMLHeadingElement;
  private avatar!: HTMLImageElement;
  private offline!: HTMLDivElement;
  private queue!: HTMLDivElement;
  private error!: HTMLDivElement;
  private form!: HTMLFormElement;
  private log!: HTMLDivElement;
  private greeting!: HTMLDivElement;
  private typing!: HTMLDivElement;
  private resolved!: HTMLDivElement;
  private closed!: HTMLDivElement;
  private composer!: HTMLFormElement;
  private textarea!: HTMLTextAreaElement;
  private sendButton!: HTMLButtonElement;
  private statusLine!: HTMLDivElement;
  private composerError!: HTMLDivElement;
  private built: { lang: Lang; prechat: string } | null = null;
  private readonly rendered = new Map<string, { el: HTMLElement; sig: string }>();
  private wasOpen = false;
  private focusPending = false;

  constructor(
    host: HTMLElement,
    private readonly actions: Actions,
  ) {
    this.shadow = host.attachShadow({ mode: "open" });
    // A constructed sheet is not an inline style, so a host page whose CSP forbids 'unsafe-inline' still styles it.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      this.shadow.adoptedStyleSheets = [sheet];
    } catch {
      append(this.shadow, [h("style", null, CSS)]);
    }
    this.shadow.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Escape" && !this.panel.hidden) {
        e.stopPropagation();
        this.actions.close();
      }
    });
  }

  render(m: Model): void {
    const prechatKey = JSON.stringify(m.prechat);
    if (this.built?.lang !== m.lang || this.built.prechat !== prechatKey) this.build(m);
    const host = this.shadow.host as HTMLElement;
    host.dataset.position = m.position;
    host.lang = m.lang === "zh" ? "zh-CN" : "en";
    if (/^#[0-9a-fA-F]{6}$/.test(m.color)) this.root.style.setProperty("--c", m.color);
    this.root.classList.toggle("left", m.position === "left");
    this.root.classList.toggle("open", m.open);

    const unread = m.open ? 0 : m.chat.unread;
    this.launcher.setAttribute("aria-expanded", String(m.open));
    this.launcher.setAttribute("aria-label", m.open ? m.t.close : unread ? `${m.t.open} (${unread})` : m.t.open);
    this.badge.textContent = unread > 9 ? "9+" : String(unread);
    show(this.badge, unread > 0);
    this.teaser.textContent = m.teaser ?? "";
    show(this.teaser, !m.open && m.teaser !== null);

    show(this.panel, m.open);
    this.panel.setAttribute("aria-label", m.title);
    this.heading.textContent = m.title;
    if (m.avatar && this.avatar.getAttribute("src") !== m.avatar) this.avatar.src = m.avatar;
    show(this.avatar, m.avatar !== null);

    const chat = m.chat;
    const ready = m.phase === "ready";
    const problem = m.phase === "unavailable" ? m.t.unavailable : m.phase === "network" ? m.t.loadFailed : m.phase === "identity" ? m.t.identityRequired : null;
    this.error.textContent = problem ?? "";
    this.error.dataset.reason = m.phase;
    show(this.error, problem !== null);
    this.offline.textContent = m.t.offline;
    show(this.offline, ready && chat.offline);
    this.queue.textContent = chat.queue
      ? fill(m.t.queue, { position: chat.queue.position }) + (chat.queue.wait_s !== null ? ` · ${fill(m.t.queueWait, { minutes: Math.max(1, Math.round(chat.queue.wait_s / 60)) })}` : "")
      : "";
    show(this.queue, ready && chat.queue !== null && chat.status === "queued");

    const inForm = ready && m.prechat !== null;
    show(this.form, inForm);
    show(this.log, ready && !inForm);
    this.greeting.querySelector(".bubble")!.textContent = m.greeting ?? "";
    show(this.greeting, m.greeting !== null);
    this.renderMessages(m);
    this.typing.textContent = chat.typing !== null ? fill(m.t.typing, { name: chat.typing || m.t.agent }) : "";
    show(this.typing, chat.typing !== null);

    show(this.resolved, ready && chat.status === "resolved");
    show(this.closed, ready && chat.status === "closed");
    show(this.composer, ready && !inForm && chat.status !== "closed");
    this.statusLine.textContent = m.status ?? "";
    show(this.statusLine, m.status !== null);
    this.composerError.textContent = m.composerError ?? "";
    show(this.composerError, m.composerError !== null);
    this.sendButton.disabled = this.textarea.value.trim() === "";

    // On opening, focus goes where the visitor will type; if the panel opened before the config arrived, it moves
    // there once it has, unless the visitor has already put focus elsewhere.
    if (m.open && !this.wasOpen) this.focusPending = true;
    if (!m.open) this.focusPending = false;
    if (this.focusPending) {
      const target = inForm ? this.form.querySelector("input") : ready ? this.textarea : this.panel.querySelector<HTMLButtonElement>("header button");
      const active = this.shadow.activeElement;
      if (ready || inForm) this.focusPending = false;
      if (!active || active === this.launcher || active.matches("header button")) queueMicrotask(() => target?.focus());
    }
    if (!m.open && this.wasOpen && this.shadow.activeElement) this.launcher.focus();
    this.wasOpen = m.open;
  }

  private build(m: Model): void {
    const t = m.t;
    const draft = this.textarea?.value ?? "";
    if (this.root) this.shadow.removeChild(this.root);
    this.rendered.clear();
    this.built = { lang: m.lang, prechat: JSON.stringify(m.prechat) };

    this.launcher = h("button", { type: "button", class: "launcher", "data-testid": "launcher", "aria-haspopup": "dialog", onclick: () => this.actions.toggle() }, icon(ICON_CHAT));
    this.badge = h("span", { class: "badge", "data-testid": "badge", "aria-hidden": "true" });
    this.launcher.appendChild(this.badge);
    this.teaser = h("button", { type: "button", class: "teaser", "data-testid": "teaser", onclick: () => this.actions.toggle() });

    this.avatar = h("img", { alt: "" });
    this.heading = h("h2", { id: "edgedesk-title" });
    const header = h("header", null, this.avatar, this.heading, h("button", { type: "button", "aria-label": t.close, "data-testid": "close", onclick: () => this.actions.close() }, "×"));
    this.offline = h("div", { class: "banner offline", "data-testid": "offline", role: "status" });
    this.queue = h("div", { class: "banner queue", "data-testid": "queue", role: "status" });
    this.error = h("div", { class: "error", "data-testid": "error", role: "alert" });

    this.form = this.prechatForm(m);
    this.greeting = h("div", { class: "msg", "data-testid": "greeting" }, h("div", { class: "bubble" }));
    this.typing = h("div", { class: "typing", "data-testid": "typing", "aria-live": "polite" });
    this.log = h("div", { class: "log", "data-testid": "message-list", role: "log", "aria-live": "polite", "aria-label": t.messages, tabindex: 0 }, this.greeting, this.typing);

    this.resolved = h("div", { class: "notice", "data-testid": "resolved", role: "status" }, t.resolved);
    this.closed = h(
      "div",
      { class: "notice closed", "data-testid": "closed", role: "status" },
      t.closed,
      h("button", { type: "button", class: "primary", "data-testid": "new-conversation", onclick: () => this.actions.startOver() }, t.newConversation),
    );

    this.textarea = h("textarea", { rows: 1, "data-testid": "composer", "aria-label": t.placeholder, placeholder: t.placeholder, maxlength: 4000 });
    this.textarea.value = draft;
    this.textarea.addEventListener("input", () => {
      this.sendButton.disabled = this.textarea.value.trim() === "";
      this.actions.typed(this.textarea.value.trim() !== "");
    });
    this.textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.composer.requestSubmit();
      }
    });
    const file = h("input", { type: "file", "data-testid": "attach", "aria-label": t.attach, accept: "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain" });
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      file.value = "";
      if (f) this.actions.attach(f);
    });
    this.sendButton = h("button", { type: "submit", class: "send", "data-testid": "send", "aria-label": t.send, disabled: true }, icon(ICON_SEND));
    this.composer = h("form", { class: "composer" }, h("label", { class: "attach", title: t.attach }, icon(ICON_CLIP), file), this.textarea, this.sendButton);
    this.composer.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.textarea.value.trim();
      if (!text) return;
      this.textarea.value = "";
      this.sendButton.disabled = true;
      this.actions.send(text);
      this.textarea.focus();
    });
    this.statusLine = h("div", { class: "status", role: "status", "data-testid": "composer-status" });
    this.composerError = h("div", { class: "composer-error", role: "alert", "data-testid": "composer-error" });

    this.panel = h(
      "section",
      { class: "panel", role: "dialog", "aria-labelledby": "edgedesk-title", "data-testid": "panel" },
      header,
      this.offline,
      this.queue,
      this.error,
      this.form,
      this.log,
      this.resolved,
      this.closed,
      this.statusLine,
      this.composerError,
      this.composer,
    );
    this.root = h("div", { class: "root" }, this.panel, this.teaser, this.launcher);
    append(this.shadow, [this.root]);
    this.wasOpen = false;
  }

  private prechatForm(m: Model): HTMLFormElement {
    const t = m.t;
    const fields = m.prechat ?? [];
    const inputs = fields.map((f) => {
      const input = h("input", {
        name: f.name,
        type: f.name === "email" ? "email" : f.name === "phone" ? "tel" : "text",
        autocomplete: f.name === "phone" ? "tel" : f.name,
        "data-testid": `prechat-${f.name}`,
        required: f.required,
        maxlength: f.name === "email" ? 320 : 255,
      });
      const err = h("span", { class: "err", role: "alert" });
      return { f, input, err, label: h("label", null, t[f.name] + (f.required ? " *" : ""), input, err) };
    });
    const form = h(
      "form",
      { class: "prechat", "data-testid": "prechat", novalidate: true },
      h("p", null, t.prechatIntro),
      ...inputs.map((i) => i.label),
      h("button", { type: "submit", class: "primary", "data-testid": "prechat-submit" }, t.prechatStart),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      let firstBad: HTMLInputElement | null = null;
      const values: Record<string, string> = {};
      for (const { f, input, err } of inputs) {
        const v = input.value.trim();
        const problem = f.required && !v ? t.required : f.name === "email" && v && !EMAIL.test(v) ? t.invalidEmail : "";
        err.textContent = problem;
        input.setAttribute("aria-invalid", String(problem !== ""));
        if (problem) firstBad ??= input;
        else if (v) values[f.name] = v;
      }
      if (firstBad) return firstBad.focus();
      this.actions.prechat(values);
    });
    return form;
  }

  private renderMessages(m: Model): void {
    const thread = m.chat.thread;
    const stick = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
    const keep = new Set<string>();
    let prev: Node = this.greeting;
    thread.entries.forEach((e, i) => {
      const state = T.stateOf(e, thread);
      const answerable = T.awaitsAnswer(thread, i);
      const sig = JSON.stringify([e, state, answerable]);
      let r = this.rendered.get(e.key);
      if (!r || r.sig !== sig) {
        const el = this.message(m, e, state, answerable);
        if (r) r.el.replaceWith(el);
        r = { el, sig };
        this.rendered.set(e.key, r);
      }
      keep.add(e.key);
      if (prev.nextSibling !== r.el) this.log.insertBefore(r.el, prev.nextSibling);
      prev = r.el;
    });
    for (const [key, r] of this.rendered) {
      if (keep.has(key)) continue;
      this.log.removeChild(r.el);
      this.rendered.delete(key);
    }
    if (stick || !this.wasOpen) this.log.scrollTop = this.log.scrollHeight;
  }

  private message(m: Model, e: T.Entry, state: T.DeliveryState | null, answerable: boolean): HTMLElement {
    const t = m.t;
    const sender = e.own ? "visitor" : e.sender.kind === "customer" ? "visitor" : e.sender.kind;
    const name = e.own ? t.you : (e.sender.name ?? (sender === "bot" ? t.bot : sender === "system" ? t.system : t.agent));
    const el = h("div", { class: `msg ${e.own ? "own" : sender}${e.retracted ? " retracted" : ""}`, "data-testid": "message", "data-sender": sender, "data-state": state });
    const bubble = h("div", { class: "bubble" });
    if (e.retracted) append(bubble, [t.unsent]);
    const label = typeof e.metadata.reply_label === "string" ? e.metadata.reply_label : null;
    for (const p of e.parts) append(bubble, this.part(m, p, e, answerable, label));
    const meta = h("div", { class: "meta" }, h("span", null, name), h("time", null, timeOfDay(e.at, m.lang === "zh" ? "zh-CN" : "en")), e.edited && !e.retracted ? t.edited : null);
    if (state === "failed") {
      append(meta, [h("span", { class: "fail", title: e.failed ?? "" }, t.failed), h("button", { type: "button", "data-testid": "retry", onclick: () => this.actions.retry(e.key) }, t.retry)]);
    } else if (state) append(meta, [h("span", { class: "state" }, t[state])]);
    append(el, [bubble, meta]);
    return el;
  }

  private part(m: Model, p: ContentPart, e: T.Entry, answerable: boolean, label: string | null): (Node | string)[] {
    const t = m.t;
    switch (p.type) {
      case "text":
        return [label ?? p.text];
      case "image": {
        const img = h("img", { alt: p.caption ?? t.image, loading: "lazy" });
        mediaUrl(p.url, this.actions.token).then((src) => (img.src = src), () => img.replaceWith(p.caption ?? t.image));
        return p.caption ? [img, p.caption] : [img];
      }
      case "file":
      case "audio":
      case "video": {
        const fileName = ("name" in p && p.name) || p.url.split("/").pop() || p.type;
        const size = "size" in p && p.size ? ` (${Math.max(1, Math.round(p.size / 1024))} KB)` : "";
        return [this.download(p.url, fileName, fill(t.download, { name: fileName }), `📎 ${fileName}${size}`)];
      }
      case "quick_replies": {
        const survey = typeof e.metadata.survey === "string";
        const out: (Node | string)[] = p.text ? [p.text] : [];
        if (answerable && !e.own) {
          out.push(
            h(
              "div",
              { class: "replies", ...(survey ? { "data-testid": "survey", "data-survey": String(e.metadata.survey) } : { "data-testid": "quick-replies" }) },
              ...p.options.map((o) => h("button", { type: "button", ...(survey ? { "data-score": o.value } : {}), onclick: () => this.actions.reply(o.value, o.label) }, o.label)),
            ),
          );
        }
        return out;
      }
      case "card": {
        const actions = (p.buttons ?? []).map((b) =>
          b.url
            ? h("a", { href: b.url, target: "_blank", rel: "noopener noreferrer" }, b.label)
            : h("button", { type: "button", onclick: () => this.actions.reply(b.value ?? b.label, b.label) }, b.label),
        );
        return [
          h(
            "div",
            { class: "card", "data-testid": "card" },
            p.image_url ? h("img", { src: p.image_url, alt: "" }) : null,
            h("div", { class: "text" }, h("strong", null, p.title), p.subtitle ?? null),
            actions.length ? h("div", { class: "actions" }, ...actions) : null,
          ),
        ];
      }
      case "choice":
        return [p.label ?? p.value];
      case "location":
        return [`📍 ${[p.name, p.address].filter(Boolean).join(" · ") || `${p.latitude}, ${p.longitude}`}`];
      case "product":
        return [`🛍 ${p.title ?? p.product_id}`];
      case "contact":
        return [`👤 ${p.name}`];
      case "form":
        return [Object.entries(p.fields).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`).join("\n")];
      case "unsupported":
        return [p.description ?? p.provider_type];
      case "call_event":
        return [`📞 ${p.event}`];
    }
  }

  /** Stored files need the visitor's token, which a plain link cannot carry: fetched on click, saved from a blob. */
  private download(url: string, name: string, label: string, text: string): HTMLAnchorElement {
    const a = h("a", { class: "file", href: url, target: "_blank", rel: "noopener noreferrer", download: name, "aria-label": label }, text);
    a.addEventListener("click", (ev) => {
      if (a.href.startsWith("blob:")) return;
      ev.preventDefault();
      mediaUrl(url, this.actions.token).then(
        (blob) => {
          a.href = blob;
          a.click();
        },
        () => a.classList.add("broken"),
      );
    });
    return a;
  }
}
