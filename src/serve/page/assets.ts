/** The page, served by the same process: markup (in the reader's language), stylesheet and script, ~25 KB together. */
export { pageHtml } from './page-html.js';
export { PAGE_SCRIPT } from './page-script.js';
export { PAGE_STYLE } from './page-style.js';
