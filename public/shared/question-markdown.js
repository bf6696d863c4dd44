// Question text, choices and explanations as Markdown (code, maths) on the console and the
// projector, through the one renderer (shared/markdown.js, sanitised). A page redraws
// often (every frame), so an element is rendered again only when its text changes.
import { renderInto } from '/static/shared/markdown.js';

const shown = new WeakMap();

/**
 * Shows `text` rendered into `node`; `inline: true` for a label such as a choice (no
 * paragraph). Plain text comes out as that text, so messages can go through here too.
 */
export function showMarkdown(node, text, { inline = false } = {}) {
  const source = String(text ?? '');
  const key = `${inline}\u0000${source}`;
  if (shown.get(node) === key) return;
  shown.set(node, key);
  renderInto(node, source, { inline });
}
