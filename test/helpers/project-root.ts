import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, whatever the working directory of the process that asks. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
