import type en from './catalogs/en.json';

/**
 * A message to show a person, as data: a catalog key and its parameters. Stages below the CLI
 * (load, plan, engine …) build these and never pick a language; whoever shows the message (the CLI,
 * serve's page and API) formats it in the reader's language with `formatMessage`.
 */
export interface Msg {
  readonly key: MessageKey;
  readonly params?: MsgParams;
}

export type MsgParams = Readonly<Record<string, MsgParam>>;

/**
 * What a parameter may be. Plain strings and numbers go in as they are (file names, step ids,
 * counts); a nested `Msg` is formatted in the same language; times and durations are formatted by
 * the language's conventions (`12月15日 19:30` / `Dec 15, 19:30`, `1小时30分` / `1h30m`); a list is
 * joined as the language joins lists (`a, b and c` / `a、b和c`).
 */
export type MsgParam = string | number | Msg | TimeParam | DurationParam | ListParam;

export interface TimeParam {
  readonly kind: 'time';
  /** Epoch milliseconds. */
  readonly ms: number;
  /** IANA zone the reader thinks in: the event's. */
  readonly zone: string;
  /** `time` HH:mm:ss; `dateTime` date and minutes (the default); `dateTimeSeconds`; `full` with the year and offset. */
  readonly style?: TimeStyle;
}
export type TimeStyle = 'time' | 'dateTime' | 'dateTimeSeconds' | 'full';

export interface DurationParam {
  readonly kind: 'duration';
  readonly ms: number;
}

export interface ListParam {
  readonly kind: 'list';
  readonly items: readonly MsgParam[];
  /** `and` (the default) or `or`. */
  readonly type?: 'and' | 'or';
}

/** Every key of the catalogs, as `namespace.sub.name` (the English catalog is the reference). */
export type MessageKey = LeafKeys<typeof en>;

type LeafKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : LeafKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Builds a message. `msg('diag.checkinOverlap', { a: 'checkin-1', b: 'checkin-2' })`. */
export function msg(key: MessageKey, params?: MsgParams): Msg {
  return params ? { key, params } : { key };
}

export const time = (ms: number, zone: string, style?: TimeStyle): TimeParam => (style ? { kind: 'time', ms, zone, style } : { kind: 'time', ms, zone });
export const duration = (ms: number): DurationParam => ({ kind: 'duration', ms });
export const list = (items: readonly MsgParam[], type?: 'and' | 'or'): ListParam => (type ? { kind: 'list', items, type } : { kind: 'list', items });

export function isMsg(value: unknown): value is Msg {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string' && !('kind' in value);
}
