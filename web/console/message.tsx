import { useEffect, useState } from "preact/hooks";
import type { ContentPart, StandardMessage } from "../../shared/message";
import { timeOfDay } from "../lib/format";
import { mediaUrl } from "../lib/media";
import { accessToken } from "../lib/session";
import { ClipIcon, LockIcon, MicIcon, PinIcon } from "./icons";
import type { NoteLike, PendingMessage } from "./timeline";

/** A stored attachment as a blob: URL (fetched with the bearer token), null while loading, an Error if it is gone. */
function useMedia(url: string): string | null | Error {
  const [src, setSrc] = useState<string | null | Error>(null);
  useEffect(() => {
    let live = true;
    mediaUrl(url, accessToken).then(
      (s) => live && setSrc(s),
      (e: unknown) => live && setSrc(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return src;
}

function ImagePart(props: { url: string; caption?: string | undefined }) {
  const src = useMedia(props.url);
  if (src instanceof Error) return <p class="part-missing">Image unavailable</p>;
  return (
    <figure class="part-image">
      {src ? (
        <a href={src} target="_blank" rel="noopener">
          <img src={src} alt={props.caption ?? "Image from the conversation"} loading="lazy" />
        </a>
      ) : (
        <div class="part-image-loading" aria-label="Loading image" />
      )}
      {props.caption && <figcaption>{props.caption}</figcaption>}
    </figure>
  );
}

function FilePart(props: { url: string; name?: string | undefined; size?: number | undefined }) {
  const src = useMedia(props.url);
  const label = props.name ?? "Attachment";
  const size = props.size !== undefined ? ` · ${props.size < 1024 * 1024 ? `${Math.max(1, Math.round(props.size / 1024))} KB` : `${(props.size / 1024 / 1024).toFixed(1)} MB`}` : "";
  if (src instanceof Error) return <p class="part-missing">{label} (unavailable)</p>;
  return src ? (
    <a class="part-file" href={src} download={label}>
      <ClipIcon /> {label}
      {size}
    </a>
  ) : (
    <span class="part-file">
      <ClipIcon /> {label}…
    </span>
  );
}

function Part({ part }: { part: ContentPart }) {
  switch (part.type) {
    case "text":
      return <p class="part-text">{part.text}</p>;
    case "image":
      return <ImagePart url={part.url} caption={part.caption} />;
    case "file":
      return <FilePart url={part.url} name={part.name} size={part.size} />;
    case "choice":
      return <p class="part-text">{part.label ?? part.value}</p>;
    case "quick_replies":
      return (
        <div>
          {part.text && <p class="part-text">{part.text}</p>}
          <p class="part-options">{part.options.map((o) => o.label).join(" · ")}</p>
        </div>
      );
    case "card":
      return (
        <div class="part-card">
          <strong>{part.title}</strong>
          {part.subtitle && <p>{part.subtitle}</p>}
        </div>
      );
    case "location":
      return <p class="part-text">
          <PinIcon /> {part.name ?? part.address ?? `${part.latitude}, ${part.longitude}`}</p>;
    case "audio":
      return <p class="part-text">
          <MicIcon /> Voice message{part.transcript ? `: ${part.transcript}` : ""}</p>;
    default:
      return <p class="part-other">[{part.type.replace("_", " ")}]</p>;
  }
}

function deliveryLabel(m: StandardMessage, customerReadSeq: number): string {
  if (m.seq <= customerReadSeq || m.delivery?.status === "read") return "Read";
  if (m.delivery?.status === "failed") return `Not delivered${m.delivery.reason ? `: ${m.delivery.reason}` : ""}`;
  if (m.delivery?.status === "delivered") return "Delivered";
  return "Sent";
}

export function MessageBubble(props: { message: StandardMessage; sender: string; mine: boolean; customerReadSeq: number }) {
  const m = props.message;
  const side = m.sender.kind === "customer" ? "in" : "out";
  return (
    <li class={`msg msg-${side} msg-${m.sender.kind}`} data-testid="message" data-sender={m.sender.kind} data-seq={m.seq}>
      <div class="msg-meta">
        <span class="msg-sender">{props.sender}</span>
        <time dateTime={new Date(m.created_at).toISOString()}>{timeOfDay(m.created_at)}</time>
      </div>
      <div class="msg-body">{m.retracted_at ? <p class="part-other">Message withdrawn</p> : m.parts.map((p, i) => <Part key={i} part={p} />)}</div>
      {props.mine && (
        <div class="msg-state" data-testid="message-state">
          {deliveryLabel(m, props.customerReadSeq)}
        </div>
      )}
    </li>
  );
}

export function PendingBubble(props: { pending: PendingMessage; onRetry: () => void }) {
  const p = props.pending;
  return (
    <li class={`msg msg-out msg-agent${p.failed ? " msg-failed" : " msg-pending"}`} data-testid="message" data-sender="agent" data-pending="true">
      <div class="msg-meta">
        <span class="msg-sender">You</span>
        <time>{timeOfDay(p.created_at)}</time>
      </div>
      <div class="msg-body">
        {p.parts.map((part, i) => (
          <Part key={i} part={part} />
        ))}
      </div>
      <div class="msg-state" role={p.failed ? "alert" : undefined}>
        {p.failed ? (
          <>
            Not sent: {p.failed}{" "}
            <button type="button" class="link" onClick={props.onRetry}>
              Retry
            </button>
          </>
        ) : (
          "Sending…"
        )}
      </div>
    </li>
  );
}

export function NoteBubble(props: { note: NoteLike; mine: boolean }) {
  const n = props.note;
  return (
    <li class="msg msg-note" data-testid="note">
      <div class="msg-meta">
        <span class="msg-sender">
          <LockIcon /> Private note · {props.mine ? "You" : n.author.name}
        </span>
        <time>{timeOfDay(n.created_at)}</time>
      </div>
      <div class="msg-body">
        <p class="part-text">{n.body}</p>
      </div>
    </li>
  );
}
