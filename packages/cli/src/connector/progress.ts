// A progress bar per table while its snapshot runs, on a terminal only. Log lines written meanwhile go
// above the bars, so neither garbles the other.
import { MultiBar, type SingleBar } from 'cli-progress';

/** What the daemon tells the progress display. */
export interface SnapshotProgress {
  /** A snapshot of `resource` starts (or resumes); `total` is an estimate of its rows, when known. */
  started(resource: string, table: string, total: Promise<number | undefined>): void;
  /** `rows` more rows of the snapshot were written. */
  advanced(resource: string, table: string, rows: number): void;
  completed(resource: string): void;
  /** Writes a log line above the bars; false when no bar is shown (write it yourself). */
  log(line: string): boolean;
  /** Removes every bar and restores the terminal. */
  stop(): void;
}

/** A display that shows nothing (not a terminal, or `--no-progress`). */
export const noProgress: SnapshotProgress = {
  started() {},
  advanced() {},
  completed() {},
  log: () => false,
  stop() {},
};

interface Shown {
  bar: SingleBar;
  startedAt: number;
  value: number;
  total: number;
}

/**
 * Progress bars on `stream` (a TTY): table, bar, percentage, rows done / estimated, rows per second and
 * time left. The estimate is raised when the table turns out larger.
 */
export function createSnapshotProgress(stream: NodeJS.WritableStream): SnapshotProgress {
  let multi: MultiBar | undefined;
  const bars = new Map<string, Shown>();

  const ensure = (): MultiBar => {
    multi ??= new MultiBar({
      stream,
      format: '{table} {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | eta {eta_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      // The daemon handles signals itself (graceful stop, then a forced exit).
      gracefulExit: false,
      etaBuffer: 20,
      fps: 5,
    });
    return multi;
  };

  const show = (resource: string, table: string): Shown => {
    let shown = bars.get(resource);
    if (!shown) {
      shown = { bar: ensure().create(1, 0, { table, rate: '0' }), startedAt: Date.now(), value: 0, total: 0 };
      bars.set(resource, shown);
    }
    return shown;
  };

  const setTotal = (shown: Shown, total: number) => {
    shown.total = Math.max(total, shown.value, 1);
    shown.bar.setTotal(shown.total);
  };

  const finishAll = () => {
    multi?.stop();
    multi = undefined;
    bars.clear();
  };

  return {
    started(resource, table, total) {
      const shown = show(resource, table);
      total.then(
        (n) => {
          if (n !== undefined && bars.get(resource) === shown) setTotal(shown, n);
        },
        () => undefined,
      );
    },
    advanced(resource, table, rows) {
      const shown = show(resource, table);
      shown.value += rows;
      if (shown.value > shown.total) setTotal(shown, shown.value);
      const seconds = Math.max(0.001, (Date.now() - shown.startedAt) / 1000);
      shown.bar.update(shown.value, { table, rate: Math.round(shown.value / seconds).toString() });
    },
    completed(resource) {
      const shown = bars.get(resource);
      if (!shown) return;
      setTotal(shown, shown.value);
      shown.bar.update(shown.value);
      shown.bar.stop();
      bars.delete(resource);
      if (bars.size === 0) finishAll();
    },
    log(line) {
      if (!multi) return false;
      multi.log(line.endsWith('\n') ? line : `${line}\n`);
      return true;
    },
    stop: finishAll,
  };
}
