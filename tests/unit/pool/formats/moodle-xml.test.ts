import { describe, expect, test } from 'bun:test';
import { htmlToText } from '../../../../src/pool/formats/html-text';
import { parseMoodleXml } from '../../../../src/pool/formats/moodle-xml';
import { importPoolFile } from '../../../../src/pool/pool-import';
import { MOODLE_XML_SAMPLE } from './moodle-xml-sample';

describe('parseMoodleXml', () => {
  test('multichoice single and multiple, truefalse, numerical; HTML to text; the embedded image', () => {
    const parsed = parseMoodleXml(MOODLE_XML_SAMPLE, 'week1');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    const bank = parsed.banks[0]!;
    expect(bank.questions.map((question) => question.input)).toEqual([
      { type: 'single', text: 'What is the capital of France?', choices: ['Lyon', 'Paris'], answer: 'B', explanation: 'Paris & nowhere else.', image: 'map fr.png', image_alt: 'map' },
      { type: 'multiple', text: 'Which are prime?', choices: ['2', '3', '4'], answer: ['A', 'B'] },
      { type: 'single', text: 'The Earth is round.', choices: ['True', 'False'], answer: 'A' },
      { type: 'numeric', text: 'Pi to two places?', answer: 3.14, tolerance: 0.01 },
    ]);
    expect(bank.questions[0]!.where).toBe('line 8');
    expect(bank.images?.get('map fr.png')).toMatchObject({ mime: 'image/png', ext: 'png' });
  });

  test('through the dispatcher the image becomes a /media URL of the pool', async () => {
    const result = await importPoolFile({ name: 'week1.xml', bytes: new TextEncoder().encode(MOODLE_XML_SAMPLE) });
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.banks[0]!.pool.questions[0]!.image).toMatch(/^\/media\/[0-9a-f]{64}\.png$/);
    expect(result.banks[0]!.images.map((image) => image.name)).toEqual(['map fr.png']);
  });

  test('unsupported types and broken questions are reported by line; categories are skipped', () => {
    const xml = `<quiz>\n<question type="category"><category><text>x</text></category></question>\n<question type="essay"><questiontext><text>Discuss.</text></questiontext></question>\n<question type="shortanswer"><questiontext><text>Name?</text></questiontext><answer fraction="100"><text>x</text></answer></question>\n<question type="numerical"><questiontext><text>n</text></questiontext><answer fraction="100"><text>abc</text></answer></question>\n</quiz>`;
    const parsed = parseMoodleXml(xml, 'f');
    expect(!parsed.ok && parsed.details).toMatchObject([
      { path: 'line 3', message: expect.stringContaining('"essay" question') },
      { path: 'line 4', message: expect.stringContaining('"shortanswer" question') },
      { path: 'line 5', message: expect.stringContaining('needs an answer with fraction 100 that is a number') },
    ]);
  });

  test('an image not embedded, or not an image, is refused by line', () => {
    const xml = (img: string, file: string) => `<quiz><question type="multichoice"><questiontext><text><![CDATA[Q <img src="${img}">]]></text>${file}</questiontext><answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer></question></quiz>`;
    expect(parseMoodleXml(xml('https://example.org/a.png', ''), 'f')).toMatchObject({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('only images embedded in the file') }] });
    const svg = `<file name="a.svg" encoding="base64">${Buffer.from('<svg onload="alert(1)"/>').toString('base64')}</file>`;
    expect(parseMoodleXml(xml('@@PLUGINFILE@@/a.svg', svg), 'f')).toMatchObject({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('not a PNG, JPEG, WebP or GIF') }] });
  });

  test('not XML, not a quiz, a DOCTYPE: refused with a clear message', () => {
    expect(parseMoodleXml('<quiz><question>', 'f').ok).toBe(false);
    expect(parseMoodleXml('<html></html>', 'f')).toMatchObject({ ok: false, details: [{ path: '/', message: expect.stringContaining('root element must be <quiz>') }] });
    expect(parseMoodleXml('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz/>', 'f')).toMatchObject({ ok: false, details: [{ path: 'line 2', message: expect.stringContaining('DOCTYPE') }] });
  });

  test('htmlToText keeps paragraphs and line breaks, decodes entities, drops tags', () => {
    expect(htmlToText('<p>One<br/>two</p><p>x &lt; y &#233; &#x41;</p><script>s</script>')).toBe('One\ntwo\n\nx < y é A\n\ns');
  });
});
