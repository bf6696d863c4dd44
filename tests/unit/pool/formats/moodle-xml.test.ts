import { describe, expect, test } from 'bun:test';
import { htmlToText, parseMoodleXml } from '../../../../src/pool/formats/moodle-xml';
import { importPoolFile } from '../../../../src/pool/pool-import';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Shaped like Moodle 4's export (question bank → Export → Moodle XML format). */
export const MOODLE_XML_SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Week 1</text></category>
  </question>
<!-- question: 1  -->
  <question type="multichoice">
    <name><text>Capital</text></name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr">What is the capital of <strong>France</strong>?</p><p><img src="@@PLUGINFILE@@/map%20fr.png" alt="map"></p>]]></text>
      <file name="map fr.png" path="/" encoding="base64">${PNG.toString('base64')}</file>
    </questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;Paris &amp;amp; nowhere else.&lt;/p&gt;</text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="0" format="html"><text>Lyon</text><feedback format="html"><text>No</text></feedback></answer>
    <answer fraction="100" format="html"><text><![CDATA[<p>Paris</p>]]></text><feedback format="html"><text></text></feedback></answer>
  </question>
<!-- question: 2  -->
  <question type="multichoice">
    <name><text>Primes</text></name>
    <questiontext format="html"><text>Which are prime?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>2</text></answer>
    <answer fraction="50"><text>3</text></answer>
    <answer fraction="-100"><text>4</text></answer>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="moodle_auto_format"><text>The Earth is round.</text></questiontext>
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="numerical">
    <name><text>Pi</text></name>
    <questiontext format="html"><text>Pi to two places?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
    <answer fraction="50"><text>3</text><tolerance>0</tolerance></answer>
  </question>
</quiz>
`;

describe('parseMoodleXml', () => {
  test('multichoice single and multiple, truefalse, numerical; HTML to text; the embedded image', () => {
    const parsed = parseMoodleXml(MOODLE_XML_SAMPLE, 'week1');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    const bank = parsed.banks[0]!;
    expect(bank.questions.map((question) => question.input)).toEqual([
      { type: 'single', text: 'What is the capital of France?', choices: ['Lyon', 'Paris'], answer: 'B', explanation: 'Paris & nowhere else.', image: 'map fr.png' },
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
    expect(!parsed.ok && parsed.details).toEqual([
      { path: 'line 3', message: expect.stringContaining('"essay" question') },
      { path: 'line 4', message: expect.stringContaining('"shortanswer" question') },
      { path: 'line 5', message: expect.stringContaining('needs an answer with fraction 100 that is a number') },
    ]);
  });

  test('an image not embedded, or not an image, is refused by line', () => {
    const xml = (img: string, file: string) => `<quiz><question type="multichoice"><questiontext><text><![CDATA[Q <img src="${img}">]]></text>${file}</questiontext><answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer></question></quiz>`;
    expect(parseMoodleXml(xml('https://example.org/a.png', ''), 'f')).toEqual({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('only images embedded in the file') }] });
    const svg = `<file name="a.svg" encoding="base64">${Buffer.from('<svg onload="alert(1)"/>').toString('base64')}</file>`;
    expect(parseMoodleXml(xml('@@PLUGINFILE@@/a.svg', svg), 'f')).toEqual({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('not a PNG, JPEG, WebP or GIF') }] });
  });

  test('not XML, not a quiz, a DOCTYPE: refused with a clear message', () => {
    expect(parseMoodleXml('<quiz><question>', 'f').ok).toBe(false);
    expect(parseMoodleXml('<html></html>', 'f')).toEqual({ ok: false, details: [{ path: '/', message: expect.stringContaining('root element must be <quiz>') }] });
    expect(parseMoodleXml('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz/>', 'f')).toEqual({ ok: false, details: [{ path: 'line 2', message: expect.stringContaining('DOCTYPE') }] });
  });

  test('htmlToText keeps paragraphs and line breaks, decodes entities, drops tags', () => {
    expect(htmlToText('<p>One<br/>two</p><p>x &lt; y &#233; &#x41;</p><script>s</script>')).toBe('One\ntwo\n\nx < y é A\n\ns');
  });
});
