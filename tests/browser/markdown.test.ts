/**
 * The Markdown + maths + code renderer (`public/shared/markdown.js`) in real Chromium, on
 * a page of the real server under its real CSP: what each piece of syntax becomes, that
 * hostile input (raw HTML, unsafe links, untrusted TeX commands) never runs, injects or
 * styles anything, that the sanitiser holds on its own, and that KaTeX is downloaded only
 * for a text with maths. Every scenario also fails on a CSP violation, a page error or
 * dialog, or any request that leaves the app's origin.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { collectPageProblems } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { startTestWorld, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 8_000;
const TEST_TIMEOUT_MS = 30_000;
const MATHS_BUNDLE = '/static/vendor/maths.js';

const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });

// One server for the file: the renderer keeps no state on it.
let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld();
});
afterAll(async () => {
  await world.stop();
});

interface RendererPage {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Page errors and dialogs (an `alert` from a payload lands here). */
  problems: string[];
  /**
   * Checks made after each scenario: no CSP violation (with `parseReports`, only refused
   * inline handlers and styles), no request off the origin, no page error or dialog.
   */
  expectClean(options?: { parseReports?: boolean }): Promise<void>;
}

declare global {
  interface Window {
    __pwned?: unknown;
    __cspViolations?: string[];
  }
}

/** The student page (`/`), with the CSP-violation listener installed before any script. */
async function openRendererPage(): Promise<RendererPage> {
  const context = await suite.newContext({ baseURL: world.baseUrl });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__cspViolations!.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  collectPageProblems(page, problems);
  await page.goto('/');
  return {
    page,
    requests,
    problems,
    async expectClean({ parseReports = false } = {}) {
      const violations = (await page.evaluate(() => window.__cspViolations)) ?? [];
      expect(parseReports ? violations.filter((line) => !/^(script|style)-src-(attr|elem) inline$/.test(line)) : violations).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(`${world.baseUrl}/`))).toEqual([]);
      expect(problems).toEqual([]);
    },
  };
}

interface Rendered {
  html: string;
  text: string;
  /** Elements, attributes and URLs that must never appear in rendered output. */
  audit: {
    /** CSP reports raised once the fragment is in the page. */
    cspAfterInsert: string[];
    handlerAttributes: string[];
    embeddingElements: string[];
    styleAttributes: string[];
    idAttributes: string[];
    javascriptUrls: string[];
    /** Anything that is a link or an address: an `<a>`, an `href`/`src` attribute. */
    links: string[];
    /** Class names a payload asked for. */
    payloadClasses: string[];
  };
}

/**
 * Renders `text` (or, with `sanitiseOnly`, passes it as HTML straight to the sanitiser)
 * into a fresh element attached to the page, lets any payload have its chance to run, and
 * returns the result with an audit of the produced DOM.
 */
async function render(
  page: Page,
  text: string,
  options: { inline?: boolean; sanitiseOnly?: boolean } = {},
): Promise<Rendered> {
  return page.evaluate(
    async ({ text, inline, sanitiseOnly }) => {
      const host = document.createElement('div');
      document.body.append(host);
      const settle = async () => {
        // Two frames and a short wait: long enough for an onerror/onload or a report to fire.
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      let fragment: DocumentFragment;
      if (sanitiseOnly) {
        const { sanitiseToFragment } = await import('/static/shared/markdown-sanitise.js' as string);
        fragment = sanitiseToFragment(text);
      } else {
        const { renderMarkdown } = await import('/static/shared/markdown.js' as string);
        fragment = await renderMarkdown(text, { inline });
      }
      await settle();
      const reportsBefore = window.__cspViolations!.length;
      host.append(fragment);
      await settle();
      const elements = [...host.querySelectorAll('*')];
      const attributes = elements.flatMap((element) =>
        [...element.attributes].map((attribute) => ({ element: element.localName, name: attribute.name, value: attribute.value })),
      );
      const describe = ({ element, name, value }: { element: string; name: string; value: string }) =>
        `${element}[${name}=${value}]`;
      return {
        html: host.innerHTML,
        text: host.textContent ?? '',
        audit: {
          cspAfterInsert: window.__cspViolations!.slice(reportsBefore),
          handlerAttributes: attributes.filter(({ name }) => name.toLowerCase().startsWith('on')).map(describe),
          embeddingElements: elements
            .map((element) => element.localName)
            .filter((name) => ['script', 'iframe', 'object', 'embed', 'img', 'svg', 'style', 'link', 'form', 'mglyph'].includes(name)),
          styleAttributes: attributes.filter(({ name }) => name === 'style').map(describe),
          idAttributes: attributes.filter(({ name }) => name === 'id').map(describe),
          javascriptUrls: attributes
            .filter(({ value }) => /^\s*(javascript|data|vbscript):/i.test(value.replace(/[\u0000-\u0020]/g, '')))
            .map(describe),
          links: [
            ...elements.filter((element) => element.localName === 'a').map((element) => element.outerHTML),
            ...attributes.filter(({ name }) => ['href', 'src', 'xlink:href', 'action', 'srcdoc'].includes(name)).map(describe),
          ],
          payloadClasses: elements.flatMap((element) =>
            [...element.classList].filter((name) => ['visually-hidden', 'button', 'primary'].includes(name)),
          ),
        },
      };
    },
    { text, inline: options.inline ?? false, sanitiseOnly: options.sanitiseOnly ?? false },
  );
}

const NOTHING_FOUND = {
  cspAfterInsert: [],
  handlerAttributes: [],
  embeddingElements: [],
  styleAttributes: [],
  idAttributes: [],
  javascriptUrls: [],
  links: [],
  payloadClasses: [],
};

async function expectNotPwned(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
}

/** Runs `body` with a fresh page; the page must stay clean throughout. */
function scenario(
  name: string,
  body: (page: Page, renderer: RendererPage) => Promise<void>,
  clean: { parseReports?: boolean } = {},
) {
  test(
    name,
    async () => {
      const renderer = await openRendererPage();
      await body(renderer.page, renderer);
      await renderer.expectClean(clean);
    },
    TEST_TIMEOUT_MS,
  );
}

scenario('plain text with no Markdown syntax renders as exactly that text', async (page) => {
  const plain = [
    'What is the capital of France?',
    'Is 2 < 3 && 5 > 4? Tom said "yes" (it\'s true) — 100% sure; see e.g. snake_case_name.',
    'It costs $5, or $10 with a t-shirt.',
  ];
  for (const text of plain) {
    const block = await render(page, text);
    expect(block.html).toBe(`<p>${Bun.escapeHTML(text).replaceAll('&#x27;', "'").replaceAll('&quot;', '"')}</p>`);
    expect(block.text).toBe(text);
    const inline = await render(page, text, { inline: true });
    expect(inline.text).toBe(text);
    expect(inline.html).not.toContain('<');
  }
});

scenario('emphasis, strong, strikethrough and inline code', async (page) => {
  const { html, text } = await render(page, 'An *important* and **bold** claim, ~~gone~~, with `x = 1 < 2`.');
  expect(html).toBe(
    '<p>An <em>important</em> and <strong>bold</strong> claim, <s>gone</s>, with <code>x = 1 &lt; 2</code>.</p>',
  );
  expect(text).toBe('An important and bold claim, gone, with x = 1 < 2.');
});

scenario('inline mode (a choice label) has no paragraph around it', async (page) => {
  const { html } = await render(page, '**42** and `x`', { inline: true });
  expect(html).toBe('<strong>42</strong> and <code>x</code>');
  // Block syntax is not block syntax in a label.
  expect((await render(page, '# not a heading', { inline: true })).html).toBe('# not a heading');
});

scenario('a fenced python block is highlighted with highlight.js classes', async (page) => {
  const { html, text } = await render(page, '```python\ndef square(x):\n    return x ** 2  # <b>\n```');
  expect(html).toStartWith('<pre><code class="hljs language-python">');
  expect(html).toContain('<span class="hljs-keyword">def</span>');
  expect(html).toContain('<span class="hljs-title function_">square</span>');
  expect(html).toContain('<span class="hljs-comment"># &lt;b&gt;</span>');
  expect(text).toBe('def square(x):\n    return x ** 2  # <b>\n');
});

scenario('every bundled language highlights; an unknown one is escaped plain code', async (page) => {
  const samples: Record<string, string> = {
    python: 'import os',
    py: 'import os',
    javascript: 'const x = 1;',
    js: 'const x = 1;',
    typescript: 'let x: number = 1;',
    java: 'public class A {}',
    c: 'int main(void) { return 0; }',
    cpp: 'int main() { return 0; }',
    csharp: 'public class A {}',
    bash: 'if [ -f x ]; then echo; fi',
    sql: 'SELECT a FROM t;',
    json: '{"a": true}',
  };
  for (const [language, code] of Object.entries(samples)) {
    const { html } = await render(page, `\`\`\`${language}\n${code}\n\`\`\``);
    expect([language, html]).toEqual([language, expect.stringContaining(`<code class="hljs language-${language}"><span class="hljs-`)]);
  }
  const unknown = await render(page, '```cobol\nDISPLAY "<HI>".\n```');
  expect(unknown.html).toBe('<pre><code class="hljs">DISPLAY "&lt;HI&gt;".\n</code></pre>');
  const bare = await render(page, '    indented <code>');
  expect(bare.html).toBe('<pre><code>indented &lt;code&gt;\n</code></pre>');
});

scenario('bullet and numbered lists', async (page) => {
  const { html } = await render(page, '- one\n- *two*\n\n3. three\n4. four');
  expect(html).toBe(
    '<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul><ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>',
  );
});

scenario('tables keep their alignment without a style attribute', async (page) => {
  const { html, audit } = await render(page, '| a | b |\n|:-:|--:|\n| 1 | 2 |');
  expect(html).toContain('<th class="md-align-center">a</th>');
  expect(html).toContain('<td class="md-align-right">2</td>');
  expect(audit).toEqual(NOTHING_FOUND);
});

scenario('http(s) and mailto links open in a new tab, without opener or referrer', async (page) => {
  const { html } = await render(
    page,
    '[docs](https://example.com/a?b=1 "Docs"), [plain](http://example.com), <https://example.org/x> and [mail](mailto:a@example.com)',
  );
  expect(html).toBe(
    '<p><a href="https://example.com/a?b=1" title="Docs" target="_blank" rel="noopener noreferrer">docs</a>, ' +
      '<a href="http://example.com" target="_blank" rel="noopener noreferrer">plain</a>, ' +
      '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">https://example.org/x</a> and ' +
      '<a href="mailto:a@example.com" target="_blank" rel="noopener noreferrer">mail</a></p>',
  );
});

scenario('javascript:, data:, vbscript: and relative addresses never become links', async (page) => {
  const texts = [
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:window.__pwned=1)',
    '[x](javascript&colon;window.__pwned=1)',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](vbscript:msgbox(1))',
    '[x](/admin/)',
    '<javascript:alert(1)>',
  ];
  for (const text of texts) {
    const { html, audit } = await render(page, text);
    expect([text, html]).toEqual([text, expect.not.stringContaining('<a')]);
    expect([text, audit]).toEqual([text, NOTHING_FOUND]);
  }
  // The refused link is shown as typed.
  expect((await render(page, '[x](javascript:alert(1))')).text).toBe('[x](javascript:alert(1))');
  // Images are not rendered (nor fetched): what is left is a link at most.
  const image = await render(page, '![x](https://example.com/tracker.png) ![y](/static/x.png)');
  expect(image.html).toBe(
    '<p>!<a href="https://example.com/tracker.png" target="_blank" rel="noopener noreferrer">x</a> ![y](/static/x.png)</p>',
  );
  await expectNotPwned(page);
});

scenario('$x^2$ is inline MathML, drawn by the browser', async (page, renderer) => {
  const { html } = await render(page, 'Compute $x^2$ now.');
  expect(html).toStartWith('<p>Compute <span class="katex"><math><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow>');
  expect(html).toContain('<annotation encoding="application/x-tex">x^2</annotation>');
  // MathML only: no KaTeX HTML layout (inline styles, needs its CSS and fonts).
  expect(html).not.toContain('katex-html');
  // The browser lays it out as maths: the superscript sits above the base line.
  const [baseTop, superscriptTop] = await page.evaluate(() => {
    const math = [...document.querySelectorAll('math')].at(-1)!;
    return [math.querySelector('mi')!.getBoundingClientRect().top, math.querySelector('mn')!.getBoundingClientRect().top];
  });
  expect(superscriptTop).toBeLessThan(baseTop);
  expect(renderer.requests.filter((url) => url.endsWith(MATHS_BUNDLE))).toHaveLength(1);
});

scenario('$$\\frac{a}{b}$$ is display maths, on its own lines or inside a paragraph', async (page) => {
  const block = await render(page, 'Before\n\n$$\n\\frac{a}{b}\n$$\n\nAfter');
  expect(block.html).toContain('<div class="maths-block"><span class="katex"><math display="block"><semantics><mrow><mfrac>');
  const oneLine = await render(page, '$$\\frac{a}{b}$$');
  expect(oneLine.html).toStartWith('<div class="maths-block"><span class="katex"><math display="block">');
  const inParagraph = await render(page, 'so $$\\frac{a}{b}$$ holds');
  expect(inParagraph.html).toStartWith('<p>so <span class="katex"><math display="block">');
  const label = await render(page, '$\\sqrt{2}$', { inline: true });
  expect(label.html).toStartWith('<span class="katex"><math><semantics><mrow><msqrt>');
});

scenario('dollars that are not maths stay text', async (page, renderer) => {
  for (const text of ['$5 and $10', 'costs $ 5 $', 'a \\$x\\$ b', '`$x$` in code', '$x$5']) {
    const { html } = await render(page, text);
    expect([text, html]).toEqual([text, expect.not.stringContaining('<math')]);
  }
  expect((await render(page, 'a \\$x\\$ b')).text).toBe('a $x$ b');
  expect((await render(page, '`$x$` in code')).html).toBe('<p><code>$x$</code> in code</p>');
  expect(renderer.requests.filter((url) => url.endsWith(MATHS_BUNDLE))).toEqual([]);
});

scenario('broken TeX shows as red source text, with no inline style', async (page) => {
  const { html, audit } = await render(page, 'Oops $\\frac{a$ here');
  expect(html).toContain('<span class="katex-error" title="ParseError:');
  expect(html).toContain('>\\frac{a</span>');
  expect(audit).toEqual(NOTHING_FOUND);
  const colour = await page.evaluate(() => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/static/shared/markdown.css';
    document.head.append(link);
    return new Promise<string>((resolve) => {
      link.onload = () => {
        const error = [...document.querySelectorAll('.katex-error')].at(-1)!;
        error.parentElement!.parentElement!.classList.add('markdown');
        resolve(getComputedStyle(error).color);
      };
    });
  });
  expect(colour).not.toBe(await page.evaluate(() => getComputedStyle(document.body).color));
});

scenario('maths limits: huge sizes are capped, runaway macros stop', async (page) => {
  const rule = await render(page, '$\\rule{5000em}{5000em}$');
  const width = /<mspace[^>]* width="([\d.]+)em"/.exec(rule.html);
  expect(width).not.toBeNull();
  expect(Number(width![1])).toBeLessThanOrEqual(20);
  const started = Date.now();
  const bomb = await render(page, '$\\def\\a{\\b\\b}\\def\\b{\\c\\c}\\def\\c{\\d\\d}\\def\\d{\\e\\e}\\def\\e{\\f\\f}\\def\\f{xxxxxxxxxxxxxxxxxxxxxxxxxx}\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a$');
  expect(bomb.html).toContain('class="katex-error"');
  expect(bomb.html).toContain('Too many expansions');
  expect(Date.now() - started).toBeLessThan(2_000);
});

const HOSTILE_TEXTS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<object data="javascript:window.__pwned=1"></object><embed src="javascript:window.__pwned=1">',
  '<svg onload="window.__pwned = 1"></svg>',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<p style="color:red" id="main" onclick="window.__pwned=1">styled</p>',
  '[x](javascript:alert(1))',
  '*<img src=x onerror=window.__pwned=1>* `<svg onload=window.__pwned=1>`',
  '```html\n<script>window.__pwned = 1</script>\n```',
  '```"><img src=x onerror=window.__pwned=1>\ncode\n```',
  '$<svg onload=window.__pwned=1>$',
  '$\\text{<img src=x onerror=window.__pwned=1>}$',
  '$$\n</math><img src=x onerror=window.__pwned=1>\n$$',
  '$\\href{javascript:alert(1)}{x}$',
  '$\\url{javascript:window.__pwned=1}$',
  '$\\htmlClass{visually-hidden}{y}$',
  '$\\htmlId{main}{y}$',
  '$\\htmlStyle{color:red}{y}$',
  '$\\htmlData{x=1}{y}$',
  '$\\includegraphics{https://example.com/x.png}$',
];

scenario('hostile text never executes, injects, links or styles anything', async (page) => {
  for (const text of HOSTILE_TEXTS) {
    for (const inline of [false, true]) {
      const { audit } = await render(page, text, { inline });
      const label = `${inline ? 'inline' : 'block'}: ${text}`;
      expect([label, audit]).toEqual([label, NOTHING_FOUND]);
    }
  }
  await expectNotPwned(page);
});

scenario('raw HTML shows as the text that was typed', async (page) => {
  const text = 'Use <b>bold</b> and <script>x</script>';
  const { html, text: shown } = await render(page, text);
  expect(shown).toBe(text);
  expect(html).toBe('<p>Use &lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;x&lt;/script&gt;</p>');
});

scenario('untrusted TeX commands render as their own names in red, not as what they ask', async (page) => {
  for (const command of ['href', 'url', 'htmlClass', 'htmlId', 'htmlStyle', 'htmlData', 'includegraphics']) {
    const argument = command === 'url' ? '{https://example.com}' : command === 'includegraphics' ? '{x.png}' : command === 'htmlData' ? '{x=1}{y}' : '{x}{y}';
    const { html } = await render(page, `$\\${command}${argument}$`);
    expect([command, html]).toEqual([command, expect.stringContaining(`<mstyle mathcolor="#cc0000"><mtext>\\${command}</mtext></mstyle>`)]);
  }
});

scenario('the sanitiser alone strips what markdown-it and KaTeX should never produce', async (page) => {
  const hostileHtml = [
    '<script>window.__pwned = 1</script>',
    '<img src="https://example.com/x.png" onerror="window.__pwned = 1">',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<object data="x"></object><embed src="x"><form action="x"><input autofocus onfocus="window.__pwned=1"></form>',
    '<svg><script>window.__pwned=1</script></svg><svg onload="window.__pwned = 1"></svg>',
    '<style>body{display:none}</style><link rel="stylesheet" href="https://example.com/x.css">',
    '<math><mglyph src="https://example.com/x.png"></mglyph><mi href="javascript:window.__pwned=1" style="color:red">x</mi></math>',
    '<math><annotation-xml encoding="text/html"><img src=x onerror="window.__pwned=1"></annotation-xml></math>',
    '<p id="main" style="color:red" data-x="1" aria-hidden="true" onclick="window.__pwned=1">p</p>',
    '<a href="javascript:window.__pwned=1">js</a><a href=" java\tscript:window.__pwned=1">js2</a><a href="data:text/html,x">data</a>',

    // Only http(s) and mailto: no relative, protocol-relative, tel: or ftp: links either.
    '<a href="/admin/">relative</a><a href="//example.com">protocol-relative</a><a href="tel:123">tel</a><a href="ftp://example.com">ftp</a>',
  ];
  for (const html of hostileHtml) {
    const result = await render(page, html, { sanitiseOnly: true });
    expect([html, result.audit]).toEqual([html, NOTHING_FOUND]);
    expect([html, result.html]).toEqual([html, expect.not.stringMatching(/data-x|aria-|annotation-xml|<input/)]);
  }
  // Links it keeps open in a new tab; foreign classes go, the renderer's stay.
  const kept = await render(page, '<a href="https://example.com" onclick="x()" class="button primary">ok</a>', { sanitiseOnly: true });
  expect(kept.html).toBe('<a href="https://example.com" target="_blank" rel="noopener noreferrer">ok</a>');
  const classes = await render(page, '<span class="hljs-title function_ visually-hidden katex-error maths-block">x</span>', {
    sanitiseOnly: true,
  });
  expect(classes.html).toBe('<span class="hljs-title function_ katex-error maths-block">x</span>');
  await expectNotPwned(page);
  // Raw handlers and styles reach DOMPurify's inert parse here (never from Markdown, which
  // escapes them): the CSP refuses them there too, and reports it. What the page receives
  // afterwards raises no report (checked in render: `cspAfterInsert`).
}, { parseReports: true });

scenario('a page without maths never downloads KaTeX; the first formula downloads it once', async (page, renderer) => {
  const mathsRequests = () => renderer.requests.filter((url) => new URL(url).pathname === MATHS_BUNDLE);
  await render(page, '**Which** is `O(n log n)`?\n\n- merge sort\n- bubble sort');
  await render(page, 'Tickets cost $5 or $10.', { inline: true });
  expect(renderer.requests.some((url) => url.endsWith('/static/vendor/markdown.js'))).toBe(true);
  expect(mathsRequests()).toEqual([]);
  await render(page, 'Solve $x^2 = 4$.');
  await render(page, '$$\\int_0^1 x\\,dx$$');
  expect(mathsRequests()).toHaveLength(1);
});

scenario('each text is parsed once per page; every call gets its own copy', async (page) => {
  const result = await page.evaluate(async () => {
    const { MarkdownIt } = await import('/static/vendor/markdown.js' as string);
    const { renderMarkdown } = await import('/static/shared/markdown.js' as string);
    let parses = 0;
    for (const method of ['parse', 'parseInline'] as const) {
      const original = MarkdownIt.prototype[method];
      MarkdownIt.prototype[method] = function (this: unknown, ...args: unknown[]) {
        parses += 1;
        return original.apply(this, args);
      };
    }
    const first = await renderMarkdown('Is **this** $x$ parsed once?');
    first.querySelector('strong').textContent = 'changed by the caller';
    const second = await renderMarkdown('Is **this** $x$ parsed once?');
    const together = await Promise.all([renderMarkdown('same'), renderMarkdown('same')]);
    const inline = await renderMarkdown('same', { inline: true });
    const holder = document.createElement('div');
    holder.append(second);
    return { parses, second: holder.innerHTML, distinct: together[0] !== together[1], inline: inline.childNodes.length };
  });
  // 'Is **this**…' once, 'same' once as a block (both callers), once inline.
  expect(result.parses).toBe(3);
  expect(result.second).toStartWith('<p>Is <strong>this</strong> ');
  expect(result.distinct).toBe(true);
  expect(result.inline).toBe(1);
});

scenario('renderInto replaces the content, marks the element, and keeps only the latest text', async (page) => {
  const result = await page.evaluate(async () => {
    const { renderInto } = await import('/static/shared/markdown.js' as string);
    const element = document.createElement('div');
    element.textContent = 'old content';
    document.body.append(element);
    await renderInto(element, '*new*');
    const first = element.innerHTML;
    // The maths text takes longer (KaTeX is downloaded); the later plain text must win.
    const slow = renderInto(element, 'slow $y$');
    const fast = renderInto(element, 'fast');
    await Promise.all([slow, fast]);
    return { first, last: element.innerHTML, className: element.className };
  });
  expect(result.first).toBe('<p><em>new</em></p>');
  expect(result.last).toBe('<p>fast</p>');
  expect(result.className).toBe('markdown');
});

scenario('code colours come from markdown.css, light and dark', async (page) => {
  await page.evaluate(async () => {
    const { renderInto } = await import('/static/shared/markdown.js' as string);
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/static/shared/markdown.css';
    const loaded = new Promise((resolve) => (link.onload = resolve));
    document.head.append(link);
    const element = document.createElement('div');
    document.body.append(element);
    await renderInto(element, '```python\ndef f(): return "s"\n```');
    await loaded;
  });
  const colours = () =>
    page.evaluate(() => {
      const colour = (selector: string) => getComputedStyle(document.querySelector(`.markdown ${selector}`)!).color;
      const background = getComputedStyle(document.querySelector('.markdown pre')!).backgroundColor;
      return { keyword: colour('.hljs-keyword'), string: colour('.hljs-string'), text: colour('code'), background };
    });
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await colours();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await colours();
  for (const scheme of [light, dark]) {
    expect(scheme.keyword).not.toBe(scheme.text);
    expect(scheme.string).not.toBe(scheme.keyword);
    expect(scheme.background).not.toBe('rgba(0, 0, 0, 0)');
  }
  expect(dark.keyword).not.toBe(light.keyword);
  expect(dark.background).not.toBe(light.background);
});
