// The `domains` set: kinds of English text — books (Moby-Dick), speeches (State of the Union
// addresses), e-mail (SpamAssassin bodies) and legal (the licence texts of the pinned packages).
import { basename, join } from 'node:path';
import { statSync } from 'node:fs';
import type { BuiltCategory } from './languages.js';
import { type SetRecipes, recipePackageDir, recipeVersion } from './locate.js';
import type { FetchOptions } from '../../common/npm-fetch.js';
import { type WalkedFile, takeFiles, walkCodeRoots } from './code.js';
import { expandGlob, globMatches } from '../glob.js';

/** An e-mail's body: what follows the first blank line after the headers. */
export function emailBody(message: string): string {
  const match = /\r?\n\r?\n/.exec(message);
  return match ? message.slice(match.index + match[0].length) : '';
}

export async function buildDomains(
  recipes: SetRecipes,
  fetching: Omit<FetchOptions, 'what'>,
): Promise<BuiltCategory[]> {
  // The pinned packages are walked first: a package missing or at another version stops the build
  // before any data package is fetched.
  const walked = new Map(
    Object.entries(recipes.domains)
      .filter(([, recipe]) => !recipe.package)
      .map(([name, recipe]) => [name, walkCodeRoots(recipe.roots ?? [], recipes.code.packages)]),
  );
  const built: BuiltCategory[] = [];
  for (const [name, recipe] of Object.entries(recipes.domains)) {
    let files: WalkedFile[];
    let source: string;
    if (recipe.package) {
      const glob = recipe.glob;
      const listed = new Set(recipe.files ?? []);
      const dir = await recipePackageDir(
        recipe,
        (path) => (glob ? globMatches(glob, path) : listed.has(path)),
        fetching,
      );
      const paths = recipe.glob
        ? expandGlob(recipe.glob, dir)
        : (recipe.files ?? []).map((file) => join(dir, file));
      files = paths.map((path) => ({
        label: `${recipe.package}/${path.slice(dir.length + 1)}`,
        path,
        size: statSync(path).size,
      }));
      source = `${recipe.package}@${recipeVersion(recipe)} (${recipe.glob ?? (recipe.files ?? []).join(', ')})`;
    } else {
      const pattern = new RegExp(recipe.namePattern ?? '^$', 'i');
      files = (walked.get(name) ?? []).filter((file) => pattern.test(basename(file.label)));
      source = 'licence files of the npm packages pinned in corpora/sets.json code.packages';
    }
    // Books keep their order (one file); other domains mix documents in path-hash order.
    const { text, files: taken } = takeFiles(files, recipes.capBytes, (raw) =>
      recipe.bodyOnly ? emailBody(raw) : raw,
    );
    if (Buffer.byteLength(text, 'utf8') < recipes.minimumBytes) continue;
    built.push({
      meta: {
        name,
        kind: 'domain',
        language: 'en',
        script: 'Latn',
        source: `${source}, ${taken} documents`,
        license: recipe.license,
      },
      text,
    });
  }
  return built;
}
