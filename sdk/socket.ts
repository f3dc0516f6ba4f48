import type { ClientFrame, ServerFrame } from "../shared/protocol";
import type { DeskClientFrame, DeskServerFrame } from "../shared/desk-protocol";
import type { ContentPart } from "../shared/message";
import type { AgentStatus } from "../shared/routing/schemas";
import { resolveToken, type TokenSource } from "./rest";
import { answerKey, backoffDelay, DEFAULT_BACKOFF, Outbox, ResumeState, type Backoff } from "./reconnect";

/** What the clients need of a WebSocket: the browser's, Node's (22+) and workerd's all fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;

export type Timers = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };

export type SocketOptions = {
  baseUrl: string;
  /** Read again for every connection, so a renewed token is used after a reconnect. */
  token: TokenSource;
  /** Defaults to the global WebSocket. */
  WebSocket?: SocketConstructor;
  timers?: Timers;
  /** Jitter source for the backoff; `Math.random` unless a test fixes it. */
  random?: () => number;
  backoff?: Partial<Backoff>;
  /** A ping goes this often while open; 0 sends only the one right after opening. */
  heartbeatMs?: number;
  /** A socket that answers nothing for this long after a ping is taken for dead and replaced. */
  pongTimeoutMs?: number;
};

/** Events besides the server's frames: `open` for each connection, `disconnect` when one ends. */
export type Lifecycle = {
  open: { resumed: boolean };
  /** `retry_in_ms` is null when the socket will not come back: `close()` was called or the server refused for good. */
  disconnect: { code: number; reason: string; retry_in_ms: number | null };
};

/** Every frame by its `type`, each with its own shape, plus `frame` for all of them. */
export type Events<F extends { type: string }> = { [K in F["type"]]: Extract<F, { type: K }> } & Lifecycle & { frame: F };

const OPEN = 1;
const HEARTBEAT_TIMEOUT = 4000;
const ABNORMAL = 1006;
/**
 * What a reconnect flushes at once, then the pace of the rest: the server refuses frames beyond a burst of 40 and
 * 20 per second per socket (shared/frame-limit.ts), and a refused message would wait for the next reconnect.
 */
const FLUSH_BURST = 30;
const FLUSH_INTERVAL_MS = 70;

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as number),
};

/**
 * A socket that stays connected: it reconnects after a drop with capped exponential backoff and jitter, checks
 * liveness with ping/pong, and holds what the app sends while disconnected until the next socket opens.
 */
abstract class ReconnectingSocket<In extends { type: string }, Out extends { type: string }> {
  protected readonly outbox = new Outbox<Out>();
  private ws: SocketLike | null = null;
  private readonly listeners = new Map<string, Set<(e: never) => void>>();
  private readonly timers: Timers;
  private readonly backoff: Backoff;
  private attempt = 0;
  private connections = 0;
  private closed = false;
  private retryTimer: unknown = null;
  /** Frames of a large flush not written yet; what the app writes meanwhile queues behind them, in order. */
  private paced: string[] = [];
  private pacer: unknown = null;
  private heartbeatTimer: unknown = null;
  private pongTimer: unknown = null;

  constructor(
    protected readonly opts: SocketOptions,
    private readonly path: string,
    /** Drops a socket for good instead of reconnecting (e.g. an identity the server rejected). */
    private readonly terminal: (code: number) => boolean,
  ) {
    this.timers = opts.timers ?? defaultTimers;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    queueMicrotask(() => void this.connect());
  }

  /** Subscribes to one kind of frame or lifecycle event; returns the unsubscribe function. */
  on<K extends keyof Events<In>>(type: K, fn: (e: Events<In>[K]) => void): () => void {
    const set = this.listeners.get(type as string) ?? new Set();
    set.add(fn as (e: never) => void);
    this.listeners.set(type as string, set);
    return () => void set.delete(fn as (e: never) => void);
  }

  get connected(): boolean {
    return this.ws?.readyState === OPEN;
  }

  /** Ends the socket for good; nothing is delivered after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    const ws = this.detach();
    try {
      ws?.close(1000, "closed by client");
    } catch {
      // already closing
    }
    this.emit("disconnect", { code: 1000, reason: "closed by client", retry_in_ms: null });
  }

  /** The query string of the next connection, besides the token. */
  protected abstract query(): Record<string, number | undefined>;
  /** Whether the app sees a frame; the subclass updates its resume state here. */
  protected abstract receive(frame: In): boolean;
  protected opened(): void {}

  /** Writes now if connected, else after the next connect; `key` keeps it for resending until settled. */
  protected write(frame: Out, key?: string): void {
    if (this.connected) this.sendPaced(JSON.stringify(frame));
    if (key !== undefined || !this.connected) this.outbox.push(frame, key);
  }

  private sendPaced(data: string): void {
    if (this.paced.length === 0) this.ws!.send(data);
    else this.paced.push(data);
  }

  private pace(): void {
    this.pacer = this.timers.setTimeout(() => {
      if (!this.connected) return;
      const next = this.paced.shift();
      if (next !== undefined) this.ws!.send(next);
      if (this.paced.length > 0) this.pace();
    }, FLUSH_INTERVAL_MS);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let url: URL;
    try {
      url = new URL(this.path, this.opts.baseUrl.replace(/^http/, "ws"));
      url.searchParams.set("token", await resolveToken(this.opts.token));
    } catch (err) {
      return this.dropped(ABNORMAL, `no token: ${String(err)}`);
    }
    if (this.closed) return;
    for (const [k, v] of Object.entries(this.query())) if (v !== undefined) url.searchParams.set(k, String(v));
    const Ctor = this.opts.WebSocket ?? (globalThis.WebSocket as unknown as SocketConstructor);
    const ws = new Ctor(url.toString());
    this.ws = ws;
    ws.onopen = () => this.onOpen();
    ws.onmessage = (e) => this.onMessage(e.data);
    ws.onclose = (e) => {
      this.detach();
      this.dropped(e.code, e.reason);
    };
    ws.onerror = () => {}; // a close event follows and decides
  }

  private onOpen(): void {
    this.attempt = 0;
    this.connections++;
    this.opened();
    // Sent first: its pong marks the end of whatever the server replays on connect.
    this.ws!.send(JSON.stringify({ type: "ping" }));
    this.expectPong();
    const flush = this.outbox.take().map((frame) => JSON.stringify(frame));
    for (const data of flush.slice(0, FLUSH_BURST)) this.ws!.send(data);
    this.paced = flush.slice(FLUSH_BURST);
    if (this.paced.length > 0) this.pace();
    this.startHeartbeat();
    this.emit("open", { resumed: this.connections > 1 });
  }

  private onMessage(data: unknown): void {
    this.timers.clearTimeout(this.pongTimer);
    this.pongTimer = null;
    let frame: In;
    try {
      frame = this.parse(JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer)));
    } catch {
      return; // not a frame of this protocol: nothing the app could act on
    }
    if (!this.receive(frame)) return;
    this.dispatch(frame.type, frame);
    this.dispatch("frame", frame);
  }

  /** Subclasses with a zod schema to hand validate here; by default the server is trusted to speak its protocol. */
  protected parse(raw: unknown): In {
    return raw as In;
  }

  private dropped(code: number, reason: string): void {
    this.stopHeartbeat();
    if (this.closed) return;
    if (this.terminal(code)) {
      this.closed = true;
      return this.emit("disconnect", { code, reason, retry_in_ms: null });
    }
    const delay = backoffDelay(this.attempt++, this.backoff, this.opts.random ?? Math.random);
    this.retryTimer = this.timers.setTimeout(() => void this.connect(), delay);
    this.emit("disconnect", { code, reason, retry_in_ms: delay });
  }

  private detach(): SocketLike | null {
    const ws = this.ws;
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.ws = null;
    // Unwritten messages are still in the outbox (they wait for their ack); the rest is typing and read state.
    this.timers.clearTimeout(this.pacer);
    this.paced = [];
    return ws;
  }

  private startHeartbeat(): void {
    const every = this.opts.heartbeatMs ?? 25_000;
    if (every <= 0) return;
    const beat = () => {
      if (!this.connected) return;
      this.ws!.send(JSON.stringify({ type: "ping" }));
      this.expectPong();
      this.heartbeatTimer = this.timers.setTimeout(beat, every);
    };
    this.heartbeatTimer = this.timers.setTimeout(beat, every);
  }

  private expectPong(): void {
    if (this.pongTimer !== null) return;
    this.pongTimer = this.timers.setTimeout(() => {
      this.pongTimer = null;
      // A half-open connection never reports its own death: replace it rather than wait for TCP to notice.
      const ws = this.detach();
      try {
        ws?.close(HEARTBEAT_TIMEOUT, "heartbeat timeout");
      } catch {
        // already closing
      }
      this.dropped(ABNORMAL, "heartbeat timeout");
    }, this.opts.pongTimeoutMs ?? 10_000);
  }

  private stopHeartbeat(): void {
    this.timers.clearTimeout(this.heartbeatTimer);
    this.timers.clearTimeout(this.pongTimer);
    this.heartbeatTimer = this.pongTimer = null;
  }

  private emit<K extends keyof Lifecycle>(type: K, e: Lifecycle[K]): void {
    this.dispatch(type, e);
  }

  private dispatch(type: string, e: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) (fn as (e: unknown) => void)(e);
  }
}

export type ConversationSocketOptions = SocketOptions & {
  conversationId: string;
  /** The first connection resumes after this seq: the app already holds the messages up to it (from `GET …/messages`). */
  afterSeq?: number;
  /** Validates each frame, e.g. `(f) => ServerFrame.parse(f)` from shared/protocol.ts; frames that throw are dropped. */
  parse?: (raw: unknown) => ServerFrame;
};

type MessageFrame = Extract<ClientFrame, { type: "message" }>;

/** Closed by the conversation when a verified visitor's identity no longer holds: a new session is needed. */
const IDENTITY_FAILED = 4001;

/**
 * A conversation's live socket. After a reconnect it resumes after the highest seq seen and asks for the changes
 * since the last known revision, so the app gets every message once, in seq order; messages sent while
 * disconnected (or not yet acknowledged) go out again on the next socket under their client_msg_id.
 */
export class ConversationSocket extends ReconnectingSocket<ServerFrame, ClientFrame> {
  private readonly resume = new ResumeState();

  constructor(protected override readonly opts: ConversationSocketOptions) {
    super(opts, `/v1/conversations/${encodeURIComponent(opts.conversationId)}/ws`, (code) => code === IDENTITY_FAILED);
    this.resume.lastSeq = opts.afterSeq ?? 0;
  }

  /** The highest seq the app has seen. */
  get lastSeq(): number {
    return this.resume.lastSeq;
  }

  /** Messages sent but not yet acknowledged, or frames waiting for a socket. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Any client frame; a message is kept until its ack and sent again after a reconnect. */
  send(frame: ClientFrame): void {
    this.write(frame, answerKey(frame));
  }

  sendMessage(parts: ContentPart[], opts: { client_msg_id?: string; metadata?: MessageFrame["metadata"] } = {}): MessageFrame {
    const frame = { type: "message" as const, client_msg_id: opts.client_msg_id ?? crypto.randomUUID(), parts, ...(opts.metadata ? { metadata: opts.metadata } : {}) };
    this.send(frame);
    return frame;
  }

  sendText(text: string, opts: { client_msg_id?: string } = {}): MessageFrame {
    return this.sendMessage([{ type: "text", text }], opts);
  }

  /** Only while connected: a typing indicator sent late would be wrong by the time it arrived. False when not sent. */
  typing(on: boolean): boolean {
    if (this.connected) this.send({ type: "typing", on });
    return this.connected;
  }

  read(seq: number): void {
    this.send({ type: "read", seq });
  }

  edit(messageId: string, text: string): void {
    this.send({ type: "edit", message_id: messageId, parts: [{ type: "text", text }] });
  }

  retract(messageId: string): void {
    this.send({ type: "retract", message_id: messageId });
  }

  react(messageId: string, emoji: string, on: boolean): void {
    this.send({ type: "react", message_id: messageId, emoji, on });
  }

  protected query() {
    return this.resume.query();
  }

  protected override opened(): void {
    this.resume.opened();
  }

  protected receive(frame: ServerFrame): boolean {
    if (frame.type === "ack") this.outbox.settle(frame.client_msg_id);
    // A refused message (closed conversation, invalid) would be refused again: it is not resent.
    if (frame.type === "error" && frame.client_msg_id) this.outbox.settle(frame.client_msg_id);
    return this.resume.accept(frame);
  }

  protected override parse(raw: unknown): ServerFrame {
    return this.opts.parse ? this.opts.parse(raw) : (raw as ServerFrame);
  }
}

export type DeskSocketOptions = SocketOptions & {
  /** Validates each frame, e.g. `(f) => DeskServerFrame.parse(f)` from shared/desk-protocol.ts. */
  parse?: (raw: unknown) => DeskServerFrame;
};

/**
 * An agent console's desk socket: offers, assignments, status and (for supervisors) alerts and live counters.
 * Nothing is replayed on reconnect: the `hello` of each connection restates the agent's status and open offers.
 */
export class DeskSocket extends ReconnectingSocket<DeskServerFrame, DeskClientFrame> {
  constructor(protected override readonly opts: DeskSocketOptions) {
    super(opts, "/v1/routing/desk/ws", () => false);
  }

  send(frame: DeskClientFrame): void {
    this.write(frame);
  }

  setStatus(status: AgentStatus): void {
    this.send({ type: "status", status });
  }

  accept(offerId: string): void {
    this.send({ type: "accept", offer_id: offerId });
  }

  reject(offerId: string): void {
    this.send({ type: "reject", offer_id: offerId });
  }

  protected query() {
    return {};
  }

  protected receive(): boolean {
    return true;
  }

  protected override parse(raw: unknown): DeskServerFrame {
    return this.opts.parse ? this.opts.parse(raw) : (raw as DeskServerFrame);
  }
}
