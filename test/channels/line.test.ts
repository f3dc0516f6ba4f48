/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { InboundItem, OutboundReply } from "../../workers/channels/adapter";
import { lineAdapter as adapter, LineConfig } from "../../workers/channels/line";
import audioFixture from "../fixtures/line/audio.json?raw";
import fileFixture from "../fixtures/line/file.json?raw";
import followFixture from "../fixtures/line/follow.json?raw";
import imageFixture from "../fixtures/line/image.json?raw";
import locationFixture from "../fixtures/line/location.json?raw";
import postbackFixture from "../fixtures/line/postback.json?raw";
import stickerFixture from "../fixtures/line/sticker.json?raw";
import stickerMessageFixture from "../fixtures/line/sticker_message.json?raw";
import textFixture from "../fixtures/line/text_group.json?raw";
import joinFixture from "../fixtures/line/join.json?raw";
import leaveFixture from "../fixtures/line/leave.json?raw";
import memberJoinedFixture from "../fixtures/line/member_joined.json?raw";
import memberLeftFixture from "../fixtures/line/member_left.json?raw";
import unfollowFixture from "../fixtures/line/unfollow.json?raw";
import unsendFixture from "../fixtures/line/unsend.json?raw";
import videoFixture from "../fixtures/line/video_external.json?raw";
import { signLine } from "../signers/line";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = LineConfig.parse({
  channel_secret: "8c570fa6dd201bb328f1c1eac23a96d8",
  channel_access_token: "line-channel-token",
  api_base: "https://line.test",
  data_api_base: "https://line-data.test",
});
const HOOK = "https://edge.test/webhooks/ten_1/line";
const NOW = 1_750_000_000_000;
const FIXTURES = [
  textFixture,
  imageFixture,
  locationFixture,
  stickerFixture,
  stickerMessageFixture,
  postbackFixture,
  followFixture,
  unfollowFixture,
  unsendFixture,
  joinFixture,
  leaveFixture,
  memberJoinedFixture,
  memberLeftFixture,
  audioFixture,
  videoFixture,
  fileFixture,
];
const USER = { externalThreadId: "U4af4980629...", contact: { externalId: "U4af4980629..." } };

const req = webhookRequests(signLine, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const reply = (parts: ContentPart[], messageId = "msg_1"): OutboundReply => ({ messageId, externalThreadId: "U4af4980629...", parts, metadata: {} });

describe("line signature", () => {
  it("accepts base64 HMAC-SHA256 computed independently (node:crypto) over the documented bytes", async () => {
    for (const body of FIXTURES) {
      const signature = createHmac("sha256", config.channel_secret).update(body).digest("base64");
      expect(await statusOf(adapter.verify(req(body, { "x-line-signature": signature }), config, NOW))).toBe("ok");
    }
  });

  it("rejects a missing signature, a changed body, a hex signature and another channel's secret with 401", async () => {
    const signed = signLine(textFixture, config, HOOK, NOW);
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture.replace("Morning", "Evening"), signed), config, NOW))).toBe(401);
    const hex = createHmac("sha256", config.channel_secret).update(textFixture).digest("hex");
    expect(await statusOf(adapter.verify(req(textFixture, { "x-line-signature": hex }), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture, signLine(textFixture, { channel_secret: "other" }, HOOK, NOW)), config, NOW))).toBe(401);
  });
});

const GROUP = { externalThreadId: "Ca56f94637c...", contact: { externalId: "U4af4980629..." } };
const JOINED_GROUP = { externalThreadId: "C4af4980629...", contact: { externalId: "C4af4980629..." } };
const withDestination = (fixture: string, destination: string) => fixture.replace('"destination": "xxxxxxxxxx"', `"destination": "${destination}"`);

describe("line documented events", () => {
  it("text in a group: the group is the thread, the user the contact; mentions are entities, quote token and emoji ids kept", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...GROUP,
          providerMessageId: "444573844083572737",
          parts: [{ type: "text", text: "@All @example Good Morning!! (love)", entities: [{ type: "mention", offset: 0, length: 4 }, { type: "mention", offset: 5, length: 8 }] }],
          metadata: {
            source_type: "group",
            quote_token: "q3Plxr4AgKd...",
            mark_as_read_token: "30yhdy232...",
            emojis: [{ index: 29, length: 6, product_id: "5ac1bfd5040ab15980c9b435", emoji_id: "001" }],
            mentions: [
              { index: 0, length: 4, type: "all" },
              { index: 5, length: 8, type: "user", user_id: "U49585cd0d5..." },
            ],
          },
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
  });

  it("a quote of an earlier message is reply_to; a group message without userId is kept under the group, marked", async () => {
    const quoting = textFixture.replace('"quoteToken": "q3Plxr4AgKd...",', '"quoteToken": "q3Plxr4AgKd...", "quotedMessageId": "468789577898262530",');
    expect((await parse(quoting)).items[0]).toMatchObject({ metadata: { reply_to: "468789577898262530", quote_token: "q3Plxr4AgKd..." } });
    const anonymous = textFixture.replace('"userId": "U4af4980629..."', '"roomless": true');
    expect((await parse(anonymous)).items[0]).toMatchObject({ externalThreadId: "Ca56f94637c...", contact: { externalId: "Ca56f94637c..." }, metadata: { source_type: "group", sender_unknown: true } });
    const room = textFixture.replace('"type": "group",\n        "groupId": "Ca56f94637c...",', '"type": "room",\n        "roomId": "Ra8dbf4673c...",');
    expect((await parse(room)).items[0]).toMatchObject({ externalThreadId: "Ra8dbf4673c...", contact: { externalId: "U4af4980629..." }, metadata: { source_type: "room" } });
  });

  it("a mention span that does not fit the text is dropped, not misplaced", async () => {
    const wide = textFixture.replace('"index": 5,\n              "length": 8,', '"index": 30,\n              "length": 80,');
    const [item] = (await parse(wide)).items;
    expect(item && "parts" in item && item.parts[0]).toEqual({ type: "text", text: "@All @example Good Morning!! (love)", entities: [{ type: "mention", offset: 0, length: 4 }] });
  });

  it("image sent by the user: a media proxy URL (never the token-guarded Get content URL), the message id and image set in metadata", async () => {
    expect(await parse(imageFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "354718705033693859",
          parts: [{ type: "image", url: "https://edge.test/v1/media/line/354718705033693859" }],
          metadata: {
            source_type: "user",
            quote_token: "q3Plxr4AgKd...",
            mark_as_read_token: "30yhdy232...",
            media: [{ id: "354718705033693859" }],
            image_set: { id: "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855", index: 1, total: 2 },
          },
          occurredAt: 1_627_356_924_513,
        },
      ],
    });
  });

  it("audio and files from LINE go through the proxy; externally hosted video keeps its own URL", async () => {
    expect((await parse(audioFixture)).items[0]).toMatchObject({ parts: [{ type: "audio", url: "https://edge.test/v1/media/line/325708", duration_s: 60 }], metadata: { media: [{ id: "325708" }] } });
    expect((await parse(fileFixture)).items[0]).toMatchObject({ parts: [{ type: "file", url: "https://edge.test/v1/media/line/325708", name: "file.txt", size: 2138 }] });
    const [video] = (await parse(videoFixture)).items;
    expect(video).toMatchObject({ parts: [{ type: "video", url: "https://example.com/original.mp4", duration_s: 60 }] });
    expect(video && "metadata" in video && video.metadata.media).toBeUndefined();
  });

  it("location", async () => {
    expect(await parse(locationFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "325708",
          parts: [{ type: "location", latitude: 35.67966, longitude: 139.73669, name: "my location", address: "1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282 Japan" }],
          metadata: { source_type: "user", mark_as_read_token: "30yhdy232..." },
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
  });

  it("a sticker is named for what it is (its image cannot be fetched); a message sticker's words are text", async () => {
    const keywords = ["cony", "sally", "Staring", "hi", "whatsup", "line", "howdy", "HEY", "Peeking", "wave", "peek", "Hello", "yo", "greetings"];
    expect(await parse(stickerFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "1501597916",
          parts: [{ type: "unsupported", provider_type: "sticker", description: "LINE sticker (cony, sally, Staring, hi, whatsup)" }],
          metadata: { source_type: "user", quote_token: "q3Plxr4AgKd...", mark_as_read_token: "30yhdy232...", sticker: { package_id: "11537", sticker_id: "52002738", resource_type: "ANIMATION", keywords } },
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
    expect((await parse(stickerMessageFixture)).items[0]).toMatchObject({
      externalThreadId: "C99ae82bcd...",
      contact: { externalId: "Ub82c8fd9b..." },
      parts: [{ type: "text", text: "Let's\nhang out\nthis weekend!" }],
      metadata: { sticker: { package_id: "12287", sticker_id: "738839", resource_type: "MESSAGE" } },
    });
  });

  it("postback from a date-time picker: a choice of the picked value, data as payload", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "U91eeaf62d...",
          contact: { externalId: "U91eeaf62d..." },
          providerMessageId: "postback:01FZ74A0TDDPYRVKNK77XKC3ZR",
          parts: [{ type: "choice", value: "2017-12-25T01:00" }],
          metadata: { source_type: "user", payload: "storeId=12345", params: { datetime: "2017-12-25T01:00" } },
          occurredAt: 1_513_669_370_317,
        },
      ],
    });
  });

  it("unsend retracts the message it names, by the user who sent it", async () => {
    expect(await parse(unsendFixture)).toEqual({
      items: [{ kind: "change", ...GROUP, providerMessageId: "325708", change: { type: "retract" }, occurredAt: 1_462_629_479_859 }],
    });
  });

  it("join, leave, member join and leave are events in the group; unfollow (a block) is an event in the user's chat", async () => {
    const text = async (fixture: string) => {
      const [item] = (await parse(fixture)).items;
      return item && "parts" in item ? { ...item, parts: item.parts } : item;
    };
    expect(await text(joinFixture)).toEqual({
      kind: "message",
      ...JOINED_GROUP,
      providerMessageId: "join:01FZ74A0TDDPYRVKNK77XKC3ZR",
      parts: [{ type: "text", text: "The LINE account was added to this group" }],
      metadata: { line_event: "join", source_type: "group", sender_unknown: true },
      event: true,
      occurredAt: 1_462_629_479_859,
    });
    expect(await text(leaveFixture)).toMatchObject({ ...JOINED_GROUP, event: true, parts: [{ type: "text", text: "The LINE account left this group" }] });
    expect(await text(memberJoinedFixture)).toMatchObject({
      ...JOINED_GROUP,
      event: true,
      providerMessageId: "memberJoined:01FZ74A0TDDPYRVKNK77XKC3ZR",
      parts: [{ type: "text", text: "Joined this group: U4af4980629..., U91eeaf62d9..." }],
      metadata: { members: ["U4af4980629...", "U91eeaf62d9..."] },
    });
    expect(await text(memberLeftFixture)).toMatchObject({ event: true, parts: [{ type: "text", text: "Left this group: U4af4980629..., U91eeaf62d9..." }], occurredAt: 1_462_629_479_960 });
    expect(await text(unfollowFixture)).toMatchObject({ ...USER, event: true, parts: [{ type: "text", text: "The customer blocked the LINE account" }] });
  });

  it("follow, video viewing, beacon, account link and membership store nothing; LINE's empty verification webhook is fine", async () => {
    expect(await parse(followFixture)).toEqual({ items: [] });
    for (const e of [
      { type: "videoPlayComplete", videoPlayComplete: { trackingId: "track-id" } },
      { type: "beacon", beacon: { hwid: "d41d8cd98f", type: "enter" } },
      { type: "accountLink", link: { result: "ok", nonce: "xxxxxxxxxxxxxxx" } },
      { type: "membership", membership: { type: "joined", membershipId: 3189 } },
    ]) {
      expect(await parse(JSON.stringify({ destination: "xxxxxxxxxx", events: [{ mode: "active", timestamp: 1, source: { type: "user", userId: "U1" }, webhookEventId: "01", ...e }] }))).toEqual({ items: [] });
    }
    expect(await parse(JSON.stringify({ destination: "Uxxxxxxxxxxxxxx", events: [] }))).toEqual({ items: [] });
  });
});

describe("line recipient check (S3)", () => {
  const BOT = "U0123456789abcdef0123456789abcdef";
  const pinned = LineConfig.parse({ ...config, bot_user_id: BOT });

  it("a webhook for the configured bot passes; another destination, or none, is 403", async () => {
    expect(await statusOf(adapter.parse(req(withDestination(textFixture, BOT)), pinned))).toBe("ok");
    expect(await statusOf(adapter.parse(req(textFixture), pinned))).toBe(403);
    expect(await statusOf(adapter.parse(req(JSON.stringify({ events: [] })), pinned))).toBe(403);
    // Without bot_user_id (existing tenants) nothing changes.
    expect(await statusOf(parse(textFixture))).toBe("ok");
  });
});

describe("line other events", () => {
  const event = (e: Record<string, unknown>) => JSON.stringify({ destination: "U1", events: [{ mode: "active", timestamp: 1_776_914_799_524, source: { type: "group", groupId: "C9", userId: "U9" }, webhookEventId: "01K", ...e }] });

  it("messageEdited is an edit of the original message at the edit's time (the latest timestamp wins)", async () => {
    expect((await parse(event({ type: "messageEdited", message: { type: "text", id: "610830548529053697", quoteToken: "qE1", text: "Edited message" } }))).items).toEqual([
      {
        kind: "change",
        externalThreadId: "C9",
        contact: { externalId: "U9" },
        providerMessageId: "610830548529053697",
        change: { type: "edit", parts: [{ type: "text", text: "Edited message" }], metadata: { quote_token: "qE1" } },
        occurredAt: 1_776_914_799_524,
      },
    ]);
  });

  it("an unknown message type, or an external URL a part cannot hold, is named, never dropped or turned into text", async () => {
    expect((await parse(event({ type: "message", message: { id: "1", type: "hologram" } }))).items[0]).toMatchObject({ parts: [{ type: "unsupported", provider_type: "hologram" }] });
    const bad = event({ type: "message", message: { id: "2", type: "image", contentProvider: { type: "external", originalContentUrl: "ftp://x.test/a.png" } } });
    expect((await parse(bad)).items[0]).toMatchObject({ parts: [{ type: "unsupported", provider_type: "image" }] });
  });

  it("a rich menu switch postback is a choice of its data; standby-mode events are marked", async () => {
    const [item] = (await parse(event({ type: "postback", mode: "standby", postback: { data: "richmenu-changed-to-b", params: { newRichMenuAliasId: "richmenu-alias-b", status: "SUCCESS" } } }))).items;
    expect(item).toMatchObject({ parts: [{ type: "choice", value: "richmenu-changed-to-b" }], metadata: { mode: "standby" } });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("{"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ destination: "U1" })))).toBe(422);
    expect(await statusOf(parse(event({ type: "message", message: { type: "text", text: "no id" } })))).toBe(422);
    expect(await statusOf(parse(event({ type: "unsend", unsend: {} })))).toBe(422);
    expect(await statusOf(parse(JSON.stringify({ events: [{ type: "message", source: { type: "user" }, message: { id: "1", type: "text", text: "x" } }] })))).toBe(422);
  });
});

describe("line send", () => {
  it("pushes to the thread with the channel access token and an idempotency retry key", async () => {
    const [push] = await adapter.send(reply([{ type: "text", text: "Hello, world" }]), config);
    expect(push).toMatchObject({
      url: "https://line.test/v2/bot/message/push",
      method: "POST",
      headers: { authorization: "Bearer line-channel-token", "content-type": "application/json" },
      body: JSON.stringify({ to: "U4af4980629...", messages: [{ type: "text", text: "Hello, world" }] }),
    });
    const key = push!.headers["x-line-retry-key"];
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [again] = await adapter.send(reply([{ type: "text", text: "Hello, world" }]), config);
    expect(again!.headers["x-line-retry-key"]).toBe(key);
    const [other] = await adapter.send(reply([{ type: "text", text: "Hello, world" }], "msg_2"), config);
    expect(other!.headers["x-line-retry-key"]).not.toBe(key);
  });

  it("image, location and quick replies as postback actions; what LINE cannot push goes as text", async () => {
    const [push] = await adapter.send(
      reply([
        { type: "image", url: "https://cdn.test/a.jpg" },
        { type: "location", latitude: 35.67966, longitude: 139.73669, name: "my location", address: "1-3 Kioicho" },
        { type: "file", url: "https://cdn.test/r.pdf", name: "r.pdf" },
        { type: "quick_replies", text: "Which size?", options: [{ label: "S", value: "size=s" }, { label: "M", value: "size=m" }] },
      ]),
      config,
    );
    expect(JSON.parse(push!.body).messages).toEqual([
      { type: "image", originalContentUrl: "https://cdn.test/a.jpg", previewImageUrl: "https://cdn.test/a.jpg" },
      { type: "location", title: "my location", address: "1-3 Kioicho", latitude: 35.67966, longitude: 139.73669 },
      { type: "text", text: "r.pdf https://cdn.test/r.pdf" },
      {
        type: "text",
        text: "Which size?",
        quickReply: {
          items: [
            { type: "action", action: { type: "postback", label: "S", data: "size=s", displayText: "S" } },
            { type: "action", action: { type: "postback", label: "M", data: "size=m", displayText: "M" } },
          ],
        },
      },
    ]);
  });

  it("more than five messages are split over pushes, each with its own retry key", async () => {
    const parts = Array.from({ length: 6 }, (_, i): ContentPart => ({ type: "text", text: `line ${i}` }));
    const pushes = await adapter.send(reply(parts), config);
    expect(pushes.map((p) => JSON.parse(p.body).messages.length)).toEqual([5, 1]);
    expect(new Set(pushes.map((p) => p.headers["x-line-retry-key"])).size).toBe(2);
  });
});

describe("line sendOutcome", () => {
  it("sentMessages[0].id; 409 (retry key already accepted) is success", () => {
    expect(adapter.sendOutcome(200, JSON.stringify({ sentMessages: [{ id: "461230966842064897", quoteToken: "IStG5h1Tz7b..." }] }))).toEqual({ ok: true, providerMessageId: "461230966842064897" });
    expect(adapter.sendOutcome(409, JSON.stringify({ message: "The retry key is already accepted", sentMessages: [{ id: "461230966842064897" }] }))).toEqual({ ok: true, providerMessageId: "461230966842064897" });
  });

  it("400 is final, 429 and 5xx are retried", () => {
    expect(adapter.sendOutcome(400, JSON.stringify({ message: "The request body has 1 error(s)" }))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, JSON.stringify({ message: "You have reached your monthly limit." }))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(500, "")).toMatchObject({ ok: false, retryable: true });
  });
});

/** Changes carry parts too (an edit's), and they must be as valid as a message's. */
function wellFormed(r: { items: InboundItem[] }): void {
  for (const item of r.items) {
    if (item.kind === "message") expect(ContentPart.array().min(1).safeParse(item.parts).success).toBe(true);
    if (item.kind === "change" && item.change.type === "edit") expect(ContentPart.array().min(1).safeParse(item.change.parts).success).toBe(true);
  }
}

parseNeverCrashes({
  name: "line",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  check: wellFormed,
  noun: "event",
  numRuns: 500,
});
