// Generates a course term: one course template and `lessons` lesson files extending it, ~40 steps
// each (the template's 6, the lesson's 34), texts with variables and the date helpers — each lesson's
// texts its own, as a real term's are (so each is a distinct template string) — all lessons on
// one shared main channel (so the cross-file check-in rule has work) and an overflow channel each.
// Used by validate-term.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateTerm(dir, { lessons = 300, stepsPerLesson = 34 } = {}) {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  mkdirSync(join(dir, 'lessons'), { recursive: true });
  writeFileSync(
    join(dir, 'templates', 'course.yaml'),
    `params:
  course: { type: string, default: 数据分析 101 }
  lesson: { type: integer, required: true }
  teacher: { type: string, default: 王老师 }
  room: { type: string, default: "1000001" }
event:
  name: "{{course}} · 第 {{lesson}} 课"
  timezone: Asia/Shanghai
  duration: 1h30m
  sessionId: "s-{{lesson}}"
channels:
  main: "{{room}}"
defaults:
  outDir: exports
steps:
  - { id: welcome, kind: message, at: start, text: "欢迎来到《{{course}}》第 {{lesson}} 课!{{teacher}} 将在 {{time event.start}} 准时开始。" }
  - { id: rules, kind: message, at: +1m, text: "课堂须知:请保持聊天文明,提问请在问题前加【问】。", audience: viewers }
  - { id: homework, kind: message, at: end-1m, text: "作业截止 {{add event.start \\"168h\\" \\"MM月dd日 HH:mm\\"}},请按时提交。" }
  - { id: chat-export, kind: chatExport, at: end+10m }
  - { id: history, kind: historyExport, at: end+10m, format: jsonl }
  - { id: report, kind: reportExport, at: end+30m, deadline: 2h }
`,
  );
  const files = [];
  for (let i = 1; i <= lessons; i++) {
    const day = Math.floor((i - 1) / 3);
    const slot = ['09:00', '14:00', '19:30'][(i - 1) % 3];
    const date = new Date(Date.UTC(2030, 2, 1 + day)).toISOString().slice(0, 10);
    const lines = [
      '# yaml-language-server: $schema=../../schemas/playbook.schema.json',
      'extends: ../templates/course.yaml',
      `vars: { lesson: ${i}, teacher: ${i % 2 ? '王老师' : '李老师'} }`,
      `event: { start: "${date}T${slot}" }`,
      `channels: { overflow: "${2_000_000 + i}" }`,
      'steps:',
    ];
    for (let k = 0; k < stepsPerLesson; k++) {
      const at = `+${2 + k * 2}m`;
      if (k % 8 === 7)
        lines.push(`  - id: checkin-${k}\n    kind: checkin\n    at: ${at}\n    duration: 60s\n    prompt: "第 {{lesson}} 课签到 · {{time event.start}}"`);
      else if (k % 5 === 4)
        lines.push(
          `  - id: both-${k}\n    kind: message\n    at: ${at}\n    channels: [main, overflow]\n    text: '{{teacher}}:第 ${i} 课第 ${k} 个问题的讨论将在 {{add event.start "${2 + k * 2 + 3}m" "HH:mm"}} 结束'`,
        );
      else
        lines.push(
          `  - id: note-${k}\n    kind: message\n    at: ${at}\n    text: "《{{course}}》第 {{lesson}} 课 · 第 ${k} 条(主题 ${i}.${k})· {{date event.start}} {{time event.start}}"`,
        );
    }
    const file = join(dir, 'lessons', `lesson-${String(i).padStart(3, '0')}.yaml`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  return files;
}
