// Browser end to end: the demo widget and the agent console against a real `wrangler dev`, driven in
// Debian's Chromium. A customer writes, the agent is offered the conversation, accepts and answers.
import { chromium } from "playwright-core";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { WranglerDev, freePort, wrangler } from "../../bench/lib/wrangler.ts";
import { Api } from "../../bench/lib/provision.ts";

const persistTo = `.wrangler/e2e-${randomBytes(4).toString("hex")}`;
const vars = { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: randomBytes(16).toString("hex"), CHANNEL_KEY: randomBytes(32).toString("base64") };

async function main(): Promise<void> {
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
  const port = await freePort(8870);
  const dev = await WranglerDev.start({ label: "e2e", configs: ["wrangler.toml"], port, inspectorPort: await freePort(9330), persistTo, vars, healthPath: "/v1/health" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const api = new Api(dev.url);
    const tenant = await api.call<{ id: string; api_key: string }>("POST", "/v1/admin/tenants", vars.ADMIN_TOKEN, { name: "E2E Shop", allowed_origins: [dev.url] });
    const agent = await api.createAgent(tenant.api_key, "Ada", "ada@e2e.test");
    const { token } = await api.agentToken(tenant.api_key, agent.id);

    const consolePage = await browser.newPage();
    await consolePage.goto(`${dev.url}/console.html#token=${token}`);
    await consolePage.selectOption("#status-select", "available");
    await consolePage.waitForSelector("text=you are available");

    const widget = await browser.newPage();
    await widget.goto(`${dev.url}/?tenant=${tenant.id}`);
    await widget.fill("#text", "Hello from the browser");
    await widget.press("#text", "Enter");

    await consolePage.click("#offers button:has-text('Accept')", { timeout: 15_000 }).catch(async (err) => {
      const desk = await api.call("GET", "/v1/routing/desk", tenant.api_key);
      throw new Error(`no offer reached the console; desk: ${JSON.stringify(desk)}\n${dev.output().slice(-3000)}`, { cause: err });
    });
    await consolePage.waitForSelector("#log .msg:has-text('Hello from the browser')", { timeout: 15_000 });
    await consolePage.fill("#text", "Hi! How can I help?");
    await consolePage.press("#text", "Enter");

    await widget.waitForSelector("#log .msg:has-text('Hi! How can I help?')", { timeout: 15_000 });
    await widget.screenshot({ path: `${persistTo}/widget.png` });
    process.stdout.write("e2e: customer ↔ agent through widget, desk offer and console: ok\n");

    // The customer edits their message, the agent reacts to it, the customer unsends it: both sides show each change.
    widget.once("dialog", (d) => void d.accept("Hello, edited in the browser"));
    const own = widget.locator("#log .msg.mine", { hasText: "Hello from the browser" });
    await own.hover();
    await own.locator("button[aria-label=Edit]").click();
    const seenByAgent = consolePage.locator("#log .msg", { hasText: "Hello, edited in the browser" });
    await seenByAgent.locator("small", { hasText: "edited" }).waitFor({ timeout: 15_000 });
    await seenByAgent.hover();
    await seenByAgent.locator("button[aria-label=React]").click();
    await widget.locator("#log .msg.mine", { hasText: "Hello, edited in the browser" }).locator(".reactions span", { hasText: "👍" }).waitFor({ timeout: 15_000 });
    const edited = widget.locator("#log .msg.mine", { hasText: "Hello, edited in the browser" });
    await edited.hover();
    await edited.locator("button[aria-label=Unsend]").click();
    await consolePage.locator("#log .msg.retracted", { hasText: "This message was unsent" }).waitFor({ timeout: 15_000 });
    if ((await consolePage.textContent("#log"))?.includes("Hello, edited in the browser")) throw new Error("the console still shows an unsent message's text");
    process.stdout.write("e2e: edit, reaction and unsend shown on both sides: ok\n");

    // A returning visitor resumes with the stored resume token, which the session rotates.
    const stored = () => widget.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), `edgedesk:${tenant.id}`);
    const before = await stored();
    const shown = await widget.textContent("#ids");
    await widget.reload();
    await widget.waitForSelector("#log .msg:has-text('Hi! How can I help?')", { timeout: 15_000 });
    await widget.waitForSelector("#log .msg.retracted", { timeout: 15_000 });
    const after = await stored();
    if ((await widget.textContent("#ids")) !== shown || after.contact_id !== before.contact_id || !after.resume_token?.startsWith("edr_") || after.resume_token === before.resume_token) {
      throw new Error(`reload did not resume with a rotated token: ${JSON.stringify({ before, after })}`);
    }
    process.stdout.write("e2e: widget reload resumes the conversation with a rotated resume token: ok\n");
  } finally {
    await browser.close();
    await dev.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`e2e failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
