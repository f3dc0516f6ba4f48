import { messageFrame, type Classify, type Room } from "./driver.ts";
import { openLoop } from "./open-loop.ts";
import { LatencyRecorder, round, type LatencySummary } from "./stats.ts";

/**
 * The WebSocket open-loop driver. The closed loop (driver.ts) keeps `window` messages in flight per sender, so
 * frames never queue up inside a conversation and a slow reply slows the client down instead of showing.
 * Here message i goes out at its scheduled time whatever became of the earlier ones (openLoop), round-robin
 * over the rooms: each sender sends rate / R per second and has as many in flight as the server is behind.
 *
 * Message i is sent on room i % R as client_msg_id `<tag>.<room>.<n>`, n = floor(i / R). The first message of
 * each room (i < R) primes it: sent at once and answered before the schedule starts, checked like the others
 * but not timed, so a conversation's first message (which also queues it for routing) is not in the latency.
 */

export type OpenLoopOptions = {
  /** Distinct per run, rate and target. */
  tag: string;
  /** Scheduled messages per second over all rooms. */
  rate: number;
  /** Scheduled messages, after the priming ones. */
  messages: number;
  text: string;
  classifySender: Classify;
  classifyReceiver: Classify;
  /** The sender gets one ack per message (edgedesk); the floor relay sends none. */
  expectAck: boolean;
  /** Once everything is sent, no progress for this long ends the run; whatever is missing stays missing. */
  stallMs: number;
  /** Runs after the priming, right before the schedule starts (to reset a CPU meter). */
  beforeSchedule: () => void;
};

export type OpenLoopResult = {
  /** Every message, the priming ones first; message i went out on room i % R. */
  cmids: string[];
  /** Per message: acks the sender got and copies the receiver got (1 each is right). */
  acks: Uint32Array;
  deliveries: Uint32Array;
  /** Per room: the seq of every message frame the receiver got, in arrival order, other senders' included. */
  receivedSeqs: number[][];
  /** Scheduled messages acked (without acks: delivered); the CPU and throughput denominator. */
  completed: number;
  /** Frames the socket refused to send; they get no answer. */
  failed_sends: number;
  /** Error frames on either socket; each one on a sender socket answers one message instead of an ack. */
  error_frames: number;
  first_errors: string[];
  /** Acks or message frames for client_msg_ids this run did not send on that room. */
  foreign: number;
  stalled: boolean;
  socket_closes: number;
  /** Scheduled messages sent ÷ the time it took: below the rate when the client could not keep up. */
  achieved_send_rate: number;
  /** completed ÷ (first scheduled send -> the last completion). */
  msgs_per_s: number;
  /** Scheduled send time -> ack (without acks: -> delivery). */
  latency: LatencySummary;
  /** Scheduled send time -> the receiver's copy. */
  deliver_latency: LatencySummary;
  /** How late the client sent against the schedule. */
  send_lag: LatencySummary;
};

export async function openLoopRooms(rooms: Room[], o: OpenLoopOptions): Promise<OpenLoopResult> {
  const R = rooms.length;
  const total = R + o.messages;
  const cmids = Array.from({ length: total }, (_, i) => `${o.tag}.${i % R}.${Math.floor(i / R)}`);
  const index = new Map(cmids.map((c, i) => [c, i]));
  const due = new Float64Array(total);
  const acks = new Uint32Array(total);
  const deliveries = new Uint32Array(total);
  const receivedSeqs = rooms.map((): number[] => []);
  const latency = new LatencyRecorder(o.messages);
  const deliverLatency = new LatencyRecorder(o.messages);
  const sendLag = new LatencyRecorder(o.messages);
  const firstErrors: string[] = [];
  let acked = 0;
  let delivered = 0;
  /** Acked but not delivered yet: the run waits for these too. */
  let awaitingDelivery = 0;
  let senderErrors = 0;
  let errorFrames = 0;
  let failedSends = 0;
  let foreign = 0;
  let completed = 0;
  let tFirst = 0;
  let tLast = 0;
  let lastProgress = performance.now();
  const closed = () => rooms.reduce((n, r) => n + (r.sender.closed ? 1 : 0) + (r.receiver.closed ? 1 : 0), 0);
  const closedBefore = closed();

  const noteError = (where: string, detail: string) => {
    lastProgress = performance.now();
    if (firstErrors.length < 5) firstErrors.push(`${where}: ${detail}`);
  };
  const complete = (i: number, t: number) => {
    if (i < R) return;
    latency.add(t - due[i]!);
    completed++;
    tLast = t;
  };

  rooms.forEach((room, r) => {
    room.sender.handler = (text) => {
      const f = o.classifySender(text);
      if (f.kind === "ack") {
        const t = performance.now();
        const i = index.get(f.cmid);
        if (i === undefined || i % R !== r) {
          foreign++;
          return;
        }
        lastProgress = t;
        // A second ack for the same id (the server answering a repeat with duplicate: true) is an ack, not a stored copy.
        acks[i] = acks[i]! + 1;
        if (acks[i]! > 1) return;
        acked++;
        if (deliveries[i] === 0) awaitingDelivery++;
        complete(i, t);
      } else if (f.kind === "error") {
        senderErrors++;
        errorFrames++;
        noteError(room.sender.label, f.detail);
      }
    };
    room.receiver.handler = (text) => {
      const f = o.classifyReceiver(text);
      if (f.kind === "message") {
        const t = performance.now();
        if (f.seq !== undefined) receivedSeqs[r]!.push(f.seq);
        const i = index.get(f.cmid);
        if (i === undefined || i % R !== r) {
          foreign++;
          return;
        }
        lastProgress = t;
        deliveries[i] = deliveries[i]! + 1;
        if (deliveries[i]! > 1) return;
        delivered++;
        if (acks[i]! > 0) awaitingDelivery--;
        if (i >= R) deliverLatency.add(t - due[i]!);
        if (!o.expectAck) complete(i, t);
      } else if (f.kind === "error") {
        errorFrames++;
        noteError(room.receiver.label, f.detail);
      }
    };
  });

  const send = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const room = rooms[i % R]!;
      // ws calls back with an error when the frame could not be written (the socket closed meanwhile).
      room.sender.ws.send(messageFrame(cmids[i]!, o.text), (err) => {
        if (err) {
          failedSends++;
          noteError(room.sender.label, `send failed: ${err.message}`);
        }
        resolve();
      });
    });
  /** Every one of the first n messages answered (ack, error frame or failed send) and every acked one delivered. */
  const settled = (n: number) => (o.expectAck ? acked + senderErrors + failedSends >= n && awaitingDelivery === 0 : delivered + failedSends >= n);
  /** Resolves true when the run stalled: no progress for stallMs before the first n settled. */
  const settle = (n: number) =>
    new Promise<boolean>((resolve) => {
      lastProgress = performance.now();
      const poll = setInterval(() => {
        const stalled = !settled(n) && performance.now() - lastProgress > o.stallMs;
        if (!settled(n) && !stalled) return;
        clearInterval(poll);
        resolve(stalled);
      }, 10);
    });

  try {
    await Promise.all(Array.from({ length: R }, (_, i) => send(i)));
    const primeStalled = await settle(R);
    o.beforeSchedule();
    const { sendSeconds } = await openLoop(o.rate, o.messages, (j, d) => {
      if (j === 0) tFirst = d;
      due[R + j] = d;
      sendLag.add(performance.now() - d);
      return send(R + j);
    });
    const stalled = (await settle(total)) || primeStalled;
    const span = (tLast - tFirst) / 1000;
    return {
      cmids,
      acks,
      deliveries,
      receivedSeqs,
      completed,
      failed_sends: failedSends,
      error_frames: errorFrames,
      first_errors: firstErrors,
      foreign,
      stalled,
      socket_closes: closed() - closedBefore,
      achieved_send_rate: round(o.messages / sendSeconds, 1),
      msgs_per_s: completed > 0 && span > 0 ? round(completed / span, 1) : 0,
      latency: latency.summary(),
      deliver_latency: deliverLatency.summary(),
      send_lag: sendLag.summary(),
    };
  } finally {
    for (const room of rooms) room.sender.handler = room.receiver.handler = null;
  }
}
