// `queuescope check`: argument parsing (pure) and the built command's exit codes, output and
// errors on a real recording, a missing file and files that are not recordings.

import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CliUsageError, helpText, parseCli } from '../../../src/diagnostics/cliArgs';
import type { FindingRecord, RuleId, Severity } from '../../../src/diagnostics/findings';
import { checkNotes, exitCodeOf, HINTS_LISTED, jsonReport, textReport } from '../../../src/diagnostics/report';
import { resolveThresholds, THRESHOLD_KEYS, THRESHOLD_TABLE } from '../../../src/diagnostics/thresholds';
import { ensureBuilt, fixture, record, runCli, tmpFile } from './programs';

const ROOT = path.resolve(__dirname, '../../..');

// A TypeScript program compiled by the real tsc (sourceMap: true) and run by plain node: its
// recording holds .js positions; `queuescope check` must print the .ts line, as VS Code does.
// The type-only lines at the top move every emitted line, so a raw .js line is visibly off.
const TS_PROGRAM = `interface Job { id: number }
type Pending = Job[];
declare const require: (id: string) => any;
declare const process: { env: Record<string, string | undefined> };
const { Queue } = require(process.env.QS_LIB as string);
const jobs = new Queue({ name: 'jobs' }); // CREATED
async function main(): Promise<void> {
  for (let i = 0; i < 5; i++) jobs.putNowait({ id: i } as Job);
  const left: Pending = [];
  left.push(await jobs.get());
}
void main();
`;

// The same, crashing: the report says how it ended and where (its .ts line, through the map).
const TS_CRASH = `declare const require: (id: string) => any;
declare const process: { env: Record<string, string | undefined> };
declare function setTimeout(fn: () => void, ms: number): unknown;
interface Job { id: number }
const { Queue } = require(process.env.QS_LIB as string);
const jobs = new Queue({ name: 'jobs' });
function settle(job: Job): void {
  if (job.id > 1) throw new RangeError('job ' + job.id + ' out of range'); // THROWS
}
setTimeout(() => {
  for (let i = 0; i < 3; i++) settle({ id: i });
}, 50);
jobs.putNowait({ id: 0 });
`;

/** Compiles `source` as src/app.ts with the real tsc (source maps on) in a new folder; returns the folder. */
async function compileTs(name: string, source: string): Promise<string> {
  const dir = path.dirname(tmpFile(`${name}/x`));
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src/app.ts'), source);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', outDir: 'dist', rootDir: 'src', sourceMap: true, strict: true, types: [], lib: ['es2022'] } }));
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir });
  return dir;
}

/** Records the compiled program of `dir` with the built library. */
async function recordTs(dir: string, file: string, exitCode = 0): Promise<string> {
  process.env.QS_LIB = path.join(ROOT, 'dist/lib/index.js');
  try {
    return await record({ script: path.join(dir, 'dist/app.js'), args: [] }, tmpFile(file), exitCode);
  } finally {
    delete process.env.QS_LIB;
  }
}

describe('queuescope check: arguments', () => {
  it('maps every threshold flag onto its key, in both --flag v and --flag=v forms', () => {
    const cmd = parseCli(['check', 'run.qscope', '--json', '--idle-factor', '6', '--growth-budget-items=5000', '--poll-ms', '50']);
    assert.equal(cmd.command, 'check');
    if (cmd.command !== 'check') return;
    assert.equal(cmd.file, 'run.qscope');
    assert.equal(cmd.json, true);
    assert.equal(cmd.pollMs, 50);
    assert.equal(cmd.thresholds.idleFactor, 6);
    assert.equal(cmd.thresholds.growthBudgetItems, 5000);
    assert.equal(cmd.thresholds.deadlockConfirmMs, THRESHOLD_TABLE.deadlockConfirmMs.default);
  });

  it('rejects unknown options, missing or out-of-range values and a missing file with a usage error', () => {
    for (const [argv, re] of [
      [['check', 'a.qscope', '--nope', '1'], /unknown option --nope/],
      [['check', 'a.qscope', '--idle-factor'], /--idle-factor needs a value/],
      [['check', 'a.qscope', '--idle-factor', '0.5'], /idleFactor \(--idle-factor\) must be a number >= 1, got 0\.5/],
      [['check', 'a.qscope', '--stuck-floor-ms', 'abc'], /--stuck-floor-ms must be a number, got "abc"/],
      // The name before its value: a misspelled switch read as "must be a number, got the file".
      [['check', '--raw-site', 'a.qscope'], /unknown option --raw-site/],
      [['check'], /which recording/],
      [['check', 'a.qscope', 'b.qscope'], /one recording at a time/],
      [['lint', 'a.qscope'], /unknown command "lint"/],
    ] as const) {
      assert.throws(() => parseCli([...argv]), (err: unknown) => err instanceof CliUsageError && re.test(err.message), argv.join(' '));
    }
  });

  it('has one distinct flag per threshold, all listed in --help and in docs/DIAGNOSTICS.md', () => {
    const flags = THRESHOLD_KEYS.map((k) => THRESHOLD_TABLE[k].flag);
    assert.equal(new Set(flags).size, flags.length);
    const docs = fs.readFileSync(`${__dirname}/../../../docs/DIAGNOSTICS.md`, 'utf8');
    for (const k of THRESHOLD_KEYS) {
      assert.ok(helpText().includes(THRESHOLD_TABLE[k].flag), k);
      assert.ok(docs.includes(`\`${k}\``) && docs.includes(`\`${THRESHOLD_TABLE[k].flag}\``), `docs/DIAGNOSTICS.md lacks ${k}`);
    }
  });
});

describe('queuescope check: notes, names and ends in the report (pure)', () => {
  // A review: `--poll-ms 1e9` was taken, and a check that ticked once in eleven days judged nothing.
  it('--poll-ms is bounded as the live poll interval is (1 to 10,000 ms), with a usage error that says so', () => {
    assert.equal((parseCli(['check', 'a.qscope', '--poll-ms', '10000']) as { pollMs: number }).pollMs, 10_000);
    assert.equal((parseCli(['check', 'a.qscope', '--poll-ms=1']) as { pollMs: number }).pollMs, 1);
    for (const v of ['1e9', '10001', '0', '-5']) {
      assert.throws(() => parseCli(['check', 'a.qscope', '--poll-ms', v]), (err: unknown) => err instanceof CliUsageError && /--poll-ms must be a number from 1 to 10000 .*got/.test(err.message), v);
    }
    assert.match(helpText(), /--poll-ms <n> +evaluate every <n> ms of recorded time, 1 to 10000/);
  });

  // Reviews: lines of a realm with no source line (its line lost, or a second process that
  // truncated the file) were dropped silently; a header-only file said "no findings", exit 0;
  // a realm killed by SIGABRT or SIGUSR2 read "killed with -9".
  it('notes lines skipped for want of a source line, and a file with nothing recorded (exit 2); a realm without an end line is said as it may be', () => {
    const base = { span: { from: 1000, to: 3000 }, savedWhileRunning: undefined, unended: [], orphans: [], realmCount: 1 };
    assert.deepEqual(checkNotes(base, { warnings: ['Skipped 1 corrupt line (…); kept the rest.'] }), ['Skipped 1 corrupt line (…); kept the rest.']);
    const orphaned = checkNotes({ ...base, orphans: [{ src: '4242:0', lines: 12 }, { src: '7:1', lines: 1 }] }, { warnings: [] });
    assert.deepEqual(orphaned, [
      '12 lines of realm 4242:0 were skipped: no source line (the file may have been truncated by another process writing the same path)',
      '1 line of realm 7:1 was skipped: no source line (the file may have been truncated by another process writing the same path)',
    ]);
    const unended = checkNotes({ ...base, unended: [{ key: '4242:0', lastSeen: 2500 }] }, { warnings: [] });
    assert.deepEqual(unended, ['realm 4242:0 ended without an end line (killed by a signal such as SIGKILL or SIGABRT, crashed, or the file was cut): its findings are as last seen, at +1.5 s']);

    const nothing = checkNotes({ ...base, span: undefined, realmCount: 0 }, { warnings: [] });
    assert.deepEqual(nothing, ["nothing was recorded: the file holds its header and no realm's data (a program that died as it started, or a file another process truncated), so nothing was checked"]);
    const report = { file: 'run.qscope', records: [], warnings: nothing, nothingChecked: true, thresholds: resolveThresholds({}) };
    assert.deepEqual(textReport(report).split('\n'), [`note: ${nothing[0]}`, 'run.qscope: nothing checked (see the note above).']);
    assert.equal(exitCodeOf(report), 2, 'as an empty file: nothing was checked, and CI must not pass on it');
    const json = JSON.parse(jsonReport(report)) as { exitCode: number; nothingChecked?: boolean; notes: string[]; warnings: string[] };
    assert.deepEqual([json.exitCode, json.nothingChecked, json.notes, json.warnings], [2, true, nothing, nothing]);
    // Only lines of realms without their source line: nothing could be checked either.
    assert.deepEqual(checkNotes({ ...base, realmCount: 0, orphans: [{ src: '1:0', lines: 65 }] }, { warnings: [] })[1], 'nothing could be checked: no realm in the file has its source line');
    assert.equal(exitCodeOf({ records: [] }), 0);
  });

  it('--json holds the file notes as `notes`, and under their old key `warnings` too; no `nothingChecked` when something was checked', () => {
    const report = { file: 'run.qscope', span: { from: 1000, to: 3000 }, records: [], warnings: ['a note'], thresholds: resolveThresholds({}) };
    const json = JSON.parse(jsonReport(report)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['file', 'span', 'notes', 'warnings', 'thresholds', 'exitCode', 'findings']);
    assert.deepEqual(json.notes, ['a note']);
    assert.deepEqual(json.warnings, ['a note']);
  });

  // A review: a name of 100,000 characters was printed whole, twice per finding; an empty one as ``.
  it('the text cuts a long queue name with an ellipsis (--json keeps it whole) and names an unnamed queue by its id', () => {
    const long = 'x'.repeat(100_000);
    const finding = (name: string, key: string): FindingRecord => ({
      finding: {
        id: key, rule: 'exit-work-left', severity: 'warning', session: 's', message: `At exit, in \`${name}\`: 1 item was never processed.`, since: 1000,
        queues: [{ key, name, size: 1, maxsize: 1 }],
        waiters: [{ role: 'put', queueName: name, waitedMs: 5, id: 1, queue: key, since: 1000 }],
        sites: [{ file: '/app/a.js', line: 3, column: 1, fn: '', what: { does: 'creates', queue: name } }],
        figures: {},
      },
      raised: 1500,
    });
    const report = { file: 'run.qscope', span: { from: 1000, to: 3000 }, records: [finding(long, 's/1:0/7'), finding('', 's/1:0/9'), finding('`x`', 's/1:0/10')], warnings: [], thresholds: resolveThresholds({}) };
    const text = textReport(report);
    assert.ok(text.length < 2000, `${text.length} characters`);
    const cut = `\`${'x'.repeat(60)}…\``;
    assert.ok(text.includes(`warning exit-work-left: At exit, in ${cut}: 1 item was never processed.`), text);
    assert.ok(text.includes(`blocked put on ${cut} for 5 ms`));
    // A wait already blocked when QueueScope attached: its time is a lower bound.
    const adopted = finding('jobs', 's/1:0/11');
    adopted.finding.waiters[0].adopted = true;
    assert.ok(textReport({ ...report, records: [adopted] }).includes('blocked put on `jobs` for at least 5 ms'));
    assert.ok(text.includes(`${cut} created at /app/a.js:3:1`));
    assert.ok(text.includes('warning exit-work-left: At exit, in (unnamed queue #9): 1 item was never processed.'), text);
    assert.ok(text.includes('(unnamed queue #9) created at /app/a.js:3:1'));
    assert.ok(text.includes('warning exit-work-left: At exit, in ``x``: 1 item was never processed.'), 'a name with backticks is left as it is');
    assert.doesNotMatch(text, /in ``:/);
    const json = JSON.parse(jsonReport(report)) as { findings: { queues: { name: string }[]; message: string }[] };
    assert.equal(json.findings[0].queues[0].name, long, 'JSON keeps the name whole');
    assert.ok(json.findings[0].message.includes(long));
  });

  it('says "an uncaught exception" when the thrown value\'s text could not be read, not "uncaught an uncaught exception"', () => {
    const report = (error: string) => textReport({ file: 'run.qscope', span: { from: 1000, to: 3000 }, records: [], warnings: [], thresholds: resolveThresholds({}), ended: { end: { reason: 'uncaughtException', error } } });
    assert.match(report('an uncaught exception'), /^The program ended: an uncaught exception$/m);
    assert.match(report('Error: boom'), /^The program ended: uncaught Error: boom$/m);
    assert.match(report('object thrown: null'), /^The program ended: uncaught object thrown: null$/m);
  });
});

describe('queuescope check: the built command', function () {
  this.timeout(60_000);
  let left: string;

  before(async () => {
    ensureBuilt();
    left = await record(fixture('leftover', 'left'), tmpFile('cli-left.qscope'));
  });

  it('the text lists warnings first, all of them; past five hints of a rule it folds the rest into a count (--all lists them)', () => {
    const rec = (i: number, rule: RuleId, severity: Severity): FindingRecord => ({
      finding: { id: `${rule}:${i}`, rule, severity, session: 's', message: `finding ${i} on q${i}.`, since: 1000 + i, queues: [{ key: `k${i}`, name: `q${i}`, size: 0, maxsize: 0 }], waiters: [], sites: [], figures: {} },
      raised: 2000 + i,
    });
    const records = [rec(0, 'long-block', 'hint'), ...Array.from({ length: 8 }, (_, i) => rec(1 + i, 'exit-work-left', 'hint')), rec(9, 'stuck', 'warning')];
    const report = { file: 'run.qscope', span: { from: 1000, to: 3000 }, records, warnings: [], thresholds: resolveThresholds({}) };
    const text = textReport(report);
    const lines = text.split('\n').filter((l) => /^(warning|info|hint) /.test(l));
    assert.equal(HINTS_LISTED, 5);
    assert.deepEqual(lines, [
      'warning stuck: finding 9 on q9.',
      'hint    long-block: finding 0 on q0.',
      ...[1, 2, 3, 4, 5].map((i) => `hint    exit-work-left: finding ${i} on q${i}.`),
      'hint    exit-work-left: 3 more, not listed (`q6`, `q7`, `q8`); --all lists every one, --json has them all',
    ]);
    assert.match(text, /^run\.qscope: 1 warning\(s\), 0 info, 9 hint\(s\)/, 'the count is of all of them');
    const every = textReport(report, true).split('\n').filter((l) => /^hint /.test(l));
    assert.equal(every.length, 9);
    assert.equal((parseCli(['check', 'run.qscope', '--all']) as { all: boolean }).all, true);
    assert.equal((parseCli(['check', 'run.qscope']) as { all: boolean }).all, false);
  });

  it("writes control characters in the program's strings as escapes: a queue name cannot forge a line or drive the terminal", () => {
    const name = 'jobs\nwarning deadlock: FORGED\u001b[2J\u001b]0;title\u0007';
    const records: FindingRecord[] = [{
      finding: { id: 'x', rule: 'stuck', severity: 'warning', session: 's', message: `\`${name}\` is stuck.`, since: 1000, queues: [{ key: 'k', name, size: 0, maxsize: 0 }], waiters: [{ role: 'put', queueName: name, waitedMs: 5, id: 1, queue: 'k' } as never], sites: [], figures: {} },
      raised: 1500,
    }];
    const ended = { end: { reason: 'uncaughtException', error: 'Error: a\r\nwarning forged too' } };
    const text = textReport({ file: 'run.qscope', span: { from: 1000, to: 3000 }, records, warnings: [], thresholds: resolveThresholds({}), ended });
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f]/, 'no control character but the report\'s own newlines');
    assert.deepEqual(text.split('\n').filter((l) => /^warning/.test(l)), ['warning stuck: `jobs\\nwarning deadlock: FORGED\\u001b[2J\\u001b]0;title\\u0007` is stuck.']);
    assert.match(text, /uncaught Error: a\\r\\nwarning forged too/);
  });

  it("names whose end it was when a worker thread died and the program ran on, in the text and in --json", () => {
    const ended = { end: { reason: 'uncaughtException', error: 'TypeError: bytes is null', at: { file: 'file:///app/thumbs.js', line: 23, column: 57, fn: '' } }, realm: 'worker thread 2' };
    const report = { file: 'run.qscope', span: { from: 1000, to: 3000 }, records: [], warnings: [], thresholds: resolveThresholds({}), ended };
    assert.deepEqual(textReport(report).split('\n'), ['run.qscope: no findings (2.0 s recorded).', '', 'Worker thread 2 ended: uncaught TypeError: bytes is null, thrown at /app/thumbs.js:23:57']);
    assert.deepEqual((JSON.parse(jsonReport(report)) as { ended: unknown }).ended, { ...ended.end, realm: 'worker thread 2' });
    // A clean end is no news: neither says anything.
    const clean = { ...report, ended: { end: { reason: 'exit', code: 0 } } };
    assert.doesNotMatch(textReport(clean), /ended:/);
    assert.equal((JSON.parse(jsonReport(clean)) as { ended?: unknown }).ended, undefined);
  });

  it('prints the findings with their call sites and exits 1 on a warning', async () => {
    const r = await runCli(['check', left]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /1 warning\(s\)/);
    assert.match(r.stdout, /warning exit-work-left: At exit, in `jobs`: 3 items were never processed\./);
    assert.match(r.stdout, /`jobs` created at \/\S*leftover\.js:8:\d+$/m); // the line that created `jobs`
    assert.equal(r.stderr, '', 'plain JavaScript without maps: nothing to say about source maps');
  });

  it('--json prints the same findings as JSON, with the thresholds used', async () => {
    const r = await runCli(['check', left, '--json', '--idle-factor', '7']);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { exitCode: number; thresholds: { idleFactor: number }; findings: { rule: string; raised: number }[] };
    assert.equal(json.exitCode, 1);
    assert.equal(json.thresholds.idleFactor, 7);
    assert.deepEqual(json.findings.map((f) => f.rule), ['exit-work-left']);
  });

  it('exits 0 with "no findings" on a healthy run', async () => {
    const done = await record(fixture('leftover', 'done'), tmpFile('cli-done.qscope'));
    const r = await runCli(['check', done]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /no findings/);
  });

  it('exits 2 with a clear message for a missing file, a file that is not a recording, and bad flags', async () => {
    const missing = await runCli(['check', tmpFile('nope.qscope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No such file/);
    const junk = tmpFile('junk.qscope');
    fs.writeFileSync(junk, 'hello, I am not a recording\n');
    const notRec = await runCli(['check', junk]);
    assert.equal(notRec.code, 2);
    assert.match(notRec.stderr, /not a QueueScope recording/);
    const empty = tmpFile('empty.qscope');
    fs.writeFileSync(empty, '');
    assert.match((await runCli(['check', empty])).stderr, /empty/);
    const bad = await runCli(['check', left, '--growth-window-ms', '-3']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /growthWindowMs \(--growth-window-ms\) must be a number >= 100/);
    assert.equal(bad.stdout, '');
  });

  it('keeps going on a recording with corrupt lines, saying what it skipped', async () => {
    const damaged = tmpFile('damaged.qscope');
    const lines = fs.readFileSync(left, 'utf8').split('\n');
    lines.splice(3, 0, '{"src": broken');
    fs.writeFileSync(damaged, lines.join('\n'));
    const r = await runCli(['check', damaged]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /note: Skipped 1 corrupt line/);
    assert.match(r.stdout, /3 items were never processed/);
  });

  it('prints the .ts line of a tsc-built program through its source map (--raw-sites: the .js line)', async () => {
    const dir = await compileTs('ts', TS_PROGRAM);
    const tsLine = TS_PROGRAM.split('\n').findIndex((l) => l.includes('// CREATED')) + 1;
    const js = fs.readFileSync(path.join(dir, 'dist/app.js'), 'utf8').split('\n');
    const jsLine = js.findIndex((l) => l.includes('// CREATED')) + 1;
    assert.notEqual(jsLine, tsLine, 'the emitted line differs from the source line');
    const file = await recordTs(dir, 'ts.qscope');
    const mapped = await runCli(['check', file]);
    assert.equal(mapped.code, 1, mapped.stderr);
    assert.match(mapped.stdout, /4 items were never processed/);
    assert.match(mapped.stdout, new RegExp(`created at \\S*app\\.ts:${tsLine}:\\d+$`, 'm'), mapped.stdout);
    assert.doesNotMatch(mapped.stdout, /app\.js:/);
    assert.equal(mapped.stderr, '', 'a good map is used quietly');
    const raw = await runCli(['check', file, '--raw-sites']);
    assert.match(raw.stdout, new RegExp(`created at \\S*app\\.js:${jsLine}:\\d+$`, 'm'), raw.stdout);
    // The map gone: the .js line, and one line on stderr saying why.
    fs.rmSync(path.join(dir, 'dist/app.js.map'));
    const noMap = await runCli(['check', file]);
    assert.match(noMap.stdout, new RegExp(`app\\.js:${jsLine}:`));
    assert.match(noMap.stderr, /app\.js\.map/);
  });

  it("says how a crashed program ended, at the .ts line that threw, in the text and in --json", async () => {
    const dir = await compileTs('ts-crash', TS_CRASH);
    const tsLine = TS_CRASH.split('\n').findIndex((l) => l.includes('// THROWS')) + 1;
    const jsLine = fs.readFileSync(path.join(dir, 'dist/app.js'), 'utf8').split('\n').findIndex((l) => l.includes('// THROWS')) + 1;
    assert.notEqual(jsLine, tsLine);
    const file = await recordTs(dir, 'ts-crash.qscope', 1);
    const text = await runCli(['check', file]);
    assert.equal(text.code, 1, 'the work left at exit is a warning');
    const lines = text.stdout.split('\n');
    assert.match(lines[2], new RegExp(`^The program ended: uncaught RangeError: job 2 out of range, thrown at settle \\(\\S*app\\.ts:${tsLine}:\\d+\\)$`), text.stdout);
    const json = JSON.parse((await runCli(['check', file, '--json'])).stdout) as { ended?: { reason: string; error: string; at: { file: string; line: number } } };
    assert.deepEqual([json.ended?.reason, json.ended?.error, json.ended?.at.file.endsWith('app.ts'), json.ended?.at.line], ['uncaughtException', 'RangeError: job 2 out of range', true, tsLine]);
    const raw = await runCli(['check', file, '--raw-sites']);
    assert.match(raw.stdout, new RegExp(`thrown at settle \\(\\S*app\\.js:${jsLine}:\\d+\\)$`, 'm'));
    // A run that ended well says nothing of its end.
    const done = await runCli(['check', await record(fixture('leftover', 'done'), tmpFile('cli-done2.qscope'))]);
    assert.doesNotMatch(done.stdout, /The program ended/);
  });

  // A review: a deadlocked program killed with -9 wrote nothing after its last change, so its
  // recording lived 110 ms, held no deadlock, and said "At exit" of a program that never exited.
  it('a program killed with -9: its recording runs to its last second (heartbeats), the deadlock is found, and the report says no end was written', async () => {
    const file = tmpFile('killed.qscope');
    const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file };
    delete env.QUEUESCOPE_TRACE;
    const child = spawn(process.execPath, ['--require', path.join(ROOT, 'dist/lib/register.js'), path.join(ROOT, 'test/fixtures/diagnostics/killed.js')], { env, stdio: 'ignore' });
    try {
      // Until the file holds a line 3 s of hub time after its first: the recorder's own clock.
      for (let i = 0; i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const ts = fs.existsSync(file) ? [...fs.readFileSync(file, 'utf8').matchAll(/"t":(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1])) : [];
        if (ts.length > 1 && Math.max(...ts) - Math.min(...ts) >= 3000) break;
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const r = await runCli(['check', file, '--whole-program-quiet-ms', '1500']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^note: realm \d+:0 ended without an end line \(killed by a signal such as SIGKILL or SIGABRT, crashed, or the file was cut\): its findings are as last seen, at \+\d/m);
    const recorded = /\(([\d.]+) s recorded\)/.exec(r.stdout);
    assert.ok(recorded && Number(recorded[1]) >= 2.5, r.stdout);
    assert.match(r.stdout, /^warning deadlock: /m);
  });

  // A review of that note: every piscina recording read "killed with -9" for its threads,
  // which piscina terminates when the program ends.
  it('no "no end line" note for worker threads a process ended normally', async () => {
    const file = await record(fixture('threads'), tmpFile('threads.qscope'));
    const r = await runCli(['check', file]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(fs.readFileSync(file, 'utf8'), /"threadId":[1-9]/, 'the threads are in the recording');
    assert.doesNotMatch(r.stdout, /without an end line/);
  });

  it('names every realm that crashed, not only one (two workers, each its own error)', async () => {
    const file = await record(fixture('realms', 'crashes'), tmpFile('crashes.qscope'));
    const r = await runCli(['check', file]);
    assert.match(r.stdout, /^Worker thread \d+ ended: uncaught Error: shard one failed, thrown at .*realms\.js:\d+:\d+\)?$/m);
    assert.match(r.stdout, /^Worker thread \d+ ended: uncaught Error: shard two failed, thrown at .*realms\.js:\d+:\d+\)?$/m);
    const json = JSON.parse((await runCli(['check', file, '--json'])).stdout) as { ended?: { error?: string }; alsoEnded?: { error?: string; realm?: string }[] };
    const errors = [json.ended?.error, ...(json.alsoEnded ?? []).map((e) => e.error)].sort();
    assert.deepEqual(errors, ['Error: shard one failed', 'Error: shard two failed']);
  });

  it('--help lists every flag and exits 0; a bare `queuescope` is a usage error, the help on stderr and exit 2', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const k of THRESHOLD_KEYS) assert.ok(r.stdout.includes(THRESHOLD_TABLE[k].flag));
    const bare = await runCli([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.equal(bare.stderr.trim(), r.stdout.trim());
  });
});
