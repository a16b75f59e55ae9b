/**
 * Live progress for operators: one rewritten line on a terminal, plain lines otherwise (CI logs,
 * pipes), and never more than one plain line per second per label.
 */
export interface Progress {
  update(label: string, text: string): void;
  done(text: string): void;
  line(text: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  const lastPlain = new Map<string, { at: number; text: string }>();
  let live = false;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  return {
    update(label, text) {
      if (tty) {
        clear();
        stream.write(`${label}: ${text}`);
        live = true;
        return;
      }
      const prev = lastPlain.get(label);
      const now = Date.now();
      if (prev && (prev.text === text || now - prev.at < 1000)) return;
      lastPlain.set(label, { at: now, text });
      stream.write(`${label}: ${text}\n`);
    },
    done(text) {
      clear();
      stream.write(`${text}\n`);
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
  };
}

export function bar(done: number, total: number, width = 24): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}
