/**
 * The one renderer for questions, choices and explanations: Markdown (CommonMark plus
 * tables and strikethrough) with TeX maths in `$…$`/`$$…$$` and highlighted fenced code.
 *
 *   import { renderInto } from '/static/shared/markdown.js';
 *   await renderInto(questionElement, question.text);
 *   await renderInto(choiceLabel, choice, { inline: true });   // no <p> around it
 *
 * Pages link /static/shared/markdown.css for the code colours and the maths layout.
 *
 * Safety: raw HTML in a text shows as text (`html: false`), links go only to http(s) and
 * mailto, images are not rendered, and the HTML passes DOMPurify before it is a DOM
 * (markdown-sanitise.js). KaTeX (markdown-maths.js) is downloaded only when a text holds
 * maths. Plain text comes out as exactly that text.
 */
import { hljs, MarkdownIt } from '/static/vendor/markdown.js';
import { loadKatex, mathsPlugin } from '/static/shared/markdown-maths.js';
import { SAFE_URL, sanitiseToFragment } from '/static/shared/markdown-sanitise.js';

/** Rendered texts kept per page: a quiz's questions, choices and explanations fit easily. */
const CACHE_LIMIT = 500;

function highlightCode(code, language) {
  const known = language ? hljs.getLanguage(language) : undefined;
  const body = known
    ? hljs.highlight(code, { language, ignoreIllegals: true }).value
    : markdown.utils.escapeHtml(code);
  const languageClass = known ? ` language-${language.toLowerCase()}` : '';
  return `<pre><code class="hljs${languageClass}">${body}</code></pre>\n`;
}

const markdown = new MarkdownIt('default', {
  html: false,
  linkify: false,
  typographer: false,
  highlight: highlightCode,
});
markdown.validateLink = (url) => SAFE_URL.test(url.trim());
// An image would be fetched from wherever it points (and the CSP blocks other origins):
// `![alt](url)` stays a link at most.
markdown.disable('image');
markdown.use(mathsPlugin);

// Table alignment: markdown-it writes `style="text-align:…"`, which the CSP refuses.
for (const rule of ['th_open', 'td_open']) {
  markdown.renderer.rules[rule] = (tokens, index, options, _env, self) => {
    const token = tokens[index];
    const align = /text-align:(left|center|right)/.exec(token.attrGet('style') ?? '');
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    if (align) token.attrJoin('class', `md-align-${align[1]}`);
    return self.renderToken(tokens, index, options);
  };
}

async function renderUncached(text, inline) {
  const env = {};
  const tokens = inline ? markdown.parseInline(text, env) : markdown.parse(text, env);
  if (env.hasMaths) env.katex = await loadKatex();
  const fragment = sanitiseToFragment(markdown.renderer.render(tokens, markdown.options, env));
  // markdown-it ends each block with a newline: drop the blank text between blocks.
  for (const node of [...fragment.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE && node.data.trim() === '' && !inline) node.remove();
  }
  return fragment;
}

const rendered = new Map();

/**
 * `text` rendered as a fragment of this document (a fresh copy each call: insert it where
 * you like). `inline: true` is for a short label, such as a choice: inline Markdown and
 * maths only, no paragraph around it. Each (text, inline) is parsed once per page; it
 * rejects only if the maths bundle cannot be downloaded (and is tried again next call).
 */
export async function renderMarkdown(text, { inline = false } = {}) {
  const key = `${inline ? 'inline' : 'block'}\u0000${text}`;
  let pending = rendered.get(key);
  if (pending) {
    // Most recently used last, so the oldest entry is the first one dropped.
    rendered.delete(key);
  } else {
    pending = renderUncached(String(text), inline);
    pending.catch(() => rendered.delete(key));
  }
  rendered.set(key, pending);
  if (rendered.size > CACHE_LIMIT) rendered.delete(rendered.keys().next().value);
  return (await pending).cloneNode(true);
}

const latestRender = new WeakMap();

/**
 * Replaces `element`'s content with `text` rendered (see renderMarkdown) and gives it the
 * class `markdown` that markdown.css styles. If the element
 * is given another text before this one is ready, only the last one is shown. Should the
 * maths bundle fail to load, the text is shown as it is rather than not at all.
 */
export async function renderInto(element, text, options = {}) {
  const ticket = {};
  latestRender.set(element, ticket);
  element.classList.add('markdown');
  let content;
  try {
    content = await renderMarkdown(text, options);
  } catch {
    content = document.createTextNode(String(text));
  }
  if (latestRender.get(element) === ticket) element.replaceChildren(content);
}
