/** The page, served by the same process (see page.html.ts, page.js.ts, page.css.ts). */
export const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>runbook serve</title><p>runbook serve';
export const PAGE_SCRIPT = '';
export const PAGE_STYLE = '';
