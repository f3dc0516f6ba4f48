import { describe, expect, it } from "vitest";
import { isTyping, SHORTCUTS, shortcutFor, step } from "../../web/console/shortcuts";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe("console shortcuts", () => {
  it("maps every documented key to its action", () => {
    for (const s of SHORTCUTS) expect(shortcutFor(press(s.key), { tagName: "BODY" })).toBe(s.action);
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
  });

  it("does nothing while typing or with a modifier", () => {
    expect(shortcutFor(press("j"), { tagName: "TEXTAREA" })).toBeNull();
    expect(shortcutFor(press("/"), { tagName: "input" })).toBeNull();
    expect(shortcutFor(press("e"), { tagName: "DIV", isContentEditable: true })).toBeNull();
    expect(shortcutFor(press("r", { ctrlKey: true }), null)).toBeNull();
    expect(shortcutFor(press("x"), null)).toBeNull();
    expect(isTyping({ tagName: "SELECT" })).toBe(true);
    expect(isTyping({ tagName: "BUTTON" })).toBe(false);
  });

  it("steps through the list without wrapping", () => {
    const ids = ["a", "b", "c"];
    expect(step(ids, null, 1)).toBe("a");
    expect(step(ids, null, -1)).toBe("c");
    expect(step(ids, "a", 1)).toBe("b");
    expect(step(ids, "c", 1)).toBe("c");
    expect(step(ids, "a", -1)).toBe("a");
    expect(step(ids, "gone", 1)).toBe("a");
    expect(step([], "a", 1)).toBeNull();
  });
});
