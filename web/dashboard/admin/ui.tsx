import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useId, useLayoutEffect, useState } from "preact/hooks";
import { EdgedeskError } from "../../../sdk/rest";
import { errorsByField } from "./form-map";

/** The building blocks every admin page shares: page frame, labelled fields with their errors, toasts, confirms. */

/** What a failed call means to the person at the page; a 403 says whose account can do it instead. */
export function problemText(err: unknown, what: string): string {
  if (err instanceof EdgedeskError) {
    if (err.status === 403) return `Your account cannot ${what}. Ask an admin of this workspace (${err.detail ?? "forbidden"}).`;
    if (err.status === 401) return "Your session has ended. Sign in again.";
    if (err.status === 429) return `Too many requests; try again in ${err.retry_after ?? 60} s.`;
    const id = err.request_id ? ` (request ${err.request_id})` : "";
    return `${err.detail ?? err.title}${id}`;
  }
  return "The server cannot be reached. Check your connection and try again.";
}

type Toast = { id: number; text: string; kind: "ok" | "error" };
let toasts: Toast[] = [];
let nextToast = 1;
const toastListeners = new Set<(t: Toast[]) => void>();

function publishToasts(next: Toast[]): void {
  toasts = next;
  for (const fn of toastListeners) fn(toasts);
}

/** Shows a short message at the bottom of the page for a few seconds. */
export function toast(text: string, kind: Toast["kind"] = "ok"): void {
  const t = { id: nextToast++, text, kind };
  publishToasts([...toasts, t]);
  setTimeout(() => publishToasts(toasts.filter((x) => x.id !== t.id)), kind === "error" ? 8000 : 4000);
}

function Toasts() {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    toastListeners.add(setList);
    return () => void toastListeners.delete(setList);
  }, []);
  return (
    <div class="adm-toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`adm-toast adm-toast-${t.kind}`} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}

/** Loads under way on the page (useLoad), so the page can say it is still loading rather than look empty. */
let loading = 0;
const loadWatchers = new Set<(n: number) => void>();
function countLoad(delta: number): void {
  loading += delta;
  for (const fn of loadWatchers) fn(loading);
}

// Layout effects, here and in useLoad, so a page's first paint already says it is loading.
function useLoading(): boolean {
  const [n, setN] = useState(loading);
  useLayoutEffect(() => {
    loadWatchers.add(setN);
    setN(loading);
    return () => void loadWatchers.delete(setN);
  }, []);
  return n > 0;
}

export function Page(props: { id: string; title: string; intro: string; children: ComponentChildren }) {
  const busy = useLoading();
  return (
    <section class="adm" data-testid={`admin-${props.id}`} aria-labelledby={`adm-h-${props.id}`} aria-busy={busy ? "true" : "false"}>
      <header class="adm-head">
        <h2 id={`adm-h-${props.id}`}>{props.title}</h2>
        <p class="adm-intro">{props.intro}</p>
      </header>
      {busy && (
        <p class="adm-sub" role="status">
          Loading…
        </p>
      )}
      {props.children}
      <Toasts />
    </section>
  );
}

export function Notice(props: { kind?: "error" | "info"; children: ComponentChildren; testid?: string }) {
  return (
    <p class={`adm-notice adm-notice-${props.kind ?? "error"}`} role={props.kind === "info" ? "note" : "alert"} data-testid={props.testid ?? "problem"}>
      {props.children}
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return (
    <p class="adm-empty" data-testid="empty">
      {props.children}
    </p>
  );
}

/** Loads what a page shows; `reload` fetches again after a change, `error` is the text to show instead. */
export function useLoad<T>(load: () => Promise<T>, what: string): { data: T | null; error: string | null; reload: () => Promise<void>; setData: (t: T) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    countLoad(1);
    try {
      setData(await load());
      setError(null);
    } catch (err) {
      setError(problemText(err, what));
    } finally {
      countLoad(-1);
    }
  }, []);
  useLayoutEffect(() => void reload(), [reload]);
  return { data, error, reload, setData };
}

/**
 * A form's save: `busy` while the call runs, field errors from a 422 placed on the named fields (the rest shown
 * above the buttons), a toast when it worked.
 */
export function useSubmit(fields: readonly string[], what: string) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const run = async <T,>(call: () => Promise<T>, success: string): Promise<T | null> => {
    setBusy(true);
    setErrors({});
    try {
      const result = await call();
      toast(success);
      return result;
    } catch (err) {
      if (err instanceof EdgedeskError && err.errors?.length) setErrors(errorsByField(err.errors, fields));
      else setErrors({ "": problemText(err, what) });
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, setErrors, run };
}

type FieldProps = { name: string; label: string; error?: string | undefined; hint?: string; children: (id: string, describedBy: string | undefined) => JSX.Element };

/** A label, its control, a hint and the control's own error, tied together for screen readers. */
export function Field(props: FieldProps) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errId = props.error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`adm-field${props.error ? " adm-field-invalid" : ""}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint && (
        <small id={hintId} class="adm-hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errId} class="adm-error" data-testid={`error-${props.name}`}>
          {props.error}
        </small>
      )}
    </div>
  );
}

type InputProps = {
  name: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  type?: "text" | "email" | "password" | "url" | "number" | "color" | "date";
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  placeholder?: string;
  autocomplete?: string;
  min?: number;
  max?: number;
  step?: number | "any";
  list?: string;
};

export function TextInput({ name, label, value, onInput, error, hint, type = "text", ...rest }: InputProps) {
  return (
    <Field name={name} label={label} error={error} {...(hint ? { hint } : {})}>
      {(id, describedBy) => (
        <input
          {...rest}
          // Preact types each input type's attributes separately; these props are valid for every type offered.
          type={type as "text"}
          id={id}
          name={name}
          data-testid={`field-${name}`}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export function TextArea(props: { name: string; label: string; value: string; onInput: (v: string) => void; error?: string | undefined; hint?: string; rows?: number; placeholder?: string }) {
  return (
    <Field name={props.name} label={props.label} error={props.error} {...(props.hint ? { hint: props.hint } : {})}>
      {(id, describedBy) => (
        <textarea
          id={id}
          name={props.name}
          rows={props.rows ?? 4}
          placeholder={props.placeholder}
          data-testid={`field-${props.name}`}
          value={props.value}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export function Select<V extends string>(props: { name: string; label: string; value: V; options: readonly (readonly [V, string])[]; onChange: (v: V) => void; error?: string | undefined; hint?: string }) {
  return (
    <Field name={props.name} label={props.label} error={props.error} {...(props.hint ? { hint: props.hint } : {})}>
      {(id, describedBy) => (
        <select id={id} name={props.name} data-testid={`field-${props.name}`} value={props.value} aria-describedby={describedBy} onChange={(e) => props.onChange(e.currentTarget.value as V)}>
          {props.options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Check(props: { name: string; label: string; checked: boolean; onChange: (v: boolean) => void; error?: string | undefined }) {
  return (
    <div class={`adm-check${props.error ? " adm-field-invalid" : ""}`}>
      <label>
        <input type="checkbox" name={props.name} data-testid={`field-${props.name}`} checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} /> {props.label}
      </label>
      {props.error && (
        <small class="adm-error" data-testid={`error-${props.name}`}>
          {props.error}
        </small>
      )}
    </div>
  );
}

/** Errors that belong to no single field, and the save button with its busy state. */
export function FormActions(props: { busy: boolean; error?: string | undefined; label?: string; children?: ComponentChildren }) {
  return (
    <div class="adm-actions">
      {props.error && (
        <p class="adm-notice adm-notice-error" role="alert" data-testid="form-error">
          {props.error}
        </p>
      )}
      <button type="submit" class="adm-primary" data-testid="save" disabled={props.busy} aria-busy={props.busy}>
        {props.busy ? "Saving…" : (props.label ?? "Save")}
      </button>
      {props.children}
    </div>
  );
}

/** A destructive button that asks once more in place, so a slip of the mouse or Enter key deletes nothing. */
export function ConfirmButton(props: { label: string; question: string; confirmLabel: string; onConfirm: () => Promise<void> | void; testid: string }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="adm-danger-outline" data-testid={props.testid} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span class="adm-confirm" role="group" aria-label={props.question}>
      <span>{props.question}</span>
      <button
        type="button"
        class="adm-danger"
        data-testid="confirm"
        disabled={busy}
        ref={(el) => el?.focus()}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" data-testid="cancel" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A value to copy (a webhook URL, a one-time secret, a magic link), selectable and with a copy button. */
export function CopyValue(props: { label: string; value: string; testid: string; secret?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div class={`adm-copy${props.secret ? " adm-copy-secret" : ""}`}>
      <label for={id}>{props.label}</label>
      <div class="adm-copy-row">
        <input id={id} readOnly value={props.value} data-testid={props.testid} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(props.value);
              setCopied(true);
              setTimeout(() => setCopied(false), 2000);
            } catch {
              toast("Copying is not allowed here: select the text and copy it yourself.", "error");
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

/** A one-time secret: shown until dismissed, with the warning that it cannot be shown again. */
export function OnceSecret(props: { label: string; value: string; testid: string; onDone: () => void }) {
  return (
    <div class="adm-once" role="alert">
      <CopyValue label={props.label} value={props.value} testid={props.testid} secret />
      <p>Copy it now: it is shown only this once and cannot be retrieved later.</p>
      <button type="button" onClick={props.onDone} data-testid="dismiss-secret">
        I have copied it
      </button>
    </div>
  );
}

export function when(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
}

/** For calls that answer 204 (delete, revoke): nothing to read, but a failure still throws EdgedeskError. */
export async function expectOk(call: Promise<{ ok: boolean }>): Promise<void> {
  const res = await call;
  if (!res.ok) throw await EdgedeskError.from(res as unknown as Response);
}
