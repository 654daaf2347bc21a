// The two charts of a board, drawn with Chart.js (only the parts used are bundled). Each chart has a
// text summary for screen readers and a data table beside it: colour is never the only carrier.
import { Chart, LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Filler, Legend, Tooltip } from 'chart.js';
import { t, label, formatDay } from './i18n.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

export const TIER_COLOURS = { Green: '#2e7d32', Yellow: '#b8860b', Orange: '#d9650b', Red: '#c62828' };
const CONCERN = ['Yellow', 'Orange', 'Red'];
const FONT = { family: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" };

/** Stacked areas of Yellow, Orange and Red per day (Green would dwarf them; it is in the table). */
export function trendChart(canvas, trend) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: trend.days.map((d) => formatDay(d.date)),
      datasets: CONCERN.map((tier) => ({
        label: label('tier', tier),
        data: trend.days.map((d) => d.counts[tier] ?? 0),
        borderColor: TIER_COLOURS[tier],
        backgroundColor: `${TIER_COLOURS[tier]}55`,
        fill: true,
        pointRadius: 0,
        borderWidth: 2,
        // A dashed Red line: told apart from Orange without colour.
        borderDash: tier === 'Red' ? [6, 3] : undefined,
        tension: 0.2,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { font: FONT, maxTicksLimit: 8 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0, font: FONT } },
      },
      plugins: { legend: { labels: { font: FONT } } },
    },
  });
}

export function categoryChart(canvas, categories) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: categories.categories.map((c) => label('category', c.category)),
      datasets: [{
        label: t('board.col.count'),
        data: categories.categories.map((c) => c.count),
        backgroundColor: categories.categories.map((c) => (c.category === 'SelfHarm' ? TIER_COLOURS.Red : '#3f6fb5')),
      }],
    },
    options: {
      animation: false,
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0, font: FONT } }, y: { ticks: { font: FONT } } },
      plugins: { legend: { display: false } },
    },
  });
}
