/** Simulated time: starts at a fixed instant and moves only when the simulation says so. */
export class SimClock {
  private ms: number;

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.ms = start;
  }

  now(): Date {
    return new Date(this.ms);
  }

  get millis(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
