// Issue 6: ~500 actions on 20 channels (messages, check-ins, all three exports) with 20 % of calls
// failing. Prints what was checked; exits non-zero when a promise was broken.
import { faultRun } from './lib-faults.mjs';
import { machine } from './lib-stats.mjs';

const t0 = Date.now();
const r = await faultRun({ channels: 20, messages: 20, checkins: 2, seed: Number(process.env.SEED ?? 7) });
console.log(
  `machine: ${machine()}; ${r.actions} actions, ${r.requests} requests, ${r.faultsInjected} faults injected (${((100 * r.faultsInjected) / r.requests).toFixed(1)} %), ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(`ambiguous (reported by id in the summary and in runbook status): ${r.ambiguous.length}: ${r.ambiguous.join(', ')}`);
console.log(`exit code ${r.exitCode}; problems: ${r.problems.length ? r.problems.join('; ') : 'none'}`);
process.exitCode = r.problems.length ? 1 : 0;
