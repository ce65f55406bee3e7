/** Canary reports: JUnit XML (one testcase per replayed plan) for CI, and a Markdown summary. */
import { fmtMs, type CanaryReport, type PlanOutcome } from './runner.js';

function xml(s: string): string {
  return (
    s
      // Characters XML 1.0 cannot carry at all.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function caseName(x: PlanOutcome): string {
  return x.plan.source === 'tpch' ? x.plan.name : `${x.plan.workload} ${x.plan.fingerprint}`;
}

export function junitXml(r: CanaryReport): string {
  const suite = `canary ${r.candidate} vs ${r.baseline}`;
  const failures = r.regressions;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml('perennial canary')}" tests="${r.outcomes.length}" failures="${failures}" errors="0" skipped="${r.skipped}" time="${r.seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" tests="${r.outcomes.length}" failures="${failures}" errors="0" skipped="${r.skipped}" time="${r.seconds.toFixed(3)}" timestamp="${r.startedAt.toISOString().replace(/\.\d+Z$/, '')}">`,
    '    <properties>',
    `      <property name="baseline" value="${xml(r.baseline)}"/>`,
    `      <property name="candidate" value="${xml(r.candidate)}"/>`,
    ...(r.runId !== undefined ? [`      <property name="canary_run_id" value="${r.runId}"/>`] : []),
    '    </properties>',
  ];
  for (const x of r.outcomes) {
    const cls = `${x.plan.source}.${x.plan.workload}`;
    const open = `    <testcase classname="${xml(cls)}" name="${xml(caseName(x))}" time="${x.seconds.toFixed(3)}"`;
    if (x.verdict === 'pass') {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (x.verdict === 'skipped') lines.push(`      <skipped message="${xml(x.detail)}"/>`);
    else {
      const body = [
        `${x.kind} regression: ${x.detail}`,
        x.plan.sqlText ? `\nSQL:\n${x.plan.sqlText.trim()}` : '',
        x.repro ? `\nMinimized reproduction (${x.repro.operatorsBefore} → ${x.repro.operatorsAfter} operators):\n${x.repro.text}` : '',
      ].join('\n');
      lines.push(`      <failure message="${xml(`${x.kind}: ${x.detail}`.slice(0, 1000))}" type="${xml(x.kind ?? 'regression')}">${xml(body)}</failure>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function outcomeOf(r: PlanOutcome['baseline']): string {
  return r.ok ? `ok, ${r.result?.rows.length ?? 0} rows` : `\`${r.error?.errorClass ?? 'error'}\``;
}

export function markdownSummary(r: CanaryReport): string {
  const status = r.regressions ? `❌ **${r.regressions} regression${r.regressions === 1 ? '' : 's'}**` : '✅ **no regressions**';
  const byKind = (k: string) => r.outcomes.filter((x) => x.kind === k && x.verdict === 'regression').length;
  const out: string[] = [
    `## Perennial canary: \`${r.candidate}\` vs baseline \`${r.baseline}\``,
    '',
    `${status} — ${r.outcomes.length} plans replayed (${r.sources.join(', ')}): ${r.passed} passed, ${r.regressions} regressed, ${r.skipped} skipped · ${r.seconds.toFixed(1)} s${r.runId !== undefined ? ` · run #${r.runId}` : ''}`,
    '',
    '| regressions | error | wrong result | performance |',
    '|---|---|---|---|',
    `| ${r.regressions} | ${byKind('error')} | ${byKind('wrong-result')} | ${byKind('performance')} |`,
  ];
  const regs = r.outcomes.filter((x) => x.verdict === 'regression');
  if (regs.length) {
    out.push('', '### Regressions', '', '| plan | workload | kind | baseline | candidate | detail |', '|---|---|---|---|---|---|');
    for (const x of regs) {
      out.push(`| \`${md(x.plan.name)}\` | ${md(x.plan.workload)} | ${x.kind} | ${md(outcomeOf(x.baseline))} | ${md(outcomeOf(x.candidate))} | ${md(x.detail)} |`);
    }
    for (const x of regs.filter((y) => y.repro)) {
      const p = x.repro as NonNullable<PlanOutcome['repro']>;
      const shrink = p.operatorsBefore !== p.operatorsAfter ? `${p.operatorsBefore} → ${p.operatorsAfter} operators, ` : '';
      out.push('', `#### \`${x.plan.name}\` — minimized reproduction (${shrink}${p.tests} replays)`, '', '```', p.text, '```');
    }
  }
  const timed = r.outcomes.filter((x) => x.latency && Number.isFinite(x.latency.ratio));
  if (timed.length) {
    const ratios = timed.map((x) => x.latency?.ratio as number).sort((a, b) => a - b);
    const mid = ratios[Math.floor(ratios.length / 2)] as number;
    out.push('', `### Latency`, '', `Median candidate/baseline ratio over ${timed.length} plans: ×${mid.toFixed(2)}. Slowest relative to baseline:`, '', '| plan | baseline median | candidate median | ratio |', '|---|---|---|---|');
    for (const x of [...timed].sort((a, b) => (b.latency?.ratio ?? 0) - (a.latency?.ratio ?? 0)).slice(0, 5)) {
      const l = x.latency as NonNullable<PlanOutcome['latency']>;
      out.push(`| \`${md(x.plan.name)}\` | ${fmtMs(l.baselineMedianMs)} | ${fmtMs(l.candidateMedianMs)} | ×${l.ratio.toFixed(2)} |`);
    }
  }
  const skipped = r.outcomes.filter((x) => x.verdict === 'skipped');
  if (skipped.length) {
    out.push('', '<details><summary>Skipped</summary>', '');
    for (const x of skipped) out.push(`- \`${md(x.plan.name)}\`: ${md(x.detail)}`);
    out.push('', '</details>');
  }
  out.push('');
  return out.join('\n');
}
