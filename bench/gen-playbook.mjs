// Generates a large playbook: `steps` steps over `channels` channels (messages and check-ins,
// check-ins ≥ 5 s apart per channel so it is valid). Used by validate-plan.mjs.
import { writeFileSync } from 'node:fs';

export function generatePlaybook(file, { steps = 10_000, channels = 1000 } = {}) {
  const lines = ['event: { name: Big lesson, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 3h }', 'vars: { course: Bench }', 'channels:'];
  for (let c = 0; c < channels; c++) lines.push(`  ch${c}: "${2_000_000 + c}"`);
  lines.push('steps:');
  const perChannel = Math.ceil(steps / channels);
  let n = 0;
  for (let c = 0; c < channels && n < steps; c++) {
    for (let k = 0; k < perChannel && n < steps; k++, n++) {
      if (k % 5 === 4)
        lines.push(`  - id: s${n}\n    kind: checkin\n    at: +${10 + k * 2}m\n    duration: 60s\n    channels: ch${c}\n    prompt: 签到 {{course}}`);
      else
        lines.push(
          `  - id: s${n}\n    kind: message\n    at: +${k * 2}m${c % 60}s\n    channels: ch${c}\n    text: "{{course}} 第 ${k} 条消息 · channel ${c}"`,
        );
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return n;
}
