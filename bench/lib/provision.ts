/** Thin HTTP client for the provisioning calls the bench needs (see workers/routes/*.ts). */
export class Api {
  readonly base: string;

  constructor(base: string) {
    this.base = base.replace(/\/$/, "");
  }

  async call<T>(method: string, path: string, bearer: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  createTenant(adminToken: string, name: string): Promise<{ id: string; api_key: string }> {
    return this.call("POST", "/v1/admin/tenants", adminToken, { name });
  }

  createAgent(apiKey: string, name: string, email: string): Promise<{ id: string }> {
    return this.call("POST", "/v1/agents", apiKey, { name, email });
  }

  agentToken(apiKey: string, agentId: string): Promise<{ token: string }> {
    return this.call("POST", `/v1/agents/${agentId}/token`, apiKey, {});
  }

  widgetSession(tenantId: string, name: string): Promise<{ token: string; contact_id: string }> {
    return this.call("POST", "/v1/widget/session", null, { tenant_id: tenantId, name });
  }

  widgetConversation(visitorToken: string): Promise<{ id: string }> {
    return this.call("POST", "/v1/widget/conversations", visitorToken, {});
  }

  conversation(token: string, id: string): Promise<{ id: string; last_seq: number; status: string }> {
    return this.call("GET", `/v1/conversations/${id}`, token);
  }

  /** A conversation's whole stored log, paged with after_seq / next_after_seq, and its last_seq. */
  async messages(token: string, id: string): Promise<{ messages: { seq: number; client_msg_id: string }[]; last_seq: number }> {
    const messages: { seq: number; client_msg_id: string }[] = [];
    for (let after = 0; ; ) {
      const page = await this.call<{ data: { seq: number; client_msg_id: string }[]; last_seq: number; next_after_seq: number | null }>(
        "GET",
        `/v1/conversations/${id}/messages?limit=500&after_seq=${after}`,
        token,
      );
      for (const m of page.data) messages.push({ seq: m.seq, client_msg_id: m.client_msg_id });
      if (page.next_after_seq === null) return { messages, last_seq: page.last_seq };
      after = page.next_after_seq;
    }
  }

  /** ws:// URL for a path on this server. */
  wsUrl(path: string): string {
    return this.base.replace(/^http/, "ws") + path;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
