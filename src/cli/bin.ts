import { start } from './process-entry.js';

void start();
