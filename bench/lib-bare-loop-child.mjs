// The bare undici loop in its own process, as the exporter runs in its own; it loads only undici.
// argv: URL FROM TO CREDENTIALS-JSON. Prints one JSON line: { records, pages, ms, peakRssMb }.
import { bareLoop } from './lib-bare-loop.mjs';

const [url, from, to, creds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), JSON.parse(process.argv[5])];
const r = await bareLoop(url, creds, { from, to });
console.log(JSON.stringify({ ...r, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
