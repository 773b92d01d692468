// Validate + plan of a generated 10,000-step playbook on 1,000 channels, whole CLI process: one large
// file (no longer a bar in SPEC §7; kept to watch the one YAML parser and the plan on a big input, and
// that `plan` as text costs about what `plan --json` does).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlaybook } from './gen-playbook.mjs';
import { machine, median, timeProcess } from './lib-stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const file = join(mkdtempSync(join(tmpdir(), 'rb-big-')), 'big.yaml');
const steps = generatePlaybook(file, { steps: 10_000, channels: 1000 });
const runs = Number(process.env.RUNS ?? 10);
const validate = timeProcess(['bin/runbook.js', 'validate', file], { runs, cwd: root });
const planText = timeProcess(['bin/runbook.js', 'plan', file], { runs, cwd: root });
const plan = timeProcess(['bin/runbook.js', 'plan', file, '--json'], { runs, cwd: root });
console.log(`machine: ${machine()}; playbook: ${steps} steps on 1000 channels`);
console.log(`validate: median ${median(validate.times).toFixed(0)} ms, peak RSS ${validate.peakRssMb.toFixed(0)} MB`);
console.log(`plan (timeline): median ${median(planText.times).toFixed(0)} ms, peak RSS ${planText.peakRssMb.toFixed(0)} MB`);
console.log(`plan --json: median ${median(plan.times).toFixed(0)} ms, peak RSS ${plan.peakRssMb.toFixed(0)} MB`);
