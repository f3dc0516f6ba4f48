// The API document and its browsable reference against a real `wrangler dev`: /v1/openapi.json validates against the
// OpenAPI 3.1 schema (checked in Node: the validator compiles schemas to code, which workerd forbids), and /docs
// renders it in Chromium from this origin alone.
import { chromium } from "playwright-core";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { WranglerDev, freePort, wrangler } from "../../bench/lib/wrangler.ts";

const persistTo = `.wrangler/e2e-docs-${randomBytes(4).toString("hex")}`;
const vars = { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: randomBytes(16).toString("hex"), CHANNEL_KEY: randomBytes(32).toString("base64") };

async function main(): Promise<void> {
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
  const port = await freePort(8890);
  const dev = await WranglerDev.start({ label: "e2e-docs", configs: ["wrangler.toml"], port, inspectorPort: await freePort(9350), persistTo, vars, healthPath: "/v1/health" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const doc = (await (await fetch(`${dev.url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string }>> };
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    if (!result.valid) throw new Error(`/v1/openapi.json is not a valid OpenAPI document: ${JSON.stringify(result.errors, null, 1).slice(0, 4000)}`);
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    process.stdout.write(`e2e: /v1/openapi.json validates as OpenAPI 3.1 (${operations} operations): ok\n`);

    const page = await browser.newPage();
    const offOrigin: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(dev.url) && !r.url().startsWith("data:")) offOrigin.push(r.url());
    });
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${dev.url}/docs`);
    const summary = doc.paths["/v1/webhook-endpoints"]?.post?.summary;
    if (!summary) throw new Error("the document lacks POST /v1/webhook-endpoints");
    await page.getByText(summary).first().waitFor({ timeout: 30_000 });
    if (offOrigin.length > 0) throw new Error(`/docs loaded from outside its origin: ${offOrigin.join(", ")}`);
    if (cspViolations.length > 0) throw new Error(`/docs broke its own CSP: ${cspViolations.join("\n")}`);
    process.stdout.write("e2e: /docs renders the reference with nothing loaded from outside the origin: ok\n");
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
