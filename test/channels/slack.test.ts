/// <reference types="vite/client" />
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { slackAdapter as adapter, SlackConfig } from "../../workers/channels/slack";
import botMessageFixture from "../fixtures/slack/bot_message.json?raw";
import changedFixture from "../fixtures/slack/message_changed.json?raw";
import messageFixture from "../fixtures/slack/message.json?raw";
import urlVerificationFixture from "../fixtures/slack/url_verification.json?raw";
import { signSlack } from "../signers/slack";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = SlackConfig.parse({ signing_secret: "8f742231b10e8888abcd99yyyzzz85a5", bot_token: "xoxb-test", api_base: "https://slack.test/api" });
const HOOK = "https://edge.test/webhooks/slack/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [urlVerificationFixture, messageFixture, changedFixture, botMessageFixture];

const req = webhookRequests(signSlack, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const callback = (event: Record<string, unknown>) => JSON.stringify({ token: "XXYYZZ", team_id: "T1", api_app_id: "A1", event, type: "event_callback", event_id: "Ev1", event_time: 1 });
const reply = (thread: string, parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: thread, parts, metadata: {} });

describe("slack signature", () => {
  // https://docs.slack.dev/authentication/verifying-requests-from-slack — the worked example, byte for byte.
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const published = { "x-slack-request-timestamp": "1531420618", "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" };

  it("verifies Slack's published example exactly", async () => {
    expect(await statusOf(adapter.verify(req(body, published), config, 1_531_420_618_000))).toBe("ok");
  });

  it("agrees with node:crypto on the documented payloads", async () => {
    for (const fixture of FIXTURES) {
      const sig = `v0=${createHmac("sha256", config.signing_secret).update(`v0:1750000000:${fixture}`).digest("hex")}`;
      expect(await statusOf(adapter.verify(req(fixture, { "x-slack-request-timestamp": "1750000000", "x-slack-signature": sig }), config, NOW))).toBe("ok");
    }
  });

  it("a timestamp more than five minutes old (or ahead) is refused, even correctly signed", async () => {
    expect(await statusOf(adapter.verify(req(body, published), config, (1_531_420_618 + 300) * 1000))).toBe("ok");
    expect(await statusOf(adapter.verify(req(body, published), config, (1_531_420_618 + 301) * 1000))).toBe(401);
    expect(await statusOf(adapter.verify(req(body, published), config, (1_531_420_618 - 301) * 1000))).toBe(401);
  });

  it("missing headers, a changed body or a non-numeric timestamp → 401", async () => {
    expect(await statusOf(adapter.verify(req(body, {}), config, 1_531_420_618_000))).toBe(401);
    expect(await statusOf(adapter.verify(req(body, { "x-slack-signature": published["x-slack-signature"] }), config, 1_531_420_618_000))).toBe(401);
    expect(await statusOf(adapter.verify(req(body.replace("roadrunner", "coyote"), published), config, 1_531_420_618_000))).toBe(401);
    expect(await statusOf(adapter.verify(req(body, { ...published, "x-slack-request-timestamp": "1531420618.5" }), config, 1_531_420_618_000))).toBe(401);
  });
});

describe("slack documented payloads", () => {
  it("url_verification is answered with the challenge", async () => {
    expect(await parse(urlVerificationFixture)).toEqual({
      items: [],
      response: { status: 200, contentType: "text/plain", body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    });
  });

  it("a channel message starts a thread keyed by its ts", async () => {
    expect(await parse(messageFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "TXXXXXXXX:C123ABC456:1355517523.000005",
          providerMessageId: "C123ABC456:1355517523.000005",
          contact: { externalId: "TXXXXXXXX:U123ABC456" },
          parts: [{ type: "text", text: "Hello world" }],
          metadata: { event_id: "Ev08MFMKH6" },
          occurredAt: 1_355_517_523_000,
        },
      ],
    });
  });

  it("an edit (message_changed with `edited`) lands on the original's thread, marked edited", async () => {
    expect(await parse(changedFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "TXXXXXXXX:C123ABC456:1355517523.000005",
          providerMessageId: "C123ABC456:1355517523.000005:edit:1358878755.000001",
          contact: { externalId: "TXXXXXXXX:U123ABC456" },
          parts: [{ type: "text", text: "Hello, world!" }],
          metadata: { event_id: "Ev08MFMKH6", edited: true, edit_of: "C123ABC456:1355517523.000005" },
          occurredAt: 1_358_878_755_000,
        },
      ],
    });
  });

  it("bot messages (our own replies among them) are ignored", async () => {
    expect(await parse(botMessageFixture)).toEqual({ items: [] });
  });
});

describe("slack other events", () => {
  it("a retry (X-Slack-Retry-Num) carries the same provider message id", async () => {
    const first = await parse(messageFixture);
    const retry = await adapter.parse(req(messageFixture, { ...signSlack(messageFixture, config, HOOK, NOW), "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }), config);
    expect(retry.items[0]?.providerMessageId).toBe(first.items[0]?.providerMessageId);
  });

  it("a direct message is one conversation per DM channel, thread replies join their root", async () => {
    const dm = await parse(callback({ type: "message", channel: "D024BE91L", channel_type: "im", user: "U2", text: "help", ts: "1700000000.000100" }));
    expect(dm.items[0]?.externalThreadId).toBe("T1:D024BE91L");
    const inThread = await parse(callback({ type: "message", channel: "C9", channel_type: "channel", user: "U2", text: "more", ts: "1700000001.000200", thread_ts: "1700000000.000100" }));
    expect(inThread.items[0]).toMatchObject({ externalThreadId: "T1:C9:1700000000.000100", providerMessageId: "C9:1700000001.000200" });
  });

  it("files become parts at url_private; joins, deletions and unfurls are skipped", async () => {
    const shared = await parse(
      callback({
        type: "message",
        subtype: "file_share",
        channel: "D1",
        channel_type: "im",
        user: "U2",
        text: "",
        ts: "1700000000.000100",
        files: [
          { id: "F1", name: "shot.png", mimetype: "image/png", url_private: "https://files.slack.com/files-pri/T1-F1/shot.png" },
          { id: "F2", name: "log.txt", mimetype: "text/plain", size: 120, url_private: "https://files.slack.com/files-pri/T1-F2/log.txt" },
        ],
      }),
    );
    expect(shared.items[0]).toMatchObject({
      parts: [
        { type: "image", url: "https://files.slack.com/files-pri/T1-F1/shot.png", mime_type: "image/png" },
        { type: "file", url: "https://files.slack.com/files-pri/T1-F2/log.txt", name: "log.txt", size: 120 },
      ],
    });
    expect(await parse(callback({ type: "message", subtype: "channel_join", channel: "C1", user: "U2", text: "<@U2> has joined", ts: "1.1" }))).toEqual({ items: [] });
    expect(await parse(callback({ type: "message", subtype: "message_deleted", hidden: true, channel: "C1", ts: "1358878755.000001", deleted_ts: "1358878749.000002" }))).toEqual({ items: [] });
    const unfurl = { type: "message", subtype: "message_changed", channel: "C1", ts: "2.2", message: { type: "message", user: "U2", text: "see https://x.test", ts: "1.1" } };
    expect(await parse(callback(unfurl))).toEqual({ items: [] });
    expect(await parse(callback({ type: "reaction_added", user: "U2", reaction: "thumbsup" }))).toEqual({ items: [] });
  });

  it("a click on a quick-reply button (interactivity form post) is the customer answering", async () => {
    const payload = {
      type: "block_actions",
      team: { id: "T1", domain: "acme" },
      user: { id: "U2", username: "ada", name: "ada" },
      api_app_id: "A1",
      container: { type: "message", message_ts: "1700000002.000300", channel_id: "C9", is_ephemeral: false, thread_ts: "1700000000.000100" },
      channel: { id: "C9", name: "support" },
      message: { type: "message", ts: "1700000002.000300", thread_ts: "1700000000.000100" },
      actions: [{ type: "button", block_id: "b", action_id: "reply_0_1", text: { type: "plain_text", text: "Medium" }, value: "size_m", action_ts: "1700000005.123456" }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    expect(await parse(body)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "T1:C9:1700000000.000100",
          providerMessageId: "C9:action:1700000005.123456",
          contact: { externalId: "T1:U2", name: "ada" },
          parts: [{ type: "text", text: "Medium" }],
          metadata: { payload: "size_m" },
          occurredAt: 1_700_000_005_123,
        },
      ],
    });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("not json"))).toBe(400);
    expect(await statusOf(parse("payload=%7Bbroken"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ challenge: "x" })))).toBe(422);
    expect(await statusOf(parse(JSON.stringify({ type: "url_verification" })))).toBe(422);
    expect(await statusOf(parse(callback({ type: "message", user: "U2", text: "no channel", ts: "1.1" })))).toBe(422);
  });
});

describe("slack send", () => {
  it("chat.postMessage with the bot token, into the thread", async () => {
    expect(await adapter.send(reply("T1:C9:1700000000.000100", [{ type: "text", text: "On it!" }]), config)).toEqual([
      {
        url: "https://slack.test/api/chat.postMessage",
        method: "POST",
        headers: { authorization: "Bearer xoxb-test", "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ channel: "C9", text: "On it!", thread_ts: "1700000000.000100" }),
      },
    ]);
  });

  it("a DM reply has no thread_ts; quick replies become buttons", async () => {
    const [post] = await adapter.send(reply("T1:D1", [{ type: "quick_replies", text: "Which size?", options: [{ label: "Small", value: "size_s" }, { label: "Medium", value: "size_m" }] }]), config);
    expect(JSON.parse(post!.body)).toEqual({
      channel: "D1",
      text: "Which size?\n• Small\n• Medium",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "Which size?" } },
        {
          type: "actions",
          elements: [
            { type: "button", text: { type: "plain_text", text: "Small" }, value: "size_s", action_id: "reply_0_0" },
            { type: "button", text: { type: "plain_text", text: "Medium" }, value: "size_m", action_id: "reply_0_1" },
          ],
        },
      ],
    });
  });

  it("&, < and > are escaped so agent text is not read as links or mentions", async () => {
    const [post] = await adapter.send(reply("T1:D1", [{ type: "text", text: "a<b> & <@U1>" }]), config);
    expect(JSON.parse(post!.body).text).toBe("a&lt;b&gt; &amp; &lt;@U1&gt;");
  });

  it("a thread id without a channel cannot be answered", async () => {
    expect(await statusOf(adapter.send(reply("T1", [{ type: "text", text: "x" }]), config))).toBe(422);
  });
});

describe("slack sendOutcome", () => {
  it("ok:true → <channel>:<ts>", () => {
    expect(adapter.sendOutcome(200, JSON.stringify({ ok: true, channel: "C9", ts: "1700000010.000400", message: { text: "On it!" } }))).toEqual({ ok: true, providerMessageId: "C9:1700000010.000400" });
  });

  it("HTTP 200 with ok:false fails; only ratelimited / internal errors are retried", () => {
    expect(adapter.sendOutcome(200, JSON.stringify({ ok: false, error: "channel_not_found" }))).toEqual({ ok: false, retryable: false, reason: "Slack error: channel_not_found" });
    expect(adapter.sendOutcome(200, JSON.stringify({ ok: false, error: "ratelimited" }))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(200, JSON.stringify({ ok: false, error: "internal_error" }))).toMatchObject({ ok: false, retryable: true });
  });

  it("HTTP 4xx is final, 429 and 5xx are retried", () => {
    expect(adapter.sendOutcome(400, "invalid_json")).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(503, "")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "slack",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  extraBodies: { "any form post": fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`) },
  numRuns: 500,
});
