import { signStandardWebhook } from "../shared/standard-webhooks";

const TIMEOUT_MS = 10_000;
const ERROR_MAX = 300;

export type SendOutcome = { ok: boolean; status: number | null; error: string | null };

/**
 * One Standard Webhooks POST. Every signing secret given signs (during a rotation's overlap: the new one first), so
 * receivers verify with whichever secret they hold. Redirects are not followed: the URL validated is the URL called.
 */
export async function sendWebhook(url: string, secrets: string[], webhookId: string, body: string, nowMs: number): Promise<SendOutcome> {
  const ts = Math.floor(nowMs / 1000);
  const signatures = await Promise.all(secrets.map((s) => signStandardWebhook(s, webhookId, ts, body)));
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "edgedesk-webhooks/1",
        "webhook-id": webhookId,
        "webhook-timestamp": String(ts),
        "webhook-signature": signatures.join(" "),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : `HTTP ${res.status}: ${(await res.text().catch(() => "")).slice(0, ERROR_MAX)}`;
    if (ok) await res.body?.cancel();
    return { ok, status: res.status, error };
  } catch (err) {
    return { ok: false, status: null, error: String(err).slice(0, ERROR_MAX) };
  }
}
