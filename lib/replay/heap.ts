/** The replay's events: earliest first, then in the order they were pushed. */
import { MinHeap } from '../sched/heap';

export interface Timed {
  readonly t: number;
  readonly seq: number;
}

const before = (x: Timed, y: Timed): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);

export class EventHeap<E extends Timed> extends MinHeap<E> {
  constructor() {
    super(before);
  }

  /** Time of the earliest event, if any. */
  peekTime(): number | undefined {
    return this.peek()?.t;
  }
}
