/**
 * The one progress bar of the `dgr` commands, on standard error and only on a terminal:
 * `label [#########-----------]  45%  450000/1000000`. Returns the callback to give a long job.
 */
export const progressBar = (label: string, stream: NodeJS.WriteStream = process.stderr) => {
  if (!stream.isTTY) return (): void => undefined;
  let last = -1;
  return (done: number, total: number): void => {
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const percent = Math.floor(share * 100);
    if (percent === last && done !== total) return;
    last = percent;
    const width = 30;
    const filled = Math.round(share * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${done}/${total}`);
    if (done >= total) stream.write('\n');
  };
};
