import { log } from "./log.ts";
import { prng } from "./prng.ts";
import { LatencyRecorder, round } from "./stats.ts";
import { resolveExtensionlessTs } from "./ts-resolve.ts";

/**
 * The routing section's pure-desk load: shared/routing/desk.ts (the code the RoutingDesk Durable Object runs)
 * in this Node process, because inside workerd Date.now()/performance.now() do not advance during synchronous
 * code (Spectre mitigation), so the object cannot time its own decisions. --desk-rate arrivals/s are fed in
 * real time for --desk-seconds to a desk of DESK_AGENTS agents × DESK_CAPACITY chats, with accepts and
 * resolutions, after a warm-up that brings the desk to its steady occupancy. Every command is timed.
 */

const DESK_AGENTS = 200;
const DESK_CAPACITY = 50;
/** Steady share of the desk's chat slots in use: the handle time follows from the arrival rate. */
const DESK_OCCUPANCY = 0.7;
const WARMUP_HANDLE_TIMES = 2;
/** The measured phase ends after this share of --desk-seconds in wall time even if the desk fell behind. */
const DESK_WALL_FACTOR = 1.5;
/** Second desk scenario: this many offers stay outstanding (agents answer late), for this many arrivals. */
const BACKLOG_OFFERS = 100;
const BACKLOG_ARRIVALS = 500;

/** The slice of shared/routing/desk.ts and schemas.ts used here (imported at run time, see loadDesk). */
type Effect = { type: string; offer_id?: string; conversation_id?: string; agent_id?: string };
type DeskLike = {
  arrive(task: unknown, queueId: string, now: number): Effect[];
  accept(offerId: string, agentId: string, now: number): Effect[];
  resolve(conversationId: string, now: number): Effect[];
  state: { waiting: Record<string, unknown>; offers: Record<string, unknown>; assignments: Record<string, unknown> };
};
type DeskModule = { Desk: { create(init: { queues: unknown[]; agents: unknown[] }, now: number): DeskLike } };
type SchemaModule = { Queue: { parse(v: unknown): unknown }; Agent: { parse(v: unknown): unknown }; Task: { parse(v: unknown): unknown } };

/**
 * The specifiers are built at run time so the bench's type check (tsconfig.node.json, nodenext) does not
 * descend into bundler-style sources.
 */
async function loadDesk(): Promise<{ desk: DeskModule; schemas: SchemaModule }> {
  resolveExtensionlessTs();
  const at = (p: string) => new URL(`../../shared/routing/${p}`, import.meta.url).href;
  return { desk: (await import(at("desk.ts"))) as DeskModule, schemas: (await import(at("schemas.ts"))) as SchemaModule };
}

/** Binary min-heap of timed desk events. */
type DeskEvent = { at: number; kind: "arrive" | "accept" | "resolve"; id: string; offerId?: string; agentId?: string };
class Heap {
  private a: DeskEvent[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): DeskEvent | undefined {
    return this.a[0];
  }
  push(e: DeskEvent): void {
    const a = this.a;
    a.push(e);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= a[i]!.at) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): DeskEvent | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export async function pureDesk(rate: number, seconds: number, acceptDelayMs: number): Promise<Record<string, unknown>> {
  const { desk: deskModule, schemas } = await loadDesk();
  const handleMs = ((DESK_OCCUPANCY * DESK_AGENTS * DESK_CAPACITY) / rate) * 1000;
  const warmupMs = WARMUP_HANDLE_TIMES * handleMs;
  const agents = Array.from({ length: DESK_AGENTS }, (_, i) =>
    schemas.Agent.parse({ id: `agt_${String(i).padStart(4, "0")}`, name: `Agent ${i}`, languages: ["en"], capacity: { voice: 1, chat: DESK_CAPACITY, email: 10 }, status: "available" }),
  );
  // Virtual time: the warm-up runs unpaced, the measured phase advances with the real clock from where it ended.
  const t0 = Date.now();
  const desk = deskModule.Desk.create({ queues: [schemas.Queue.parse({ id: "default", name: "Default" })], agents }, t0);
  const events = new Heap();
  const random = prng(0x9e3779b9);
  const interval = 1000 / rate;
  const warmupArrivals = Math.round(warmupMs / interval);
  const measuredArrivals = Math.round(seconds * rate);
  for (let i = 0; i < warmupArrivals + measuredArrivals; i++) events.push({ at: t0 + i * interval, kind: "arrive", id: `cnv_${i}` });
  // Tasks are parsed by the Conversation before it calls the desk, so they are built outside the timing.
  const task = (id: string, at: number) => schemas.Task.parse({ conversation_id: id, channel: "web", language: "en", arrived_at: at });

  const arriveLat = new LatencyRecorder(measuredArrivals);
  const allLat = new LatencyRecorder(measuredArrivals * 3);
  let measuring = false;
  let offers = 0;
  let commands = 0;
  let busyMs = 0;
  let noOffer = 0;
  let invalid = 0;

  const step = (e: DeskEvent) => {
    let fx: Effect[];
    let ms: number;
    if (e.kind === "arrive") {
      const tk = task(e.id, e.at);
      const s = performance.now();
      fx = desk.arrive(tk, "default", e.at);
      ms = performance.now() - s;
    } else if (e.kind === "accept") {
      const s = performance.now();
      fx = desk.accept(e.offerId!, e.agentId!, e.at);
      ms = performance.now() - s;
    } else {
      const s = performance.now();
      fx = desk.resolve(e.id, e.at);
      ms = performance.now() - s;
    }
    let made = 0;
    for (const f of fx) {
      if (f.type === "offer") {
        made++;
        events.push({ at: e.at + acceptDelayMs, kind: "accept", id: f.conversation_id!, offerId: f.offer_id!, agentId: f.agent_id! });
      } else if (f.type === "assigned") {
        events.push({ at: e.at - handleMs * Math.log(1 - random()), kind: "resolve", id: f.conversation_id! });
      } else if (f.type === "invalid") {
        invalid++;
      }
    }
    if (!measuring) return;
    commands++;
    busyMs += ms;
    offers += made;
    allLat.add(ms);
    if (e.kind === "arrive") {
      arriveLat.add(ms);
      if (made === 0) noOffer++;
    }
  };

  log(`routing: pure desk warm-up (${DESK_AGENTS} agents × ${DESK_CAPACITY} chats, ${warmupArrivals} arrivals in virtual time, mean handle ${round(handleMs / 1000, 1)} s)`);
  const warmEnd = t0 + warmupArrivals * interval;
  while (events.size && events.peek()!.at < warmEnd) step(events.pop()!);
  const load = () => Object.keys(desk.state.assignments).length + Object.keys(desk.state.offers).length;
  const loadAtStart = load();

  log(`routing: pure desk measured: ${rate} arrivals/s for ${seconds} s, paced in real time`);
  measuring = true;
  const realStart = performance.now();
  const measureEnd = warmEnd + seconds * 1000;
  const wallLimit = realStart + seconds * 1000 * DESK_WALL_FACTOR;
  let maxLagMs = 0;
  let fellBehind = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const vNow = warmEnd + (performance.now() - realStart);
      while (events.size && events.peek()!.at <= Math.min(vNow, measureEnd)) {
        const e = events.pop()!;
        maxLagMs = Math.max(maxLagMs, warmEnd + (performance.now() - realStart) - e.at);
        step(e);
        if (performance.now() > wallLimit) {
          fellBehind = true;
          return resolve();
        }
      }
      if (vNow >= measureEnd) return resolve();
      const next = events.peek();
      setTimeout(tick, next ? Math.max(0, Math.min(next.at, measureEnd) - (warmEnd + (performance.now() - realStart))) : 1);
    };
    tick();
  });
  const wallS = (performance.now() - realStart) / 1000;
  const loadAtEnd = load();
  const waitingAtEnd = Object.keys(desk.state.waiting).length - Object.keys(desk.state.offers).length;
  const a = arriveLat.summary();
  const all = allLat.summary();

  // Scenario B: agents answer late, so BACKLOG_OFFERS offers are outstanding (each is a waiting conversation
  // the desk re-examines on every command). Unpaced; arrivals and accepts timed.
  log(`routing: pure desk with ${BACKLOG_OFFERS} offers outstanding, ${BACKLOG_ARRIVALS} arrivals`);
  measuring = false;
  const pending: Effect[] = [];
  const backlogLat = new LatencyRecorder(BACKLOG_ARRIVALS);
  let backlogBusy = 0;
  let backlogOffers = 0;
  let vt = measureEnd + 60_000;
  for (let i = 0; i < BACKLOG_ARRIVALS + BACKLOG_OFFERS; i++) {
    vt += 1;
    const tk = task(`cnv_backlog_${i}`, vt);
    let s = performance.now();
    const fx = desk.arrive(tk, "default", vt);
    const ms = performance.now() - s;
    const offer = fx.find((f) => f.type === "offer");
    if (offer) pending.push(offer);
    if (i >= BACKLOG_OFFERS) {
      backlogLat.add(ms);
      backlogBusy += ms;
      if (offer) backlogOffers++;
    }
    if (pending.length > BACKLOG_OFFERS) {
      const o = pending.shift()!;
      s = performance.now();
      desk.accept(o.offer_id!, o.agent_id!, vt);
      if (i >= BACKLOG_OFFERS) backlogBusy += performance.now() - s;
    }
  }
  const bl = backlogLat.summary();
  return {
    decision_source: "pure desk in Node (same code as the Durable Object; workerd clocks do not advance inside synchronous code)",
    decisions_per_s: busyMs > 0 ? Math.round((offers / busyMs) * 1000) : null,
    decision_p50_ms: a.p50_ms,
    decision_p99_ms: a.p99_ms,
    decision_p999_ms: a.p999_ms,
    decision_max_ms: a.max_ms,
    command_p99_ms: all.p99_ms,
    desk_agents: DESK_AGENTS,
    desk_capacity_per_agent: DESK_CAPACITY,
    desk_arrival_rate: rate,
    desk_seconds: seconds,
    desk_accept_delay_ms: acceptDelayMs,
    desk_offers: offers,
    desk_commands: commands,
    desk_sustained_offers_per_s: round(offers / wallS, 1),
    desk_cpu_share: round(busyMs / 1000 / wallS, 3),
    desk_load_at_start: loadAtStart,
    desk_load_at_end: loadAtEnd,
    desk_waiting_at_end: waitingAtEnd,
    desk_arrivals_without_offer: noOffer,
    desk_invalid: invalid,
    desk_max_lag_ms: round(maxLagMs, 1),
    desk_fell_behind: fellBehind,
    backlog_offers_outstanding: BACKLOG_OFFERS,
    backlog_decisions_per_s: backlogBusy > 0 ? Math.round((backlogOffers / backlogBusy) * 1000) : null,
    backlog_decision_p50_ms: bl.p50_ms,
    backlog_decision_p99_ms: bl.p99_ms,
  };
}

/** Third scenario, the scale point: this many agents, this many contacts waiting, the weighted policy. */
const SCALE_AGENTS = 200;
const SCALE_WAITING = 500;
const SCALE_DECISIONS = 2000;

/**
 * A mixed desk at its scale point: 200 agents on one budget across voice, chat and e-mail (some VIP-skilled, some
 * speaking Chinese), every agent full and 500 contacts waiting in three queues (general, VIP with a required
 * skill, Chinese with a required language). Each measured decision is what happens when work ends: a
 * resolution frees room, the desk ranks the 500 waiting and offers to the freed agent, who accepts; a new
 * arrival keeps 500 waiting. Both commands are timed; a decision is one resolution plus the accept it leads to.
 */
export async function scaleDesk(): Promise<Record<string, unknown>> {
  const { desk: deskModule, schemas } = await loadDesk();
  const random = prng(0x51ed);
  const agents = Array.from({ length: SCALE_AGENTS }, (_, i) =>
    schemas.Agent.parse({
      id: `agt_${String(i).padStart(4, "0")}`,
      name: `Agent ${i}`,
      languages: i % 7 === 0 ? ["en", "zh"] : ["en"],
      skills: i % 10 === 0 ? [{ skill: "vip", proficiency: 4 }] : [],
      capacity: { voice: 1, chat: 3, email: 5 },
      status: "available",
    }),
  );
  const queues = [
    schemas.Queue.parse({ id: "general", name: "General" }),
    schemas.Queue.parse({ id: "vip", name: "VIP", required_skills: [{ skill: "vip" }], targets: [{ kind: "skills" }] }),
    schemas.Queue.parse({ id: "zh", name: "Chinese", language: "required", targets: [{ kind: "any" }] }),
  ];
  let now = Date.now();
  const desk = deskModule.Desk.create({ queues, agents }, now);
  const channels = ["web", "web", "web", "voice", "email"];
  let n = 0;
  const arrive = () => {
    const r = random();
    const queue = r < 0.1 ? "vip" : r < 0.2 ? "zh" : "general";
    const tier = ["standard", "standard", "silver", "gold", "platinum"][Math.floor(random() * 5)];
    const task = schemas.Task.parse({ conversation_id: `cnv_${n++}`, channel: channels[Math.floor(random() * channels.length)], language: queue === "zh" ? "zh" : "en", tier, arrived_at: now });
    return desk.arrive(task, queue, now);
  };
  const acceptAll = (fx: Effect[]) => {
    for (const f of fx) if (f.type === "offer") desk.accept(f.offer_id!, f.agent_id!, now);
  };
  // Fill every agent, then let the queue build to the scale point.
  while (Object.keys(desk.state.waiting).length - Object.keys(desk.state.offers).length < SCALE_WAITING) {
    now += 10;
    acceptAll(arrive());
  }
  const decisionLat = new LatencyRecorder(SCALE_DECISIONS);
  const arriveLat = new LatencyRecorder(SCALE_DECISIONS);
  let busy = 0;
  let decisions = 0;
  for (let i = 0; i < SCALE_DECISIONS; i++) {
    now += 100;
    const assigned = Object.keys(desk.state.assignments);
    const done = assigned[Math.floor(random() * assigned.length)]!;
    let s = performance.now();
    const fx = desk.resolve(done, now);
    let ms = performance.now() - s;
    for (const f of fx) {
      if (f.type !== "offer") continue;
      s = performance.now();
      desk.accept(f.offer_id!, f.agent_id!, now);
      ms += performance.now() - s;
      decisions++;
    }
    decisionLat.add(ms);
    busy += ms;
    s = performance.now();
    acceptAll(arrive());
    arriveLat.add(performance.now() - s);
  }
  const d = decisionLat.summary();
  const a = arriveLat.summary();
  return {
    agents: SCALE_AGENTS,
    waiting: Object.keys(desk.state.waiting).length - Object.keys(desk.state.offers).length,
    scale_decision_p50_ms: d.p50_ms,
    scale_decision_p99_ms: d.p99_ms,
    scale_arrive_p99_ms: a.p99_ms,
    scale_decisions_per_s: busy > 0 ? Math.round((decisions / busy) * 1000) : null,
    // The routing issue's target, printed beside the measurement.
    scale_target: { decision_p99_ms: 2, decisions_per_s: 1000 },
  };
}
