/**
 * One embedded widget: the tenant's branding, the visitor, their conversation and the view, wired together, with
 * the methods the host page's JS API calls. Failures never leave it spinning: an unknown tenant says chat is not
 * available, a network failure retries with backoff and says so.
 */
import { createClient, EdgedeskError, unwrap } from "../../sdk/rest";
import { recall, remember } from "./storage";
import { backoffDelay, DEFAULT_BACKOFF } from "../../sdk/reconnect";
import { upload, uploadProblem } from "../lib/media";
import type { ContentPart, StandardMessage } from "../../shared/message";
import type { WidgetConfig } from "../../shared/widget-config";
import { Chat, type ChatEvents } from "./chat";
import { fill, pickLang, STRINGS, type Lang } from "./i18n";
import { View, type Model, type Phase } from "./view";
import { Visitor, type Identity } from "./visitor";

export type WidgetEvents = {
  ready: { tenant: { id: string; name: string } };
  open: undefined;
  close: undefined;
  message: Pick<StandardMessage, "id" | "conversation_id" | "seq" | "sender" | "parts" | "created_at">;
  unread: number;
  conversation: string;
  resolved: string;
  error: { code: string; message: string };
};
export type EventName = keyof WidgetEvents;
export const EVENT_NAMES: readonly EventName[] = ["ready", "open", "close", "message", "unread", "conversation", "resolved", "error"];

export type Attributes = Record<string, string | number | boolean>;

type Options = { origin: string; tenantId: string; lang: string | null; open: boolean };
type Behaviour = Record<string, unknown> & { type: string };

/** Behaviour events wait this long for company, so a page's burst of them is one request. */
const TRACK_BATCH_MS = 1000;
const MAX_TRACK_BATCH = 50;

export class Widget {
  private phase: Phase = "loading";
  private isOpen: boolean;
  private config: { tenant: { id: string; name: string }; widget: WidgetConfig } | null = null;
  private apiLang: string | null = null;
  private teaser: string | null = null;
  private proactive: string | null = null;
  private statusText: string | null = null;
  private composerError: string | null = null;
  private prechatDone = false;
  private identified = false;
  private readonly listeners = new Map<EventName, Set<(e: never) => void>>();
  private readonly visitor: Visitor;
  private readonly chat: Chat;
  private readonly view: View;
  private readonly api: ReturnType<typeof createClient>;
  /** For the calls that need no visitor: reading the config must not start a session (a contact) per page view. */
  private readonly publicApi: ReturnType<typeof createClient>;
  private tracked: Behaviour[] = [];
  private trackTimer: ReturnType<typeof setTimeout> | undefined;
  private renderQueued = false;

  constructor(
    host: HTMLElement,
    private readonly opts: Options,
  ) {
    this.isOpen = opts.open;
    const mem = recall(opts.tenantId);
    this.prechatDone = mem.introduced !== undefined && mem.introduced === mem.contact_id;
    this.publicApi = createClient({ baseUrl: opts.origin });
    this.visitor = new Visitor(opts.tenantId, this.publicApi);
    this.api = createClient({ baseUrl: opts.origin, token: this.visitor.token });
    this.chat = new Chat(opts.tenantId, this.api, this.visitor, opts.origin, () => this.update(), (type, e) => this.fromChat(type, e));
    this.chat.visible = this.isOpen;
    this.view = new View(host, {
      toggle: () => this.toggle(),
      close: () => this.close(),
      send: (text) => this.chat.send([{ type: "text", text }]),
      reply: (value, label) => this.chat.send([{ type: "text", text: value }], value === label ? undefined : { reply_label: label }),
      retry: (key) => this.chat.retry(key),
      startOver: () => this.chat.startOver(),
      attach: (file) => void this.attach(file),
      typed: (has) => this.chat.typed(has),
      prechat: (values) => void this.submitPrechat(values),
      token: this.visitor.token,
    });
    document.addEventListener("visibilitychange", () => this.chat.markRead());
    this.render();
  }

  get lang(): Lang {
    return pickLang({ attribute: this.opts.lang, api: this.apiLang, config: this.config?.widget.language, browser: navigator.languages ?? [navigator.language] });
  }

  async boot(): Promise<void> {
    await this.loadConfig();
    if (this.phase !== "ready") return;
    await this.persist(() => this.chat.restore());
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = this.chat.visible = true;
    this.teaser = null;
    this.render();
    this.chat.markRead();
    this.emit("open", undefined);
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = this.chat.visible = false;
    this.render();
    this.emit("close", undefined);
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  /** A signed-in user of the host site, proven by the HMAC of their id the host's server computed. */
  async identify(identity: Identity): Promise<void> {
    if (!identity || typeof identity.user_id !== "string" || typeof identity.user_hash !== "string") {
      return this.emit("error", { code: "invalid_identity", message: "identify() needs { user_id, user_hash }" });
    }
    this.identified = true;
    await this.persist(async () => {
      await this.visitor.identify(identity);
      if (this.phase === "identity") this.phase = "ready";
      await this.chat.restore();
    });
  }

  setAttributes(attrs: Attributes): void {
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") this.chat.attributes[k] = v;
    }
  }

  /** A behaviour event (page_view, product_view, cart, checkout_start, …): the server checks its shape. */
  track(name: string, props: Record<string, unknown> = {}): void {
    if (typeof name !== "string" || !name) return;
    this.tracked.push({ ...props, type: name, at: Date.now() });
    if (this.tracked.length >= MAX_TRACK_BATCH) return void this.flushTracked();
    clearTimeout(this.trackTimer);
    this.trackTimer = setTimeout(() => void this.flushTracked(), TRACK_BATCH_MS);
  }

  setLanguage(lang: string): void {
    this.apiLang = lang;
    this.render();
  }

  on<K extends EventName>(type: K, fn: (e: WidgetEvents[K]) => void): () => void {
    if (!EVENT_NAMES.includes(type) || typeof fn !== "function") return () => {};
    const set = this.listeners.get(type) ?? new Set();
    set.add(fn as (e: never) => void);
    this.listeners.set(type, set);
    return () => void set.delete(fn as (e: never) => void);
  }

  private emit<K extends EventName>(type: K, e: WidgetEvents[K]): void {
    for (const fn of this.listeners.get(type) ?? []) {
      try {
        (fn as (e: WidgetEvents[K]) => void)(e);
      } catch (err) {
        // The host page's handler failed; the widget carries on.
        console.error(err);
      }
    }
  }

  private fromChat<K extends keyof ChatEvents>(type: K, e: ChatEvents[K]): void {
    if (type === "message") {
      const m = e as StandardMessage;
      return this.emit("message", { id: m.id, conversation_id: m.conversation_id, seq: m.seq, sender: m.sender, parts: m.parts, created_at: m.created_at });
    }
    this.emit(type, e as unknown as WidgetEvents[typeof type]);
  }

  private async loadConfig(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const config = await unwrap(this.publicApi.v1.widget.config.$get({ query: { tenant_id: this.opts.tenantId } }));
        this.config = config;
        this.phase = "ready";
        this.render();
        return this.emit("ready", { tenant: config.tenant });
      } catch (err) {
        if (err instanceof EdgedeskError && err.status === 404) {
          this.phase = "unavailable";
          this.render();
          return this.emit("error", { code: "unavailable", message: err.message });
        }
        this.phase = "network";
        this.render();
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, DEFAULT_BACKOFF, Math.random)));
      }
    }
  }

  /**
   * Runs a step that needs the network until it succeeds: a refusal other than "try later" is reported and ends
   * it; a tenant that only serves verified users waits for identify().
   */
  private async persist(step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await step();
        this.statusText = null;
        return this.update();
      } catch (err) {
        if (err instanceof EdgedeskError && err.status === 401 && !this.identified) {
          this.phase = "identity";
          return this.update();
        }
        if (err instanceof EdgedeskError && err.status < 500 && err.status !== 429) {
          this.emit("error", { code: String(err.status), message: err.message });
          return;
        }
        this.statusText = STRINGS[this.lang].reconnecting;
        this.update();
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, DEFAULT_BACKOFF, Math.random)));
      }
    }
  }

  private async attach(file: File): Promise<void> {
    const t = STRINGS[this.lang];
    const problem = uploadProblem(file);
    this.composerError = problem ? (problem.reason === "too_large" ? t.tooLarge : t.badType) : null;
    if (problem) return this.update();
    this.statusText = fill(t.uploading, { name: file.name });
    this.update();
    try {
      const u = await this.visitor.authorized(() => upload(file, this.visitor.token, this.opts.origin));
      const part: ContentPart = u.mime_type.startsWith("image/")
        ? { type: "image", url: u.url, mime_type: u.mime_type }
        : { type: "file", url: u.url, name: u.name, mime_type: u.mime_type, size: u.size };
      this.chat.send([part]);
    } catch (err) {
      this.composerError = err instanceof Error && err.message ? `${t.uploadFailed} ${err.message}` : t.uploadFailed;
      this.emit("error", { code: "upload_failed", message: String(err) });
    }
    this.statusText = null;
    this.update();
  }

  private async submitPrechat(values: Record<string, string>): Promise<void> {
    this.composerError = null;
    try {
      await this.visitor.introduce({ ...(values.name ? { name: values.name } : {}), ...(values.email ? { email: values.email } : {}) });
      if (values.phone) this.chat.attributes.phone = values.phone;
      this.prechatDone = true;
      remember(this.opts.tenantId, { introduced: recall(this.opts.tenantId).contact_id });
    } catch (err) {
      this.composerError = STRINGS[this.lang].error;
      this.emit("error", { code: "session_failed", message: String(err) });
    }
    this.update();
  }

  private async flushTracked(): Promise<void> {
    clearTimeout(this.trackTimer);
    const events = this.tracked.splice(0, MAX_TRACK_BATCH);
    if (events.length === 0 || this.phase === "unavailable") return;
    try {
      // Shapes are the host page's to get right; the server validates each event and answers 400 otherwise.
      const json = { events, lang: this.lang } as unknown as Parameters<typeof this.api.v1.widget.events.$post>[0]["json"];
      const answer = await this.visitor.authorized(() => unwrap(this.api.v1.widget.events.$post({ json })));
      if (answer.greeting && !this.chat.conversationId) {
        this.proactive = answer.greeting;
        if (!this.isOpen) this.teaser = answer.greeting;
        this.render();
      }
    } catch (err) {
      this.emit("error", { code: "track_failed", message: String(err) });
    }
  }

  /** Renders once per task however many changes a burst of frames makes. */
  private update(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const lang = this.lang;
    const t = STRINGS[lang];
    const w = this.config?.widget;
    const chat = this.chat;
    const wantsPrechat = !!w?.prechat.enabled && w.prechat.fields.length > 0 && !this.prechatDone && !this.identified && !chat.conversationId && chat.thread.entries.length === 0;
    const model: Model = {
      t,
      lang,
      phase: this.phase,
      open: this.isOpen,
      color: w?.color ?? "#2563eb",
      title: w?.title ?? this.config?.tenant.name ?? t.title,
      avatar: w?.avatar_url ?? null,
      greeting: this.proactive ?? w?.greeting[lang] ?? w?.greeting.en ?? null,
      position: w?.position ?? "right",
      prechat: wantsPrechat ? w.prechat.fields : null,
      teaser: this.teaser,
      status: this.statusText,
      composerError: this.composerError,
      chat,
    };
    this.view.render(model);
    if (this.isOpen) chat.markRead();
  }
}
