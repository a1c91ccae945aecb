/**
 * `lookout catalog --stack NAME [--origins] [--catalog FILE]`: the stack's effective
 * catalog as YAML, after its layers are merged (catalog/layers.ts), so a reviewer
 * sees what the stack really gets. With --origins each value carries the file:line that
 * wrote it as a comment (the overlay's where it overrides the base). The catalog is
 * validated first: a bad one is reported (exit 2), never printed.
 */
import * as path from "path";
import { Document, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from "yaml";
import { catalogPath } from "../../infra/stack/config";
import { CatalogError, type CatalogIssue } from "../../catalog/errors";
import { joinFiles, mergeLayers, readLayers, type Tracked, untrack } from "../../catalog/layers";
import { loadCatalog } from "../../catalog/load";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { stackOverrides } from "../engine/plan";
import { ALLOW_OUTSIDE_PROJECT, findProjectRoot, readStackSettings } from "../engine/stackConfig";

export interface CatalogFlags {
  stack: string;
  catalog?: string;
  origins?: boolean;
  allowOutsideProject?: boolean;
}

export function catalogCommand(flags: CatalogFlags, write: (text: string) => void): Promise<number> {
  const root = findProjectRoot(process.cwd());
  const settings = readStackSettings(root, flags.stack, stackOverrides(flags));
  const configured = settings.config["lookout:catalog"];
  if (configured === undefined) throw new InputError(`stack ${flags.stack} names no catalog (lookout:catalog in Pulumi.${flags.stack}.yaml)`);
  const file = catalogPath(configured, root);
  const options = { projectRoot: root, allowOutsideProject: settings.config[ALLOW_OUTSIDE_PROJECT] === "true" };
  const issues: CatalogIssue[] = [];
  let tree: Tracked | undefined;
  try {
    loadCatalog(file, options);
    const { sources, layered } = readLayers(file, options);
    tree = layered ? mergeLayers(sources, issues)?.tree : joinFiles(sources, issues);
  } catch (error) {
    if (error instanceof CatalogError) throw new InputError(error.message);
    throw error;
  }
  if (!tree || issues.length > 0) throw new InputError(new CatalogError(issues).message);
  write(renderEffective(tree, flags.origins === true));
  return Promise.resolve(EXIT.ok);
}

/** The tree as YAML; with origins, each scalar's file:line as a line comment. */
export function renderEffective(tree: Tracked, origins: boolean): string {
  const doc = new Document(untrack(tree), { aliasDuplicateObjects: false });
  if (origins) annotate(doc.contents, tree);
  return doc.toString({ lineWidth: 0 });
}

function originOf(tree: Tracked): string {
  const at = tree.layer.locate(tree.path);
  return ` ${path.relative(process.cwd(), tree.layer.file) || tree.layer.file}:${at.line}`;
}

function annotate(node: YamlNode | null, tree: Tracked): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const child = tree.children?.get(String(pair.key.value));
      if (child) annotateValue(pair.value as YamlNode | null, child);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = tree.children?.get(i);
      if (child) annotateValue(item as YamlNode | null, child);
    });
  }
}

function annotateValue(node: YamlNode | null, tree: Tracked): void {
  if (isScalar(node)) node.comment = originOf(tree);
  else annotate(node, tree);
}
