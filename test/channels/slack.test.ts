/// <reference types="vite/client" />
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { InboundItem, OutboundReply } from "../../workers/channels/adapter";
import { slackAdapter as adapter, SlackConfig } from "../../workers/channels/slack";
import blockActionsFixture from "../fixtures/slack/block_actions.json?raw";
import botMessageFixture from "../fixtures/slack/bot_message.json?raw";
import fileShareFixture from "../fixtures/slack/file_share.json?raw";
import connectFileFixture from "../fixtures/slack/file_share_connect.json?raw";
import changedFixture from "../fixtures/slack/message_changed.json?raw";
import deletedFixture from "../fixtures/slack/message_deleted.json?raw";
import messageFixture from "../fixtures/slack/message.json?raw";
import reactionAddedFixture from "../fixtures/slack/reaction_added.json?raw";
import reactionRemovedFixture from "../fixtures/slack/reaction_removed.json?raw";
import richTextFixture from "../fixtures/slack/rich_text.json?raw";
import slashFixture from "../fixtures/slack/slash_command.txt?raw";
import urlVerificationFixture from "../fixtures/slack/url_verification.json?raw";
import viewSubmissionFixture from "../fixtures/slack/view_submission.json?raw";
import { signSlack } from "../signers/slack";
import { forms, mutatedJson, parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = SlackConfig.parse({ signing_secret: "8f742231b10e8888abcd99yyyzzz85a5", bot_token: "xoxb-test", api_base: "https://slack.test/api" });
const HOOK = "https://edge.test/webhooks/ten_1/slack";
const NOW = 1_750_000_000_000;
const EVENTS = [urlVerificationFixture, messageFixture, changedFixture, botMessageFixture, deletedFixture, reactionAddedFixture, reactionRemovedFixture, fileShareFixture, connectFileFixture, richTextFixture];
const INTERACTIONS = [blockActionsFixture, viewSubmissionFixture];

const req = webhookRequests(signSlack, config, HOOK, NOW);

const parse = (body: string, c: SlackConfig = config) => adapter.parse(req(body), c);
const form = (payload: unknown) => `payload=${encodeURIComponent(typeof payload === "string" ? payload : JSON.stringify(payload))}`;
const callback = (event: Record<string, unknown>, envelope: Record<string, unknown> = {}) =>
  JSON.stringify({ token: "XXYYZZ", team_id: "T1", api_app_id: "A1", event, type: "event_callback", event_id: "Ev1", event_time: 1, ...envelope });
const reply = (thread: string, parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: thread, parts, metadata: {} });
const edit = (fixture: string, f: (d: any) => void) => {
  const d = JSON.parse(fixture);
  f(d);
  return JSON.stringify(d);
};
const idOf = (item: InboundItem | undefined) => (item && "providerMessageId" in item ? item.providerMessageId : undefined);

describe("slack signature", () => {
  // https://docs.slack.dev/authentication/verifying-requests-from-slack — the worked example, byte for byte.
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const published = { "x-slack-request-timestamp": "1531420618", "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" };

  it("verifies Slack's published example exactly", async () => {
    expect(createHmac("sha256", config.signing_secret).update(`v0:1531420618:${body}`).digest("hex")).toBe(published["x-slack-signature"].slice(3));
    expect(await statusOf(adapter.verify(req(body, published), config, 1_531_420_618_000))).toBe("ok");
  });

  it("the published example is a slash command, and parses as one", async () => {
    const parsed = await adapter.parse(req(body, published), config);
    expect(parsed.items).toEqual([
      {
        kind: "message",
        externalThreadId: "T1DC2JH3J:G8PSS9T3V",
        providerMessageId: "G8PSS9T3V:command:398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        contact: { externalId: "T1DC2JH3J:U2CERLKJA", name: "roadrunner" },
        parts: [{ type: "text", text: "/webhook-collect" }],
        metadata: { command: "/webhook-collect", response_url: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN", channel_name: "foobar" },
        occurredAt: 1_531_420_618_000,
      },
    ]);
  });

  it("agrees with node:crypto on the documented payloads, JSON and forms alike", async () => {
    for (const fixture of [...EVENTS, slashFixture, form(blockActionsFixture)]) {
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

describe("slack documented events", () => {
  it("url_verification is answered with the challenge", async () => {
    expect(await parse(urlVerificationFixture)).toEqual({
      items: [],
      response: { status: 200, contentType: "text/plain", body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    });
  });

  it("a channel message starts a thread keyed by its ts, its ts is occurredAt", async () => {
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

  it("message_changed with `edited` is an edit of the original, at the edit's time", async () => {
    expect(await parse(changedFixture)).toEqual({
      items: [
        {
          kind: "change",
          externalThreadId: "TXXXXXXXX:C123ABC456:1355517523.000005",
          providerMessageId: "C123ABC456:1355517523.000005",
          contact: { externalId: "TXXXXXXXX:U123ABC456" },
          change: { type: "edit", parts: [{ type: "text", text: "Hello, world!" }] },
          occurredAt: 1_358_878_755_000,
        },
      ],
    });
  });

  it("message_deleted retracts the message previous_message describes; the documented example without it names no author", async () => {
    expect(await parse(deletedFixture)).toEqual({ items: [] });
    const withPrevious = edit(deletedFixture, (d) => (d.event.previous_message = { type: "message", user: "U123ABC456", text: "oops", ts: "1358878749.000002" }));
    expect((await parse(withPrevious)).items).toEqual([
      {
        kind: "change",
        externalThreadId: "TXXXXXXXX:C123ABC456:1358878749.000002",
        providerMessageId: "C123ABC456:1358878749.000002",
        contact: { externalId: "TXXXXXXXX:U123ABC456" },
        change: { type: "retract" },
        occurredAt: 1_358_878_755_000,
      },
    ]);
    const reply = edit(withPrevious, (d) => (d.event.previous_message.thread_ts = "1358870000.000001"));
    expect((await parse(reply)).items[0]).toMatchObject({ externalThreadId: "TXXXXXXXX:C123ABC456:1358870000.000001" });
    const bots = edit(withPrevious, (d) => (d.event.previous_message.bot_id = "B1"));
    expect(await parse(bots)).toEqual({ items: [] });
  });

  it("a thread root deleted while it has replies (message_changed to a tombstone) is retracted", async () => {
    const tombstone = callback({
      type: "message",
      subtype: "message_changed",
      hidden: true,
      channel: "C9",
      ts: "1700000100.000001",
      message: { type: "message", subtype: "tombstone", user: "USLACKBOT", text: "This message was deleted.", ts: "1700000000.000100", thread_ts: "1700000000.000100", hidden: true },
      previous_message: { type: "message", user: "U2", text: "help", ts: "1700000000.000100", thread_ts: "1700000000.000100" },
    });
    expect((await parse(tombstone)).items).toEqual([
      { kind: "change", externalThreadId: "T1:C9:1700000000.000100", providerMessageId: "C9:1700000000.000100", contact: { externalId: "T1:U2" }, change: { type: "retract" }, occurredAt: 1_700_000_100_000 },
    ]);
  });

  it("reaction_added / reaction_removed change the reacted message; the Slack name is kept as :name:", async () => {
    const item = { externalThreadId: "TXXXXXXXX:C123ABC456:1360782400.498405", providerMessageId: "C123ABC456:1360782400.498405", contact: { externalId: "TXXXXXXXX:U123ABC456" }, occurredAt: 1_360_782_804_083 };
    expect((await parse(reactionAddedFixture)).items).toEqual([{ kind: "change", ...item, change: { type: "reaction", emoji: ":thumbsup:" } }]);
    expect((await parse(reactionRemovedFixture)).items).toEqual([{ kind: "change", ...item, change: { type: "reaction", emoji: ":thumbsup:", remove: true } }]);
    const inDm = edit(reactionAddedFixture, (d) => Object.assign(d.event.item, { channel: "D1", channel_type: "im" }));
    expect((await parse(inDm)).items[0]).toMatchObject({ externalThreadId: "TXXXXXXXX:D1", providerMessageId: "D1:1360782400.498405" });
    const onFile = edit(reactionAddedFixture, (d) => (d.event.item = { type: "file", file: "F123ABC456" }));
    expect(await parse(onFile)).toEqual({ items: [] });
    const tooLong = edit(reactionAddedFixture, (d) => (d.event.reaction = `${"x".repeat(60)}::skin-tone-2`));
    expect(await parse(tooLong)).toEqual({ items: [] });
  });

  it("bot messages (our own replies among them) are ignored", async () => {
    expect(await parse(botMessageFixture)).toEqual({ items: [] });
  });

  it("a shared file is a part at the media proxy, never at url_private", async () => {
    const [item] = (await parse(fileShareFixture)).items;
    expect(item).toEqual({
      kind: "message",
      externalThreadId: "TXXXXXXXX:D0L4B9P0Q",
      providerMessageId: "D0L4B9P0Q:1529342088.000086",
      contact: { externalId: "TXXXXXXXX:U061F7AUR" },
      parts: [
        { type: "text", text: "We got one!" },
        { type: "image", url: "https://edge.test/v1/media/slack/F0RDC39U1", mime_type: "image/png" },
      ],
      metadata: { event_id: "Ev08MFMKH6" },
      occurredAt: 1_529_342_088_000,
    });
    expect(JSON.stringify(item)).not.toContain("files.slack.com");
  });

  it("a Slack Connect file (file_access check_file_info, no URL) is a file part at the proxy, not dropped", async () => {
    expect((await parse(connectFileFixture)).items[0]).toMatchObject({
      parts: [
        { type: "text", text: "We got one!" },
        { type: "file", url: "https://edge.test/v1/media/slack/F123ABC456" },
      ],
    });
  });

  it("external, deleted and plan-hidden files stay visible for what they are", async () => {
    const files = [
      { id: "F1", name: "Plan", mode: "external", is_external: true, url_private: "https://docs.google.com/document/d/1e8L/edit" },
      { id: "F2", mode: "tombstone" },
      { id: "F3", name: "old.pdf", mode: "hidden_by_limit" },
      { id: "F4", name: "clip.mp4", mimetype: "video/mp4" },
      { id: "F5", name: "memo.m4a", mimetype: "audio/mp4" },
      { id: "F6", name: "log.txt", mimetype: "text/plain", size: 120 },
    ];
    const [item] = (await parse(callback({ type: "message", subtype: "file_share", channel: "D1", channel_type: "im", user: "U2", text: "", ts: "1700000000.000100", files }))).items;
    expect(item).toMatchObject({
      parts: [
        { type: "file", url: "https://docs.google.com/document/d/1e8L/edit", name: "Plan" },
        { type: "unsupported", provider_type: "slack_file:tombstone" },
        { type: "unsupported", provider_type: "slack_file:hidden_by_limit", description: "old.pdf, hidden by the workspace's plan limits" },
        { type: "video", url: "https://edge.test/v1/media/slack/F4", mime_type: "video/mp4" },
        { type: "audio", url: "https://edge.test/v1/media/slack/F5", mime_type: "audio/mp4" },
        { type: "file", url: "https://edge.test/v1/media/slack/F6", name: "log.txt", mime_type: "text/plain", size: 120 },
      ],
    });
  });

  it("rich_text blocks become plain text with bold, italic and strike entities (Slack's rich text example)", async () => {
    const [item] = (await parse(richTextFixture)).items;
    const text = "Hello there, I am a basic rich text block!\nHello there, I am a bold rich text block!\nHello there, I am an italic rich text block!\nHello there, I am a strikethrough rich text block!";
    expect(item && "parts" in item && item.parts).toEqual([
      {
        type: "text",
        text,
        entities: [
          { type: "bold", offset: text.indexOf("I am a bold"), length: "I am a bold rich text block!".length },
          { type: "italic", offset: text.indexOf("I am an italic"), length: "I am an italic rich text block!".length },
          { type: "strikethrough", offset: text.indexOf("I am a strike"), length: "I am a strikethrough rich text block!".length },
        ],
      },
    ]);
  });

  it("links, mentions, code, lists and quotes from rich text; links and mentions from mrkdwn when there are no blocks", async () => {
    const blocks = [
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "user", user_id: "U9" },
              { type: "text", text: " see " },
              { type: "link", url: "https://x.test/a", text: "the docs" },
              { type: "text", text: " and run " },
              { type: "text", text: "npm ci", style: { code: true } },
              { type: "emoji", name: "thumbsup", unicode: "1f44d" },
            ],
          },
          { type: "rich_text_list", style: "ordered", elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "one" }] }, { type: "rich_text_section", elements: [{ type: "text", text: "two" }] }] },
          { type: "rich_text_quote", elements: [{ type: "text", text: "quoted" }] },
        ],
      },
    ];
    const [rich] = (await parse(callback({ type: "message", channel: "D1", user: "U2", text: "ignored", ts: "1.1", blocks }))).items;
    expect(rich && "parts" in rich && rich.parts).toEqual([
      {
        type: "text",
        text: "@U9 see the docs and run npm ci👍\n1. one\n2. two\nquoted",
        entities: [
          { type: "mention", offset: 0, length: 3 },
          { type: "link", url: "https://x.test/a", offset: 8, length: 8 },
          { type: "code", offset: 25, length: 6 },
          { type: "quote", offset: 48, length: 6 },
        ],
      },
    ]);
    const [plain] = (await parse(callback({ type: "message", channel: "D1", user: "U2", text: "ask <@U9|ada> about <https://x.test/b?a=1&amp;b=2|this> &lt;now&gt;", ts: "1.2" }))).items;
    expect(plain && "parts" in plain && plain.parts).toEqual([
      {
        type: "text",
        text: "ask @ada about this <now>",
        entities: [
          { type: "mention", offset: 4, length: 4 },
          { type: "link", url: "https://x.test/b?a=1&b=2", offset: 15, length: 4 },
        ],
      },
    ]);
  });
});

describe("slack other events", () => {
  it("a retry (X-Slack-Retry-Num) and the app_mention copy carry the same provider message id", async () => {
    const first = await parse(messageFixture);
    const retry = await adapter.parse(req(messageFixture, { ...signSlack(messageFixture, config, HOOK, NOW), "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }), config);
    expect(idOf(retry.items[0])).toBe(idOf(first.items[0]));
    const mention = edit(messageFixture, (d) => (d.event.type = "app_mention"));
    expect(idOf((await parse(mention)).items[0])).toBe(idOf(first.items[0]));
  });

  it("a direct message is one conversation per DM channel, thread replies join their root", async () => {
    const dm = await parse(callback({ type: "message", channel: "D024BE91L", channel_type: "im", user: "U2", text: "help", ts: "1700000000.000100" }));
    expect(dm.items[0]).toMatchObject({ externalThreadId: "T1:D024BE91L" });
    const inThread = await parse(callback({ type: "message", channel: "C9", channel_type: "channel", user: "U2", text: "more", ts: "1700000001.000200", thread_ts: "1700000000.000100" }));
    expect(inThread.items[0]).toMatchObject({ externalThreadId: "T1:C9:1700000000.000100", providerMessageId: "C9:1700000001.000200" });
  });

  it("joins, unfurls (message_changed without `edited`), file_shared and app events are skipped", async () => {
    expect(await parse(callback({ type: "message", subtype: "channel_join", channel: "C1", user: "U2", text: "<@U2> has joined", ts: "1.1" }))).toEqual({ items: [] });
    const unfurl = { type: "message", subtype: "message_changed", channel: "C1", ts: "2.2", message: { type: "message", user: "U2", text: "see https://x.test", ts: "1.1" } };
    expect(await parse(callback(unfurl))).toEqual({ items: [] });
    expect(await parse(callback({ type: "file_shared", channel_id: "D01315BHHSN", file_id: "F2147483862", user_id: "U0Z7K8SRH", file: { id: "F2147483862" }, event_ts: "1617804931.000300" }))).toEqual({ items: [] });
    expect(await parse(callback({ type: "app_home_opened", user: "U2", channel: "D1", tab: "home" }))).toEqual({ items: [] });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("not json"))).toBe(400);
    expect(await statusOf(parse("payload=%7Bbroken"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ challenge: "x" })))).toBe(422);
    expect(await statusOf(parse(JSON.stringify({ type: "url_verification" })))).toBe(422);
    expect(await statusOf(parse(callback({ type: "message", user: "U2", text: "no channel", ts: "1.1" })))).toBe(422);
    expect(await statusOf(parse(callback({ type: "reaction_added", user: "U2", item: { type: "message", channel: "C1", ts: "1.1" } })))).toBe(422);
    expect(await statusOf(parse("command=%2Fhelp&text=x"))).toBe(422);
  });
});

describe("slack recipient check (S3)", () => {
  const pinned = SlackConfig.parse({ ...config, team_id: "TXXXXXXXX", app_id: "AXXXXXXXXX" });

  it("deliveries for the configured workspace and app pass; another team or app is 403", async () => {
    expect(await statusOf(parse(messageFixture, pinned))).toBe("ok");
    expect(await statusOf(parse(messageFixture.replace('"team_id": "TXXXXXXXX"', '"team_id": "T0OTHER"'), pinned))).toBe(403);
    expect(await statusOf(parse(messageFixture.replace('"api_app_id": "AXXXXXXXXX"', '"api_app_id": "A0OTHER"'), pinned))).toBe(403);
    expect(await statusOf(parse(edit(messageFixture, (d) => delete d.team_id), pinned))).toBe(403);
    // The challenge names neither: Slack sends it when the URL is set, before anything is installed.
    expect(await statusOf(parse(urlVerificationFixture, pinned))).toBe("ok");
  });

  it("slash commands and interactivity are checked the same way", async () => {
    const forT0001 = SlackConfig.parse({ ...config, team_id: "T0001" });
    expect(await statusOf(parse(slashFixture, forT0001))).toBe("ok");
    expect(await statusOf(parse(slashFixture, pinned))).toBe(403);
    const appOnly = SlackConfig.parse({ ...config, app_id: "AABA1ABCD" });
    expect(await statusOf(parse(form(blockActionsFixture), appOnly))).toBe("ok");
    expect(await statusOf(parse(form(blockActionsFixture), pinned))).toBe(403);
    expect(await statusOf(parse(form(viewSubmissionFixture), pinned))).toBe(403);
  });
});

describe("slack slash commands and interactivity", () => {
  it("a slash command (Slack's example) is the customer writing in that channel, answered at once and ephemerally", async () => {
    expect(await parse(slashFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "T0001:C2147483705",
          providerMessageId: "C2147483705:command:13345224609.738474920.8088930838d88f008e0",
          contact: { externalId: "T0001:U2147483697", name: "Steve" },
          parts: [{ type: "text", text: "/weather 94070" }],
          metadata: { command: "/weather", response_url: "https://hooks.slack.com/commands/1234/5678", channel_name: "test" },
          occurredAt: NOW,
        },
      ],
      response: { status: 200, contentType: "application/json", body: JSON.stringify({ response_type: "ephemeral", text: "Thanks, we got your message. We will answer you here." }) },
    });
    const custom = await parse(slashFixture, SlackConfig.parse({ ...config, command_ack: "Un agent arrive." }));
    expect(JSON.parse(custom.response!.body)).toEqual({ response_type: "ephemeral", text: "Un agent arrive." });
  });

  it("a button click (Slack's block_actions example) is a choice in the clicked message's thread, answered with an empty 200", async () => {
    expect(await parse(form(blockActionsFixture))).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "T9TK3CUKW:CBR2V3XEX:1548261231.000200",
          providerMessageId: "CBR2V3XEX:action:1548426417.840180",
          contact: { externalId: "T9TK3CUKW:UA8RXUSPL", name: "jtorrance" },
          parts: [{ type: "choice", value: "click_me_123", label: "View" }],
          metadata: { action_id: "WaXA", block_id: "=qXel" },
          occurredAt: 1_548_426_417_840,
        },
      ],
      response: { status: 200, contentType: "text/plain; charset=utf-8", body: "" },
    });
  });

  it("our own quick replies land in the thread they were posted in; selects, pickers and inputs give their values", async () => {
    const base = JSON.parse(blockActionsFixture);
    const actions = [
      { type: "static_select", action_id: "size", action_ts: "1700000005.000001", selected_option: { text: { type: "plain_text", text: "Medium" }, value: "size_m" } },
      { type: "checkboxes", action_id: "extras", action_ts: "1700000005.000002", selected_options: [{ text: { text: "Gift wrap" }, value: "wrap" }, { text: { text: "Card" }, value: "card" }] },
      { type: "datepicker", action_id: "when", action_ts: "1700000005.000003", selected_date: "2026-05-01" },
      { type: "users_select", action_id: "who", action_ts: "1700000005.000004", selected_user: "U7" },
      { type: "plain_text_input", action_id: "note", action_ts: "1700000005.000005", value: "ring twice" },
      { type: "static_select", action_id: "cleared", action_ts: "1700000005.000006", selected_option: null },
      { type: "button", action_id: "link", action_ts: "1700000005.000007", url: "https://x.test" },
    ];
    const payload = { ...base, container: { type: "message", message_ts: "1700000002.000300", channel_id: "C9", thread_ts: "1700000000.000100" }, channel: { id: "C9" }, actions };
    const { items } = await parse(form(payload));
    expect(items.map((i) => "parts" in i && [i.externalThreadId, i.parts])).toEqual([
      ["T9TK3CUKW:C9:1700000000.000100", [{ type: "choice", value: "size_m", label: "Medium" }]],
      ["T9TK3CUKW:C9:1700000000.000100", [{ type: "choice", value: "wrap", label: "Gift wrap" }, { type: "choice", value: "card", label: "Card" }]],
      ["T9TK3CUKW:C9:1700000000.000100", [{ type: "choice", value: "2026-05-01" }]],
      ["T9TK3CUKW:C9:1700000000.000100", [{ type: "choice", value: "U7" }]],
      ["T9TK3CUKW:C9:1700000000.000100", [{ type: "text", text: "ring twice" }]],
    ]);
    const inModal = { ...base, container: { type: "view", view_id: "V1" }, channel: undefined };
    expect(await parse(form(inModal))).toMatchObject({ items: [], response: { status: 200, body: "" } });
  });

  it("a modal submission (Slack's view_submission example) is a form part in the submitter's DM with the app", async () => {
    expect(await parse(form(viewSubmissionFixture))).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "T9TK3CUKW:UA8RXUSPL",
          providerMessageId: "view:VNHU13V36:156663117.cd33ad1f",
          contact: { externalId: "T9TK3CUKW:UA8RXUSPL", name: "jtorrance" },
          parts: [{ type: "form", name: "Modal with inputs", fields: { "multi-line": "This is my example inputted value" } }],
          metadata: { view_id: "VNHU13V36", callback_id: "modal-with-inputs" },
          occurredAt: NOW,
        },
      ],
      response: { status: 200, contentType: "text/plain; charset=utf-8", body: "" },
    });
  });

  it("a modal's opener can name its conversation in private_metadata; every input kind is a field", async () => {
    const d = JSON.parse(viewSubmissionFixture);
    d.view.private_metadata = JSON.stringify({ channel_id: "C9", thread_ts: "1700000000.000100" });
    d.view.state.values = {
      topic: { pick: { type: "static_select", selected_option: { text: { text: "Billing" }, value: "billing" } } },
      tags: { many: { type: "multi_static_select", selected_options: [{ value: "a" }, { value: "b" }] } },
      when: { date: { type: "datepicker", selected_date: null }, at: { type: "datetimepicker", selected_date_time: 1_700_000_000 } },
      qty: { n: { type: "number_input", value: "3" } },
    };
    const [item] = (await parse(form(d))).items;
    expect(item).toMatchObject({
      externalThreadId: "T9TK3CUKW:C9:1700000000.000100",
      parts: [{ type: "form", fields: { topic: "billing", tags: ["a", "b"], "when.date": null, "when.at": 1_700_000_000, qty: "3" } }],
    });
  });

  it("a message shortcut is a choice in that message's thread; global shortcuts and view_closed store nothing", async () => {
    const shortcut = { type: "message_action", token: "x", action_ts: "1581106241.371594", team: { id: "T1", domain: "acme" }, user: { id: "U2", name: "ada" }, api_app_id: "A1", channel: { id: "C9", name: "support" }, callback_id: "ask_support", trigger_id: "1.2.3", response_url: "https://hooks.slack.com/app/T1/1/x", message: { type: "message", user: "U3", ts: "1700000001.000200", thread_ts: "1700000000.000100", text: "it is broken" } };
    expect((await parse(form(shortcut))).items).toEqual([
      {
        kind: "message",
        externalThreadId: "T1:C9:1700000000.000100",
        providerMessageId: "C9:shortcut:1581106241.371594",
        contact: { externalId: "T1:U2", name: "ada" },
        parts: [{ type: "choice", value: "ask_support" }],
        metadata: { shortcut: "ask_support", message_ts: "1700000001.000200", response_url: "https://hooks.slack.com/app/T1/1/x" },
        occurredAt: 1_581_106_241_372,
      },
    ]);
    const global = { type: "shortcut", token: "XXXXXXXXXXXXX", action_ts: "1581106241.371594", team: { id: "TXXXXXXXX", domain: "shortcuts-test" }, user: { id: "UXXXXXXXXX", username: "aman", team_id: "TXXXXXXXX" }, callback_id: "shortcut_create_task", trigger_id: "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638" };
    expect(await parse(form(global))).toEqual({ items: [], response: { status: 200, contentType: "text/plain; charset=utf-8", body: "" } });
    expect((await parse(form({ type: "view_closed", team: { id: "T1" }, user: { id: "U2" }, view: { id: "V1" }, is_cleared: false }))).items).toEqual([]);
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

  it("a reply to a slash command or modal posts into the channel or the user's DM it came from", async () => {
    const [command] = await adapter.send(reply("T0001:C2147483705", [{ type: "text", text: "Sunny" }]), config);
    expect(JSON.parse(command!.body)).toEqual({ channel: "C2147483705", text: "Sunny" });
    const [modal] = await adapter.send(reply("T9TK3CUKW:UA8RXUSPL", [{ type: "text", text: "Got it" }]), config);
    expect(JSON.parse(modal!.body)).toEqual({ channel: "UA8RXUSPL", text: "Got it" });
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

/** Changes carry parts too (an edit's), and they must be as valid as a message's. */
function wellFormed(r: { items: InboundItem[] }): void {
  for (const item of r.items) {
    if (item.kind === "message") expect(ContentPart.array().min(1).safeParse(item.parts).success).toBe(true);
    if (item.kind === "change" && item.change.type === "edit") expect(ContentPart.array().min(1).safeParse(item.change.parts).success).toBe(true);
  }
}

const SLASH_KEYS = ["token", "team_id", "channel_id", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "api_app_id"];

parseNeverCrashes({
  name: "slack",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: EVENTS,
  check: wellFormed,
  extraBodies: {
    "any form post": fc.jsonValue().map((v) => form(v)),
    "any mutation of a documented interaction payload": mutatedJson(INTERACTIONS).map(form),
    "any slash command form": forms(fc.constantFrom(...SLASH_KEYS), fc.oneof(fc.string(), fc.constantFrom("T1", "C1", "/help", "U1", "1.2.3", "<@U1|ada> <https://x.test|x>"))),
  },
  numRuns: 500,
});
