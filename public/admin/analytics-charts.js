// Small SVG charts for a run's analytics, drawn with createElementNS (no library, no
// inline styles: colours come from classes in past-runs.css). The overview has one bar
// per question for its percent right, flagged questions in the warning colour; each
// question has a row of bars for its answer counts, the right answer's marked.
import { markedKeys } from '/static/shared/histogram.js';

const SVG = 'http://www.w3.org/2000/svg';

export const FLAG_LABELS = {
  nobody_right: 'Nobody got this right: check the answer key',
  negative_discrimination: 'The weakest students did better than the strongest: check the wording and the key',
};

function svgNode(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** One bar per question: its percent right (polls have none), labelled Q1, Q2, … */
export function drawOverview(container, questions) {
  const barWidth = 28;
  const gap = 8;
  const top = 14; // room for a full bar's label
  const plot = 90;
  const height = top + plot + 20;
  const width = Math.max(1, questions.length) * (barWidth + gap) + gap;
  const svg = svgNode('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'overview-chart' });
  svg.append(svgNode('title', {}, 'Percent right per question'));
  const baseline = top + plot;
  svg.append(svgNode('line', { x1: 0, x2: width, y1: baseline, y2: baseline, class: 'axis' }));
  questions.forEach((question, index) => {
    const x = gap + index * (barWidth + gap);
    const value = question.correct_pct;
    const barHeight = value === null ? 0 : Math.max(1, (value / 100) * plot);
    const kind = question.flags.length > 0 ? 'bar flagged' : value === null ? 'bar poll' : 'bar';
    const bar = svgNode('rect', { x, y: baseline - barHeight, width: barWidth, height: barHeight, class: kind, 'data-question': index });
    bar.append(svgNode('title', {}, `Q${index + 1}: ${value === null ? 'no right answer' : `${value} % right`}`));
    svg.append(bar);
    svg.append(svgNode('text', { x: x + barWidth / 2, y: baseline + 14, 'text-anchor': 'middle', class: 'label' }, `Q${index + 1}`));
    if (value !== null) svg.append(svgNode('text', { x: x + barWidth / 2, y: baseline - barHeight - 3, 'text-anchor': 'middle', class: 'value' }, Math.round(value)));
  });
  container.replaceChildren(svg);
}

/** A row of bars, one per answer key (letters, or numeric's correct / incorrect); the key's bars marked. */
export function drawCounts(container, question) {
  const { counts } = question;
  const marked = new Set(markedKeys(question.type, question.correct));
  const entries = Object.entries(counts);
  const most = Math.max(1, ...entries.map(([, count]) => count));
  const rowHeight = 16;
  const labelWidth = 70;
  const plotWidth = 200;
  const height = entries.length * rowHeight + 4;
  const svg = svgNode('svg', { viewBox: `0 0 ${labelWidth + plotWidth + 40} ${height}`, width: labelWidth + plotWidth + 40, height, role: 'img', class: 'counts-svg' });
  svg.append(svgNode('title', {}, 'Answers per choice'));
  entries.forEach(([key, count], index) => {
    const y = 2 + index * rowHeight;
    const right = marked.has(key);
    svg.append(svgNode('text', { x: labelWidth - 6, y: y + 11, 'text-anchor': 'end', class: right ? 'label right' : 'label' }, right ? `✓ ${key}` : key));
    const bar = svgNode('rect', { x: labelWidth, y: y + 2, width: Math.max(count > 0 ? 2 : 0, (count / most) * plotWidth), height: rowHeight - 4, class: right ? 'bar right' : 'bar' });
    bar.setAttribute('data-key', key);
    svg.append(bar);
    svg.append(svgNode('text', { x: labelWidth + (count / most) * plotWidth + 4, y: y + 11, class: 'value' }, count));
  });
  container.replaceChildren(svg);
}
