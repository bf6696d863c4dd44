// The comprehension pulse drawn for the console and the projector: three live bars (lost,
// OK, too fast) against the joined students, and a timeline of one stacked column per
// minute. Only numbers reach the DOM, through textContent and inline sizes.
import { el } from '/static/shared/dom.js';
import { denseTimeline } from '/static/shared/back-channel-state.js';

const LABELS = { lost: 'Lost', ok: 'OK', fast: 'Too fast' };
const VALUES = ['lost', 'ok', 'fast'];

export function renderPulseBars(container, pulse) {
  const total = VALUES.reduce((sum, value) => sum + pulse[value], 0);
  const base = Math.max(total, 1);
  container.replaceChildren(
    ...VALUES.map((value) => {
      const share = Math.round((pulse[value] / base) * 100);
      return el('div', { className: `pulse-row pulse-${value}`, attrs: { 'data-testid': `pulse-${value}`, 'data-count': pulse[value] } }, [
        el('span', { className: 'pulse-label', text: LABELS[value] }),
        el('span', { className: 'pulse-track' }, [barFill(share)]),
        el('span', { className: 'pulse-count', text: `${pulse[value]}` }),
      ]);
    }),
    el('p', { className: 'pulse-note', text: `${total} of ${pulse.students_count} students signalled in the last 5 minutes` }),
  );
}

function barFill(share) {
  const fill = el('span', { className: 'pulse-fill' });
  fill.style.width = `${share}%`;
  return fill;
}

export function renderPulseTimeline(container, timeline) {
  const minutes = denseTimeline(timeline);
  const peak = Math.max(1, ...minutes.map((minute) => minute.lost + minute.ok + minute.fast));
  container.replaceChildren(
    ...minutes.map((minute) => {
      const time = new Date(minute.minute_ms).toTimeString().slice(0, 5);
      const column = el('span', {
        className: 'timeline-minute',
        attrs: { title: `${time}: lost ${minute.lost}, OK ${minute.ok}, too fast ${minute.fast}` },
      });
      for (const value of VALUES) {
        const part = el('span', { className: `timeline-part pulse-${value}` });
        part.style.height = `${(minute[value] / peak) * 100}%`;
        column.append(part);
      }
      return column;
    }),
  );
}
