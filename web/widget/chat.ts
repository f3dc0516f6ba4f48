/**
 * The visitor's conversation: created by the first message (never by a page view), its history loaded after a
 * reload, then kept live on the SDK's ConversationSocket, which resumes after a drop and resends what was not
 * acknowledged under the same client_msg_id. Holds everything the view shows; the view only reads it.
 */
import { ConversationSocket } from "../../sdk/socket";
import { backoffDelay, DEFAULT_BACKOFF } from "../../sdk/reconnect";
import { EdgedeskError, idempotencyKey, unwrap, type createClient } from "../../sdk/rest";
import type { ContentPart, StandardMessage } from "../../shared/message";
import type { ServerFrame } from "../../shared/protocol";
import type { ConversationStatus } from "../../shared/conversation-state";
import { randomId } from "./ids";
import { recall, remember } from "./storage";
import * as T from "./thread";
import type { Visitor } from "./visitor";

type Api = ReturnType<typeof createClient>;

export type Queue = { position: number; wait_s: number | null };

export type ChatEvents = {
  message: StandardMessage;
  conversation: string;
  resolved: string;
  unread: number;
  error: { code: string; message: string };
};

const HISTORY_PAGE = 200;
/** An agent's typing indicator whose "off" got lost ends by itself. */
const TYPING_TIMEOUT_MS = 8000;
const IDLE_TYPING_MS = 2500;

export class Chat {
  thread: T.Thread = T.emptyThread();
  conversationId: string | null;
  status: ConversationStatus | null = null;
  queue: Queue | null = null;
  typing: string | null = null;
  /** The socket is down and retrying (or the browser says it is offline). */
  offline = !navigator.onLine;
  /** Whether the visitor is looking at the conversation: read receipts go only then. */
  visible = false;
  private readSeq: number;
  private socket: ConversationSocket | null = null;
  private creating: Promise<string> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSent = false;
  /** Live messages newer than this are announced to the host page; history is not. */
  private announcedFrom = Infinity;
  private unreadShown = 0;
  attributes: Record<string, string | number | boolean> = {};

  constructor(
    private readonly tenantId: string,
    private readonly api: Api,
    private readonly visitor: Visitor,
    private readonly baseUrl: string,
    private readonly changed: () => void,
    private readonly emit: <K extends keyof ChatEvents>(type: K, e: ChatEvents[K]) => void,
  ) {
    const mem = recall(tenantId);
    this.conversationId = mem.conversation_id ?? null;
    this.readSeq = mem.read_seq ?? 0;
    for (const out of mem.unsent ?? []) this.thread = T.sendLocal(this.thread, out, this.me());
    visitor.onChanged = () => this.forget();
    addEventListener("online", () => this.backOnline());
    addEventListener("offline", () => this.setOffline(true));
  }

  get unread(): number {
    return T.unread(this.thread, this.readSeq);
  }

  /** A returning visitor's conversation: its state and history, then the live socket; unsent messages go out again. */
  async restore(): Promise<void> {
    if (!this.conversationId && T.unsent(this.thread).length === 0) return;
    await this.visitor.token();
    const id = this.conversationId;
    if (!id) return this.flushUnsent();
    try {
      const snap = await this.visitor.authorized(() => unwrap(this.api.v1.conversations[":id"].$get({ param: { id } })));
      let after = 0;
      for (;;) {
        const page = await this.visitor.authorized(() =>
          unwrap(this.api.v1.conversations[":id"].messages.$get({ param: { id }, query: { after_seq: String(after), limit: String(HISTORY_PAGE) } })),
        );
        for (const m of page.data) this.thread = T.receive(this.thread, m);
        if (page.next_after_seq === null) break;
        after = page.next_after_seq;
      }
      this.setStatus(snap.status);
      this.announcedFrom = T.lastSeq(this.thread);
      this.emit("conversation", id);
      this.reportUnread();
      if (snap.status !== "closed") this.connect(id);
      this.flushUnsent();
    } catch (err) {
      // Not this visitor's any more (another tab started over, or the contact changed): start again at the next message.
      if (err instanceof EdgedeskError && err.status === 404) return this.forget();
      throw err;
    }
    this.changed();
  }

  send(parts: ContentPart[], metadata?: Record<string, unknown>): void {
    const out: T.Outgoing = { key: randomId(), parts, at: Date.now(), ...(metadata ? { metadata } : {}) };
    this.thread = T.sendLocal(this.thread, out, this.me());
    this.typingOff();
    this.persistUnsent();
    this.changed();
    void this.deliver(out);
  }

  /** Sends a refused message again under its client_msg_id, so a copy that did arrive is not stored twice. */
  retry(key: string): void {
    const e = this.thread.entries.find((x) => x.key === key);
    if (!e || e.failed === null) return;
    this.thread = T.retrying(this.thread, key);
    this.persistUnsent();
    this.changed();
    void this.deliver({ key, parts: e.parts, metadata: e.metadata, at: e.at });
  }

  /** After a close: the old conversation is let go and the next message starts a new one. */
  startOver(): void {
    this.forget();
  }

  /** The visitor is writing: "typing" once, "stopped" after a pause or when the message goes. */
  typed(hasText: boolean): void {
    if (!hasText) return this.typingOff();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.typingOff(), IDLE_TYPING_MS);
    if (this.typingSent || !this.socket) return;
    this.typingSent = this.socket.typing(true);
  }

  /** Read receipts up to the last message, only while the panel is open and the page visible. */
  markRead(): void {
    if (!this.visible || document.visibilityState !== "visible") return;
    const seq = T.lastSeq(this.thread);
    if (seq <= this.readSeq) return;
    this.readSeq = seq;
    remember(this.tenantId, { read_seq: seq });
    this.socket?.read(seq);
    this.reportUnread();
  }

  /**
   * The browser has a network again: a socket waiting out its backoff is replaced at once, and what it held
   * unacknowledged goes out on the new one under the same client_msg_ids. The banner stays until it is open.
   */
  private backOnline(): void {
    if (!this.socket || !this.conversationId || this.socket.connected) return this.setOffline(false);
    this.connect(this.conversationId);
    this.flushUnsent();
  }

  /** Let go of the socket before closing it, so its own "closed for good" is not taken for a refusal. */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private me() {
    return { kind: "customer" as const, id: this.visitor.contactId ?? "me" };
  }

  private typingOff(): void {
    clearTimeout(this.idleTimer);
    if (!this.typingSent) return;
    this.typingSent = false;
    this.socket?.typing(false);
  }

  private async deliver(out: T.Outgoing): Promise<void> {
    let id: string;
    try {
      id = await this.conversation();
    } catch (err) {
      return this.refuse(out.key, err);
    }
    const meta = { ...out.metadata, ...(Object.keys(this.attributes).length ? { attributes: this.attributes } : {}) };
    (this.socket ?? this.connect(id)).sendMessage(out.parts, { client_msg_id: out.key, ...(Object.keys(meta).length ? { metadata: meta } : {}) });
  }

  private flushUnsent(): void {
    for (const out of T.unsent(this.thread)) void this.deliver(out);
  }

  private refuse(key: string, err: unknown): void {
    this.thread = T.fail(this.thread, key, err instanceof Error ? err.message : String(err));
    this.persistUnsent();
    this.changed();
  }

  /**
   * The conversation the next message goes to, created once (one Idempotency-Key for every retry) and retried
   * while the network is down; a refusal (4xx other than 429) fails the messages waiting for it.
   */
  private conversation(): Promise<string> {
    if (this.conversationId) return Promise.resolve(this.conversationId);
    this.creating ??= (async () => {
      const key = idempotencyKey(randomId());
      for (let attempt = 0; ; attempt++) {
        try {
          const snap = await this.visitor.authorized(() => unwrap(this.api.v1.widget.conversations.$post({ json: { channel: "web" } }, key)));
          this.conversationId = snap.id;
          remember(this.tenantId, { conversation_id: snap.id, read_seq: 0 });
          this.readSeq = 0;
          this.announcedFrom = 0;
          this.setStatus(snap.status);
          this.emit("conversation", snap.id);
          return snap.id;
        } catch (err) {
          if (err instanceof EdgedeskError && err.status < 500 && err.status !== 429) throw err;
          this.setOffline(true);
          await new Promise((r) => setTimeout(r, backoffDelay(attempt, DEFAULT_BACKOFF, Math.random)));
        }
      }
    })().finally(() => (this.creating = null));
    return this.creating;
  }

  private connect(id: string): ConversationSocket {
    this.dropSocket();
    const socket = new ConversationSocket({ baseUrl: this.baseUrl, conversationId: id, token: this.visitor.token, afterSeq: T.lastSeq(this.thread) });
    this.socket = socket;
    socket.on("frame", (f) => this.onFrame(f));
    socket.on("open", () => {
      // An open socket is the proof of a network, whatever navigator.onLine says at this instant.
      this.setOffline(false);
      this.markRead();
    });
    socket.on("disconnect", (e) => {
      if (this.socket !== socket) return;
      if (e.retry_in_ms !== null) return this.setOffline(true);
      // Refused for good: the visitor's verified identity no longer holds.
      this.emit("error", { code: "identity_invalid", message: e.reason });
    });
    return socket;
  }

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case "welcome":
        this.setStatus(f.conversation.status);
        break;
      case "message":
        this.thread = T.receive(this.thread, f.message);
        if (f.message.sender.kind !== "customer") this.setTyping(null);
        if (f.message.seq > this.announcedFrom) this.emit("message", f.message);
        this.persistUnsent();
        this.markRead();
        this.reportUnread();
        break;
      case "message_update":
        this.thread = T.update(this.thread, f.message);
        break;
      case "ack":
        this.thread = T.acknowledge(this.thread, f);
        this.persistUnsent();
        break;
      case "read":
        if (f.participant.kind !== "customer") this.thread = T.readByPeer(this.thread, f.seq);
        break;
      case "delivery":
        this.thread = T.delivered(this.thread, f.message_id, f.status);
        break;
      case "typing":
        if (f.participant.kind !== "customer") this.setTyping(f.on ? (f.participant.name ?? "") : null);
        break;
      case "state":
        this.setStatus(f.conversation.status);
        break;
      case "queue":
        this.queue = { position: f.position, wait_s: f.estimated_wait_s };
        break;
      case "error":
        if (f.client_msg_id) this.thread = T.fail(this.thread, f.client_msg_id, f.message);
        if (f.code === "closed") this.setStatus("closed");
        this.persistUnsent();
        this.emit("error", { code: f.code, message: f.message });
        break;
      default:
        return;
    }
    this.changed();
  }

  private setStatus(status: ConversationStatus): void {
    if (status === this.status) return;
    const before = this.status;
    this.status = status;
    if (status !== "queued") this.queue = null;
    if (status === "resolved" && before !== null && this.conversationId) this.emit("resolved", this.conversationId);
    if (status === "closed") {
      this.dropSocket();
      this.setTyping(null);
    }
  }

  private setTyping(name: string | null): void {
    clearTimeout(this.typingTimer);
    this.typing = name;
    if (name !== null) this.typingTimer = setTimeout(() => (this.setTyping(null), this.changed()), TYPING_TIMEOUT_MS);
  }

  private setOffline(offline: boolean): void {
    if (offline === this.offline) return;
    this.offline = offline;
    this.changed();
  }

  private reportUnread(): void {
    const n = this.unread;
    if (n === this.unreadShown) return;
    this.unreadShown = n;
    this.emit("unread", n);
  }

  private persistUnsent(): void {
    const unsent = T.unsent(this.thread);
    remember(this.tenantId, { unsent: unsent.length ? unsent : undefined });
  }

  private forget(): void {
    this.dropSocket();
    this.conversationId = null;
    this.status = null;
    this.queue = null;
    this.setTyping(null);
    this.thread = T.emptyThread();
    this.readSeq = 0;
    remember(this.tenantId, { conversation_id: undefined, read_seq: undefined, unsent: undefined });
    this.reportUnread();
    this.changed();
  }
}
