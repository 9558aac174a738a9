/*
 * Invisible characters that change what a reader sees: bidi controls reorder text (U+202E makes
 * "gnilatöb" read as "betalning"), zero-width characters hide a difference between two texts that look alike.
 * The API refuses them in every free text it is sent; what the log already holds (an import, an older
 * event) is shown with each such character made visible, in every rendering a person reads: the web pages,
 * the annual report (Markdown and HTML) and the CSV for Excel. Issue 17, item 9.
 */

/**
 * The bidi controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F marks,
 * U+061C the Arabic letter mark) and the zero-width characters (U+200B–U+200D, U+2060 word joiner, U+FEFF).
 */
export const INVISIBLE_CONTROL = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** Does the text hold a bidi control or a zero-width character? */
export const hasInvisibleControl = (text: string): boolean => new RegExp(INVISIBLE_CONTROL.source).test(text);

/** The invisible controls of a text as `U+202E, U+200B` (each once, in the order they first appear). */
export const invisibleControlsOf = (text: string): string[] => [...new Set(text.match(INVISIBLE_CONTROL) ?? [])].map(codePointName);

const codePointName = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The text as a person should see it: each bidi control or zero-width character replaced by its code point in
 * brackets (`[U+202E]`), so it neither reorders nor hides anything and the reader can tell it was there.
 * Everything else is left as it is. The one function every human-facing rendering goes through.
 */
export const visibleText = (text: string): string => text.replace(INVISIBLE_CONTROL, (c) => `[${codePointName(c)}]`);
