// A tokenizer file's name: the folder naming the model above generic ones, else the file name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizerName, isGenericFolder } from '../../src/tokenizer/naming.js';

test('names skip generic folders and Hugging Face snapshot hashes', () => {
  assert.equal(tokenizerName('/data/my-model/models/tokenizer.json'), 'my-model');
  assert.equal(tokenizerName('/data/my-model/tokenizer.json'), 'my-model');
  assert.equal(
    tokenizerName(
      '/home/u/.cache/huggingface/hub/models--meta-llama--Llama-3-8B/snapshots/62bd457b6fe961a42a631306577e622c83876cb6/tokenizer.json',
    ),
    'Llama-3-8B',
  );
  assert.equal(tokenizerName('/x/Qwen2-7B/snapshots/0123abcd/original/merges.txt'), 'Qwen2-7B');
  // Not a generic file name: its own name.
  assert.equal(tokenizerName('/data/models/cl100k_base.tiktoken'), 'cl100k_base');
  assert.equal(tokenizerName('/data/models/claude.tokenizer.json'), 'claude');
  // Nothing but generic folders: the file name.
  assert.equal(tokenizerName('/models/tokenizer.json'), 'tokenizer');
  assert.ok(isGenericFolder('snapshots') && isGenericFolder('Models') && isGenericFolder('a1b2c3d4e5f6a7b8'));
  assert.ok(!isGenericFolder('gemma-2b'));
});
