/**
 * TeX maths for shared/markdown.js: a markdown-it plugin that turns `$…$` (inline),
 * `$$…$$` (display, inline or on lines of their own) into maths tokens, and KaTeX, loaded
 * from `/static/vendor/maths.js` only for a text that holds such a token.
 *
 * The dollar rules are Pandoc's, so prices stay text: an opening `$` has a non-space
 * character on its right, the closing `$` (the first unescaped one) a non-space character
 * on its left and no digit right after it; `\$` is a literal dollar.
 *
 * KaTeX writes MathML only (`output: 'mathml'`): its HTML output is made of inline
 * `style="…"` attributes, which the pages' CSP refuses, and needs its CSS and fonts;
 * Chromium, Firefox and Safari draw MathML themselves. `trust: false` turns `\href`,
 * `\url`, `\includegraphics`, `\htmlClass`, `\htmlId`, `\htmlStyle` and `\htmlData` into
 * plain red text; the sanitiser (markdown-sanitise.js) checks the output again.
 */

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

/** KaTeX's options: none of them may be loosened (see the header). */
export const KATEX_OPTIONS = Object.freeze({
  output: 'mathml',
  trust: false,
  throwOnError: false,
  strict: 'ignore',
  /** Largest size (em) a user may ask for, e.g. with `\rule` or `\kern`. */
  maxSize: 20,
  /** Macro expansions per formula (KaTeX's own default, stated): stops `\def\x{\x\x}` blow-ups. */
  maxExpand: 1000,
});

let katexModule = null;

/** KaTeX, imported once per page on first need; a failed import is retried next time. */
export function loadKatex() {
  katexModule ??= import('/static/vendor/maths.js').then(
    (module) => module.katex,
    (error) => {
      katexModule = null;
      throw error;
    },
  );
  return katexModule;
}

const isSpace = (code) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const isDigit = (code) => code >= 0x30 && code <= 0x39;

/** Index of the first `$` at or after `from` that no backslash escapes, or -1. */
function findDollar(src, from, max) {
  for (let pos = from; pos < max; pos += 1) {
    const code = src.charCodeAt(pos);
    if (code === BACKSLASH) pos += 1;
    else if (code === DOLLAR) return pos;
  }
  return -1;
}

/** Inline rule: `$tex$` and `$$tex$$` inside a paragraph (or a choice label). */
function inlineMaths(state, silent) {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== DOLLAR) return false;
  const display = src.charCodeAt(pos + 1) === DOLLAR;
  let start = pos + (display ? 2 : 1);
  let end;
  if (display) {
    end = src.indexOf('$$', start);
    if (end < 0 || end >= posMax || end === start) return false;
  } else {
    if (start >= posMax || isSpace(src.charCodeAt(start))) return false;
    end = findDollar(src, start, posMax);
    if (end < 0 || isSpace(src.charCodeAt(end - 1)) || isDigit(src.charCodeAt(end + 1))) return false;
  }
  if (!silent) {
    const token = state.push('maths_inline', 'math', 0);
    token.content = src.slice(start, end);
    token.markup = display ? '$$' : '$';
    state.env.hasMaths = true;
  }
  state.pos = end + (display ? 2 : 1);
  return true;
}

/**
 * Block rule: `$$` opening a line, the formula, and a line that ends with `$$` (or all of
 * it on one line). A blank line or the end of the text before the closing `$$` means no
 * maths block: the lines are an ordinary paragraph.
 */
function blockMaths(state, startLine, endLine, silent) {
  const lineText = (line) => state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]);
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const first = lineText(startLine).trimEnd();
  if (!first.startsWith('$$')) return false;
  const opening = first.slice(2);
  let lines;
  let last = startLine;
  if (opening.length >= 2 && opening.endsWith('$$')) {
    // `$$ tex $$` on one line; `$$a$$ and $$b$$` is inline maths, not a block.
    const body = opening.slice(0, -2);
    if (body.includes('$$') || body.trim() === '') return false;
    lines = [body];
  } else {
    if (opening.includes('$$')) return false;
    lines = [opening];
    for (;;) {
      last += 1;
      if (last >= endLine || state.isEmpty(last) || state.sCount[last] < state.blkIndent) return false;
      const text = lineText(last).trimEnd();
      if (text.endsWith('$$')) {
        lines.push(text.slice(0, -2));
        break;
      }
      if (text.includes('$$')) return false;
      lines.push(text);
    }
  }
  const content = lines.join('\n').trim();
  if (content === '') return false;
  if (silent) return true;
  const token = state.push('maths_block', 'math', 0);
  token.block = true;
  token.content = content;
  token.markup = '$$';
  token.map = [startLine, last + 1];
  state.env.hasMaths = true;
  state.line = last + 1;
  return true;
}

/** The formula as MathML, or its source as text if KaTeX is not at hand or fails. */
function renderTex(env, tex, displayMode, escapeHtml) {
  if (env.katex) {
    try {
      const html = env.katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });
      // A parse error comes back as `<span class="katex-error" title="…" style="color:…">`:
      // the CSP would refuse (and report) the inline style; markdown.css colours the class.
      return html.startsWith('<span class="katex-error"') ? html.replace(/ style="[^"]*"/, '') : html;
    } catch {
      // throwOnError: false renders parse errors itself; anything else falls through.
    }
  }
  return `<code class="katex-error">${escapeHtml(tex)}</code>`;
}

/**
 * The markdown-it plugin. Parsing sets `env.hasMaths` when a formula is found; the caller
 * then puts KaTeX in `env.katex` (from loadKatex) before rendering the tokens.
 */
export function mathsPlugin(md) {
  const { escapeHtml } = md.utils;
  md.inline.ruler.after('escape', 'maths_inline', inlineMaths);
  md.block.ruler.before('fence', 'maths_block', blockMaths, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.maths_inline = (tokens, index, _options, env) =>
    renderTex(env, tokens[index].content, tokens[index].markup === '$$', escapeHtml);
  md.renderer.rules.maths_block = (tokens, index, _options, env) =>
    `<div class="maths-block">${renderTex(env, tokens[index].content, true, escapeHtml)}</div>\n`;
}
