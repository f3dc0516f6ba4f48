import { mulberry32 } from "../../shared/mulberry32";
import type { DomainEvent } from "../../shared/events";
import { agentInterval, eventsOf, type Script, type Step } from "../../test/analytics/script";

const CHANNELS = ["web", "web", "whatsapp", "whatsapp", "email", "sms", "voice"];
const INTENTS = ["order_status", "refund", "billing", "shipping", "account", null];
export const AGENTS = 20;

/**
 * Conversations of a contact centre, through the tracker the conversation object uses: 40 % start with the bot,
 * which resolves half of them; the rest wait (exponential, mean 30 s), 5 % give up, 10 % are transferred, a fifth
 * answer a CSAT survey and a tenth an NPS one. Starts are spread evenly over [from, from + spanMs).
 */
export function syntheticConversations(tenantId: string, seed: number, count: number, from: number, spanMs: number): DomainEvent[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const out: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = from + Math.floor(rand() * spanMs);
    const bot = rand() < 0.4;
    const agent = `agt_bench_${Math.floor(rand() * AGENTS)}`;
    const steps: Step[] = [{ at: 0, do: "customer" }];
    let at = 0;
    const wait = () => Math.ceil(-Math.log(1 - rand()) * 30);
    let handoff = true;
    if (bot) {
      steps.push({ at: (at += 1 + Math.floor(rand() * 4)), do: "bot" });
      if (rand() < 0.5) {
        steps.push({ at: (at += 60 + Math.floor(rand() * 240)), do: "resolved", by: "bot" });
        handoff = false;
      }
    }
    if (handoff) {
      steps.push({ at: (at += 5), do: "queued", by: bot ? "bot" : "system" });
      if (rand() < 0.05) steps.push({ at: (at += wait()), do: "closed", by: "customer" });
      else {
        steps.push({ at: (at += wait()), do: "assigned", to: agent }, { at: (at += 5 + Math.floor(rand() * 55)), do: "agent" });
        if (rand() < 0.1) steps.push({ at: (at += 60), do: "transferred", by: "agent" }, { at: (at += wait()), do: "assigned", to: `agt_bench_${Math.floor(rand() * AGENTS)}` });
        steps.push({ at: (at += 120 + Math.floor(rand() * 780)), do: "resolved", by: "agent" });
      }
    }
    if (rand() < 0.2) steps.push({ at: (at += 60), do: "survey", survey: "csat", score: 1 + Math.floor(rand() * 5) });
    if (rand() < 0.1) steps.push({ at: (at += 60), do: "survey", survey: "nps", score: Math.floor(rand() * 11) });
    const script: Script = { id: `cnv_b${seed}_${i}`, channel: pick(CHANNELS), contact: `ctc_b${seed}_${Math.floor(rand() * count)}`, intent: pick(INTENTS), bot, steps };
    out.push(...eventsOf(tenantId, t0, script));
  }
  return out;
}

/** Every agent staffed around the clock in hour-long intervals, busy about 80 % of the time. */
export function syntheticPresence(tenantId: string, seed: number, from: number, hours: number): DomainEvent[] {
  const rand = mulberry32(seed);
  const out: DomainEvent[] = [];
  for (let a = 0; a < AGENTS; a++) {
    for (let h = 0; h < hours; h++) {
      const busy = rand() < 0.8;
      out.push(agentInterval(tenantId, from, `agt_bench_${a}`, "available", h * 3600, (h + 1) * 3600, busy ? 1 : 0, busy ? 0.5 : 0));
    }
  }
  return out;
}
