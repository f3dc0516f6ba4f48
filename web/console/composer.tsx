import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ContentPart } from "../../shared/message";
import { upload } from "../lib/media";
import { accessToken } from "../lib/session";
import { searchCanned, type Canned } from "./api";
import { ClipIcon, LockIcon } from "./icons";
import { cannedQuery } from "./timeline";
import { problemText } from "./use-conversation";

const CANNED_DEBOUNCE_MS = 200;

function useCanned(query: string | null) {
  const [items, setItems] = useState<Canned[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (query === null) return setItems([]);
    let live = true;
    const t = window.setTimeout(() => {
      searchCanned(query).then(
        (r) => live && (setItems(r.data), setError(null)),
        (e: unknown) => live && setError(problemText(e)),
      );
    }, CANNED_DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [query]);
  return { items, error };
}

export type ComposerProps = {
  disabled: string | null;
  noteMode: boolean;
  setNoteMode: (on: boolean) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** A reply to insert (from AI assist), with a counter so the same text can be inserted twice. */
  insert: { text: string; n: number } | null;
  onSend: (parts: ContentPart[]) => void;
  onNote: (body: string) => Promise<void>;
  onTyping: () => void;
};

export function Composer(props: ComposerProps) {
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pick, setPick] = useState(0);
  const file = useRef<HTMLInputElement>(null);
  const query = props.noteMode ? null : cannedQuery(draft);
  const canned = useCanned(query);

  useEffect(() => {
    if (!props.insert) return;
    setDraft((d) => (d.trim() ? `${d.trimEnd()}\n${props.insert!.text}` : props.insert!.text));
    props.inputRef.current?.focus();
  }, [props.insert]);
  useEffect(() => setPick(0), [query]);

  const choose = (c: Canned) => {
    setDraft(c.body);
    props.inputRef.current?.focus();
  };

  const submit = async () => {
    const text = draft.trim();
    if (!text || props.disabled) return;
    setError(null);
    if (props.noteMode) {
      setBusy("Saving note…");
      try {
        await props.onNote(text);
        setDraft("");
      } catch (e) {
        setError(problemText(e));
      } finally {
        setBusy(null);
      }
      return;
    }
    props.onSend([{ type: "text", text }]);
    setDraft("");
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (query !== null && canned.items.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setPick((p) => (p + (e.key === "ArrowDown" ? 1 : canned.items.length - 1)) % canned.items.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(canned.items[pick]!);
        return;
      }
    }
    if (e.key === "Escape") {
      if (query !== null) setDraft("");
      else (e.currentTarget as HTMLElement).blur();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const attach = async (files: FileList | null) => {
    const f = files?.[0];
    if (!f) return;
    setError(null);
    setBusy(`Uploading ${f.name}…`);
    try {
      const u = await upload(f, accessToken);
      const part: ContentPart = u.mime_type.startsWith("image/")
        ? { type: "image", url: u.url, mime_type: u.mime_type, ...(draft.trim() ? { caption: draft.trim() } : {}) }
        : { type: "file", url: u.url, name: u.name, mime_type: u.mime_type, size: u.size };
      props.onSend(part.type === "file" && draft.trim() ? [{ type: "text", text: draft.trim() }, part] : [part]);
      setDraft("");
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(null);
      if (file.current) file.current.value = "";
    }
  };

  return (
    <form
      class={`composer${props.noteMode ? " composer-note" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {query !== null && (
        <ul class="canned" role="listbox" aria-label="Canned responses" data-testid="canned-list">
          {canned.error && <li class="canned-empty">{canned.error}</li>}
          {!canned.error && canned.items.length === 0 && <li class="canned-empty">No canned response matches “{query}”.</li>}
          {canned.items.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === pick} class={i === pick ? "active" : ""} data-testid="canned-item" onMouseDown={(e) => (e.preventDefault(), choose(c))}>
              <span class="canned-shortcut">/{c.shortcut}</span> <strong>{c.title}</strong>
              <span class="canned-body">{c.body}</span>
            </li>
          ))}
        </ul>
      )}
      {props.disabled && <p class="composer-disabled">{props.disabled}</p>}
      <textarea
        ref={props.inputRef}
        data-testid="composer"
        aria-label={props.noteMode ? "Private note (only agents see it)" : "Reply to the customer"}
        placeholder={props.noteMode ? "Private note — only agents see it" : "Reply…  (Enter sends, Shift+Enter new line, / for canned responses)"}
        rows={3}
        value={draft}
        disabled={!!props.disabled}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          if (!props.noteMode) props.onTyping();
        }}
        onKeyDown={onKeyDown}
      />
      <div class="composer-bar">
        <button type="button" class={`toggle${props.noteMode ? " on" : ""}`} data-testid="note-toggle" aria-pressed={props.noteMode} onClick={() => props.setNoteMode(!props.noteMode)}>
          <LockIcon /> Note
        </button>
        <button type="button" data-testid="attach" disabled={!!props.disabled || props.noteMode || busy !== null} onClick={() => file.current?.click()} aria-label="Attach a file">
          <ClipIcon /> Attach
        </button>
        <input ref={file} type="file" hidden accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain" data-testid="attach-input" onChange={(e) => void attach(e.currentTarget.files)} />
        <span class="composer-status" role="status">
          {error ? <span class="error">{error}</span> : busy}
        </span>
        <button type="submit" class="primary" data-testid="send" disabled={!!props.disabled || busy !== null || !draft.trim()}>
          {props.noteMode ? "Save note" : "Send"}
        </button>
      </div>
    </form>
  );
}
