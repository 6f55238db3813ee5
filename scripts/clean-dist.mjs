// Empties dist/ before a build, so files of removed sources never linger as ghost commands or tests.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
