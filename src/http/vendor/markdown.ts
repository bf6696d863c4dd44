/**
 * Browser entry of `/static/vendor/markdown.js` (bundled at start-up by vendor-bundles.ts):
 * the libraries `public/shared/markdown.js` configures. markdown-it parses, highlight.js
 * colours code (its core plus the languages below, not all 190), DOMPurify sanitises the
 * HTML before it reaches the DOM. KaTeX is a bundle of its own (maths.ts), loaded only when
 * a text holds maths. No policy lives here: the options are set by the page module.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';

const LANGUAGES = { bash, c, cpp, csharp, java, javascript, json, plaintext, python, sql, typescript };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

export { default as createDOMPurify } from 'dompurify';
export { default as MarkdownIt } from 'markdown-it';
export { hljs };
