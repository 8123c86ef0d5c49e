// Parse Argdown with the reference parser (@argdown/core) and print, as JSON, what it
// understood: the statements (title, text, tags, data), the relations between them, the
// front matter and any errors. tests/test_interchange_argdown.py runs it on argmap's export:
//     node tests/argdown/parse.mjs map.argdown
// Tags are left out of statement texts (the parser's removeTagsFromText setting): argmap
// writes stakeholders as tags after the text.
import { readFileSync } from "node:fs";
import { ArgdownApplication, DataPlugin, ModelPlugin, ParserPlugin } from "@argdown/core";

const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new DataPlugin(), "build-model");
app.addPlugin(new ModelPlugin(), "build-model");

const input = readFileSync(process.argv[2] ?? 0, "utf8");
const response = app.run({
  input,
  process: ["parse-input", "build-model"],
  logLevel: "error",
  model: { removeTagsFromText: true },
});

const name = (node) => (node.type === "argument" ? `<${node.title}>` : `[${node.title}]`);
const defined = (s) => s.members.filter((member) => member.text !== undefined);
const result = {
  frontMatter: response.frontMatter ?? null,
  statements: Object.values(response.statements ?? {}).map((s) => ({
    title: s.title,
    text: defined(s).at(-1)?.text ?? null,
    definitions: defined(s).length,
    tags: s.tags ?? [],
    data: s.data ?? null,
  })),
  arguments: Object.keys(response.arguments ?? {}),
  relations: (response.relations ?? []).map((r) => ({ from: name(r.from), to: name(r.to), type: r.relationType })),
  errors: [
    ...(response.lexerErrors ?? []).map((e) => `lexer: ${e.message}`),
    ...(response.parserErrors ?? []).map((e) => `parser: ${e.message}`),
    ...(response.exceptions ?? []).map((e) => `exception: ${e.message}`),
  ],
};
process.stdout.write(JSON.stringify(result));
