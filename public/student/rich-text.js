// Question text, choices and explanations are Markdown (with code and maths) on the wire.
// This is the one place the student page turns them into DOM, through the shared renderer
// (`/static/shared/markdown.js`: raw HTML stays text, links only to http(s)/mailto, output
// sanitised; KaTeX is downloaded only for a text that holds `$…$`).

import { renderMarkdown } from '/static/shared/markdown.js';

/** Per element: the text (and mode) it was last given, and the promise of showing it. */
const latest = new WeakMap();

/** Block elements whose text is a separate sentence when said aloud. */
const SPOKEN_BREAKS = 'p, li, pre, div, blockquote, tr, th, td, h1, h2, h3, h4, h5, h6';

async function rendered(source, inline) {
  try {
    return await renderMarkdown(source, { inline });
  } catch {
    // The maths bundle could not be downloaded: the text as it was typed.
    return document.createTextNode(source);
  }
}

/**
 * Fills `element` with `text` rendered as Markdown; `inline`: a label such as a choice (no
 * paragraphs); `control`: the label sits inside a button or a checkbox's label, so a link
 * keeps only its text (no link inside a control). The old content goes at once: until the
 * new text is rendered (a text without maths is, before the next paint; one with maths
 * waits for KaTeX) it shows as typed, never as the previous question's. A slow render of
 * an earlier text never replaces a later one. The same text again renders nothing.
 */
export function setRichText(element, text, { inline = false, control = false } = {}) {
  const source = String(text ?? '');
  const key = `${inline ? 'inline' : 'block'}:${control ? 'control' : ''}\u0000${source}`;
  const previous = latest.get(element);
  if (previous?.key === key) return previous.done;
  element.classList.add('markdown');
  element.textContent = source;
  const entry = { key, done: null };
  latest.set(element, entry);
  entry.done = rendered(source, inline).then((content) => {
    if (latest.get(element) !== entry) return;
    if (control && content instanceof DocumentFragment) {
      for (const link of content.querySelectorAll('a')) link.replaceWith(...link.childNodes);
    }
    element.replaceChildren(content);
  });
  return entry.done;
}

/**
 * `text` as one line for the screen-reader announcer: what the page shows, without the
 * Markdown marks, each formula as its TeX source (the MathML itself is on the page).
 */
export async function spokenText(text, { inline = false } = {}) {
  const content = await rendered(String(text ?? ''), inline);
  if (content instanceof DocumentFragment) {
    for (const maths of content.querySelectorAll('math')) {
      const tex = maths.querySelector('annotation')?.textContent ?? maths.textContent;
      maths.replaceWith(` ${tex.trim()} `);
    }
    for (const block of content.querySelectorAll(SPOKEN_BREAKS)) block.append(' ');
  }
  return (content.textContent ?? '').replace(/\s+/g, ' ').trim();
}
