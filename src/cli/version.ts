// The version printed by --version and written into SARIF reports: package.json's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../store/migrations.js';

export const VERSION: string = (JSON.parse(readFileSync(join(packageDir('migrations'), '..', 'package.json'), 'utf8')) as { version: string }).version;
