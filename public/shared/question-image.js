// A question's image, on the console (thumbnail) and the projector (large). The <img> is
// created only while the question has one, so an empty page holds no image element, and
// it is kept across redraws while its source stays the same (no reload, no flicker).
import { el } from '/static/shared/dom.js';

/** Shows `src` (with `alt`) in `box`, or empties and hides `box` when `src` is null. */
export function showImageIn(box, src, alt, { className = '', testId } = {}) {
  box.hidden = !src;
  if (!src) return box.replaceChildren();
  let image = box.querySelector('img');
  if (!image || image.getAttribute('src') !== src) {
    image = el('img', { className, attrs: { src, ...(testId ? { 'data-testid': testId } : {}) } });
    box.replaceChildren(image);
  }
  image.alt = alt;
  image.title = alt;
}
