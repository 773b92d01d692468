export { LANGUAGES, DEFAULT_LANGUAGE, parseLanguage, resolveLanguage, negotiateLanguage, UnknownLanguageError } from './language.js';
export type { Language, LanguageChoice } from './language.js';
export { msg, time, duration, list, isMsg } from './message.js';
export type { Msg, MsgParam, MsgParams, MessageKey, TimeParam, DurationParam, ListParam, TimeStyle } from './message.js';
export { formatMessage, formatTime, formatDuration, t } from './format.js';
export { catalogText, catalogKeys, CATALOGS } from './catalog.js';
export type { Catalog } from './catalog.js';
export { displayWidth, padEnd, padStart } from './display-width.js';
