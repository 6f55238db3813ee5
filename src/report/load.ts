// Reading result.json / validation.json back: checks that a file is a tokmix result of a known
// schema version before any chart or page is made from it, and says what is wrong if not.
import { readFileSync } from 'node:fs';
import { describeFsError, UserError } from '../common/errors.js';
import {
  RESULT_SCHEMA_VERSION,
  VALIDATION_SCHEMA_VERSION,
  type InferResult,
  type ValidationResult,
} from './result.js';

export type AnyResult = InferResult | ValidationResult;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the parts of a parsed JSON value that charts and pages rely on. */
export function checkResult(value: unknown, path: string): AnyResult {
  const notResult = `${path}: not a tokmix result (expected the result.json of \`tokmix infer\` or the validation.json of \`tokmix validate\`)`;
  if (!isObject(value)) throw new UserError(notResult, path);
  if (value.kind === 'tokmix-infer-result') {
    if (value.schemaVersion !== RESULT_SCHEMA_VERSION) {
      throw new UserError(
        `${path}: result schema version ${String(value.schemaVersion)} is not ${RESULT_SCHEMA_VERSION}; re-run \`tokmix infer\` with this version`,
        path,
      );
    }
    const categories = value.categories;
    const tokenizer = value.tokenizer;
    const ok =
      Array.isArray(categories) &&
      categories.length > 0 &&
      categories.every(
        (c) =>
          isObject(c) &&
          typeof c.name === 'string' &&
          typeof c.kind === 'string' &&
          typeof c.byteShare === 'number' &&
          typeof c.pairShare === 'number',
      ) &&
      isObject(tokenizer) &&
      typeof tokenizer.name === 'string';
    if (!ok)
      throw new UserError(
        `${path}: a tokmix result with missing or malformed fields (categories, tokenizer); re-run \`tokmix infer\``,
        path,
      );
    return value as unknown as InferResult;
  }
  if (value.kind === 'tokmix-validation') {
    if (value.schemaVersion !== VALIDATION_SCHEMA_VERSION) {
      throw new UserError(
        `${path}: validation schema version ${String(value.schemaVersion)} is not ${VALIDATION_SCHEMA_VERSION}; re-run \`tokmix validate\` with this version`,
        path,
      );
    }
    const rows = value.rows;
    const ok =
      Array.isArray(rows) &&
      rows.length > 0 &&
      rows.every(
        (r) =>
          isObject(r) &&
          typeof r.method === 'string' &&
          typeof r.n === 'number' &&
          typeof r.meanLog10Mse === 'number' &&
          typeof r.sdLog10Mse === 'number',
      ) &&
      Array.isArray(value.trials);
    if (!ok)
      throw new UserError(
        `${path}: a tokmix validation with missing or malformed rows; re-run \`tokmix validate\``,
        path,
      );
    return value as unknown as ValidationResult;
  }
  throw new UserError(notResult, path);
}

/** Reads and checks one result file. */
export function readResultFile(path: string): AnyResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw describeFsError(error, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(
      `${path}: not valid JSON, so not a tokmix result; give a result.json or validation.json`,
      path,
    );
  }
  return checkResult(value, path);
}
