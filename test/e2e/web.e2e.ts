// Browser end to end for the web product (issue 9): the embeddable widget on a customer's page, the agent console
// and the supervisor dashboard, against a real `wrangler dev`, driven in Debian's Chromium. Host pages live on
// their own origins (served by Playwright's router) so the widget runs cross-origin exactly as it does on a
// customer's site. Screenshots of every page go to test/artifacts/ (ignored by git).
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { WranglerDev, freePort, wrangler } from "../../bench/lib/wrangler.ts";
import { Api } from "../../bench/lib/provision.ts";

const persistTo = `.wrangler/e2e-web-${randomBytes(4).toString("hex")}`;
const vars = { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: randomBytes(16).toString("hex"), CHANNEL_KEY: randomBytes(32).toString("base64") };
const ARTIFACTS = "test/artifacts";
const SHOP = "http://shop.test";
const HOSTILE = "http://hostile.test";
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const WAIT = { timeout: 20_000 };

/** A 1×1 PNG and a small text file: real bytes, so the server's content sniffing accepts them. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const RECEIPT = Buffer.from("Receipt #1042\nTotal: 59.00 EUR\n");

const HOSTILE_CSS = `
  * { font-size: 38px !important; line-height: 3 !important; box-sizing: content-box !important; color: lime !important; }
  button, input, textarea { display: none !important; }
  div { position: absolute !important; left: -9999px; opacity: 0.2 !important; }
  body > * { transform: rotate(3deg) !important; z-index: -1 !important; }
`;

function hostPage(base: string, tenant: string, opts: { lang?: string; css?: string } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><style>${opts.css ?? "body { font-family: serif; }"}</style></head>
<body><h1>Acme Shop</h1><p>Our finest products.</p>
<script src="${base}/widget.js" data-tenant="${tenant}"${opts.lang ? ` data-lang="${opts.lang}"` : ""} async></script>
</body></html>`;
}

function log(msg: string): void {
  process.stdout.write(`e2e web: ${msg}\n`);
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: false });
}

/** Serves host pages on made-up origins inside this browser context only. */
async function hostOn(ctx: BrowserContext, origin: string, html: string): Promise<void> {
  await ctx.route(`${origin}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
}

async function signIn(page: Page, base: string, path: string, tenant: string, email: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByTestId("signin-tenant").fill(tenant);
  await page.getByTestId("signin-email").fill(email);
  await page.getByTestId("signin-password").fill(PASSWORD);
  await shot(page, `${path.slice(1)}-signin`);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("signin-form").waitFor({ state: "detached", ...WAIT });
}

type Ctx = { browser: Browser; base: string; api: Api; tenant: { id: string; api_key: string } };

async function openWidget(page: Page): Promise<void> {
  await page.locator("edgedesk-widget").getByTestId("launcher").click();
  await page.locator("edgedesk-widget").getByTestId("panel").waitFor(WAIT);
}

const w = (page: Page) => page.locator("edgedesk-widget");

async function conversationsOf(c: Ctx): Promise<{ id: string; status: string }[]> {
  return (await c.api.call<{ data: { id: string; status: string }[] }>("GET", "/v1/conversations?limit=50", c.tenant.api_key)).data;
}

async function main(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith("failure-")) rmSync(`${ARTIFACTS}/${f}`);
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
  const port = await freePort(8890);
  const dev = await WranglerDev.start({ label: "e2e-web", configs: ["wrangler.toml"], port, inspectorPort: await freePort(9350), persistTo, vars, healthPath: "/v1/health" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // Host pages on made-up public origins call the runtime on 127.0.0.1: Chromium's private-network checks would
    // block that, and a customer's site calls a public edge, so they are off here.
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const api = new Api(dev.url);
    const tenant = await api.call<{ id: string; api_key: string }>("POST", "/v1/admin/tenants", vars.ADMIN_TOKEN, { name: "Acme Shop", allowed_origins: [dev.url, SHOP, HOSTILE] });
    await api.call("POST", "/v1/agents", tenant.api_key, { name: "Ada Lovelace", email: "ada@e2e.test", role: "agent", password: PASSWORD });
    await api.call("POST", "/v1/agents", tenant.api_key, { name: "Sam Supervisor", email: "sam@e2e.test", role: "supervisor", password: PASSWORD });
    await api.call("POST", "/v1/agents", tenant.api_key, { name: "Alex Admin", email: "alex@e2e.test", role: "admin", password: PASSWORD });
    await api.call("PATCH", "/v1/tenant", tenant.api_key, {
      widget: { color: "#0f766e", title: "Acme help", greeting: { en: "Hi! How can we help today?", zh: "您好！今天有什么可以帮您？" }, prechat: { enabled: true, fields: [{ name: "name", required: true }] } },
    });
    const c: Ctx = { browser, base: dev.url, api, tenant };

    await securityHeaders(c);
    const { consolePage, visitor, visitorCtx } = await conversationFlow(c);
    await resolveAndSurvey(c, consolePage, visitor);
    await closedThenNew(c, consolePage, visitor, visitorCtx);
    await dashboardPages(c);
    await widgetVariants(c);
    log(`all checks passed; screenshots in ${ARTIFACTS}/`);
  } catch (err) {
    // What every open page looked like when it failed, for the person reading the log.
    const pages = browser.contexts().flatMap((ctx) => ctx.pages());
    await Promise.all(pages.map((p, i) => p.screenshot({ path: `${ARTIFACTS}/failure-${i}.png` }).catch(() => undefined)));
    process.stderr.write(`${dev.output().slice(-4000)}\n`);
    throw err;
  } finally {
    await browser.close();
    await dev.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

async function securityHeaders(c: Ctx): Promise<void> {
  for (const path of ["/console", "/dashboard"]) {
    const res = await fetch(`${c.base}${path}`);
    const csp = res.headers.get("content-security-policy") ?? "";
    if (res.status !== 200 || !csp.includes("script-src 'self'") || !csp.includes("frame-ancestors 'none'")) throw new Error(`${path}: status ${res.status}, CSP "${csp}"`);
  }
  const widget = await fetch(`${c.base}/widget.js`);
  if (widget.status !== 200 || !(widget.headers.get("content-type") ?? "").includes("javascript")) throw new Error(`/widget.js: ${widget.status}`);
  log("console and dashboard carry a CSP; /widget.js is served");
}

async function conversationFlow(c: Ctx) {
  const agentCtx = await c.browser.newContext({ viewport: { width: 1366, height: 860 } });
  const consolePage = await agentCtx.newPage();
  await signIn(consolePage, c.base, "/console", c.tenant.id, "ada@e2e.test");
  await consolePage.getByTestId("status-select").selectOption("available");

  const visitorCtx = await c.browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  await hostOn(visitorCtx, SHOP, hostPage(c.base, c.tenant.id));
  const visitor = await visitorCtx.newPage();
  await visitor.goto(`${SHOP}/`);
  await w(visitor).getByTestId("launcher").waitFor(WAIT);
  await shot(visitor, "widget-closed");
  await openWidget(visitor);
  await w(visitor).getByTestId("prechat").waitFor(WAIT);
  await shot(visitor, "widget-prechat");
  await w(visitor).getByTestId("prechat").locator("input").first().fill("Maria Lopez");
  await w(visitor).getByTestId("prechat-submit").click();
  await w(visitor).getByTestId("greeting").filter({ hasText: "How can we help" }).waitFor(WAIT);
  if ((await conversationsOf(c)).length !== 0) throw new Error("opening the widget created a conversation before the visitor wrote");
  await w(visitor).getByTestId("composer").fill("Hello, my order 1042 has not arrived");
  await shot(visitor, "widget-prechat-done");
  await w(visitor).getByTestId("composer").press("Enter");
  await until("the conversation to exist after the first message", async () => (await conversationsOf(c)).length === 1);
  log("the widget creates the conversation at the first message, not at page view");

  const offer = consolePage.getByTestId("offer").first();
  await offer.waitFor(WAIT);
  await offer.filter({ hasText: "Maria Lopez" }).filter({ hasText: "my order 1042" }).waitFor(WAIT);
  const t1 = await offer.getByTestId("offer-countdown").textContent();
  await consolePage.waitForTimeout(1500);
  const t2 = await offer.getByTestId("offer-countdown").textContent();
  if (!t1 || t1 === t2) throw new Error(`the offer countdown does not move: ${t1} → ${t2}`);
  if (/\b(cnv|ctc|agt)_/.test((await offer.textContent()) ?? "")) throw new Error("the offer shows a raw id");
  await shot(consolePage, "console-offer");
  await offer.getByTestId("offer-accept").click();
  await consolePage.getByTestId("message").filter({ hasText: "my order 1042" }).waitFor(WAIT);
  log("the console got the offer with the customer's name, message and a live countdown, and accepted it");

  // Typing both ways.
  await consolePage.getByTestId("composer").pressSequentially("Let me ch", { delay: 40 });
  await w(visitor).getByTestId("typing").waitFor(WAIT);
  await w(visitor).getByTestId("composer").pressSequentially("Thanks", { delay: 40 });
  await consolePage.getByTestId("typing").waitFor(WAIT);
  await w(visitor).getByTestId("composer").fill("");
  log("typing shows both ways");

  await consolePage.getByTestId("composer").fill("Hi Maria! Let me check order 1042 for you.");
  await consolePage.getByTestId("composer").press("Enter");
  const reply = w(visitor).locator('[data-testid="message"][data-sender="agent"]').filter({ hasText: "Let me check order 1042" });
  await reply.waitFor(WAIT);
  await reply.filter({ hasText: "Ada" }).waitFor(WAIT);
  const mine = w(visitor).locator('[data-testid="message"][data-sender="visitor"]').filter({ hasText: "my order 1042" });
  await until("the visitor's message to show as read", async () => (await mine.getAttribute("data-state")) === "read");
  await shot(visitor, "widget-conversation");
  log("the visitor sees the reply with the agent's name, and their own message as read");

  // The visitor's network drops: messages written meanwhile wait in the outbox and arrive once, in order.
  await visitorCtx.setOffline(true);
  await w(visitor).getByTestId("offline").waitFor(WAIT);
  for (const text of ["Still there?", "It was a blue jacket"]) {
    await w(visitor).getByTestId("composer").fill(text);
    await w(visitor).getByTestId("composer").press("Enter");
  }
  await consolePage.getByTestId("composer").fill("Found it: it ships tomorrow.");
  await consolePage.getByTestId("composer").press("Enter");
  await shot(visitor, "widget-offline");
  await visitorCtx.setOffline(false);
  await w(visitor).getByTestId("offline").waitFor({ state: "hidden", ...WAIT });
  await w(visitor).getByTestId("message").filter({ hasText: "it ships tomorrow" }).waitFor(WAIT);
  await consolePage.getByTestId("message").filter({ hasText: "blue jacket" }).waitFor(WAIT);
  for (const [page, text] of [
    [consolePage, "Still there?"],
    [consolePage, "blue jacket"],
    [visitor, "it ships tomorrow"],
  ] as const) {
    const scope = page === visitor ? w(visitor) : consolePage;
    const n = await scope.getByTestId("message").filter({ hasText: text }).count();
    if (n !== 1) throw new Error(`after the network returned, "${text}" shows ${n} times`);
  }
  const order = await consolePage.getByTestId("message").allTextContents();
  if (order.findIndex((t) => t.includes("Still there?")) > order.findIndex((t) => t.includes("blue jacket"))) throw new Error("offline messages arrived out of order");
  log("network drop and return: nothing lost, nothing doubled, order kept");

  // Attachments both ways.
  await w(visitor).getByTestId("attach").setInputFiles({ name: "jacket.png", mimeType: "image/png", buffer: PNG });
  const img = consolePage.locator('[data-testid="message"] img');
  await img.first().waitFor(WAIT);
  await until("the console to preview the visitor's image", async () => ((await img.first().getAttribute("src")) ?? "").startsWith("blob:"));
  await consolePage.getByTestId("attach-input").setInputFiles({ name: "receipt.txt", mimeType: "text/plain", buffer: RECEIPT });
  await w(visitor).getByTestId("message").filter({ hasText: "receipt.txt" }).waitFor(WAIT);
  await shot(consolePage, "console-conversation");
  log("attachments go both ways (image previewed, file linked)");
  const rawIds = ((await consolePage.locator("body").innerText()).match(/\b(cnv|ctc|agt|ten)_[A-Za-z0-9]+/g) ?? []).filter((id) => id !== c.tenant.id);
  if (rawIds.length) throw new Error(`the console shows raw ids: ${rawIds.slice(0, 5).join(", ")}`);

  // History across reloads.
  await visitor.reload();
  await openWidget(visitor);
  await w(visitor).getByTestId("message").filter({ hasText: "it ships tomorrow" }).waitFor(WAIT);
  if ((await conversationsOf(c)).length !== 1) throw new Error("a reload started another conversation");
  log("history survives a reload without a new conversation");
  return { consolePage, visitor, visitorCtx };
}

async function resolveAndSurvey(c: Ctx, consolePage: Page, visitor: Page): Promise<void> {
  await consolePage.getByTestId("action-resolve").click();
  await w(visitor).getByTestId("resolved").waitFor(WAIT);
  // The console's lists follow at once: out of "Mine", into "Resolved".
  await consolePage.getByTestId("conversation-status").filter({ hasText: "resolved" }).waitFor(WAIT);
  await consolePage.getByTestId("tab-mine").click();
  await consolePage.getByTestId("conversation-item").filter({ hasText: "Maria Lopez" }).waitFor({ state: "detached", ...WAIT });
  await consolePage.getByTestId("tab-resolved").click();
  await consolePage.getByTestId("conversation-item").filter({ hasText: "Maria Lopez" }).waitFor(WAIT);
  await shot(consolePage, "console-resolved");
  const survey = w(visitor).getByTestId("survey");
  await survey.waitFor(WAIT);
  await shot(visitor, "widget-survey");
  await survey.locator('[data-score="5"]').click();
  await w(visitor).getByTestId("message").filter({ hasText: "Thank you for your feedback" }).waitFor(WAIT);
  await until("the CSAT answer to reach analytics", async () => {
    const s = await c.api.call<Record<string, unknown>>("GET", "/v1/analytics/summary", c.tenant.api_key);
    return JSON.stringify(s).includes('"csat"') && !JSON.stringify(s).match(/"csat":\s*null/);
  }, 45_000);
  log("resolve → the widget shows the resolved notice and the CSAT prompt; the answer reached analytics");
}

async function closedThenNew(c: Ctx, consolePage: Page, visitor: Page, visitorCtx: BrowserContext): Promise<void> {
  const [first] = await conversationsOf(c);
  await c.api.call("POST", `/v1/conversations/${first!.id}/state`, c.tenant.api_key, { action: "close" });
  const returning = await visitorCtx.newPage();
  await returning.goto(`${SHOP}/`);
  await openWidget(returning);
  await w(returning).getByTestId("new-conversation").click();
  await w(returning).getByTestId("composer").fill("Hello again, a new question about sizes");
  await w(returning).getByTestId("composer").press("Enter");
  await until("a second conversation", async () => (await conversationsOf(c)).length === 2);
  await w(returning).getByTestId("message").filter({ hasText: "a new question" }).waitFor(WAIT);
  const failed = await w(returning).locator('[data-testid="message"][data-state="failed"]').count();
  if (failed) throw new Error("the returning visitor's message failed");
  await shot(returning, "widget-new-conversation");
  const offer = consolePage.getByTestId("offer").filter({ hasText: "a new question" });
  await offer.waitFor(WAIT);
  await offer.getByTestId("offer-accept").click();
  await consolePage.getByTestId("message").filter({ hasText: "a new question" }).waitFor(WAIT);

  // Transfer to a colleague with a note: the conversation leaves Ada and waits for Sam.
  const second = (await conversationsOf(c)).find((x) => x.id !== first!.id)!;
  await consolePage.getByTestId("action-transfer").click();
  await consolePage.getByTestId("transfer-kind-agent").check();
  await consolePage.getByTestId("transfer-target").selectOption({ label: "Sam Supervisor" });
  await consolePage.getByTestId("transfer-note").fill("Asks about sizes; Sam knows the catalogue");
  await shot(consolePage, "console-transfer");
  await consolePage.getByTestId("transfer-submit").click();
  const agents = (await c.api.call<{ data: { id: string; name: string }[] }>("GET", "/v1/agents", c.tenant.api_key)).data;
  const ada = agents.find((a) => a.name === "Ada Lovelace")!.id;
  await until("the transfer to leave Ada", async () => {
    const snap = await c.api.call<{ status: string; assignee_id: string | null }>("GET", `/v1/conversations/${second.id}`, c.tenant.api_key);
    return snap.assignee_id !== ada;
  });
  await consolePage.getByTestId("tab-mine").click();
  await consolePage.getByTestId("conversation-item").filter({ hasText: "Maria Lopez" }).waitFor({ state: "detached", ...WAIT });
  log("the agent accepted the returning visitor's conversation and transferred it to a colleague with a note");
  await returning.close();
  await visitor.close();
  log("a returning visitor whose conversation was closed starts a new one");
}

async function dashboardPages(c: Ctx): Promise<void> {
  const ctx = await c.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, c.base, "/dashboard", c.tenant.id, "sam@e2e.test");
  await page.getByTestId("tile-waiting").waitFor(WAIT);
  await page.getByTestId("agents-table").filter({ hasText: "Ada Lovelace" }).waitFor(WAIT);
  await shot(page, "dashboard-live");
  await page.getByTestId("nav-history").click();
  await until("the CSAT score on the dashboard", async () => {
    const text = (await page.getByTestId("summary-csat").textContent()) ?? "";
    if (/\d/.test(text)) return true;
    await page.reload();
    await page.getByTestId("nav-history").click().catch(() => undefined);
    return false;
  }, 45_000);
  await page.getByTestId("chart-csat").waitFor(WAIT);
  await shot(page, "dashboard-history");
  await page.getByTestId("nav-conversations").click();
  await page.getByText("Maria Lopez").first().waitFor(WAIT);
  const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.getByTestId("csv-export").click()]);
  if (!(await download.suggestedFilename()).endsWith(".csv")) throw new Error("the export is not a CSV file");
  await shot(page, "dashboard-conversations");
  log("dashboard: live tiles and agents, history charts with the CSAT score, drill-down list, CSV export");
  await ctx.close();

  const adminCtx = await c.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const admin = await adminCtx.newPage();
  await signIn(admin, c.base, "/dashboard", c.tenant.id, "alex@e2e.test");
  for (const id of ["channels", "agents", "queues", "hours", "bot", "surveys", "webhooks", "api-keys", "widget", "canned"]) {
    await admin.goto(`${c.base}/dashboard#/admin/${id}`);
    await admin.locator(`[data-testid="admin-${id}"][aria-busy="false"]`).waitFor(WAIT);
    if (await admin.locator('[data-testid="admin-' + id + '"] [role="alert"]').count()) throw new Error(`admin page ${id} shows an error`);
    await shot(admin, `dashboard-admin-${id}`);
  }
  await admin.goto(`${c.base}/dashboard#/admin/agents`);
  await admin.getByTestId("agent-row").filter({ hasText: "Ada Lovelace" }).waitFor(WAIT);
  if (await admin.locator(".dash-admin[open]").count()) throw new Error("the admin menu stays open over the page after navigating");
  log("every admin page renders for an admin");
  await adminCtx.close();
}

async function widgetVariants(c: Ctx): Promise<void> {
  const zh = await c.browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  await hostOn(zh, SHOP, hostPage(c.base, c.tenant.id));
  const zhPage = await zh.newPage();
  await zhPage.goto(`${SHOP}/`);
  await openWidget(zhPage);
  const form = (await w(zhPage).getByTestId("prechat").textContent()) ?? "";
  if (!/[\u4e00-\u9fff]/.test(form)) throw new Error(`the widget is not in Chinese for a zh browser: "${form}"`);
  await shot(zhPage, "widget-zh-prechat");
  await w(zhPage).getByTestId("prechat").locator("input").first().fill("李雷");
  await w(zhPage).getByTestId("prechat-submit").click();
  await w(zhPage).getByTestId("greeting").filter({ hasText: "您好" }).waitFor(WAIT);
  await shot(zhPage, "widget-zh");
  await zh.close();
  log("the widget speaks Chinese to a zh-CN browser");

  const phone = await c.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "en-US" });
  await hostOn(phone, SHOP, hostPage(c.base, c.tenant.id));
  const phonePage = await phone.newPage();
  await phonePage.goto(`${SHOP}/`);
  await openWidget(phonePage);
  const box = await w(phonePage).getByTestId("panel").boundingBox();
  if (!box || box.width < 380 || box.height < 700) throw new Error(`on a phone the panel is ${JSON.stringify(box)}, not full screen`);
  await shot(phonePage, "widget-phone");
  await phone.close();
  log("on a phone the panel fills the screen");

  const hostile = await c.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  await hostOn(hostile, HOSTILE, hostPage(c.base, c.tenant.id, { css: HOSTILE_CSS }));
  const hostilePage = await hostile.newPage();
  await hostilePage.goto(`${HOSTILE}/`);
  await openWidget(hostilePage);
  const launcherBox = await w(hostilePage).getByTestId("panel").boundingBox();
  if (!launcherBox || launcherBox.x < 0 || launcherBox.width > 600) throw new Error(`hostile CSS moved the panel: ${JSON.stringify(launcherBox)}`);
  await w(hostilePage).getByTestId("prechat").locator("input").first().fill("Hostile Harry");
  await w(hostilePage).getByTestId("prechat-submit").click();
  await w(hostilePage).getByTestId("composer").fill("Does this page break you?");
  await w(hostilePage).getByTestId("send").click();
  await w(hostilePage).locator('[data-testid="message"][data-sender="visitor"]').filter({ hasText: "break you" }).waitFor(WAIT);
  await shot(hostilePage, "widget-hostile-css");
  await hostile.close();
  log("a host page with hostile CSS does not break the widget");

  const unknown = await c.browser.newContext({ locale: "en-US" });
  await hostOn(unknown, SHOP, hostPage(c.base, "ten_doesnotexist"));
  const unknownPage = await unknown.newPage();
  await unknownPage.goto(`${SHOP}/`);
  await openWidget(unknownPage);
  await w(unknownPage).getByTestId("error").waitFor(WAIT);
  await shot(unknownPage, "widget-unknown-tenant");
  await unknown.close();
  log("an unknown tenant gets a clear error, not a spinner");
}

main().catch((err) => {
  process.stderr.write(`e2e web failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
