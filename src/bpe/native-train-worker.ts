// Child-process entry for native training: the native trainer prints progress to stdout (which
// would corrupt `--json` output), so it runs here with stdout discarded. Not a library module.
import { readFileSync, writeFileSync } from 'node:fs';
import tokenizers from 'tokenizers';
import { exitWithParent } from '../common/process-cleanup.js';

// tokenizer.train blocks this thread for the whole training: a watchdog thread ends it with its parent.
const [jobPath, parentPid] = process.argv.slice(2);
exitWithParent(Number(parentPid));

const job = JSON.parse(readFileSync(jobPath!, 'utf8')) as {
  tokenizerJson: string;
  files: string[];
  out: string;
};
const tokenizer = tokenizers.Tokenizer.fromString(job.tokenizerJson);
tokenizer.train(job.files);
tokenizer.save(job.out);
writeFileSync(`${job.out}.done`, '');
