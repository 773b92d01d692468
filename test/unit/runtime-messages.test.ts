import { describe, expect, it } from 'vitest';
import type { RunbookError } from '../../src/core/errors.js';
import { FileError } from '../../src/core/file-error.js';
import { failureOf } from '../../src/engine/failure.js';
import { ExportTimeoutError } from '../../src/export/chat-export.js';
import { HistoryPagingError } from '../../src/export/history-export.js';
import { ReportNotReadyError } from '../../src/export/report-export.js';
import { insideDir } from '../../src/export/safe-path.js';
import { formatMessage, msg } from '../../src/i18n/index.js';
import { JournalCorruptError, JournalGoneError } from '../../src/journal/journal.js';
import { LockHeldError } from '../../src/journal/lock.js';
import { classifyFailure } from '../../src/transport/classify.js';
import { networkReason } from '../../src/transport/client.js';
import { AnswerTooLargeError, ClockSkewError, DownloadError, PolyvApiError, TransportError, inStep } from '../../src/transport/errors.js';

/**
 * Every run-time error formats in both languages (vitest runs with RUNBOOK_I18N_STRICT=1: a missing
 * key or parameter throws), keeps its English wording, and names the same facts in Chinese.
 */
function both(err: RunbookError): { en: string; zh: string } {
  const zh = err.textIn('zh-CN');
  expect(err.textIn('en')).toBe(err.message);
  expect(zh).not.toBe(err.message);
  expect(zh).toMatch(/[\u4e00-\u9fff]/);
  return { en: err.message, zh };
}

describe('run-time errors in en and zh-CN', () => {
  it('an API error keeps the platform code and message as written, and names the step and endpoint', () => {
    const e = both(new PolyvApiError('sendCustomMessage', 403, 403, 'invalid signature.', 'r-1', 'welcome'));
    expect(e.en).toBe('step welcome: sendCustomMessage failed: HTTP 403, code 403: invalid signature. (requestId r-1)');
    expect(e.zh).toBe('步骤 welcome：sendCustomMessage 调用失败：HTTP 403，平台错误码 403：invalid signature.（requestId r-1）');
    // runbook's own words about an unusable answer are translated; platformMessage keeps the English.
    const own = new PolyvApiError('exportSessionStats', 200, 200, msg('error.api.noReportUrl'), undefined);
    expect(own.platformMessage).toBe('the report answer carried no URL');
    expect(both(own).zh).toBe('exportSessionStats 调用失败：HTTP 200，平台错误码 200：场次统计报表接口的应答中没有下载地址');
  });

  it('network failures say their kind and keep their code', () => {
    const at = (code: string): { en: string; zh: string } =>
      both(new TransportError('getSpeakList', 'not-sent', msg('error.transport.at', { reason: networkReason({ code }), base: 'http://x' }), 'h'));
    expect(at('ECONNREFUSED')).toEqual({
      en: 'step h: getSpeakList: ECONNREFUSED: the connection was refused (http://x)',
      zh: '步骤 h：getSpeakList：ECONNREFUSED：连接被拒绝（http://x）',
    });
    expect(at('ENOTFOUND').zh).toContain('无法解析主机名');
    expect(at('CERT_HAS_EXPIRED').en).toContain('CERT_HAS_EXPIRED: the TLS connection failed');
    expect(at('UND_ERR_SOCKET').zh).toContain('UND_ERR_SOCKET');
    expect(at('EWHATEVER')).toEqual({ en: 'step h: getSpeakList: EWHATEVER (http://x)', zh: '步骤 h：getSpeakList：网络错误 EWHATEVER（http://x）' });
    both(new TransportError('getSpeakList', 'unknown', msg('error.transport.deadline', { ms: '400' })));
    both(new DownloadError('https://f/x.xls', 503, msg('error.download.http', { status: '503' }), 's'));
    expect(both(new AnswerTooLargeError('getSpeakList', 1024)).en).toBe('getSpeakList: the answer is larger than 1024 bytes; not read');
  });

  it('a refused timestamp names the measured skew, or says none was measured', () => {
    expect(both(new ClockSkewError(-603_000, 'sendCustomMessage')).zh).toBe(
      'sendCustomMessage：平台两次拒绝了请求的时间戳，调用未生效；本机时钟比平台时钟快 10分3秒。请校准本机时钟（NTP）后重试',
    );
    expect(both(new ClockSkewError(0, 'sendCustomMessage', false)).en).toContain('no usable Date header');
    expect(both(new ClockSkewError(200, 'sendCustomMessage', true)).en).toContain('no clock skew was measured');
  });

  it('journal and lock errors say what to do next', () => {
    expect(both(new JournalGoneError('/s/r.jsonl', 'deleted')).zh).toContain('被删除');
    expect(both(new JournalGoneError('/s/r.jsonl', 'replaced')).en).toContain('was replaced while the run was writing it');
    expect(both(new JournalCorruptError('/s/r.jsonl', 7)).zh).toContain('第 7 行');
    const lock = both(new LockHeldError({ host: 'h', pid: 42, since: Date.parse('2026-12-01T11:00:00Z') }, '/s/r.lock'));
    expect(lock.en).toMatch(/^another runbook run of this run is active: pid 42 on h, since 2026-12-01T11:00:00.000Z \(lock \/s\/r.lock\)/);
    expect(lock.zh).toContain('请删除锁文件');
  });

  it('file errors say what runbook was doing, the path and the system code', () => {
    expect(both(new FileError(msg('error.file.what.writeJournal'), '/s/r.jsonl', 'ENOSPC'))).toEqual({
      en: 'cannot write the journal /s/r.jsonl: no space left on the device (ENOSPC)',
      zh: '无法写入运行日志 /s/r.jsonl：设备上没有剩余空间（ENOSPC）',
    });
    expect(both(new FileError(msg('error.file.what.write'), '/o/x.xls', 'EWEIRD')).en).toBe('cannot write /o/x.xls: a file system error (EWEIRD)');
  });

  it('export errors name the channel, the session, the cursor and where the partial file is', () => {
    both(new ReportNotReadyError('1000001', 's-1', 5, 'report'));
    both(new ExportTimeoutError(inStep('chat', msg('error.export.chatTimeout', { channel: '1', status: 'doing', seconds: '1800' }))));
    for (const fault of ['repeated', 'cycle', 'missing', 'no-new'] as const) both(new HistoryPagingError(fault, 'c-9', 3, 120, '/o/x.partial', 'history'));
    both(new HistoryPagingError('missing', '', 1, 10, '/o/x.partial'));
    let refused: unknown;
    try {
      insideDir('/o', '../x');
    } catch (e) {
      refused = e;
    }
    both(refused as RunbookError);
  });

  it('an outcome carries the error’s message as key + params; an error that is not runbook’s keeps its words', () => {
    const api = new PolyvApiError('batchCheckin', 400, 1097, '非法的频道ID', undefined, 'checkin-batch-1');
    const f = failureOf('batchCheckin', api);
    expect(f).toMatchObject({ result: 'failed', code: 1097, message: api.message, text: api.text });
    const odd = failureOf('sendCustomMessage', new TypeError('x is not a function'));
    expect(odd.result).toBe('ambiguous');
    expect(formatMessage(odd.text, 'en')).toBe('x is not a function');
    expect(formatMessage(odd.text, 'zh-CN')).toBe('意外错误：x is not a function');
    for (const err of [api, new TransportError('getSpeakList', 'not-sent', msg('error.transport.abortedBeforeSending')), new Error('boom')])
      expect(formatMessage(classifyFailure('sendCustomMessage', err).reason, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
  });
});
