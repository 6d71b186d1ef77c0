/** chart.js with only the parts the console draws (bars and lines on linear and category scales). */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip, Filler);
// The page animates nothing: a live page redrawn every few seconds should not keep moving.
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

export { Chart };

/** One colour per job state, the same in the badges (style.css) and the charts. */
export const STATE_COLOURS: Record<string, string> = {
  QUEUED: '#9aa5b1', DISPATCHING: '#62b0e8', RUNNING: '#2f9e44', PREEMPTING: '#f08c00', PREEMPTED: '#e8590c',
  RESUMING: '#1c7ed6', COMPLETED: '#2b8a3e', FAILED: '#c92a2a', CANCELLED: '#495057', EXPIRED: '#862e9c',
};

export const PALETTE = ['#1c7ed6', '#e8590c', '#2f9e44', '#862e9c', '#f08c00', '#0c8599', '#c2255c', '#5c940d'];

/** A canvas in a box of fixed height (chart.js sizes itself to its parent). */
export function chartBox(height: number): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = document.createElement('div');
  box.className = 'chart';
  box.style.height = `${height}px`;
  const canvas = document.createElement('canvas');
  box.append(canvas);
  return { box, canvas };
}
