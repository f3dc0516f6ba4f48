import WebSocket from "ws";
import { LatencyRecorder, round, type LatencySummary } from "./stats.ts";

/**
 * The load driver shared by every WebSocket section, so floor and hotpath are measured the same way.
 *
 * Shape: R rooms, each with a sender socket and a receiver socket. Closed loop: each sender keeps
 * `window` messages in flight; every time the receiver gets one, the sender sends the next. Latency is
 * sender send -> receiver receipt of the same client_msg_id. Throughput is unique receipts divided by
 * the time from the first send to the last receipt.
 */

/** What a section's classifier makes of an incoming text frame. */
export type Frame =
  | { kind: "message"; cmid: string; seq?: number }
  | { kind: "ack"; cmid: string }
  | { kind: "error"; detail: string }
  | { kind: "other" };
export type Classify = (text: string) => Frame;

/** A connected socket whose incoming frames go to whatever handler the current phase installed. */
export class Socket {
  readonly ws: WebSocket;
  readonly label: string;
  handler: ((text: string) => void) | null = null;
  closed: { code: number; reason: string } | null = null;

  private constructor(ws: WebSocket, label: string) {
    this.ws = ws;
    this.label = label;
  }

  /** Opens a socket and resolves once the server's first frame (the welcome) arrived. */
  static open(url: string, label: string, timeoutMs = 15_000): Promise<Socket> {
    return new Promise((resolve, reject) => {
      // No permessage-deflate: the bench measures the runtime, not zlib in two processes on two cores.
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
      const s = new Socket(ws, label);
      let welcomed = false;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`${label}: no welcome frame within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => {
          clearTimeout(timer);
          reject(new Error(`${label}: handshake refused with ${res.statusCode}: ${body.slice(0, 300)}`));
        });
      });
      ws.on("error", (err) => {
        clearTimeout(timer);
        if (!welcomed) reject(new Error(`${label}: ${err.message}`));
      });
      ws.on("close", (code, reason) => {
        s.closed = { code, reason: reason.toString() };
      });
      ws.on("message", (data: Buffer) => {
        const text = data.toString();
        if (!welcomed) {
          welcomed = true;
          clearTimeout(timer);
          resolve(s);
          return;
        }
        s.handler?.(text);
      });
    });
  }

  close(): Promise<void> {
    if (this.closed || this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      this.ws.close(1000, "bench done");
    });
  }
}

export type Room = {
  sender: Socket;
  receiver: Socket;
  /** Last seq the receiver saw, kept across phases, for gap detection where frames carry a seq. */
  lastSeq: number | null;
};

export type PhaseOptions = {
  /** Distinct per phase and run: client_msg_id = `${tag}.${room}.${n}`. */
  tag: string;
  perRoom: number;
  window: number;
  text: string;
  classifyReceiver: Classify;
  classifySender: Classify;
  /** Wait for (and count) an ack on the sender socket for every message. */
  expectAck: boolean;
  /** A phase with no progress for this long ends; whatever is missing is reported lost. */
  stallMs: number;
};

export type PhaseResult = {
  messages: number;
  received: number;
  lost: number;
  duplicated: number;
  acked: number;
  unacked: number;
  ack_duplicated: number;
  seq_gaps: number;
  errors: number;
  foreign: number;
  stalled: boolean;
  socket_closes: number;
  duration_ms: number;
  msgs_per_s: number;
  latency: LatencySummary;
  ack_latency: LatencySummary;
  first_errors: string[];
};

/** The client frame every section sends (the Conversation's `message` frame; the floor relays it verbatim). */
export function messageFrame(cmid: string, text: string): string {
  return `{"type":"message","client_msg_id":"${cmid}","parts":[{"type":"text","text":"${text}"}]}`;
}

export function runPhase(rooms: Room[], o: PhaseOptions): Promise<PhaseResult> {
  const R = rooms.length;
  const per = o.perRoom;
  const total = R * per;
  const sendT = new Float64Array(total);
  const got = new Uint8Array(total);
  const acked = new Uint8Array(total);
  const nextN = new Int32Array(R);
  const prefixes = rooms.map((_, r) => `${o.tag}.${r}.`);
  const latency = new LatencyRecorder(total);
  const ackLatency = new LatencyRecorder(o.expectAck ? total : 1);
  const firstErrors: string[] = [];
  let received = 0;
  let duplicated = 0;
  let ackCount = 0;
  let ackDup = 0;
  let seqGaps = 0;
  let errors = 0;
  let foreign = 0;
  let tLast = 0;
  let lastProgress = performance.now();
  const closedBefore = rooms.reduce((n, r) => n + (r.sender.closed ? 1 : 0) + (r.receiver.closed ? 1 : 0), 0);

  const noteError = (where: string, detail: string) => {
    errors++;
    if (firstErrors.length < 5) firstErrors.push(`${where}: ${detail}`);
  };

  const sendNext = (r: number) => {
    const n = nextN[r]!;
    if (n >= per) return;
    nextN[r] = n + 1;
    const ws = rooms[r]!.sender.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    sendT[r * per + n] = performance.now();
    ws.send(messageFrame(prefixes[r]! + n, o.text));
  };

  /** Index of a client_msg_id of room r in this phase, or -1. */
  const indexOf = (r: number, cmid: string): number => {
    const p = prefixes[r]!;
    if (!cmid.startsWith(p)) return -1;
    const n = Number(cmid.slice(p.length));
    return Number.isInteger(n) && n >= 0 && n < per ? r * per + n : -1;
  };

  return new Promise((resolve) => {
    let finished = false;
    const tStart = performance.now();
    const finish = (stalled: boolean) => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const room of rooms) room.sender.handler = room.receiver.handler = null;
      const durationMs = (received > 0 ? tLast : performance.now()) - tStart;
      const closedAfter = rooms.reduce((n, r) => n + (r.sender.closed ? 1 : 0) + (r.receiver.closed ? 1 : 0), 0);
      resolve({
        messages: total,
        received,
        lost: total - received,
        duplicated,
        acked: ackCount,
        unacked: o.expectAck ? total - ackCount : 0,
        ack_duplicated: ackDup,
        seq_gaps: seqGaps,
        errors,
        foreign,
        stalled,
        socket_closes: closedAfter - closedBefore,
        duration_ms: round(durationMs, 1),
        msgs_per_s: durationMs > 0 ? round((received / durationMs) * 1000, 1) : 0,
        latency: latency.summary(),
        ack_latency: ackLatency.summary(),
        first_errors: firstErrors,
      });
    };
    const maybeDone = () => {
      if (received === total && (!o.expectAck || ackCount === total)) finish(false);
    };

    rooms.forEach((room, r) => {
      room.receiver.handler = (text) => {
        const f = o.classifyReceiver(text);
        if (f.kind === "message") {
          const t = performance.now();
          const i = indexOf(r, f.cmid);
          if (i < 0) {
            foreign++;
            return;
          }
          if (got[i]) {
            duplicated++;
            return;
          }
          got[i] = 1;
          received++;
          latency.add(t - sendT[i]!);
          tLast = lastProgress = t;
          if (f.seq !== undefined) {
            if (room.lastSeq !== null && f.seq !== room.lastSeq + 1) seqGaps++;
            room.lastSeq = f.seq;
          }
          sendNext(r);
          maybeDone();
        } else if (f.kind === "error") {
          noteError(room.receiver.label, f.detail);
        }
      };
      room.sender.handler = (text) => {
        const f = o.classifySender(text);
        if (f.kind === "ack") {
          const t = performance.now();
          const i = indexOf(r, f.cmid);
          if (i < 0) {
            foreign++;
            return;
          }
          if (acked[i]) {
            ackDup++;
            return;
          }
          acked[i] = 1;
          ackCount++;
          ackLatency.add(t - sendT[i]!);
          lastProgress = t;
          maybeDone();
        } else if (f.kind === "error") {
          noteError(room.sender.label, f.detail);
        }
      };
    });

    const watchdog = setInterval(() => {
      if (performance.now() - lastProgress > o.stallMs) finish(true);
    }, 100);

    for (let r = 0; r < R; r++) for (let w = 0; w < Math.min(o.window, per); w++) sendNext(r);
  });
}

export type Measured = { warmup: PhaseResult | null; measured: PhaseResult };

/** Warm-up phase (unmeasured), then the measured phase, on the same sockets with the same driver. */
export async function warmupThenMeasure(
  label: string,
  rooms: Room[],
  o: Omit<PhaseOptions, "tag" | "perRoom"> & { runId: string; warmup: number; messages: number },
  log: (m: string) => void,
  beforeMeasure?: () => void,
): Promise<Measured> {
  const phase = { window: o.window, text: o.text, classifyReceiver: o.classifyReceiver, classifySender: o.classifySender, expectAck: o.expectAck, stallMs: o.stallMs };
  let warmup: PhaseResult | null = null;
  if (o.warmup > 0) {
    const perRoom = Math.ceil(o.warmup / rooms.length);
    log(`${label}: warm-up, ${perRoom * rooms.length} messages`);
    warmup = await runPhase(rooms, { ...phase, tag: `${o.runId}w`, perRoom });
    log(`${label}: warm-up done, ${warmup.msgs_per_s} msgs/s, p50 ${warmup.latency.p50_ms} ms${warmup.stalled ? " (STALLED)" : ""}`);
  }
  beforeMeasure?.();
  const perRoom = Math.ceil(o.messages / rooms.length);
  log(`${label}: measuring, ${perRoom * rooms.length} messages, window ${o.window} per sender`);
  const measured = await runPhase(rooms, { ...phase, tag: `${o.runId}m`, perRoom });
  log(
    `${label}: ${measured.msgs_per_s} msgs/s, p50 ${measured.latency.p50_ms} ms, p99 ${measured.latency.p99_ms} ms, ` +
      `lost ${measured.lost}, dup ${measured.duplicated}${o.expectAck ? `, unacked ${measured.unacked}` : ""}${measured.stalled ? " (STALLED)" : ""}`,
  );
  for (const e of [...(warmup?.first_errors ?? []), ...measured.first_errors]) log(`${label}: error frame ${e}`);
  return { warmup, measured };
}

/** The summary every section reports: the three headline numbers first, then detail. */
export function summarize(m: Measured): Record<string, unknown> {
  const p = m.measured;
  const w = m.warmup;
  return {
    msgs_per_s: p.msgs_per_s,
    p50_ms: p.latency.p50_ms,
    p99_ms: p.latency.p99_ms,
    p90_ms: p.latency.p90_ms,
    p999_ms: p.latency.p999_ms,
    max_ms: p.latency.max_ms,
    mean_ms: p.latency.mean_ms,
    messages: p.messages,
    duration_s: round(p.duration_ms / 1000, 2),
    lost: p.lost + (w?.lost ?? 0),
    duplicated: p.duplicated + (w?.duplicated ?? 0),
    errors: p.errors + (w?.errors ?? 0),
    stalled: p.stalled || (w?.stalled ?? false),
  };
}

/** Text of the given length, JSON-safe. */
export function filler(bytes: number): string {
  const base = "bench message lorem ipsum dolor sit amet consectetur adipiscing elit ";
  return base.repeat(Math.ceil(bytes / base.length)).slice(0, bytes);
}
