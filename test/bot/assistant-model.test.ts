import { describe, expect, it } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import { call, ok, tenant } from "../helpers";
import { trainIntents } from "../../shared/nlp/intent";

describe("the assistant's stored intent model", () => {
  it("is retrained from its stored lines when an earlier build (another lexicon) trained it", async () => {
    const t = await tenant();
    await ok(call("/v1/nlp/intents", { auth: t.key }));
    const stub = env.ASSISTANT.get(env.ASSISTANT.idFromName(`${t.id}:assistant`));
    const stale = trainIntents([
      { text: "alpha one", intent: "alpha" },
      { text: "alpha two", intent: "alpha" },
      { text: "beta one", intent: "beta" },
      { text: "beta two", intent: "beta" },
    ]);
    await runInDurableObject(stub, (instance, state) => {
      state.storage.sql.exec("UPDATE kv SET value = ? WHERE key = 'intent.model'", JSON.stringify(stale));
      state.storage.sql.exec("UPDATE kv SET value = ? WHERE key = 'intent.fingerprint'", JSON.stringify("an-earlier-build"));
      (instance as unknown as { intentModel: unknown }).intentModel = null;
    });
    const r = await ok(call("/v1/nlp/intent", { method: "POST", auth: t.key, json: { text: "where is my parcel, it's late" } }));
    expect(r.intent).toBe("order_status");
  });
});
