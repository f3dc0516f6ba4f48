// `npm start`: local secrets, D1 migrations, `wrangler dev`, then a demo tenant seeded through the real API.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { DEMO_ENTRIES, DEMO_LINKS } from "./demo-knowledge.ts";

const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;
const DEMO_TENANT = "ten_demo";
const STATE_FILE = ".edgedesk/demo.json";
const wrangler = "node_modules/.bin/wrangler";

function log(msg: string): void {
  process.stderr.write(`[start] ${msg}\n`);
}

function ensureDevVars(): Record<string, string> {
  if (!existsSync(".dev.vars")) {
    const vars = {
      JWT_SECRET: randomBytes(32).toString("hex"),
      ADMIN_TOKEN: randomBytes(24).toString("hex"),
      CHANNEL_KEY: randomBytes(32).toString("base64"),
    };
    writeFileSync(".dev.vars", Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
    log("wrote .dev.vars with fresh local secrets");
  }
  return Object.fromEntries(
    readFileSync(".dev.vars", "utf8")
      .split("\n")
      .filter((l) => l.includes("=") && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

async function api(path: string, auth: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<{ status: number; json: any }> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function waitForHealth(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`wrangler dev did not answer on ${BASE} in time`);
}

type DemoAgent = { id: string; name: string; email: string; role: string; magicLink: string };

/**
 * Idempotent: a second `npm start` finds the tenant and agents and reuses the key and password saved locally
 * (.edgedesk/demo.json, readable only by this user). The demo password is random per machine, never a constant.
 */
async function seed(adminToken: string): Promise<{ apiKey: string; password: string; agents: DemoAgent[] }> {
  const saved = existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, "utf8")) as { apiKey?: string; password?: string }) : null;
  let apiKey = saved?.apiKey;
  const password = saved?.password ?? randomBytes(9).toString("base64url");
  const created = await api("/v1/admin/tenants", adminToken, { id: DEMO_TENANT, name: "Demo Shop", allowed_origins: [BASE, `http://localhost:${PORT}`] });
  if (created.status === 201) apiKey = created.json.api_key;
  else if (created.status !== 409) throw new Error(`creating the demo tenant failed: ${JSON.stringify(created.json)}`);
  if (!apiKey || (await api("/v1/agents", apiKey)).status === 401) {
    apiKey = (await api(`/v1/admin/tenants/${DEMO_TENANT}/api-keys`, adminToken, {})).json.api_key;
  }
  mkdirSync(".edgedesk", { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ apiKey, password }, null, 2), { mode: 0o600 });
  const roster = [
    { name: "Ada Agent", email: "ada@demo.test", role: "agent" },
    { name: "Sam Supervisor", email: "sam@demo.test", role: "supervisor" },
    { name: "Alex Admin", email: "alex@demo.test", role: "admin" },
  ];
  for (const a of roster) await api("/v1/agents", apiKey!, { ...a, password });
  const listed = (await api("/v1/agents", apiKey!)).json.data as { id: string; name: string; email: string; role: string }[];
  const agents: DemoAgent[] = [];
  for (const a of listed.filter((x) => roster.some((r) => r.email === x.email))) {
    const set = await api(`/v1/agents/${a.id}/password`, apiKey!, { password }, "PUT");
    if (set.status !== 204) throw new Error(`setting ${a.name}'s password failed: ${JSON.stringify(set.json)}`);
    const link = await api(`/v1/agents/${a.id}/magic-link`, apiKey!, {});
    // Both pages redeem a link's code; supervisors and admins are sent to the dashboard.
    const url = (link.json.url as string).replace("/console#", a.role === "agent" ? "/console#" : "/dashboard#");
    agents.push({ id: a.id, name: a.name, email: a.email, role: a.role, magicLink: url });
  }
  const branded = await api("/v1/tenant", apiKey!, { widget: DEMO_WIDGET }, "PATCH");
  if (branded.status !== 200) throw new Error(`branding the demo widget failed: ${JSON.stringify(branded.json)}`);
  await seedKnowledge(apiKey!);
  return { apiKey: apiKey!, password, agents };
}

const DEMO_WIDGET = {
  color: "#0f766e",
  title: "Demo Shop support",
  greeting: { en: "Hi! Questions about an order, shipping or returns? We're here.", zh: "您好！关于订单、配送或退货的问题，我们随时为您解答。" },
  prechat: { enabled: false },
};

/** The demo's bot answers from a small knowledge base; a second start finds the entries (409) and keeps them. */
async function seedKnowledge(apiKey: string): Promise<void> {
  const bulk = await api("/v1/kb/entries/bulk", apiKey, { entries: DEMO_ENTRIES });
  if (bulk.status !== 201 && bulk.status !== 409) throw new Error(`seeding the knowledge base failed: ${JSON.stringify(bulk.json)}`);
  for (const link of DEMO_LINKS) await api("/v1/kb/links", apiKey, link);
  const bot = await api("/v1/bot/config", apiKey, { enabled: true, channels: ["web", "app"], name: "Demo Assistant" }, "PATCH");
  if (bot.status !== 200) throw new Error(`turning the bot on failed: ${JSON.stringify(bot.json)}`);
}

const vars = ensureDevVars();
log("applying D1 migrations (local)");
const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], { stdio: "inherit", env: { ...process.env, CI: "1" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

log(`starting wrangler dev on ${BASE}`);
const dev = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(PORT)], { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => dev.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));

// A failed start must not leave wrangler dev holding the port for the next attempt.
const demo = await waitForHealth(Date.now() + 90_000)
  .then(() => seed(vars.ADMIN_TOKEN!))
  .catch((err: unknown) => {
    process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
    dev.removeAllListeners("exit");
    dev.once("exit", () => process.exit(1));
    stop();
    return new Promise<never>(() => undefined);
  });
const agentLines = demo.agents.map((a) => `    ${a.name.padEnd(15)} ${a.email.padEnd(16)} ${a.role.padEnd(11)} one-time link: ${a.magicLink}`).join("\n");
process.stdout.write(`
  edgedesk is running.

  Widget demo   ${BASE}/                 (a shop page embedding ${BASE}/widget.js for ${DEMO_TENANT})
  Console       ${BASE}/console          (agents)
  Dashboard     ${BASE}/dashboard        (supervisors and admins: live, history, admin)
  Sign in       workspace ${DEMO_TENANT}, password ${demo.password}
${agentLines}
  API key       ${demo.apiKey}
  API           ${BASE}/v1  (reference: ${BASE}/docs; try: curl -H "authorization: Bearer ${demo.apiKey}" ${BASE}/v1/conversations)

`);
