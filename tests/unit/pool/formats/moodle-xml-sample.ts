/** A Moodle XML export used by several tests. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

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

