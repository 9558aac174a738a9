/**
 * A jest reporter that names every test that did not run, after the summary, so that a skipped suite
 * (the EventStoreDB contract without EVENTSTORE_CONNECTION_STRING, say) is read as skipped and never as passed.
 */
class SkippedReporter {
  onRunComplete(_contexts, results) {
    const lines = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') {
          const name = [...test.ancestorTitles, test.title].join(' › ');
          lines.push(`  ${test.status === 'todo' ? 'TODO   ' : 'SKIPPED'} ${name}  (${file.testFilePath.replace(`${process.cwd()}/`, '')})`);
        }
      }
    }
    if (lines.length > 0) process.stderr.write(`\n*** ${lines.length} test(s) did not run — not passed: ***\n${lines.join('\n')}\n\n`);
  }
}

module.exports = SkippedReporter;
