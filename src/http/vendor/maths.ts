/**
 * Browser entry of `/static/vendor/maths.js`: KaTeX alone, a bundle apart because it is the
 * largest library by far and most texts hold no maths. `public/shared/markdown-maths.js`
 * imports it on demand and sets its (safe) options.
 */
export { default as katex } from 'katex';
