/**
 * The last step of shared/markdown.js: markdown-it's HTML (with KaTeX's MathML in it)
 * becomes a DocumentFragment only through DOMPurify, with an allow-list of exactly what
 * the renderer produces. markdown-it already escapes raw HTML (`html: false`) and refuses
 * unsafe links, and KaTeX runs untrusted: this is the second line, for the day one of
 * them has a bug or an option is loosened.
 *
 * What survives: the tags below, no `style` (the CSP refuses inline styles), no `id`, no
 * event handlers, no `data-`/`aria-` attributes, no images or embedded content, classes
 * only from the renderer's own families, and links only to http(s) and mailto, each opened
 * in a new tab with `rel="noopener noreferrer"`. A link whose address is refused is no
 * longer a link: its text stays, the `<a>` goes.
 */
import { createDOMPurify } from '/static/vendor/markdown.js';

const HTML_TAGS = [
  'a', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p',
  'pre', 's', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
];

/** The MathML elements KaTeX writes, less `mglyph` (an image). */
const MATHML_TAGS = [
  'math', 'annotation', 'menclose', 'mfrac', 'mi', 'mn', 'mo', 'mover', 'mpadded', 'mphantom', 'mroot', 'mrow',
  'mspace', 'msqrt', 'mstyle', 'msub', 'msubsup', 'msup', 'mtable', 'mtd', 'mtext', 'mtr', 'munder', 'munderover',
  'semantics',
];

const ATTRIBUTES = [
  // HTML
  'class', 'href', 'start', 'title',
  // MathML (presentation only)
  'accent', 'accentunder', 'columnalign', 'columnlines', 'columnspacing', 'depth', 'display', 'displaystyle',
  'encoding', 'fence', 'height', 'largeop', 'linethickness', 'lspace', 'mathbackground', 'mathcolor', 'mathsize',
  'mathvariant', 'maxsize', 'minsize', 'movablelimits', 'notation', 'rowalign', 'rowlines', 'rowspacing', 'rspace',
  'scriptlevel', 'separator', 'stretchy', 'symmetric', 'voffset', 'width',
];

/** The only link targets: checked by DOMPurify on every URL attribute. */
export const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;

/** The class families the renderer writes: highlight.js, fenced code, KaTeX, ours. */
const RENDERER_CLASS = /^(?:hljs(?:-[\w-]+)?|[\w-]+_|language-[\w+#.-]+|katex(?:-[\w-]+)?|maths-[\w-]+|md-[\w-]+)$/;

const CONFIG = Object.freeze({
  ALLOWED_TAGS: [...HTML_TAGS, ...MATHML_TAGS],
  ALLOWED_ATTR: ATTRIBUTES,
  // DOMPurify checks every other attribute's value against ALLOWED_URI_REGEXP too: only
  // `href` holds an address, the rest (`display="block"`, `start="3"`) must not be.
  ADD_URI_SAFE_ATTR: ATTRIBUTES.filter((name) => name !== 'href'),
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP: SAFE_URL,
  RETURN_DOM_FRAGMENT: true,
});

function createSanitiser() {
  const purify = createDOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.hasAttribute('class')) {
      const kept = [...node.classList].filter((name) => RENDERER_CLASS.test(name));
      if (kept.length > 0) node.setAttribute('class', kept.join(' '));
      else node.removeAttribute('class');
    }
    if (node.localName === 'a' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
      if (node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    } else if (node.hasAttribute?.('href')) {
      node.removeAttribute('href');
    }
  });
  return purify;
}

let sanitiser = null;

/**
 * `html` as a DocumentFragment of this document, holding only what the renderer may
 * produce (see the header). Exported for the tests of this second line on its own.
 */
export function sanitiseToFragment(html) {
  sanitiser ??= createSanitiser();
  const fragment = sanitiser.sanitize(html, CONFIG);
  for (const link of fragment.querySelectorAll('a:not([href])')) link.replaceWith(...link.childNodes);
  return fragment;
}
