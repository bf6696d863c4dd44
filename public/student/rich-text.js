// Question text, choices and explanations are Markdown (with code and maths) on the wire.
// This is the one place the student page turns them into DOM. Until the shared renderer
// (`/static/shared/markdown.js`) is on this branch, the source is shown as plain text.

/**
 * Fills `element` with `text`. `inline`: a choice label (no paragraphs or blocks).
 * Returns a promise so callers need not change when the Markdown renderer arrives.
 */
export function setRichText(element, text, { inline = false } = {}) {
  void inline;
  element.textContent = text ?? '';
  return Promise.resolve();
}
