import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { call, ok, tenant } from "../helpers";
import { deliver } from "../event-fixtures";
import { runAnalyticsCron } from "../../workers/analytics/cron";
import { AgentActivity, DomainEvent, type EventEnvelope } from "../../shared/events";
import { agentInterval, eventsOf, type Script } from "./script";

const T0 = Date.UTC(2026, 10, 10, 9, 0, 0);
const H = 3600;
const DAY = 24 * H;

/**
 * A scripted day (seconds from 09:00 UTC). `A` is the tenant's agent (its CSAT feeds routing), `agt_b` another one.
 * C1 bot-resolved, C2 human-resolved and rated by text, C3 transferred, C4 abandoned, C5 reopened within the FCR
 * window, C6 reopened after it, C7 the C1 customer back on the same intent the next day (so C1 is no first-contact
 * resolution), handed from the bot to an agent.
 */
function script(A: string): Script[] {
  return [
    { id: "cnv_c1", channel: "web", contact: "ctc_k1", intent: "order_status", bot: true, steps: [
      { at: 0, do: "customer" }, { at: 2, do: "bot" }, { at: 60, do: "resolved", by: "bot" }, { at: 70, do: "survey", survey: "csat", score: 5 },
    ] },
    { id: "cnv_c2", channel: "whatsapp", contact: "ctc_k2", intent: "refund", bot: false, steps: [
      { at: 100, do: "customer" }, { at: 100, do: "queued", by: "system" }, { at: 115, do: "assigned", to: A }, { at: 130, do: "agent" },
      { at: 400, do: "resolved", by: "agent" }, { at: 500, do: "survey", survey: "csat", score: 4 },
    ] },
    { id: "cnv_c3", channel: "web", contact: "ctc_k3", intent: "billing", bot: false, steps: [
      { at: 200, do: "customer" }, { at: 200, do: "queued", by: "system" }, { at: 230, do: "assigned", to: A }, { at: 240, do: "agent" },
      { at: 300, do: "transferred", by: "agent" }, { at: 360, do: "assigned", to: "agt_b" }, { at: 600, do: "resolved", by: "agent" },
      { at: 700, do: "survey", survey: "nps", score: 10 },
    ] },
    { id: "cnv_c4", channel: "sms", contact: "ctc_k4", intent: null, bot: false, steps: [
      { at: 300, do: "customer" }, { at: 300, do: "queued", by: "system" }, { at: 345, do: "closed", by: "customer" },
    ] },
    { id: "cnv_c5", channel: "web", contact: "ctc_k5", intent: "refund", bot: false, steps: [
      { at: 1000, do: "customer" }, { at: 1000, do: "queued", by: "system" }, { at: 1010, do: "assigned", to: "agt_b" }, { at: 1020, do: "agent" },
      { at: 1200, do: "resolved", by: "agent" }, { at: 1200 + H, do: "reopened", by: "customer" }, { at: 1300 + H, do: "resolved", by: "agent" },
      { at: 1400 + H, do: "survey", survey: "nps", score: 9 },
    ] },
    { id: "cnv_c6", channel: "whatsapp", contact: "ctc_k6", intent: "shipping", bot: false, steps: [
      { at: 2000, do: "customer" }, { at: 2000, do: "queued", by: "system" }, { at: 2005, do: "assigned", to: A }, { at: 2010, do: "agent" },
      { at: 2100, do: "resolved", by: "agent" }, { at: 2200, do: "survey", survey: "nps", score: 3 }, { at: 2100 + 73 * H, do: "reopened", by: "customer" },
    ] },
    { id: "cnv_c7", channel: "web", contact: "ctc_k1", intent: "order_status", bot: true, steps: [
      { at: DAY + 100, do: "customer" }, { at: DAY + 103, do: "bot" }, { at: DAY + 110, do: "queued", by: "bot" }, { at: DAY + 120, do: "assigned", to: A },
      { at: DAY + 130, do: "agent" }, { at: DAY + 200, do: "resolved", by: "agent" },
    ] },
  ];
}

function dayEvents(tenantId: string, A: string): DomainEvent[] {
  const list = [
    ...script(A).flatMap((s) => eventsOf(tenantId, T0, s)),
    agentInterval(tenantId, T0, A, "available", 0, 115, 0, 0),
    agentInterval(tenantId, T0, A, "available", 115, 1000, 1, 0.5),
    agentInterval(tenantId, T0, A, "away", 1000, 1500, 0, 0),
    agentInterval(tenantId, T0, "agt_b", "busy", 0, 1000, 1, 0.25),
  ];
  // The fixtures are what the consumer accepts: a wrong field would make every expectation below meaningless.
  for (const e of list) DomainEvent.parse(e);
  for (const e of list) if (e.type === "agent.status") AgentActivity.parse(e);
  return list;
}

/** Hand-computed from the script; see the comments for each figure. */
const EXPECTED = {
  conversations: 7,
  // First replies 2, 30, 40, 20, 10, 3 s (C4 never got one): mean 17.5; 3rd and 6th of six.
  first_response_time_s: { avg: 17.5, p50: 10, p90: 40 },
  // Human replies 30, 40, 20, 10, 30 (C7 from the customer's first message).
  first_human_response_time_s: { avg: 26, p50: 30, p90: 40 },
  // Answered waits 15, 30, 10, 5, 10 (the transfer's wait is not a new contact).
  asa_s: 14,
  // Within 20 s: 4 of 5 answered plus 1 abandoned.
  service_level: { threshold_s: 20, value: 0.6667 },
  abandonment_rate: 0.1667,
  // Holding 285 + (70 + 240) + 190 + 95 + 80 = 960 s over 5 handled conversations.
  aht_s: 192,
  // Decided: C2, C6, C7 yes; C1 (C7 came back), C3 (two agents), C5 (reopened within 72 h) no.
  fcr_rate: 0.5,
  // The bot held C1 and C7 and resolved C1.
  bot_containment_rate: 0.5,
  // One transfer over five first assignments.
  transfer_rate: 0.2,
  // Staffed 115 + 885 + 1000 s; occupied 885 + 1000; idle 115.
  occupancy: 0.9425,
  idle_rate: 0.0575,
  csat: { responses: 2, satisfied_rate: 1, mean: 4.5 },
  // 10 and 9 promote, 3 detracts: (2 − 1) / 3.
  nps: { responses: 3, score: 33.33 },
};

const RANGE = `from=${new Date(T0 - H * 1000).toISOString()}&to=${new Date(T0 + 8 * DAY * 1000).toISOString()}`;
const CRON_AT = T0 + 8 * DAY * 1000;

async function summary(key: string, extra = "") {
  return ok(call(`/v1/analytics/summary?${RANGE}${extra}`, { auth: key }));
}

describe("analytics over a scripted day", () => {
  it("gives the hand-computed metrics, and the same with every event duplicated and shuffled", async () => {
    const inOrder = await tenant();
    const messy = await tenant();
    const ordered = dayEvents(inOrder.id, inOrder.agentId);
    await deliver(ordered.map((e, i) => ({ id: `m${i}`, body: { events: [e] } satisfies EventEnvelope })));
    await runAnalyticsCron(env, CRON_AT);
    expect(await summary(inOrder.key)).toEqual(EXPECTED);

    // The raw events in R2, by tenant and UTC date, one JSON event per line.
    const listed = await env.ARCHIVE.list({ prefix: `events/tenant=${inOrder.id}/` });
    expect(listed.objects.map((o) => o.key.split("/")[2]).sort()).toEqual(expect.arrayContaining(["date=2026-11-10", "date=2026-11-11", "date=2026-11-13"]));
    const archived = (await Promise.all(listed.objects.map(async (o) => (await (await env.ARCHIVE.get(o.key))!.text()).trim().split("\n")))).flat().map((l) => JSON.parse(l).id);
    expect(new Set(archived)).toEqual(new Set(ordered.map((e) => e.id)));

    // Every event twice, in a random order, in random envelopes, and a whole batch redelivered.
    const all = [...dayEvents(messy.id, messy.agentId), ...dayEvents(messy.id, messy.agentId)];
    const order = fc.sample(fc.shuffledSubarray(all.map((_, i) => i), { minLength: all.length, maxLength: all.length }), { numRuns: 1, seed: 11 })[0]!;
    const envelopes: EventEnvelope[] = [];
    for (let i = 0; i < order.length; ) {
      const size = 1 + ((i * 7) % 5);
      envelopes.push({ events: order.slice(i, i + size).map((k) => all[k]!) });
      i += size;
    }
    const batches = [envelopes.slice(0, 6), envelopes.slice(6, 12), envelopes.slice(12)];
    for (const [b, list] of batches.entries()) await deliver(list.map((body, i) => ({ id: `b${b}m${i}`, body })));
    await deliver(batches[0]!.map((body, i) => ({ id: `again${i}`, body })));
    await runAnalyticsCron(env, CRON_AT);
    expect(await summary(messy.key)).toEqual(EXPECTED);

    // The rollups themselves, not only what the summary derives from them.
    const cells = (id: string) =>
      env.DB.prepare("SELECT hour, metric, channel, queue, team, agent, bin, n, total FROM rollup_hourly WHERE tenant_id = ? ORDER BY hour, metric, channel, queue, team, agent, bin")
        .bind(id)
        .all()
        .then((r) => r.results.map((x) => JSON.stringify({ ...x, agent: x.agent === inOrder.agentId || x.agent === messy.agentId ? "A" : x.agent })).sort());
    expect(await cells(messy.id)).toEqual(await cells(inOrder.id));
  });

  it("splits by channel, agent and day, exports CSV, and feeds the agent's CSAT to routing", async () => {
    const t = await tenant();
    await deliver(dayEvents(t.id, t.agentId).map((e, i) => ({ id: `m${i}`, body: { events: [e] } })));
    await runAnalyticsCron(env, CRON_AT);

    const web = await summary(t.key, "&channel=web");
    // C1, C3, C5, C7; agent time ignores the channel filter.
    expect(web.conversations).toBe(4);
    expect(web.occupancy).toBe(EXPECTED.occupancy);

    const days = await ok(call(`/v1/analytics/timeseries?${RANGE}&granularity=day&tz=UTC`, { auth: t.key }));
    const byDay = Object.fromEntries(days.buckets.map((b: any) => [b.start.slice(0, 10), b.conversations]));
    // Every day of the range, the empty ones as zeros.
    expect(byDay).toEqual({ "2026-11-10": 6, "2026-11-11": 1, "2026-11-12": 0, "2026-11-13": 0, "2026-11-14": 0, "2026-11-15": 0, "2026-11-16": 0, "2026-11-17": 0, "2026-11-18": 0 });
    const weeks = await ok(call(`/v1/analytics/timeseries?${RANGE}&granularity=week&tz=Asia/Shanghai`, { auth: t.key }));
    // Weeks start on Monday 00:00 in the zone: 2026-11-09 and 2026-11-16 (UTC+8, so 16:00 UTC the day before).
    expect(weeks.buckets.map((b: any) => [b.start, b.conversations])).toEqual([["2026-11-08T16:00:00.000Z", 7], ["2026-11-15T16:00:00.000Z", 0]]);
    const hours = await ok(call(`/v1/analytics/timeseries?from=2026-11-10T08:00:00Z&to=2026-11-10T12:00:00Z&granularity=hour`, { auth: t.key }));
    expect(hours.buckets.map((b: any) => b.conversations)).toEqual([0, 6, 0, 0]);

    const agents = await ok(call(`/v1/analytics/agents?${RANGE}`, { auth: t.key }));
    const ada = agents.data.find((a: any) => a.agent_id === t.agentId);
    expect(ada.name).toBe("Ada");
    expect(ada.csat).toEqual({ responses: 1, satisfied_rate: 1, mean: 4 });

    const roster = await ok(call("/v1/agents", { auth: t.key }));
    expect(roster.data.find((a: any) => a.id === t.agentId).csat).toBe(4);

    const rows = await ok(call(`/v1/analytics/conversations?${RANGE}&limit=4`, { auth: t.key }));
    expect(rows.data).toHaveLength(4);
    const rest = await ok(call(`/v1/analytics/conversations?${RANGE}&limit=4&cursor=${rows.next_cursor}`, { auth: t.key }));
    const all = [...rows.data, ...rest.data];
    expect(all.map((r: any) => r.conversation_id).sort()).toEqual(["cnv_c1", "cnv_c2", "cnv_c3", "cnv_c4", "cnv_c5", "cnv_c6", "cnv_c7"]);
    expect(Object.fromEntries(all.map((r: any) => [r.conversation_id, r.fcr]))).toEqual({ cnv_c1: false, cnv_c2: true, cnv_c3: false, cnv_c4: null, cnv_c5: false, cnv_c6: true, cnv_c7: true });

    const csv = await call(`/v1/analytics/summary?${RANGE}`, { auth: t.key, headers: { accept: "text/csv" } });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, line] = (await csv.text()).trim().split("\r\n");
    const record = Object.fromEntries(header!.split(",").map((k, i) => [k, line!.split(",")[i]]));
    expect(record).toMatchObject({ conversations: "7", "first_response_time_s.p90": "40", "nps.score": "33.33" });

    const patterns = await ok(call(`/v1/analytics/patterns?${RANGE}`, { auth: t.key }));
    expect(patterns.repeat_contact).toMatchObject({ conversations: 7, repeat: 1 });
    // Tuesday 09:00 UTC holds C1..C6.
    expect(patterns.heatmap.find((h: any) => h.weekday === 1 && h.hour === 9).conversations).toBe(6);
    const intents = await ok(call(`/v1/analytics/intents?${RANGE}`, { auth: t.key }));
    expect(intents.data.find((i: any) => i.intent === "order_status")).toMatchObject({ conversations: 2, bot_handled: 2, bot_resolved: 1, bot_containment_rate: 0.5 });
  });

  it("answers bad ranges and parameters with problem+json naming the field", async () => {
    const t = await tenant();
    const bad = async (query: string, field: string) => {
      const r = await call(`/v1/analytics/timeseries?${query}`, { auth: t.key });
      expect(r.status).toBe(422);
      expect(r.headers.get("content-type")).toMatch(/problem\+json/);
      expect((await r.json<any>()).errors.map((e: any) => e.field)).toContain(field);
    };
    await bad("from=2026-11-10&to=2026-11-01", "to");
    await bad("from=2026-01-01&to=2026-12-01&granularity=hour", "to");
    await bad("from=yesterday", "from");
    await bad("tz=Mars/Olympus", "tz");
    await bad("granularity=minute", "granularity");
    const agentOnly = await call(`/v1/analytics/summary`, { auth: t.agentToken });
    expect(agentOnly.status).toBe(403);
  });
});

describe("retention", () => {
  it("drops what is older than the tenant's retention and keeps the rest", async () => {
    const t = await tenant();
    await ok(call("/v1/analytics/settings", { method: "PUT", auth: t.key, json: { retention: { events_days: 30, hourly_days: 30, daily_days: 60, conversations_days: 60 } } }));
    await deliver(dayEvents(t.id, t.agentId).map((e, i) => ({ id: `r${i}`, body: { events: [e] } })));
    const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`).bind(t.id).first<{ n: number }>())!.n;
    await runAnalyticsCron(env, CRON_AT);
    const kept = { events: await count("events"), hourly: await count("rollup_hourly"), daily: await count("rollup_daily"), conversations: await count("analytics_conversations") };
    expect(Object.values(kept).every((n) => n > 0)).toBe(true);
    // 45 days on: events and hourly cells are past 30 days, daily cells and conversation rows within 60.
    await runAnalyticsCron(env, T0 + 45 * DAY * 1000);
    expect({ events: await count("events"), hourly: await count("rollup_hourly"), daily: await count("rollup_daily"), conversations: await count("analytics_conversations") }).toEqual({
      events: 0, hourly: 0, daily: kept.daily, conversations: kept.conversations,
    });
    await runAnalyticsCron(env, T0 + 75 * DAY * 1000);
    expect(await count("rollup_daily")).toBe(0);
    expect(await count("analytics_conversations")).toBe(0);
  });

  it("moves the desk's today to a new time zone at once", async () => {
    const t = await tenant();
    // A zone whose date differs from UTC's right now (UTC+14 from 10:00 UTC, UTC−11 before 11:00), so a desk that
    // kept UTC would be caught.
    const zone = new Date().getUTCHours() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    const utcDay = new Date().toISOString().slice(0, 10);
    expect((await ok(call("/v1/routing/desk", { auth: t.key }))).live.today.day).toBe(utcDay);
    await ok(call("/v1/analytics/settings", { method: "PUT", auth: t.key, json: { timezone: zone } }));
    const desk = await ok(call("/v1/routing/desk", { auth: t.key }));
    expect(desk.live.today.day).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date()));
  });

  it("refuses an events retention shorter than the queue's redelivery window", async () => {
    const t = await tenant();
    const r = await call("/v1/analytics/settings", { method: "PUT", auth: t.key, json: { retention: { events_days: 3 } } });
    expect(r.status).toBe(422);
    expect((await r.json<any>()).errors[0].field).toBe("retention.events_days");
  });
});
